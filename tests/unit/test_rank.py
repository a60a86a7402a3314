"""rank.py: normalisation, completion ranking, suggestions, incremental updates."""

from __future__ import annotations

import pytest

from claim_lsp.rank import OVERLAY_LIMIT, SCAN_OVERLAY, TitleRanker, normalize, typo_fixes

TITLES = [
    "AI alignment is a coordination problem not a technical problem",
    "the specification trap means values encoded at training time become unstable",
    "collective intelligence requires diversity as a structural precondition",
    "futarchy solves trustless joint ownership not just better decision-making",
    "healthcare AI creates a Jevons paradox because capacity induces demand",
    "Living Capital vehicles are agentically managed SPACs",
    "living capital",
    "Émigré café crème brûlée 🚀 launch",
    "market",
    "markets aggregate information",
]


def ranker_of(titles=TITLES) -> TitleRanker:
    r = TitleRanker()
    for i, t in enumerate(titles):
        r.add(t, f"n/{i}.md")
    return r


def top(r: TitleRanker, query: str, n: int = 1) -> list[str]:
    return [x.entry.text for x in r.rank(query)[:n]]


def test_normalize():
    assert normalize("  Émigré — Café,  CRÈME-brûlée_x/y ") == "emigre — cafe creme brulee x y"
    assert normalize("AI's [[link]] (test)") == "ai s link test"
    assert normalize("🚀 rocket") == "🚀 rocket"
    assert normalize("") == ""


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("AI alig", "AI alignment is a coordination problem not a technical problem"),
        ("the spec", "the specification trap means values encoded at training time become unstable"),
        ("futarchy", "futarchy solves trustless joint ownership not just better decision-making"),
        ("living capital", "living capital"),
        ("Living Capital veh", "Living Capital vehicles are agentically managed SPACs"),
        ("market", "market"),
        ("markets", "markets aggregate information"),
        ("emigre cafe", "Émigré café crème brûlée 🚀 launch"),
        ("Émigré", "Émigré café crème brûlée 🚀 launch"),
        ("brûlée 🚀", "Émigré café crème brûlée 🚀 launch"),
    ],
)
def test_prefix_and_exact_first(query, expected):
    assert top(ranker_of(), query) == [expected]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("coordination problem", "AI alignment is a coordination problem not a technical problem"),
        ("values encoded", "the specification trap means values encoded at training time become unstable"),
        ("Jevons paradox", "healthcare AI creates a Jevons paradox because capacity induces demand"),
        ("joint owner", "futarchy solves trustless joint ownership not just better decision-making"),
    ],
)
def test_words_from_the_middle(query, expected):
    assert expected in top(ranker_of(), query, 3)


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("AI aligmnent is", "AI alignment is a coordination problem not a technical problem"),
        ("the specifcation tr", "the specification trap means values encoded at training time become unstable"),
        ("colletcive intel", "collective intelligence requires diversity as a structural precondition"),
        ("healhtcare AI c", "healthcare AI creates a Jevons paradox because capacity induces demand"),
        ("Living Capital vehicls a", "Living Capital vehicles are agentically managed SPACs"),
    ],
)
def test_typos_while_typing(query, expected):
    assert top(ranker_of(), query) == [expected]


def test_short_title_inside_a_longer_query_is_not_preferred():
    # "living capital" is contained in the query, but the query goes on past it
    assert top(ranker_of(), "living capital vehicls are") == ["Living Capital vehicles are agentically managed SPACs"]


def test_empty_query_lists_popular_titles_first():
    r = ranker_of()
    r.set_popularity(lambda path: 10 if path == "n/8.md" else 0)
    got = r.rank("", limit=3)
    assert got[0].entry.text == "market" and len(got) == 3


def test_limit_and_exclude():
    r = ranker_of([f"note {i}" for i in range(100)])
    assert len(r.rank("note", limit=7)) == 7
    assert all(x.entry.path != "n/3.md" for x in r.rank("note 3", exclude="n/3.md"))


def test_aliases_rank_after_the_title_they_tie_with():
    r = TitleRanker()
    r.add("Same words", "a.md")
    r.add("Same words", "b.md", alias=True)
    got = r.rank("Same words")
    assert [(x.entry.path, x.entry.alias) for x in got] == [("a.md", False), ("b.md", True)]


def test_popularity_breaks_ties():
    r = TitleRanker()
    r.add("twin note", "a.md")
    r.add("twin note", "b.md")
    r.set_popularity(lambda path: 5 if path == "b.md" else 0)
    assert r.popularity_of("b.md") == 5 and r.popularity_of("a.md") == r.popularity_of("nowhere.md") == 0
    assert r.rank("twin")[0].entry.path == "b.md"


def test_nothing_similar_gives_nothing():
    assert ranker_of().rank("zqxjv") == []


@pytest.mark.parametrize(
    ("target", "expected"),
    [
        ("AI alignment is a coordinaton problem not a technical problem", TITLES[0]),  # dropped letter
        ("the specification trap means values encoded at trainign time become unstable", TITLES[1]),  # swap
        ("ai alignment is a coordination problem not a technical problem", TITLES[0]),  # case
        ("The specification trap means values encoded at training time become unstable", TITLES[1]),  # case
        ("collective intelligence requires diversity as a precondition", TITLES[2]),  # dropped word
        ("futarchy solves joint trustless ownership not just better decision-making", TITLES[3]),  # swapped words
        ("healthcare AI creates a paradox Jevons because capacity induces demand", TITLES[4]),
        ("emigre cafe creme brulee launch", TITLES[7]),  # accents and an emoji dropped
    ],
)
def test_suggestions_find_the_intended_title(target, expected):
    assert ranker_of().suggest(target)[0] == expected


def test_suggestions_are_unique_limited_and_exact_first():
    r = ranker_of()
    r.add("market", "other/market.md")
    got = r.suggest("market", limit=3)
    assert got[0] == "market" and len(got) == len(set(got)) <= 3


def test_suggestions_leave_out_weak_lookalikes():
    assert ranker_of().suggest("completely unrelated words here") == []
    assert ranker_of().suggest("") == []


def test_suggest_prefers_an_alias_exactly_written():
    r = ranker_of()
    r.add("Coordination framing", "n/0.md", alias=True)
    assert r.suggest("coordination framing")[0] == "Coordination framing"


def test_add_remove_and_overlay():
    r = ranker_of()
    r.add("brand new claim about rockets", "new.md")
    assert top(r, "brand new") == ["brand new claim about rockets"]
    assert r.suggest("brand new claim about rokcets")[0] == "brand new claim about rockets"
    r.remove("brand new claim about rockets", "new.md")
    assert "brand new claim about rockets" not in top(r, "brand new", 50)
    assert "brand new claim about rockets" not in r.suggest("brand new claim about rokcets")
    assert len(r) == len(TITLES)
    r.remove("never added", "x.md")  # harmless
    r.add("market", "n/8.md")  # duplicate add is ignored
    assert len(r) == len(TITLES)


def test_many_additions_fold_into_the_index():
    r = TitleRanker()
    n = OVERLAY_LIMIT * 2 + 10
    for i in range(n):
        r.add(f"claim number {i} about topic {i % 7}", f"{i}.md")
    assert len(r) == n
    assert top(r, f"claim number {n - 1} ") == [f"claim number {n - 1} about topic {(n - 1) % 7}"]
    assert top(r, "claim number 5 about") == ["claim number 5 about topic 5"]
    for i in range(0, n, 2):
        r.remove(f"claim number {i} about topic {i % 7}", f"{i}.md")
    assert len(r) == n - (n + 1) // 2
    assert all(int(x.entry.path[:-3]) % 2 == 1 for x in r.rank("claim number", limit=50))
    assert r.suggest("claim numbr 7 about topic 0")[0] == "claim number 7 about topic 0"


def test_dropped_word_prefers_the_title_holding_every_word_of_the_link():
    # two near-duplicate titles: the link dropped "coordination" from the first; the second
    # also lacks "AI", so it is the worse match even though its word count is the same
    r = ranker_of(
        [
            "AI alignment is a coordination problem not a technical problem",
            "alignment is a coordination problem not a technical problem",
        ]
    )
    got = r.suggest("AI alignment is a problem not a technical problem")
    assert got[0] == "AI alignment is a coordination problem not a technical problem"


def test_typo_fixes():
    assert set(typo_fixes("teh")) == {"eth", "the"}
    assert "reputation" in typo_fixes("reputaiton")
    assert "market" in typo_fixes("markets") and "market" in typo_fixes("marklet")
    assert typo_fixes("aa") == []  # swapping equal letters changes nothing
    assert "the" not in typo_fixes("the")


def crowded(n: int = 3000) -> TitleRanker:
    """Thousands of titles sharing their first word, a few popular, and one odd one out:
    the shape where a short query matches more titles than could be scored one by one."""
    r = TitleRanker()
    for i in range(n):
        r.add(f"the claim number {i} about topic {i % 7}", f"c/{i}.md")
    r.add("the", "exact.md")
    r.add("reputation markets price what the crowd believes", "rep.md")
    r.add("zebra stripes confuse the flies", "zebra.md")
    r.add("the critical path runs through permits", "crit.md")
    r.set_popularity(lambda path: {"c/2999.md": 40, "c/1500.md": 20}.get(path, 0))
    return r


def test_a_short_common_prefix_answers_exact_then_popular_titles():
    got = [x.entry.path for x in crowded().rank("the", limit=10)]
    assert got[:3] == ["exact.md", "c/2999.md", "c/1500.md"]
    assert len(got) == 10


def test_a_typo_in_a_typed_prefix_is_undone():
    r = crowded()
    assert top(r, "reputaiton") == ["reputation markets price what the crowd believes"]
    assert top(r, "reputaiton mar") == ["reputation markets price what the crowd believes"]
    assert [x.entry.path for x in r.rank("teh", limit=3)] == ["exact.md", "c/2999.md", "c/1500.md"]
    assert top(r, "thec riti") == ["the critical path runs through permits"]  # a space typed a letter early


def test_a_common_word_stands_aside_for_a_rarer_one():
    r = crowded()
    assert top(r, "the zebr") == ["zebra stripes confuse the flies"]
    assert top(r, "zebr the") == ["zebra stripes confuse the flies"]


def test_titles_filed_in_bulk_are_found_before_the_index_is_built():
    # (a vault's titles are filed in batches while the ranker is `deferred`: queries search
    # them as one text instead of rebuilding the word index after every batch)
    subjects = ["coordination", "markets", "prediction markets", "futarchy", "alignment", "healthcare AI"]
    verbs = ["require", "undermine", "outperform", "depend on", "reshape"]
    objects = ["trust", "capital formation", "collective intelligence", "regulators", "open source models"]
    titles = [
        f"{s} {v} {o} in case {i}" for i in range(25) for s in subjects for v in verbs for o in objects
    ] + TITLES  # 3,760 titles: more than SCAN_OVERLAY
    assert len(titles) > SCAN_OVERLAY
    bulk = TitleRanker()
    bulk.deferred = True
    for start in range(0, len(titles), 1000):
        bulk.add_titles([(t, f"n/{i}.md") for i, t in enumerate(titles) if start <= i < start + 1000])
        assert bulk._indexed == 0  # not folded into the word index by the queries below
        assert top(bulk, titles[start]) == [titles[start]]
    indexed = TitleRanker()
    indexed.add_titles([(t, f"n/{i}.md") for i, t in enumerate(titles)])
    indexed.prepare()
    for query, title in [
        ("futarchy solves", "futarchy solves trustless joint ownership not just better decision-making"),
        ("living capital", "living capital"),
        ("joint ownership", "futarchy solves trustless joint ownership not just better decision-making"),
        ("emigre cafe", "Émigré café crème brûlée 🚀 launch"),
        ("healthcare AI reshape trust in case 17", "healthcare AI reshape trust in case 17"),
        ("outperform regulators in case 3", "markets outperform regulators in case 3"),  # (shortest first)
        ("case 24", "markets require trust in case 24"),
    ]:
        assert top(bulk, query) == top(indexed, query) == [title], query
    # a word in most titles ("case") stands aside for the rarer ones, as in the index
    for query in ("case futarchy joint", "trust futarchy joint"):
        assert top(bulk, query, 3) == top(indexed, query, 3), query
    assert len(top(bulk, "in case", 50)) == 50 and all("in case" in t for t in top(bulk, "in case", 50))
    assert top(bulk, "trust futarchy joint") == [TITLES[3]]
    # the 25 titles holding every word come first, as in the index (ties in another order)
    holding = {f"prediction markets depend on regulators in case {i}" for i in range(25)}
    assert set(top(bulk, "prediction markets depend on regulators", 25)) == holding
    assert set(top(indexed, "prediction markets depend on regulators", 25)) == holding
    bulk.remove(TITLES[3], f"n/{len(titles) - len(TITLES) + 3}.md")
    assert top(bulk, "futarchy solves") != [TITLES[3]]
    bulk.prepare()  # the index is built once, at the end
    assert bulk._indexed == len(titles) - 1 and not bulk.deferred  # (the removed one left out)
    assert top(bulk, "living capital") == ["living capital"]


def test_titles_added_in_bulk_are_entries_as_added_one_by_one():
    def state(r: TitleRanker) -> tuple:
        return [(e.text, e.path, e.norm, e.alias) for e in r.entries()], sorted(
            (p, [r._entries[i].text for i in ([ids] if isinstance(ids, int) else ids)]) for p, ids in r._by_path.items()
        )

    batches = [
        [("Alpha claim", "a.md"), ("Émigré café", "é.md")],
        [("Beta", "b.md"), ("Beta again", "b.md")],  # a path twice: one at a time
        [("Alpha renamed", "a.md"), ("Gamma", "g.md")],  # a path that has an entry already
    ]
    bulk, single = TitleRanker(), TitleRanker()
    for batch in batches:
        bulk.add_titles(batch)
        for text, path in batch:
            single.add(text, path)
    assert state(bulk) == state(single)
    assert [r.entry.path for r in bulk.rank("emigre")] == ["é.md"]


def test_rank_among_scores_only_the_notes_given():
    r = ranker_of()
    r.add("an alias of living capital", "n/6.md", alias=True)
    among = ["n/5.md", "n/6.md", "n/8.md"]
    assert [x.entry.text for x in r.rank_among("liv", among)] == ["living capital", TITLES[5]]
    assert [x.entry.text for x in r.rank_among("markt", among)] == ["market"]  # a typo: the fallback score
    assert {x.entry.text for x in r.rank_among("", among)} == {TITLES[5], "living capital", "market"}
    assert r.rank_among("anything", []) == []


def test_rank_among_many_titles_scores_a_bounded_few_on_a_typo():
    from claim_lsp.rank.score import MAX_CANDIDATES

    titles = [f"filler note number {i}" for i in range(MAX_CANDIDATES * 3)] + ["reputation markets"]
    r = ranker_of(titles)
    paths = [f"n/{i}.md" for i in range(len(titles))]
    assert r.rank_among("reputaiton", paths)[0].entry.text == "reputation markets"


def test_rank_among_a_great_many_notes_filters_the_vaults_ranking():
    from claim_lsp.rank.ranker import AMONG_SCORED

    titles = [f"note {i} about markets" for i in range(AMONG_SCORED + 10)] + ["outside the folder markets"]
    r = ranker_of(titles)
    inside = [f"n/{i}.md" for i in range(AMONG_SCORED + 10)]
    found = r.rank_among("outside", inside)
    assert found == []  # the one title starting with it is not among them
    assert [x.entry.path for x in r.rank_among("note 7 ab", inside)][:1] == ["n/7.md"]
