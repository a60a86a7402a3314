"""completion.py: what is being typed inside [[...]], and the items offered."""

from __future__ import annotations

import pytest

from claim_lsp.completion import LIMIT, complete, link_context
from claim_lsp.index import Vault
from claim_lsp.parse import parse_note
from tests.helpers import SMALL_VAULT, SPEC, claim


def cursor(text: str) -> tuple[str, int]:
    """'ab[[c|' -> ('ab[[c', 5): the | marks the cursor."""
    col = text.index("‸")
    return text.replace("‸", ""), col


def ctx_at(marked: str):
    line, col = cursor(marked)
    return link_context(line, col)


@pytest.mark.parametrize("marked", ["no link‸", "[[done]] ‸", "[‸", "[[a|sho‸", "[[a]]‸", "‸[[a]]"])
def test_no_context(marked):
    assert ctx_at(marked) is None


def test_title_without_closing_brackets_adds_them():
    ctx = ctx_at("see [[Alp‸")
    assert (ctx.kind, ctx.typed, ctx.start, ctx.end, ctx.replace_close) == ("title", "Alp", 6, 9, True)


def test_title_with_closing_brackets_replaces_them():
    line, col = cursor("see [[Alp‸ha]] end")
    ctx = link_context(line, col)
    assert (ctx.kind, ctx.typed, ctx.start, ctx.replace_close) == ("title", "Alp", 6, True)
    assert line[ctx.start : ctx.end] == "Alpha]]"


def test_title_before_heading_or_shown_text_keeps_them():
    line, col = cursor("[[Al‸pha#Evidence]]")
    ctx = link_context(line, col)
    assert ctx.kind == "title" and not ctx.replace_close and line[ctx.start : ctx.end] == "Alpha"
    line, col = cursor("[[Al‸pha|shown]]")
    ctx = link_context(line, col)
    assert not ctx.replace_close and line[ctx.start : ctx.end] == "Alpha"


def test_empty_link_being_typed():
    ctx = ctx_at("[[‸]]")
    assert ctx.typed == "" and ctx.start == 2 and ctx.end == 4 and ctx.replace_close


def test_embed_and_second_link_on_a_line():
    assert ctx_at("![[emb‸").typed == "emb"
    ctx = ctx_at("[[one]] and [[two‸")
    assert ctx.typed == "two" and ctx.start == 14


def test_does_not_swallow_the_next_link():
    line, col = cursor("[[ab‸ then [[other]]")
    ctx = link_context(line, col)
    assert ctx.typed == "ab" and ctx.end == col and ctx.replace_close


def test_heading_context():
    line, col = cursor("[[Alpha claim#Evi‸]]")
    ctx = link_context(line, col)
    assert (ctx.kind, ctx.target, ctx.typed) == ("heading", "Alpha claim", "Evi")
    assert line[ctx.start : ctx.end] == "Evi]]"
    ctx = ctx_at("[[#‸")
    assert ctx.kind == "heading" and ctx.target == "" and ctx.typed == ""


def test_context_with_emoji_and_accents_uses_code_point_columns():
    line, col = cursor("🚀 é [[café 🚀‸")
    ctx = link_context(line, col)
    assert ctx.typed == "café 🚀" and line[ctx.start : col] == "café 🚀"


def test_column_out_of_range_is_clamped():
    assert link_context("[[ab", 99).typed == "ab"
    assert link_context("[[ab", -3) is None


def make_vault(files: dict[str, str]) -> Vault:
    vault = Vault()
    for path, text in files.items():
        vault.put(parse_note(path, text))
    return vault


FILES = {
    "n/Alpha claim.md": claim("Alpha description", "## Evidence\n\n## Challenges é", title="Alpha claim"),
    "n/Alphabet soup.md": "# Alphabet soup\n",
    "n/Beta.md": "---\naliases: [Second letter]\ntype: claim\n---\n",
    "a/Dup.md": "",
    "b/Dup.md": "",
    "n/Café 🚀 crème.md": "",
}


def test_complete_titles_best_first_with_edit_text():
    vault = make_vault(FILES)
    ctx, items = complete(vault, "n/x.md", "[[Alpha cl", 10)
    assert items[0].label == "Alpha claim"
    first = items[0]
    assert first.new_text == "Alpha claim]]"
    assert first.kind == "note" and first.path == "n/Alpha claim.md"
    assert first.detail == "claim · ai-alignment · likely"
    assert first.documentation == "Alpha description"
    assert first.filter_text.startswith("Alpha cl")
    assert [i.sort_text for i in items] == sorted(i.sort_text for i in items)


def test_complete_keeps_existing_closing_brackets_once():
    vault = make_vault(FILES)
    ctx, items = complete(vault, "n/x.md", "[[Alp]]", 5)
    assert ctx.replace_close and items[0].new_text.endswith("]]")
    ctx, items = complete(vault, "n/x.md", "[[Alp#Evidence]]", 5)
    assert not ctx.replace_close and not items[0].new_text.endswith("]]")


def test_complete_aliases():
    vault = make_vault(FILES)
    _, items = complete(vault, "n/x.md", "[[Second", 8)
    [item] = [i for i in items if i.label == "Second letter"]
    assert item.kind == "alias" and item.new_text == "Second letter]]"
    assert item.detail.startswith("alias of Beta")


def test_complete_duplicate_titles_link_by_path():
    vault = make_vault(FILES)
    _, items = complete(vault, "c/x.md", "[[Dup", 5)
    dups = sorted(i.new_text for i in items if i.label == "Dup")
    assert dups == ["a/Dup]]", "b/Dup]]"]
    _, items = complete(vault, "a/x.md", "[[Dup", 5)
    assert sorted(i.new_text for i in items if i.label == "Dup") == ["Dup]]", "b/Dup]]"]


def test_complete_accents_and_emoji():
    vault = make_vault(FILES)
    _, items = complete(vault, "n/x.md", "[[cafe creme", 12)
    assert items[0].label == "Café 🚀 crème"


def test_complete_empty_query_offers_notes():
    vault = make_vault(FILES)
    _, items = complete(vault, "n/x.md", "[[", 2)
    assert {i.label for i in items} >= {"Alpha claim", "Beta", "Dup"}
    assert all(i.kind == "note" for i in items)


def test_complete_is_limited():
    vault = make_vault({f"n/Note number {i}.md": "" for i in range(LIMIT + 30)})
    _, items = complete(vault, "x.md", "[[Note", 6)
    assert len(items) == LIMIT


def test_complete_headings():
    vault = make_vault(FILES)
    ctx, items = complete(vault, "n/x.md", "[[Alpha claim#", 14)
    assert [i.label for i in items] == ["Alpha claim", "Evidence", "Challenges é"]
    assert items[1].new_text == "Evidence]]" and items[1].kind == "heading"
    _, items = complete(vault, "n/x.md", "[[Alpha claim#chall", 19)
    assert [i.label for i in items] == ["Challenges é"]
    _, items = complete(vault, "n/x.md", "[[Nothing#", 10)
    assert items == []


def test_complete_headings_of_the_same_note():
    vault = make_vault(SMALL_VAULT)
    path = f"domains/ai/{SPEC}.md"
    _, items = complete(vault, path, "[[#Ev", 5)
    assert [i.label for i in items] == ["Evidence"]


def test_complete_headings_when_the_target_is_written_with_md():
    # BUG (completion.py): rule 1 says an optional `.md` is ignored, and [[Alpha claim.md#Evidence]]
    # resolves as a link, but heading completion passes the raw "Alpha claim.md" to resolve().
    vault = make_vault(FILES)
    _, items = complete(vault, "n/x.md", "[[Alpha claim.md#Evi", 20)
    assert [i.label for i in items] == ["Evidence"]


def test_complete_in_frontmatter_value():
    vault = make_vault(FILES)
    line = 'depends_on: ["[[Alph'
    ctx, items = complete(vault, "n/x.md", line, len(line))
    assert ctx.kind == "title" and items[0].label.startswith("Alpha")


def test_no_completion_outside_links():
    vault = make_vault(FILES)
    assert complete(vault, "n/x.md", "plain text", 5) is None


# ---- notes that share a title ------------------------------------------------------------

MAPS = {
    "_map.md": "# Home\n",
    "core/_map.md": "# Core\n",
    "core/agents/_map.md": "# Agents\n",
    "core/mechanisms/_map.md": "# Mechanisms\n",
    "domains/health/_map.md": "# Health\n## Sections\n",
    "domains/ai/_map.md": "# AI\n## Sections\n## Open questions\n",
    "domains/ai/alignment claim.md": "# alignment claim\n",
    "agents/vida/identity.md": "",
    "agents/theseus/identity.md": "",
    "notes/Solo.md": "",
}


def labels_paths_texts(items):
    return [(i.label, i.path, i.new_text) for i in items]


def test_shared_title_offers_the_note_of_the_linking_folder_first_with_the_bare_title():
    vault = make_vault(MAPS)
    _, items = complete(vault, "domains/health/x.md", "[[_map", 6)
    maps = [i for i in items if i.label == "_map"]
    assert len(maps) == 6
    first = maps[0]
    assert (first.path, first.new_text, first.folder) == ("domains/health/_map.md", "_map]]", "domains/health")
    assert first.detail.startswith("domains/health")
    assert items[0] is first and first.sort_text < items[1].sort_text
    # then the longest shared folder prefix (domains/), then by path
    assert [i.path for i in maps[1:3]] == ["domains/ai/_map.md", "_map.md"]
    # every other one is inserted as the shortest path that reaches it
    by_path = {i.path: i.new_text for i in maps}
    assert by_path["domains/ai/_map.md"] == "ai/_map]]"
    assert by_path["core/_map.md"] == "core/_map]]"
    assert by_path["core/agents/_map.md"] == "agents/_map]]"
    assert by_path["_map.md"] == "/_map]]"  # (the root's: with a `/`, a path from the vault's root)


def test_shared_title_from_a_subfolder_follows_the_longest_shared_prefix():
    vault = make_vault(MAPS)
    _, items = complete(vault, "core/agents/deep/x.md", "[[_m", 4)
    maps = [i for i in items if i.label == "_map"]
    assert maps[0].path == "core/agents/_map.md" and maps[0].new_text == "_map]]"
    assert maps[1].path == "core/_map.md"


def test_shared_title_every_inserted_text_resolves_to_its_note():
    vault = make_vault(MAPS)
    for from_path in ("x.md", "core/x.md", "domains/ai/x.md", "agents/vida/x.md", "elsewhere/deep/x.md"):
        for typed in ("[[_map", "[[identity"):
            _, items = complete(vault, from_path, typed, len(typed))
            for item in items:
                target = item.new_text.removesuffix("]]")
                assert vault.resolve(target, from_path).note.path == item.path, (from_path, item.new_text)


def test_root_note_is_shown_as_the_root_folder():
    vault = make_vault(MAPS)
    _, items = complete(vault, "x.md", "[[_map", 6)
    assert items[0].path == "_map.md" and items[0].folder == "/" and items[0].new_text == "_map]]"


def test_a_unique_title_shows_no_folder():
    vault = make_vault(MAPS)
    _, items = complete(vault, "x.md", "[[Solo", 6)
    assert items[0].label == "Solo" and items[0].folder == "" and items[0].new_text == "Solo]]"


def test_agents_files_with_the_same_name():
    vault = make_vault(MAPS)
    _, items = complete(vault, "agents/theseus/beliefs.md", "[[identity", 10)
    assert labels_paths_texts(items[:2]) == [
        ("identity", "agents/theseus/identity.md", "identity]]"),
        ("identity", "agents/vida/identity.md", "vida/identity]]"),
    ]
    assert [i.folder for i in items[:2]] == ["agents/theseus", "agents/vida"]


def test_an_alias_that_another_note_holds_as_its_title_is_inserted_as_a_path():
    vault = make_vault({"a/Target.md": "---\naliases: [Other]\n---\n", "b/Other.md": ""})
    _, items = complete(vault, "x.md", "[[Other", 7)
    [alias] = [i for i in items if i.kind == "alias"]
    assert alias.path == "a/Target.md" and alias.new_text == "a/Target]]"
    [title] = [i for i in items if i.kind == "note"]
    assert title.new_text == "Other]]"


# ---- path links ---------------------------------------------------------------------------


def test_typed_folder_narrows_to_that_folder():
    vault = make_vault({**MAPS, **{f"domains/ai/map claim {i}.md": "" for i in range(60)}})
    line = "[[domains/ai/_m"
    ctx, items = complete(vault, "domains/health/x.md", line, len(line))
    assert items[0].path == "domains/ai/_map.md"
    assert items[0].new_text == "domains/ai/_map]]"
    assert items[0].filter_text.startswith("domains/ai/_m")
    assert {i.path.rpartition("/")[0] for i in items} == {"domains/ai"}
    assert line[ctx.start : ctx.end] == "domains/ai/_m"  # the folder typed is replaced too


def test_typed_folder_is_a_suffix_of_the_folder_any_case():
    vault = make_vault(MAPS)
    line = "[[AI/_m"
    _, items = complete(vault, "x.md", line, len(line))
    assert items[0].path == "domains/ai/_map.md" and items[0].new_text == "ai/_map]]"
    line = "[[agents/_"
    _, items = complete(vault, "x.md", line, len(line))
    assert items[0].path == "core/agents/_map.md" and items[0].new_text == "agents/_map]]"


def test_typed_folder_matching_several_folders_keeps_them_apart():
    vault = make_vault({"a/x/Dup.md": "", "b/x/Dup.md": "", "b/x/Other.md": ""})
    line = "[[x/D"
    _, items = complete(vault, "b/y.md", line, len(line))
    assert labels_paths_texts(items) == [("Dup", "b/x/Dup.md", "x/Dup]]"), ("Dup", "a/x/Dup.md", "a/x/Dup]]")]
    assert [i.folder for i in items] == ["b/x", "a/x"]


def test_typed_folder_with_nothing_after_the_slash_lists_the_folder():
    vault = make_vault(MAPS)
    line = "[[domains/ai/"
    _, items = complete(vault, "x.md", line, len(line))
    assert sorted(i.path for i in items) == ["domains/ai/_map.md", "domains/ai/alignment claim.md"]


def test_typed_folder_sees_notes_added_and_removed():
    vault = make_vault(MAPS)
    line = "[[notes/"
    _, items = complete(vault, "x.md", line, len(line))
    assert [i.path for i in items] == ["notes/Solo.md"]
    vault.put(parse_note("notes/Second.md", ""))
    vault.remove("notes/Solo.md")
    _, items = complete(vault, "x.md", line, len(line))
    assert [i.path for i in items] == ["notes/Second.md"]


def test_relative_folder():
    vault = make_vault(MAPS)
    line = "[[../ai/al"
    _, items = complete(vault, "domains/health/x.md", line, len(line))
    assert items[0].path == "domains/ai/alignment claim.md" and items[0].new_text == "../ai/alignment claim]]"
    line = "[[./_m"
    _, items = complete(vault, "domains/health/x.md", line, len(line))
    assert [i.path for i in items] == ["domains/health/_map.md"] and items[0].new_text == "./_map]]"
    line = "[[../../../x"
    _, items = complete(vault, "domains/health/x.md", line, len(line))
    assert all("/" not in i.new_text.removesuffix("]]") or vault.resolve(i.new_text[:-2], "x.md") for i in items)


def test_unknown_folder_falls_back_to_ranking_the_whole_text():
    vault = make_vault(MAPS)
    line = "[[nowhere/Solo"
    _, items = complete(vault, "x.md", line, len(line))
    assert items and items[0].label == "Solo"
    line = "[[nowhere/_map"
    _, items = complete(vault, "core/x.md", line, len(line))
    assert [i.path for i in items if i.label == "_map"][:2] == ["core/_map.md", "core/agents/_map.md"]


# ---- closing brackets ------------------------------------------------------------------


@pytest.mark.parametrize(
    "marked, result",
    [
        ("[[Sol‸]", "[[Solo]]"),
        ("[[Sol‸] and more", "[[Solo]] and more"),
        ("[[Sol‸]]", "[[Solo]]"),
        ("[[Sol‸]]]", "[[Solo]]]"),  # a third bracket was typed on its own: left alone
        ("[[Sol‸", "[[Solo]]"),
        ("[[Sol‸|shown]", "[[Solo|shown]]"),
        ("[[Sol‸|shown]]", "[[Solo|shown]]"),
        ("[[Sol‸|]", "[[Solo|]]"),
        ("[[Sol‸#Sections]", "[[Solo#Sections]]"),
        ("[[Sol‸#Sections", "[[Solo#Sections"),
        ("[[Sol‸ then [a] link", "[[Solo]] then [a] link"),
        ("[[Sol‸ then [[other]]", "[[Solo]] then [[other]]"),
        ("[[_map#Sec‸]", "[[_map#Sections]]"),
        ("[[_map#Sec‸|shown]", "[[_map#Sections|shown]]"),
        ('depends_on: ["[[Sol‸"]', 'depends_on: ["[[Solo]]"]'),  # the ] is YAML's
        ('depends_on: ["[[Sol‸]"]', 'depends_on: ["[[Solo]]"]'),
        ('depends_on: ["[[Sol‸|x"]', 'depends_on: ["[[Solo|x"]'),
        ("tags: ['[[Sol‸', '[[a]]']", "tags: ['[[Solo]]', '[[a]]']"),
        ('He said "[[Sol‸" then] left', 'He said "[[Solo]]" then] left'),
    ],
)
def test_the_result_ends_the_link_with_one_pair_of_brackets(marked, result):
    vault = make_vault(MAPS)
    line, col = cursor(marked)
    ctx, items = complete(vault, "domains/health/x.md", line, col)
    assert items, marked
    assert line[: ctx.start] + items[0].new_text + line[ctx.end :] == result


@pytest.mark.parametrize("marked", ["[[x]‸", "[[x]‸]", "[[x|‸]", "[[x]] ‸]"])
def test_nothing_to_complete_past_a_closing_bracket_or_in_the_shown_text(marked):
    assert ctx_at(marked) is None


# ---- headings of a title several notes share -------------------------------------------


def test_headings_of_every_candidate_of_an_ambiguous_title():
    vault = make_vault(MAPS)
    assert vault.resolve("_map", "elsewhere/x.md").status == "ambiguous"  # no map shares a folder with it
    line = "See [[_map#Sec"
    _, items = complete(vault, "elsewhere/x.md", line, len(line))
    assert [(i.label, i.folder) for i in items] == [("Sections", "domains/ai"), ("Sections", "domains/health")]
    assert [i.target_edit[2] for i in items] == ["ai/_map", "health/_map"]


def test_headings_of_every_candidate_are_labelled_by_folder_and_rewrite_the_title():
    vault = make_vault({"a/Dup.md": "# Dup\n## One\n", "b/Dup.md": "# Dup\n## Two\n"})
    line = "See [[Dup#"
    ctx, items = complete(vault, "c/x.md", line, len(line))
    assert [(i.label, i.folder, i.path) for i in items] == [
        ("Dup", "a", "a/Dup.md"),
        ("One", "a", "a/Dup.md"),
        ("Dup", "b", "b/Dup.md"),
        ("Two", "b", "b/Dup.md"),
    ]
    two = items[3]
    assert two.detail == "## in Dup · b"
    start, end, text = two.target_edit
    assert (line[start:end], text) == ("Dup", "b/Dup")
    edited = line[:start] + text + line[end : ctx.start] + two.new_text + line[ctx.end :]
    assert edited == "See [[b/Dup#Two]]"
    _, items = complete(vault, "c/x.md", "[[Dup#tw", 8)
    assert [i.label for i in items] == ["Two"]


def test_headings_of_a_title_that_resolves_are_those_of_its_note_alone():
    vault = make_vault({"a/Dup.md": "# Dup\n## One\n", "b/Dup.md": "# Dup\n## Two\n"})
    _, items = complete(vault, "b/x.md", "[[Dup#", 6)
    assert [(i.label, i.folder, i.target_edit) for i in items] == [("Dup", "", None), ("Two", "", None)]


def test_a_link_in_a_quoted_frontmatter_value_is_completed_as_yaml_reads_it():
    """Inside '...' an apostrophe is written '' (inside "..." a quote is \\"): what is inserted
    is escaped for the quote the link sits in, and what was typed is read as YAML reads it."""
    from tests.unit.vaults import make_vault

    vault = make_vault(
        {
            "Bob's claim.md": "# Bob's claim\n\n## It's here\n",
            'Say "hi".md': '# Say "hi"\n',
            "a.md": "---\ndepends_on: []\n---\n# a\n",
        }
    )

    def first(line: str, after: str, line_no: int) -> tuple[str, str]:
        _, items = complete(vault, "a.md", line, line.index(after) + len(after), line_no=line_no)
        return items[0].label, items[0].new_text

    assert first("depends_on: ['[[Bob']", "Bob", 1) == ("Bob's claim", "Bob''s claim]]")
    assert first('depends_on: ["[[Say"]', "Say", 1) == ('Say "hi"', 'Say \\"hi\\"]]')
    assert first("depends_on: ['[[Bob''s claim#It']", "#It", 1) == ("It's here", "It''s here]]")
    assert first("[[Bob", "Bob", 4) == ("Bob's claim", "Bob's claim]]")  # the body: as it is
    assert first("depends_on: [[[Bob]", "Bob", 1) == ("Bob's claim", "Bob's claim]]")  # no quotes
