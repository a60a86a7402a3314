"""scan.py: decoding, reading failures, and walking a vault folder."""

from __future__ import annotations

from pathlib import Path

import pytest

from claim_lsp import scan
from claim_lsp.config import Config
from claim_lsp.index import Vault
from claim_lsp.load import build_vault
from claim_lsp.scan import (
    FileText,
    decode,
    note_from_file,
    read_text,
    rel_path_in,
    walk_notes,
)
from tests.helpers import SMALL_VAULT, SPEC, write_vault


def test_decode_plain_utf8_with_emoji_and_accents():
    assert decode("é 🚀 [[x]]".encode()) == FileText("é 🚀 [[x]]")


def test_decode_utf8_bom_is_dropped():
    assert decode(b"\xef\xbb\xbf---\ntype: claim\n") == FileText("---\ntype: claim\n")


@pytest.mark.parametrize("codec", ["utf-16-le", "utf-16-be"])
def test_decode_utf16_with_bom(codec):
    bom = b"\xff\xfe" if codec == "utf-16-le" else b"\xfe\xff"
    text = "# Émigré 🚀\r\n[[x]]"
    got = decode(bom + text.encode(codec))
    assert got == FileText(text)


def test_decode_broken_utf16():
    got = decode(b"\xff\xfe" + "ab".encode("utf-16-le") + b"\x00\xd8")  # lone high surrogate
    assert got.problem is not None and "UTF-16" in got.problem
    assert got.text.startswith("ab")


def test_decode_invalid_utf8_is_replaced_and_reported_with_its_line():
    got = decode(b"line one\nline two \xff here\n")
    assert got.text == "line one\nline two \ufffd here\n"
    assert got.problem is not None and "UTF-8" in got.problem and "line 2" in got.problem and "byte 18" in got.problem


def test_decode_latin1_file():
    got = decode("café".encode("latin-1"))
    assert got.problem is not None and got.text == "caf\ufffd"


def test_decode_binary_with_nul():
    got = decode(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR")
    assert got.text == "" and got.problem is not None and "binary" in got.problem


def test_read_text_too_large(tmp_path):
    path = tmp_path / "big.md"
    path.write_bytes(b"x" * 101)
    got = read_text(path, 100)
    assert got.text == "" and "over the limit of 100" in got.problem
    assert read_text(path, 101) == FileText("x" * 101)


def test_read_text_missing_and_folder(tmp_path):
    assert "disappeared" in read_text(tmp_path / "gone.md", 100).problem
    (tmp_path / "dir.md").mkdir()
    got = read_text(tmp_path / "dir.md", 100)
    assert got.text == "" and got.problem is not None


def test_read_text_permission_denied(tmp_path, monkeypatch):
    path = tmp_path / "secret.md"
    path.write_text("# secret")
    real_open = open

    def deny(file, *args, **kwargs):  # what a file of mode 000 gives a user who is not root
        if Path(file) == path:
            raise PermissionError(13, "Permission denied", str(file))
        return real_open(file, *args, **kwargs)

    monkeypatch.setattr(scan, "open", deny, raising=False)  # scan.py's open()
    got = read_text(path, 1000)
    assert got == FileText("", "cannot be read: permission denied")


def test_unreadable_file_is_still_a_note_with_a_problem(tmp_path):
    path = tmp_path / "Binary note.md"
    path.write_bytes(b"\x00\x01\x02")
    note = note_from_file("Binary note.md", path, Config())
    assert note.title == "Binary note" and note.links == []
    [p] = note.problems
    assert p.code == "unreadable-file" and p.severity == "error" and "binary" in p.message


def test_invalid_utf8_file_keeps_its_links(tmp_path):
    path = tmp_path / "n.md"
    path.write_bytes(b"bad \xff byte then [[Target]]\n")
    note = note_from_file("n.md", path, Config())
    assert [lk.target for lk in note.links] == ["Target"]
    assert [p.code for p in note.problems] == ["unreadable-file"]


def test_utf16_file_parses(tmp_path):
    path = tmp_path / "n.md"
    path.write_bytes("\ufeff---\r\ntype: claim\r\n---\r\n# n\r\n[[é 🚀]]".encode("utf-16-le"))
    note = note_from_file("n.md", path, Config())
    assert not note.problems and note.meta == {"type": "claim"} and [lk.target for lk in note.links] == ["é 🚀"]


def rel_paths(root: Path, config: Config | None = None) -> list[str]:
    return list(walk_notes(root, config or Config()))


def test_walk_skips_hidden_folders_node_modules_and_non_notes(tmp_path):
    write_vault(
        tmp_path,
        {
            "a.md": "",
            "B.MD": "",
            "notes.txt": "",
            ".hidden.md": "",
            ".git/x.md": "",
            ".obsidian/y.md": "",
            "node_modules/pkg/README.md": "",
            "sub/.trash/z.md": "",
            "sub/deep/c.md": "",
            "sub/__pycache__/d.md": "",
            "é 🚀/ü.md": "",
        },
    )
    assert rel_paths(tmp_path) == ["B.MD", "a.md", "sub/deep/c.md", "é 🚀/ü.md"]


def test_walk_honours_ignore_globs(tmp_path):
    write_vault(
        tmp_path, {"keep.md": "", "drafts/a.md": "", "x/drafts/b.md": "", "inbox/c.tmp.md": "", "inbox/d.md": ""}
    )
    config = Config(ignore=["drafts", "*.tmp.md"])
    assert sorted(rel_paths(tmp_path, config)) == ["inbox/d.md", "keep.md"]


def test_symlink_out_of_the_vault_is_not_followed(tmp_path):
    outside = write_vault(tmp_path / "outside", {"secret.md": "", "dir/s2.md": ""})
    vault = write_vault(tmp_path / "vault", {"in.md": ""})
    (vault / "linked dir").symlink_to(outside / "dir", target_is_directory=True)
    (vault / "linked.md").symlink_to(outside / "secret.md")
    assert rel_paths(vault) == ["in.md"]


def test_symlink_inside_the_vault_is_followed(tmp_path):
    vault = write_vault(tmp_path, {"real/n.md": "", "real/file.md": ""})
    (tmp_path / "alias.md").symlink_to(tmp_path / "real" / "file.md")
    assert rel_paths(vault) == ["alias.md", "real/file.md", "real/n.md"]


def test_symlink_loop_is_walked_once(tmp_path):
    vault = write_vault(tmp_path, {"a/n.md": "", "a/b/m.md": ""})
    (tmp_path / "a" / "b" / "up").symlink_to(tmp_path / "a", target_is_directory=True)
    (tmp_path / "self").symlink_to(tmp_path, target_is_directory=True)
    (tmp_path / "dangling").symlink_to(tmp_path / "nowhere", target_is_directory=True)
    (tmp_path / "dangling.md").symlink_to(tmp_path / "nowhere.md")
    got = rel_paths(vault)
    assert sorted(got) == ["a/b/m.md", "a/n.md", "dangling.md"] or sorted(got) == ["a/b/m.md", "a/n.md"]
    assert len(got) == len(set(got))


def test_dangling_symlinked_note_becomes_an_unreadable_note(tmp_path):
    (tmp_path / "dangling.md").symlink_to(tmp_path / "nowhere.md")
    vault = build_vault(tmp_path, Config())
    for note in vault.notes.values():
        assert [p.code for p in note.problems] == ["unreadable-file"]


def test_walk_of_a_missing_folder_yields_nothing(tmp_path):
    assert rel_paths(tmp_path / "missing") == []


def test_build_vault_reads_config_and_indexes_everything(tmp_path):
    write_vault(tmp_path, {**SMALL_VAULT, ".claim-lsp.toml": 'ignore = ["maps"]\n'})
    vault = build_vault(tmp_path)
    assert vault.config.ignore == ["maps"]
    assert len(vault) == len(SMALL_VAULT) - 1
    assert vault.resolve(SPEC, "x.md").status == "ok"
    assert sum(vault.ranker.popularity_of(path) for path in vault.notes) > 0


def test_hovers_read_a_notes_opening_through_the_disk_layer(tmp_path):
    write_vault(tmp_path, {"a.md": "# A\n\nThe opening.\n"})
    vault = build_vault(tmp_path, Config())
    note = vault.notes["a.md"]
    assert vault.intro_of(note) == "The opening."
    assert Vault(tmp_path, Config()).intro_of(note) == ""  # the index alone reads no files


def test_rel_path_in(tmp_path):
    assert rel_path_in(tmp_path, tmp_path / "a" / "b.md") == "a/b.md"
    assert rel_path_in(tmp_path, tmp_path.parent / "x.md") is None
    assert rel_path_in(tmp_path, tmp_path) is None


def test_vault_root_is_the_nearest_marker_else_the_current_directory_else_the_files_folder(tmp_path):
    from claim_lsp.scan import choose_vault_root, find_vault_root

    vault = tmp_path / "v"
    note = vault / "domains" / "ai" / "x.md"
    note.parent.mkdir(parents=True)
    note.write_text("# x\n")
    # no marker anywhere above: the current directory, when it holds the file
    assert choose_vault_root(note, vault) == (vault, "no marker found; using the current directory")
    # a current directory elsewhere: the file's own folder
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    assert choose_vault_root(note, elsewhere) == (note.parent, "no marker found; using the file's folder")
    assert find_vault_root(note) == note.parent
    # a marker wins over the current directory
    (vault / "domains" / ".obsidian").mkdir()
    assert choose_vault_root(note, vault) == (vault / "domains", "found .obsidian")
