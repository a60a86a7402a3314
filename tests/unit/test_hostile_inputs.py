"""Hostile files and file systems (issue 6): every input gives a clear problem or log line,
in bounded time and memory, and the rest of the vault is still indexed and checked.

Each test goes through the same path as `claim-lsp check` and the server's indexer:
load.build_vault (walk, read, decode, parse) and checks.check_note.
"""

from __future__ import annotations

import json
import logging
import os
import threading
import tracemalloc
from pathlib import Path

import pytest

from claim_lsp import load, scan
from claim_lsp.checks import check_note
from claim_lsp.cli import main as cli_main
from claim_lsp.config import Config, Limits, load_config
from claim_lsp.index import Vault
from claim_lsp.load import build_vault
from claim_lsp.model import Note, Problem
from claim_lsp.parse import parse_note
from claim_lsp.scan import note_from_file, walk_notes
from claim_lsp.text import split_lines
from tests.timing import LINEAR_4X, assert_grows_under

MB = 1024 * 1024
GOOD = "---\ntype: claim\ndomain: ai-alignment\ndescription: x\nconfidence: likely\nsource: s\ncreated: 2026-01-01\n---\n\n# good\n"


def make(root: Path, files: dict[str, str | bytes], config: str | None = None) -> Path:
    root.mkdir(parents=True, exist_ok=True)
    for rel, content in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content, encoding="utf-8", newline="")
    if config is not None:
        (root / ".claim-lsp.toml").write_text(config)
    return root


def check_all(root: Path) -> tuple[Vault, dict[str, list[Problem]]]:
    vault = build_vault(root, load_config(root))
    return vault, {path: check_note(note, vault) for path, note in sorted(vault.notes.items())}


def check_all_measured(root: Path) -> tuple[Vault, dict[str, list[Problem]], int]:
    """check_all, with the peak of memory it allocated."""
    tracemalloc.start()
    try:
        vault, got = check_all(root)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    return vault, got, peak


def codes(problems: list[Problem]) -> list[str]:
    return sorted(p.code for p in problems)


def unreadable(problems: list[Problem]) -> str:
    [p] = [p for p in problems if p.code == "unreadable-file"]
    assert p.severity == "error"
    return p.message


# ---- encodings and bytes ---------------------------------------------------------------------


def test_invalid_utf8_is_reported_and_the_links_kept(tmp_path):
    root = make(tmp_path, {"good.md": GOOD, "bad.md": b"# bad\n\xff\xfe\xc3( broken [[good]] and [[nope]]\n"})
    vault, got = check_all(root)
    assert "not valid UTF-8 (byte 6, line 2)" in unreadable(got["bad.md"])
    assert codes(got["bad.md"]) == ["broken-link", "unreadable-file"]
    assert [lk.target for lk in vault.notes["bad.md"].links] == ["good", "nope"]


@pytest.mark.parametrize("codec", ["utf-16-le", "utf-16-be"])
def test_utf16_with_bom_is_read(tmp_path, codec):
    text = "\ufeff" + GOOD.replace("# good", "# u16").replace("\n", "\r\n") + "[[good]] 🚀 [[nope]]\r\n"
    root = make(tmp_path, {"good.md": GOOD, "u16.md": text.encode(codec)})
    vault, got = check_all(root)
    assert codes(got["u16.md"]) == ["broken-link"]
    assert vault.notes["u16.md"].meta["type"] == "claim"


def test_binary_file_named_md(tmp_path):
    png = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)) * 40
    root = make(tmp_path, {"image.md": png, "good.md": GOOD})
    vault, got = check_all(root)
    assert "binary" in unreadable(got["image.md"])
    assert vault.notes["image.md"].links == [] and vault.resolve("image", "good.md").note is not None
    assert got["good.md"] == []


def test_nul_bytes(tmp_path):
    late_nul = b"# late\n" + b"x" * 9000 + b"\x00 [[good]]\n"  # past the 8 KiB sniff: read as text
    root = make(tmp_path, {"early.md": b"# early\x00\n[[good]]", "late.md": late_nul, "good.md": GOOD})
    vault, got = check_all(root)
    assert "binary" in unreadable(got["early.md"])
    assert [lk.target for lk in vault.notes["late.md"].links] == ["good"]
    assert "unreadable-file" not in codes(got["late.md"])
    note = parse_note("n.md", "---\nk: a\x00b\n---\n# n\x00\n[[a\x00b]]")  # NULs in str: never a crash
    assert [lk.target for lk in note.links] == ["a\x00b"]


def test_empty_files(tmp_path):
    root = make(tmp_path, {"empty.md": b"", "only bom.md": b"\xef\xbb\xbf", "links.md": "[[empty]] [[only bom]]"})
    _, got = check_all(root)
    assert got == {"empty.md": [], "links.md": [], "only bom.md": []}


# ---- sizes ----------------------------------------------------------------------------------


def huge_note_vault(root: Path, size: int) -> Path:
    return make(root, {"huge.md": b"[[x]] " * (size // 6), "good.md": GOOD})


def test_a_50_mb_note_is_reported_not_read(tmp_path):
    root = huge_note_vault(tmp_path / "50", 50 * MB)
    vault, got, peak = check_all_measured(root)
    assert "over the limit of 10485760 (limits.max_file_bytes)" in unreadable(got["huge.md"])
    assert vault.notes["huge.md"].links == []
    assert peak < 5 * MB
    # not read at all: a file 4 times larger takes no longer (reading it would take 4 times as long)
    assert_grows_under(2, check_all, huge_note_vault(tmp_path / "12.5", 50 * MB // 4), root)


def test_configured_file_limit_boundary(tmp_path):
    root = make(
        tmp_path,
        {"at.md": b"[[good]]" + b" " * 992, "under.md": b"[[good]]" + b" " * 991, "over.md": b"[[good]]" + b" " * 993},
        config="[limits]\nmax_file_bytes = 1000\n",
    )
    (root / "good.md").write_text("# good\n")
    vault, got = check_all(root)
    assert codes(got["under.md"]) == [] and codes(got["at.md"]) == []
    assert "1001 bytes, over the limit of 1000" in unreadable(got["over.md"])
    assert [lk.target for lk in vault.notes["at.md"].links] == ["good"]


def test_file_that_grows_between_stat_and_read(tmp_path, monkeypatch):
    path = tmp_path / "n.md"
    path.write_bytes(b"x" * 50)
    real_open = open

    def grow_then_open(file, *args, **kwargs):
        if Path(file) == path:
            with real_open(file, "wb") as fh:  # rewritten after the size check
                fh.write(b"x" * 5000)
        return real_open(file, *args, **kwargs)

    monkeypatch.setattr(scan, "open", grow_then_open, raising=False)  # scan.py's open()
    note = note_from_file("n.md", path, Config(max_file_bytes=1000))
    assert "grew past the limit" in unreadable(note.problems)


def long_line_vault(root: Path, size: int) -> tuple[Path, str]:
    line = "word " * (size // 5)
    return make(root, {"long.md": "# long\n\n" + line + "[[missing]] `[[in code]]` [[good]]\n", "good.md": GOOD}), line


def test_a_5_mb_single_line(tmp_path):
    root, line = long_line_vault(tmp_path / "5", 5 * MB)
    smaller, _ = long_line_vault(tmp_path / "1.25", 5 * MB // 4)
    vault, got = assert_grows_under(LINEAR_4X, check_all, smaller, root)
    [broken] = [p for p in got["long.md"] if p.code == "broken-link"]
    assert broken.span.line == 2 and broken.span.col == len(line) + 2
    assert len(vault.intro_of(vault.notes["long.md"])) < 800


def parse_and_check(line: str) -> Note:
    note = parse_note("n.md", line)
    vault = Vault()
    vault.put(note)
    check_note(note, vault)
    return note


@pytest.mark.parametrize(
    "line_of",  # size -> a line of about that many characters
    [
        lambda size: "[[a]] " * (size // 6),  # a million links on one line
        lambda size: "` [[a]] `` " * (size // 11),  # and a million code spans between them
        lambda size: "[[" * (size // 2),  # brackets that never close
        lambda size: "# a" + " " * size + "x",  # a heading of spaces (was quadratic)
        # unmatched backtick runs before many short ones; both grow, as a quadratic scan would multiply them
        lambda size: "`" + "``" * (size // 2600) + "`a" * (size * 2 // 5),
    ],
    ids=["links", "links-and-code", "open-brackets", "heading-spaces", "backtick-runs"],
)
def test_pathological_5_mb_lines_parse_in_bounded_time(line_of):
    line = line_of(5 * MB)
    note = assert_grows_under(LINEAR_4X, parse_and_check, line_of(5 * MB // 4), line)
    assert len(note.links) <= Limits().max_links


def parse(text: str) -> Note:
    return parse_note("n.md", text)


def test_frontmatter_line_of_spaces_is_linear():
    def text(spaces: int) -> str:
        return "---\na" + " " * spaces + "\nb: [x, y]\n---\n"

    note = assert_grows_under(LINEAR_4X, parse, text(50_000), text(200_000))  # under max_yaml_bytes, both
    assert "b" in note.frontmatter.keys


def test_flow_list_item_of_spaces_is_linear():
    def text(spaces: int) -> str:
        return "---\nk: [a" + " " * spaces + "b]\n---\n"

    note = assert_grows_under(LINEAR_4X, parse, text(50_000), text(200_000))
    assert note.meta == {"k": ["a" + " " * 200_000 + "b"]}


def many_links_vault(root: Path, links: int) -> Path:
    body = "\n".join(f"- [[good]] and [[missing {i}]]" for i in range(links // 2))
    return make(root, {"many.md": "# many\n" + body, "good.md": GOOD})


def test_10000_links_in_one_note(tmp_path):
    root = many_links_vault(tmp_path / "10000", 10_000)
    vault, got = assert_grows_under(LINEAR_4X, check_all, many_links_vault(tmp_path / "2500", 2_500), root)
    assert len(vault.notes["many.md"].links) == 10_000
    broken = [p for p in got["many.md"] if p.code == "broken-link"]
    assert len(broken) == 5000 and broken[-1].span.line == 5000
    assert "too-many-links" not in codes(got["many.md"])


def test_links_over_the_configured_limit(tmp_path):
    root = make(tmp_path, {"many.md": "[[x]]\n" * 30 + "[[x]] " * 30}, config="[limits]\nmax_links = 25\n")
    vault, got = check_all(root)
    assert len(vault.notes["many.md"].links) == 25
    assert codes(got["many.md"]).count("too-many-links") == 1
    assert codes(got["many.md"]).count("broken-link") == 25


# ---- line endings -------------------------------------------------------------------------------


@pytest.mark.parametrize("eol", ["\r\n", "\r", "\n\r"])
def test_crlf_and_lone_cr(tmp_path, eol):
    text = eol.join(["---", "type: claim", "depends_on: ['[[good]]']", "---", "# Crlf", "", "x [[nope]] y", ""])
    root = make(tmp_path, {"crlf.md": text.encode(), "good.md": GOOD})
    vault, got = check_all(root)
    note = vault.notes["crlf.md"]
    lines = split_lines(text)  # "\n\r\n\r" is three LSP line breaks: \n, \r\n, \r
    assert [lk.target for lk in note.links] == ["good", "nope"]
    for link in note.links:
        assert lines[link.span.line][link.span.col : link.span.end_col] == f"[[{link.target}]]"
    [broken] = [p for p in got["crlf.md"] if p.code == "broken-link"]
    assert lines[broken.span.line][broken.span.col : broken.span.end_col] == "nope"
    assert note.h1 is not None and note.h1.text == "Crlf"
    if eol != "\n\r":  # "\n\r" leaves empty lines between the keys; it parses all the same
        assert note.meta["type"] == "claim"


def test_fifo_named_md_does_not_block_the_scan(tmp_path):
    root = make(tmp_path, {"good.md": GOOD})
    os.mkfifo(root / "pipe.md")
    got: dict[str, list[Problem]] = {}
    # opening the FIFO would block for ever (nothing writes to it): the scan runs in a thread,
    # so that shows as a failure after a deadline no loaded machine comes near, not as a hang
    scan_thread = threading.Thread(target=lambda: got.update(check_all(root)[1]), daemon=True)
    scan_thread.start()
    scan_thread.join(timeout=60)
    assert not scan_thread.is_alive(), "the scan blocked on the FIFO"
    assert "not a regular file" in unreadable(got["pipe.md"])


# ---- YAML ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "needle"),
    [
        ("---\ntype: claim\n# never closed\n[[good]]\n", "never closed"),
        ("---\n- a\n- b\n---\n", "not a list"),
        ("---\njust a scalar\n---\n", "not a single value"),
        ("---\n42\n---\n", "not a single value"),
        ("---\n: :\n---\n", "does not parse"),
    ],
    ids=["unclosed", "list", "scalar", "number", "garbage"],
)
def test_frontmatter_that_is_not_a_mapping(tmp_path, text, needle):
    root = make(tmp_path, {"n.md": text, "good.md": GOOD})
    _, got = check_all(root)
    [p] = [p for p in got["n.md"] if p.code == "yaml-error"]
    assert needle in p.message and p.severity == "error"


def test_duplicate_keys(tmp_path):
    root = make(tmp_path, {"n.md": GOOD.replace("domain: ai-alignment\n", "domain: ai-alignment\ndomain: e\n")})
    vault, got = check_all(root)
    [p] = [p for p in got["n.md"] if p.code == "duplicate-key"]
    assert p.span.line == 3 and vault.notes["n.md"].meta["domain"] == "e"


@pytest.mark.parametrize(
    "tag",
    [
        "!!python/object/apply:os.system",
        "!!python/object/apply:subprocess.call",
        "!!python/object/new:os.system",
        "!python/object/apply:os.system",
    ],
)
def test_python_tags_never_construct(tmp_path, tag):
    sentinel = tmp_path / "sentinel"
    evil = f"---\ntype: claim\nx: {tag} [['touch {sentinel}']]\n---\n"
    evil_list = f"---\ntype: claim\nx: {tag}\n  args: ['touch {sentinel}']\n---\n"
    root = make(tmp_path / "vault", {"evil.md": evil, "evil2.md": evil_list})
    _, got = check_all(root)
    assert not sentinel.exists()
    assert "yaml-error" in codes(got["evil.md"]) and "yaml-error" in codes(got["evil2.md"])


def billion_laughs(levels: int = 9, width: int = 10) -> str:
    lines = ["---", 'lol0: &l0 ["lol"' + ', "lol"' * (width - 1) + "]"]
    for i in range(1, levels + 1):
        lines.append(f"lol{i}: &l{i} [" + ", ".join([f"*l{i - 1}"] * width) + "]")
    return "\n".join(lines) + "\n---\n# bomb\n"


def merge_key_bomb(levels: int = 7) -> str:
    """Merge keys copy pairs: an old PyYAML flattened these exponentially."""
    names = "abcdefghijklmnopqrstuvwxyz"
    return (
        "---\na: &a {"
        + ", ".join(f"k{i}: {i}" for i in range(10))
        + "}\n"
        + "\n".join(
            f"{c}: &{c} {{<<: [" + ", ".join([f"*{p}"] * 10) + "]}"
            for p, c in zip(names[:levels], names[1 : levels + 1])
        )
        + "\n---\n"
    )


@pytest.mark.parametrize(
    ("bomb", "levels"), [(billion_laughs, 9), (merge_key_bomb, 7)], ids=["billion-laughs", "merge-keys"]
)
def test_alias_bombs_are_bounded(tmp_path, bomb, levels):
    text = bomb(levels=levels)
    root = make(tmp_path / "full", {"bomb.md": text})
    vault, got, peak = check_all_measured(root)
    assert peak < 50 * MB
    # four levels fewer expand to 10,000 times fewer values, and take about as long: the
    # budget, not the bomb, bounds the work (a bomb followed to the end would take 10,000 times as long)
    assert_grows_under(4, check_all, make(tmp_path / "small", {"bomb.md": bomb(levels=levels - 4)}), root)
    if "lol" in text:
        [p] = [p for p in got["bomb.md"] if p.code == "yaml-error"]
        assert "expands to more than" in p.message
        assert vault.notes["bomb.md"].frontmatter.data is None


def test_alias_bomb_with_a_small_configured_budget(tmp_path):
    root = make(tmp_path, {"n.md": billion_laughs(levels=2)}, config="[limits]\nmax_yaml_values = 50\n")
    _, got = check_all(root)
    assert any("more than 50 values" in p.message for p in got["n.md"])


def nested(opener: str, depth: int, cut: int) -> str:
    """A YAML value nested depth levels deep; block forms (whose indentation grows with the
    depth) cut after `cut` characters."""
    if opener in "[{":
        closer = {"[": "]", "{": "}"}[opener]
        return opener * depth + closer * depth
    if opener == "- ":
        lines = (" " * i + "- " for i in range(0, 2 * depth, 2))
    else:
        lines = (" " * i + "a:" for i in range(1, depth))
    value, size = [], 0
    for line in lines:  # only the lines the cut keeps: all of them would be 100 MB
        value.append(line)
        size += len(line) + 1
        if size > cut:
            break
    return ("\n" + "\n".join(value))[: cut + 1]


@pytest.mark.parametrize("opener", ["[", "{", "- ", "a:\n  "])
def test_deeply_nested_yaml(tmp_path, opener):
    depth = 10_000
    root = make(tmp_path / "deep", {"deep.md": f"---\nk: {nested(opener, depth, 200_000)}\n---\n# deep\n[[x]]"})
    shallow = make(
        tmp_path / "shallow", {"deep.md": f"---\nk: {nested(opener, depth // 4, 50_000)}\n---\n# deep\n[[x]]"}
    )
    vault, got = assert_grows_under(LINEAR_4X, check_all, shallow, root)
    assert "x" in [lk.target for lk in vault.notes["deep.md"].links]
    note_codes = codes(got["deep.md"])
    assert "yaml-error" in note_codes or vault.notes["deep.md"].frontmatter.data is not None


def test_frontmatter_over_the_yaml_size_limit(tmp_path):
    text = "---\n" + "".join(f"k{i}: {'v' * 60}\n" for i in range(50)) + "---\n"
    root = make(tmp_path, {"n.md": text}, config="[limits]\nmax_yaml_bytes = 1000\n")
    _, got = check_all(root)
    assert any("larger than 1000 bytes" in p.message for p in got["n.md"])


# ---- the file system ------------------------------------------------------------------------------


def test_permission_denied_file(tmp_path, monkeypatch):
    # root ignores file modes, so the denial is simulated where the scan opens the file
    root = make(tmp_path, {"secret.md": "# secret", "good.md": GOOD})
    real_open = open

    def deny(file, *args, **kwargs):
        if Path(file).name == "secret.md":
            raise PermissionError(13, "Permission denied", str(file))
        return real_open(file, *args, **kwargs)

    monkeypatch.setattr(scan, "open", deny, raising=False)  # scan.py's open()
    vault, got = check_all(root)
    assert "permission denied" in unreadable(got["secret.md"])
    assert got["good.md"] == [] and vault.resolve("secret", "good.md").note is not None


def test_permission_denied_folder(tmp_path, monkeypatch, caplog):
    root = make(tmp_path, {"locked/a.md": "# a", "open/b.md": "[[a]]", "top.md": "# top"})
    real_scandir = os.scandir

    def deny(path):
        if Path(path).name == "locked":
            raise PermissionError(13, "Permission denied", str(path))
        return real_scandir(path)

    monkeypatch.setattr(scan.os, "scandir", deny)
    with caplog.at_level(logging.WARNING, logger="claim_lsp.scan"):
        vault, got = check_all(root)
    assert sorted(vault.notes) == ["open/b.md", "top.md"]
    assert codes(got["open/b.md"]) == ["broken-link"]
    assert any("locked" in r.getMessage() and "cannot list folder" in r.getMessage() for r in caplog.records)


def test_permission_denied_vault_root(tmp_path, monkeypatch, capsys):
    root = make(tmp_path, {"a.md": "# a"})
    monkeypatch.setattr(scan.os, "scandir", lambda path: (_ for _ in ()).throw(PermissionError(13, "denied")))
    assert cli_main(["check", str(root)]) == 0
    assert "0 notes checked" in capsys.readouterr().out


def test_symlink_loops(tmp_path):
    root = make(tmp_path, {"a/n.md": "[[m]]", "a/b/m.md": "# m"})
    (root / "a" / "b" / "up").symlink_to(root / "a", target_is_directory=True)
    (root / "loop").symlink_to(root, target_is_directory=True)
    (root / "x.md").symlink_to(root / "y.md")
    (root / "y.md").symlink_to(root / "x.md")  # a file symlink loop
    vault, got = check_all(root)
    # each folder walked once: a loop followed would list a/b/up/n.md, loop/a/n.md, ...
    assert sorted(set(vault.notes) - {"x.md", "y.md"}) == ["a/b/m.md", "a/n.md"]
    assert len({n.title for n in vault.notes.values() if n.title in ("n", "m")}) == 2
    assert got["a/n.md"] == []
    for name in ("x.md", "y.md"):
        if name in got:
            assert "cannot be read" in unreadable(got[name])


def test_symlinks_out_of_the_vault_are_not_followed(tmp_path):
    outside = make(tmp_path / "outside", {"secret.md": "# secret", "dir/deep.md": "# deep"})
    root = make(tmp_path / "vault", {"in.md": "[[secret]] [[deep]]"})
    (root / "secret.md").symlink_to(outside / "secret.md")
    (root / "dir").symlink_to(outside / "dir", target_is_directory=True)
    (root / "up").symlink_to(tmp_path, target_is_directory=True)
    (root / "abs.md").symlink_to("/etc/passwd")
    vault, got = check_all(root)
    assert sorted(vault.notes) == ["in.md"]
    assert codes(got["in.md"]) == ["broken-link", "broken-link"]


def test_file_deleted_between_listing_and_reading(tmp_path, monkeypatch):
    root = make(tmp_path, {"gone.md": "# gone", "stays.md": "[[gone]]"})
    real = scan.note_from_file

    def delete_first(rel, path, config):
        if rel == "gone.md":
            Path(path).unlink()
        return real(rel, path, config)

    monkeypatch.setattr(load, "note_from_file", delete_first)  # what the indexer calls
    vault, got = check_all(root)
    assert "disappeared while being read" in unreadable(got["gone.md"])
    assert got["stays.md"] == []  # the title is still known for this run


def test_file_replaced_by_a_folder_between_listing_and_reading(tmp_path):
    root = make(tmp_path, {"n.md": "# n"})
    [rel] = list(walk_notes(root, Config()))
    path = root / rel
    path.unlink()
    path.mkdir()
    note = note_from_file(rel, path, Config())
    assert "folder" in unreadable(note.problems)


def test_vault_folder_deleted_before_the_scan(tmp_path):
    root = make(tmp_path / "v", {"n.md": "# n"})
    walker = walk_notes(root, Config())
    (root / "n.md").unlink()
    root.rmdir()
    assert list(walker) == []
    assert len(build_vault(root, Config())) == 0


NAMES = ["a b c", "é 🚀 ünïcödé", "C# notes", "100% sure", "[bracket] name", "50%20off", "x]y", "tab\tname"]


def test_odd_file_names(tmp_path, capsys):
    files = {f"dir with space/{name}.md": f"# {name}\n" for name in NAMES}
    files["links.md"] = "[[a b c]] [[é 🚀 ünïcödé]] [[100% sure]] [[50%20off]] [[dir with space/a b c]]\n"
    files["x" * 200 + "🚀.md"] = "# " + "x" * 200 + "🚀\n"  # 205 bytes of the 255 a name may have
    root = make(tmp_path, files)
    vault, got = check_all(root)
    assert len(vault) == len(files)
    assert got["links.md"] == []
    for name in NAMES:
        assert vault.notes[f"dir with space/{name}.md"].title == name
    # `#` and brackets cannot be written in a wiki link's target: such notes are reachable by
    # alias only (documented in docs/limits.md), and a link that tries is reported, not crashed on
    note = parse_note("t.md", "[[C# notes]] [[[bracket] name]] [[x]y]]")
    assert [(lk.target, lk.heading) for lk in note.links] == [("C", "notes")]
    assert cli_main(["check", str(root), "--format", "json"]) == 0
    assert json.loads(capsys.readouterr().out) == []


def test_everything_at_once_through_the_cli(tmp_path, capsys):
    sentinel = tmp_path / "sentinel"
    root = make(
        tmp_path / "vault",
        {
            "good.md": GOOD,
            "bad utf8.md": b"\xff\xfe\xfa",
            "bin.md": b"\x00\x01" * 100,
            "bomb.md": billion_laughs(),
            "evil.md": f"---\nx: !!python/object/apply:os.system ['touch {sentinel}']\n---\n",
            "unclosed.md": "---\na: b\n",
            "deep.md": "---\na: " + "[" * 10_000 + "\n---\n",
            "cr.md": "# cr\r[[good]]\r[[nope]]",
            "empty.md": "",
        },
    )
    assert cli_main(["check", str(root), "--format", "json"]) == 1
    out = json.loads(capsys.readouterr().out)
    assert not sentinel.exists()
    by_file: dict[str, set[str]] = {}
    for item in out:
        by_file.setdefault(item["file"], set()).add(item["code"])
    assert by_file["bad utf8.md"] >= {"unreadable-file"}
    assert by_file["bin.md"] == {"unreadable-file"}
    assert {"bomb.md", "evil.md", "unclosed.md", "deep.md"} <= {f for f, c in by_file.items() if "yaml-error" in c}
    assert by_file["cr.md"] == {"broken-link"}
    assert "good.md" not in by_file and "empty.md" not in by_file
