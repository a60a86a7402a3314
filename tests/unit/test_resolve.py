"""index.Vault: resolution rules 1-5, backlinks, incremental updates."""

from __future__ import annotations

import pytest

from claim_lsp.index import AMBIGUOUS, BROKEN, CASE_MISMATCH, EMPTY, OK, Vault
from claim_lsp.parse import parse_note


def vault_of(files: dict[str, str]) -> Vault:
    vault = Vault()
    for path, text in files.items():
        vault.put(parse_note(path, text))
    return vault


def paths(res) -> list[str]:
    return [n.path for n in res.notes]


BASIC = {
    "notes/Alpha claim.md": "---\naliases: [First Letter, ALPHA]\n---\n# Alpha claim\n## Evidence\n",
    "notes/Beta.md": "# Beta\nSee [[Alpha claim]] and [[Alpha claim#Evidence|ev]] and [[alpha claim]].\n",
    "other/Gamma é 🚀.md": "# Gamma\n[[First Letter]] ![[Alpha claim]]\n",
}


def test_rule1_shown_heading_whitespace_and_md_are_ignored():
    vault = vault_of(BASIC)
    src = parse_note(
        "x.md", "[[Alpha claim|s]] [[ Alpha claim #Evidence]] [[Alpha claim.md]] [[notes/Alpha claim.md|p]]"
    )
    for link in src.links:
        res = vault.resolve(link.target, src.path)
        assert res.status == OK and paths(res) == ["notes/Alpha claim.md"], link.raw
    assert vault.resolve("  Alpha claim  ", "x.md").status == OK


def test_link_objects_resolve_through_their_target():
    vault = vault_of(BASIC)
    beta = vault.notes["notes/Beta.md"]
    statuses = [vault.resolve(lk.target, beta.path).status for lk in beta.links]
    assert statuses == [OK, OK, CASE_MISMATCH]


def test_rule2_path_exact_and_suffix():
    vault = vault_of(
        {
            "a/b/Note.md": "",
            "c/b/Note.md": "",
            "folder/_map.md": "",
            "maps/_map.md": "",
        }
    )
    assert paths(vault.resolve("a/b/Note", "x.md")) == ["a/b/Note.md"]
    assert paths(vault.resolve("folder/_map", "x.md")) == ["folder/_map.md"]
    res = vault.resolve("b/Note", "x.md")  # a suffix of both paths
    assert res.status == AMBIGUOUS and paths(res) == ["a/b/Note.md", "c/b/Note.md"]
    assert paths(vault.resolve("b/Note", "c/other/here.md")) == ["c/b/Note.md"]
    assert vault.resolve("/a/b/Note", "x.md").status == OK
    assert vault.resolve("a\\b\\Note", "x.md").status == OK
    assert vault.resolve("z/Note", "x.md").status == BROKEN
    assert vault.resolve("a/Note", "x.md").status == BROKEN  # not a suffix of whole parts
    assert vault.resolve("/b/Note", "x.md").status == AMBIGUOUS


def test_path_exact_beats_path_suffix():
    vault = vault_of({"b/Note.md": "", "a/b/Note.md": ""})
    res = vault.resolve("b/Note", "a/b/here.md")
    assert res.status == OK and paths(res) == ["b/Note.md"]


def test_path_case_mismatch():
    vault = vault_of({"Folder/Note.md": ""})
    res = vault.resolve("folder/note", "x.md")
    assert res.status == CASE_MISMATCH and paths(res) == ["Folder/Note.md"]


def test_relative_paths_and_the_vault_boundary():
    vault = vault_of({"a/b/Note.md": "", "a/Top.md": "", "Root.md": ""})
    assert paths(vault.resolve("./Note", "a/b/here.md")) == ["a/b/Note.md"]
    assert paths(vault.resolve("../Top", "a/b/here.md")) == ["a/Top.md"]
    assert paths(vault.resolve("../../Root", "a/b/here.md")) == ["Root.md"]
    assert vault.resolve("../../../Root", "a/b/here.md").status == BROKEN
    assert vault.resolve("../Root", "here.md").status == BROKEN
    assert vault.resolve("a/../../Root", "x.md").status == BROKEN
    assert vault.resolve("./b/Note", "x.md").status == BROKEN  # relative means exact
    assert vault.resolve("./", "x.md").status == EMPTY


def test_rule3_stem_then_alias():
    vault = vault_of(BASIC)
    res = vault.resolve("First Letter", "x.md")
    assert res.status == OK and res.via_alias and paths(res) == ["notes/Alpha claim.md"]
    assert vault.resolve("Gamma é 🚀", "x.md").status == OK


def test_title_beats_alias_of_another_note():
    vault = vault_of({"Beta.md": "", "Other.md": "---\naliases: Beta\n---\n"})
    res = vault.resolve("Beta", "x.md")
    assert res.status == OK and not res.via_alias and paths(res) == ["Beta.md"]


def test_rule4_case_insensitive_is_a_case_mismatch():
    vault = vault_of(BASIC)
    res = vault.resolve("ALPHA CLAIM", "x.md")
    assert res.status == CASE_MISMATCH and paths(res) == ["notes/Alpha claim.md"]
    assert res.note is not None
    res = vault.resolve("first letter", "x.md")
    assert res.status == CASE_MISMATCH and res.via_alias
    # an alias that differs from the title only in case is an exact alias
    assert vault.resolve("ALPHA", "x.md").status == OK
    assert vault.resolve("gamma é 🚀", "x.md").status == CASE_MISMATCH
    assert vault.resolve("GAMMA É 🚀", "x.md").status == CASE_MISMATCH


def test_exact_case_beats_other_case():
    vault = vault_of({"a/Note.md": "", "b/note.md": ""})
    assert paths(vault.resolve("note", "a/x.md")) == ["b/note.md"]
    assert vault.resolve("note", "a/x.md").status == OK


def test_rule5_same_folder_wins():
    vault = vault_of({"a/_map.md": "", "b/_map.md": "", "a/b/_map.md": ""})
    assert paths(vault.resolve("_map", "b/x.md")) == ["b/_map.md"]
    assert paths(vault.resolve("_map", "a/b/x.md")) == ["a/b/_map.md"]


def test_rule5_longest_shared_folder_prefix():
    vault = vault_of({"d/ai/deep/N.md": "", "d/health/N.md": "", "N.md": ""})
    assert paths(vault.resolve("N", "d/ai/other/x.md")) == ["d/ai/deep/N.md"]
    assert paths(vault.resolve("N", "d/health/sub/x.md")) == ["d/health/N.md"]
    assert paths(vault.resolve("N", "x.md")) == ["N.md"]


def test_rule5_tie_is_ambiguous_with_every_candidate():
    vault = vault_of({"a/N.md": "", "b/N.md": "", "c/N.md": ""})
    res = vault.resolve("N", "d/x.md")
    assert res.status == AMBIGUOUS and paths(res) == ["a/N.md", "b/N.md", "c/N.md"]
    assert res.note is None


def test_ambiguous_aliases():
    vault = vault_of({"a/One.md": "---\naliases: X\n---\n", "b/Two.md": "---\naliases: X\n---\n"})
    assert vault.resolve("X", "c/x.md").status == AMBIGUOUS
    assert paths(vault.resolve("X", "b/x.md")) == ["b/Two.md"]


def test_empty_and_broken():
    vault = vault_of(BASIC)
    assert vault.resolve("", "x.md").status == EMPTY
    assert vault.resolve("   ", "x.md").status == EMPTY
    assert vault.resolve("Nothing like it", "x.md").status == BROKEN


def test_backlinks_cover_every_link_form():
    vault = vault_of(BASIC)
    alpha = vault.notes["notes/Alpha claim.md"]
    got = [(src.path, lk.raw) for src, lk in vault.backlinks(alpha)]
    assert got == [
        ("notes/Beta.md", "Alpha claim"),
        ("notes/Beta.md", "Alpha claim#Evidence|ev"),
        ("notes/Beta.md", "alpha claim"),
        ("other/Gamma é 🚀.md", "First Letter"),
        ("other/Gamma é 🚀.md", "Alpha claim"),
    ]
    assert vault.backlink_count(alpha) == 2
    assert [lk.raw for _, lk in vault.backlinks(alpha, "evidence")] == ["Alpha claim#Evidence|ev"]


def test_backlinks_follow_resolution_not_names():
    vault = vault_of({"a/N.md": "", "b/N.md": "", "a/src.md": "[[N]]", "b/src.md": "[[N]] [[a/N]]"})
    a_n = vault.notes["a/N.md"]
    assert [(s.path, lk.raw) for s, lk in vault.backlinks(a_n)] == [("a/src.md", "N"), ("b/src.md", "a/N")]


def test_ambiguous_links_are_possible_backlinks_of_each_candidate():
    vault = vault_of({"a/N.md": "", "b/N.md": "", "c/src.md": "[[N]] [[N#Part]]", "a/src.md": "[[N]]"})
    for path in ("a/N.md", "b/N.md"):
        note = vault.notes[path]
        sure, maybe = vault.inbound(note)
        assert [(s.path, lk.raw) for s, lk in maybe] == [("c/src.md", "N"), ("c/src.md", "N#Part")]
        assert vault.possible_backlinks(note, "part") == maybe[1:]
    # a/src.md's [[N]] resolves to its own folder's note: a backlink of a/N only
    assert [s.path for s, _ in vault.backlinks(vault.notes["a/N.md"])] == ["a/src.md"]
    assert vault.backlinks(vault.notes["b/N.md"]) == []
    # rename and the backlink count keep to the sure ones
    assert vault.backlink_count(vault.notes["b/N.md"]) == 0


def test_frontmatter_links_are_backlinks():
    vault = vault_of({"T.md": "", "S.md": '---\ndepends_on: ["[[T]]"]\n---\n'})
    [(src, link)] = vault.backlinks(vault.notes["T.md"])
    assert src.path == "S.md" and link.fm_key == "depends_on"


def test_put_replace_and_remove_update_every_table():
    vault = vault_of(BASIC)
    assert vault.resolve("First Letter", "x.md").status == OK
    vault.put(parse_note("notes/Alpha claim.md", "---\naliases: [Renamed alias]\n---\n"))
    assert len(vault) == 3
    assert vault.resolve("First Letter", "x.md").status == BROKEN
    assert vault.resolve("Renamed alias", "x.md").status == OK
    assert [r.entry.text for r in vault.ranker.rank("First Letter")] == []
    vault.remove("notes/Alpha claim.md")
    assert vault.resolve("Alpha claim", "x.md").status == BROKEN
    assert vault.resolve("Renamed alias", "x.md").status == BROKEN
    assert vault.remove("notes/Alpha claim.md") is None
    assert vault.linkers_of_names({"alpha claim"}) == {"notes/Beta.md", "other/Gamma é 🚀.md"}
    vault.remove("notes/Beta.md")
    assert vault.linkers_of_names({"alpha claim"}) == {"other/Gamma é 🚀.md"}


def test_duplicate_stem_removal_leaves_the_other():
    vault = vault_of({"a/N.md": "", "b/N.md": ""})
    vault.remove("a/N.md")
    res = vault.resolve("N", "a/x.md")
    assert res.status == OK and paths(res) == ["b/N.md"]


@pytest.mark.parametrize(("target", "first"), [("a/N", "a/N"), ("q/N", "a/N")])
def test_path_suggestions_list_notes_with_that_stem(target, first):
    vault = vault_of({"a/N.md": "", "b/N.md": ""})
    assert vault.suggest(target, "a/x.md")[0] == first


def test_index_tables_grow_and_shrink_through_every_shape():
    """A key filed for 1, a few, many and again fewer notes (string, tuple, set): the
    answers stay exact and an emptied key is gone."""
    from claim_lsp.tables import SMALL, add_path, paths_in, remove_path

    table: dict = {}
    paths = [f"n{i}.md" for i in range(SMALL * 2)]
    for i, p in enumerate(paths):
        add_path(table, "k", p)
        add_path(table, "k", p)  # twice: still once
        assert list(paths_in(table, "k")) == sorted(paths[: i + 1])
    for i, p in enumerate(paths):
        remove_path(table, "k", p)
        remove_path(table, "k", p)
        assert list(paths_in(table, "k")) == sorted(paths[i + 1 :])
    assert table == {}


def test_titles_filed_before_the_notes_are_read_resolve_and_give_way_to_the_notes():
    def tables(vault: Vault) -> tuple:
        def norm(table):
            return {k: sorted((v,) if isinstance(v, str) else v) for k, v in table.items()}

        ranked = sorted((e.text, e.path, e.norm, e.alias) for e in vault.ranker.entries())
        return vault.notes, norm(vault._by_stem), norm(vault._by_alias), norm(vault._inbound), ranked

    early = Vault()
    early.put(parse_note("notes/Beta.md", BASIC["notes/Beta.md"]))  # open in the editor already
    early.put_placeholders(list(BASIC))
    assert early.notes["notes/Beta.md"].text_lines  # the open note is not replaced by its title
    assert paths(early.resolve("alpha claim", "x.md")) == ["notes/Alpha claim.md"]
    assert [r.entry.path for r in early.ranker.rank("gamma")] == ["other/Gamma é 🚀.md"]
    for path, text in BASIC.items():
        early.put(parse_note(path, text))
    assert tables(early) == tables(vault_of(BASIC))

    # filed in bulk where it can be (every title new), one by one where titles meet: within a
    # batch (Case, case), across batches (a/Same, b/Same), a path given twice
    tricky = list(TRICKY)
    bulk = Vault()
    bulk.put_placeholders(["a/Same.md", "Plain note.md", "Plain note.md"])
    bulk.put_placeholders(["b/Same.md", "Case.md", "sub/case.md"])
    bulk.put_placeholders(tricky)
    assert sorted(bulk.titled("same")) == ["a/Same.md", "b/Same.md"]
    assert sorted(bulk.titled("case")) == ["Case.md", "sub/case.md"]
    assert sorted(e.path for e in bulk.ranker.entries()) == sorted(tricky)
    for path, text in TRICKY.items():
        bulk.put(parse_note(path, text))
    assert tables(bulk) == tables(vault_of(TRICKY))


TRICKY = {
    "a/Same.md": "# Same\n",
    "b/Same.md": "# Same\n",
    "Case.md": "# Case\n",
    "sub/case.md": "# case\n",
    "Plain note.md": "---\naliases: [Other name]\n---\n# Plain note\n",
    "Other name.md": "# Other name\n",
    "x/Émoji 🚀 title.md": "# Émoji 🚀 title\n",
    "Note.md.md": "# Note.md\n",
}
TARGETS = [
    "Same", "same", "a/Same", "Case", "case", "CASE", "Plain note", "plain note", " Plain note", "Plain note ",
    "Other name", "other name", "Émoji 🚀 title", "émoji 🚀 title", "Note.md", "Note", "Note.md.md", "Missing",
    "Plain note#h", "", "x\\Émoji 🚀 title", "Plain note.md", "Plain note.MD",
]  # fmt: skip


@pytest.mark.parametrize("target", TARGETS)
@pytest.mark.parametrize("source", ["top.md", "a/src.md", "sub/src.md"])
def test_names_one_note_only_where_resolve_finds_that_note_with_nothing_to_report(target, source):
    """The checks' shortcut for plain links says yes only where resolve() finds that one
    note by its own title (nothing to report); it may say no where resolve() agrees too
    (several notes under the name: resolve() picks by folder)."""
    vault = vault_of(TRICKY)
    res = vault.resolve(target, source)
    if vault.names_one_note(target):
        assert res.status == OK and len(res.notes) == 1 and res.notes[0].title == target and not res.via_alias
    if target in ("Plain note", "Other name", "Émoji 🚀 title"):  # one note each, in its own spelling
        assert vault.names_one_note(target)
