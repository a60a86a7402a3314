from __future__ import annotations

import pytest

from claim_lsp.edits import heading_span, written_target
from claim_lsp.parse import parse_note
from claim_lsp.rename import (
    RenameError,
    check_new_title,
    expand_moves,
    follow_moves,
    rename_heading,
    rename_note,
    rename_target,
)
from tests.unit.vaults import apply_change, make_vault

TARGET = (
    "---\ntype: claim\naliases: [the alias]\n---\n\n# old 🚀 title\n\nBody [[old 🚀 title#Part]].\n\n## Part\n\nText.\n"
)
FILES = {
    "a/old 🚀 title.md": TARGET,
    "b/plain.md": "# plain\n\n[[old 🚀 title]] and [[old 🚀 title|shown]] and ![[old 🚀 title#Part]]\n",
    "b/alias.md": "# alias\n\n[[the alias]] stays, [[OLD 🚀 TITLE]] is fixed\n",
    "b/paths.md": "# paths\n\n[[a/old 🚀 title]] [[old 🚀 title.md]] [[./../a/old 🚀 title]]\n",
    "b/fm.md": '---\ndepends_on: ["[[old 🚀 title]]"]\n---\n# fm\n\n| [[old 🚀 title\\|t]] |\n`[[old 🚀 title]]`\n',
    "b/other.md": "---\naliases: elsewhere\n---\n# other\n\n[[other]]\n",
}


def test_rename_note_rewrites_every_form_of_link():
    vault = make_vault(FILES)
    change = rename_note(vault, vault.notes["a/old 🚀 title.md"], "  new title  ")
    out = apply_change(FILES, change)
    assert "a/old 🚀 title.md" not in out
    assert out["a/new title.md"].count("# new title") == 1
    assert "[[new title#Part]]" in out["a/new title.md"]
    assert out["b/plain.md"] == "# plain\n\n[[new title]] and [[new title|shown]] and ![[new title#Part]]\n"
    assert out["b/alias.md"] == "# alias\n\n[[the alias]] stays, [[new title]] is fixed\n"
    assert out["b/paths.md"] == "# paths\n\n[[a/new title]] [[new title.md]] [[./../a/new title]]\n"
    assert (
        out["b/fm.md"] == '---\ndepends_on: ["[[new title]]"]\n---\n# fm\n\n| [[new title\\|t]] |\n`[[old 🚀 title]]`\n'
    )
    assert out["b/other.md"] == FILES["b/other.md"]


@pytest.mark.parametrize(
    "new, message",
    [
        ("", "empty"),
        ("other", "already exists"),
        ("OTHER", "already exists"),
        ("elsewhere", "alias of"),
        ("../../x", "leave the vault"),
        ("x/y", "another folder"),
        ("a:b", "file name"),
        ("a[b", "short"),
        (".x", "hidden"),
        ("old 🚀 title", "already the title"),
        ("line\nbreak", "control"),
    ],
)
def test_refusals(new, message):
    vault = make_vault(FILES)
    with pytest.raises(RenameError, match=message):
        rename_note(vault, vault.notes["a/old 🚀 title.md"], new)


def test_exists_callback_blocks_files_the_index_does_not_hold():
    vault = make_vault(FILES)
    note = vault.notes["a/old 🚀 title.md"]
    with pytest.raises(RenameError, match="already exists"):
        check_new_title(vault, note, "ignored", exists=lambda rel: rel == "a/ignored.md")
    assert check_new_title(vault, note, "Old 🚀 Title", exists=lambda rel: True) == "Old 🚀 Title"


def test_rename_heading_changes_heading_and_links_to_it():
    vault = make_vault(FILES)
    note = vault.notes["a/old 🚀 title.md"]
    part = next(h for h in note.headings if h.text == "Part")
    out = apply_change(FILES, rename_heading(vault, note, part, "Section"))
    assert "## Section" in out["a/old 🚀 title.md"] and "[[old 🚀 title#Section]]" in out["a/old 🚀 title.md"]
    assert "![[old 🚀 title#Section]]" in out["b/plain.md"]
    with pytest.raises(RenameError, match="already has"):
        rename_heading(vault, note, part, "old 🚀 title")


def test_rename_target_under_the_cursor():
    vault = make_vault(FILES)
    note = vault.notes["b/plain.md"]
    t = rename_target(vault, note, 2, 4)
    assert t.kind == "note" and t.note.path == "a/old 🚀 title.md" and t.placeholder == "old 🚀 title"
    line = FILES["b/plain.md"].split("\n")[2]
    t = rename_target(vault, note, 2, line.index("#Part") + 2)
    assert t.kind == "heading" and t.placeholder == "Part"
    assert rename_target(vault, note, 1, 0) is None
    h1 = rename_target(vault, vault.notes["a/old 🚀 title.md"], 5, 3)
    assert h1.kind == "note" and h1.span.line == 5
    broken = make_vault({"x.md": "[[nothing]]\n"})
    with pytest.raises(RenameError, match="No note"):
        rename_target(broken, broken.notes["x.md"], 0, 3)


def test_title_anywhere_in_its_own_note():
    vault = make_vault(FILES)
    note = vault.notes["b/other.md"]
    target = rename_target(vault, note, 5, 4, "[[other]]")  # a self link
    assert target.note is note
    plain = rename_target(vault, note, 4, 3, "# other")
    assert plain.kind == "note"


def test_link_parts():
    note = parse_note("n.md", "![[ a/b.md #  H  \\| s]]\n")
    link = note.links[0]
    assert written_target(link) == "a/b.md"
    span = heading_span(link)
    assert "![[ a/b.md #  H  \\| s]]"[span.col : span.end_col] == "H"


def test_follow_moves_of_a_file_and_a_folder():
    vault = make_vault(FILES)
    moves = expand_moves(vault, "a/old 🚀 title.md", "c/renamed.md")
    out = apply_change(FILES, follow_moves(vault, moves))
    assert out["b/plain.md"] == "# plain\n\n[[renamed]] and [[renamed|shown]] and ![[renamed#Part]]\n"
    assert out["b/paths.md"] == "# paths\n\n[[c/renamed]] [[renamed.md]] [[../c/renamed]]\n"
    assert "# renamed" in out["a/old 🚀 title.md"]
    folder = expand_moves(vault, "b", "z/b")
    assert [new for _, new in folder] == [f"z/b/{p[2:]}" for p in sorted(FILES) if p.startswith("b/")]
    out = apply_change(FILES, follow_moves(vault, folder))
    assert "[[../../a/old 🚀 title]]" in out["b/paths.md"]  # relative links follow their note
    assert expand_moves(vault, "a/old 🚀 title.md", None) == [("a/old 🚀 title.md", None)]
    assert not follow_moves(vault, [("a/old 🚀 title.md", None)])


def test_rename_escapes_the_new_title_for_the_yaml_quotes_around_a_link():
    import yaml

    files = {
        "old.md": "# old\n",
        "single.md": "---\ndepends_on: ['[[old]]']\n---\n# single\n",
        "double.md": '---\ndepends_on: ["[[old]]"]\n---\n# double\n',
    }
    vault = make_vault(files)
    out = apply_change(files, rename_note(vault, vault.notes["old.md"], "Bob's claim"))
    for name in ("single.md", "double.md"):
        front = out[name].split("---\n")[1]
        assert yaml.safe_load(front) == {"depends_on": ["[[Bob's claim]]"]}, out[name]
    assert "'[[Bob''s claim]]'" in out["single.md"]


H1_FILES = {
    "metacorp-platform.md": "# MetaCorp\n\nThe platform.\n",
    "old name.md": "#   OLD Name  \n\nBody.\n",
    "spaced title.md": "# spaced   title\n\nBody.\n",
    "linker.md": "# linker\n\n[[metacorp-platform]], [[old name]], [[spaced title]]\n",
}


def _renamed(path: str, title: str, how: str) -> dict[str, str]:
    vault = make_vault(H1_FILES)
    if how == "rename":
        return apply_change(H1_FILES, rename_note(vault, vault.notes[path], title))
    out = apply_change(H1_FILES, follow_moves(vault, expand_moves(vault, path, f"{title}.md")))
    out[f"{title}.md"] = out.pop(path)  # the editor moves the file once the edit is applied
    return out


@pytest.mark.parametrize("how", ["rename", "move"])
@pytest.mark.parametrize(
    "path, title, h1",
    [
        ("metacorp-platform.md", "metacorp", "# MetaCorp\n"),  # a display name, not the title: kept
        ("old name.md", "New Name", "#   New Name  \n"),  # the title in other case and spacing: follows
        ("spaced title.md", "other", "# spaced   title\n"),  # other white space inside: not the title
    ],
)
def test_the_h1_follows_a_rename_only_when_it_is_the_old_title(how, path, title, h1):
    out = _renamed(path, title, how)
    assert out[f"{title}.md"] == h1 + H1_FILES[path].split("\n", 1)[1]
    assert f"[[{title}]]" in out["linker.md"]


ESCAPED = {
    "notes/Bob's claim.md": "# Bob's claim\n\n## It's here\n\nBody.\n",
    'notes/Say "hi".md': '# Say "hi"\n\nBody.\n',
    "single.md": (
        "---\ndepends_on: ['[[Bob''s claim]]', '[[notes/Bob''s claim#It''s here|it''s]]']\n---\n"
        "# single\n\nBody [[Bob's claim#It's here]], literal [[Bob''s claim]].\n"
    ),
    "double.md": '---\nrelated: ["[[Say \\"hi\\"]]", "[[Bob\\u0027s claim#It\\x27s here]]"]\n---\n# double\n',
}


def _front(text: str):
    import yaml

    return yaml.safe_load(text.split("---\n")[1])


def test_links_with_escaped_quotes_in_yaml_are_renamed():
    vault = make_vault(ESCAPED)
    bob = vault.notes["notes/Bob's claim.md"]
    assert sorted(src.path for src, _ in vault.backlinks(bob)) == ["double.md", "single.md", "single.md", "single.md"]
    out = apply_change(ESCAPED, rename_note(vault, bob, "Carol's claim"))
    assert out["single.md"] == (
        "---\ndepends_on: ['[[Carol''s claim]]', '[[notes/Carol''s claim#It''s here|it''s]]']\n---\n"
        "# single\n\nBody [[Carol's claim#It's here]], literal [[Bob''s claim]].\n"
    )
    assert _front(out["double.md"]) == {"related": ['[[Say "hi"]]', "[[Carol's claim#It's here]]"]}
    assert out["notes/Carol's claim.md"].startswith("# Carol's claim\n")
    out = apply_change(ESCAPED, rename_note(vault, vault.notes['notes/Say "hi".md'], "Say hello"))
    assert out["double.md"].startswith('---\nrelated: ["[[Say hello]]", ')


def test_headings_in_links_with_escaped_quotes_are_renamed():
    vault = make_vault(ESCAPED)
    bob = vault.notes["notes/Bob's claim.md"]
    out = apply_change(ESCAPED, rename_heading(vault, bob, bob.headings[1], 'The "it" place'))
    assert _front(out["single.md"])["depends_on"][1] == "[[notes/Bob's claim#The \"it\" place|it's]]"
    assert _front(out["double.md"])["related"][1] == '[[Bob\'s claim#The "it" place]]'
    assert 'Body [[Bob\'s claim#The "it" place]]' in out["single.md"]


def test_files_moved_keep_links_with_escaped_quotes():
    vault = make_vault(ESCAPED)
    out = apply_change(ESCAPED, follow_moves(vault, expand_moves(vault, "notes", "archive")))
    assert _front(out["single.md"])["depends_on"] == ["[[Bob's claim]]", "[[archive/Bob's claim#It's here|it's]]"]


def test_link_parts_in_quoted_yaml_are_the_characters_in_the_file():
    line = "a: '[[ x/Bob''s.md #  It''s  | s]]'"
    note = parse_note("n.md", f"---\n{line}\n---\n")
    [link] = note.links
    assert written_target(link) == "x/Bob's.md"
    t, h = link.target_span, heading_span(link)
    assert (line[t.col : t.end_col], line[h.col : h.end_col]) == ("x/Bob''s.md", "It''s")


@pytest.mark.parametrize("quote", ["'", '"'])
def test_text_written_in_yaml_quotes_reads_back_as_itself(quote):
    import yaml

    from claim_lsp.edits import as_written_in
    from claim_lsp.linktext import read_quoted

    [link] = parse_note("n.md", f"---\na: {quote}[[x]]{quote}\n---\n").links
    for text in ['Bob\'s "hi" \\ claim', "café 🚀 ''", "tab\tand\x85next\u2028\x7f" if quote == '"' else "a"]:
        written = as_written_in(link, text)
        assert read_quoted(written, quote)[0] == text
        assert yaml.safe_load(f"{quote}{written}{quote}") == text
