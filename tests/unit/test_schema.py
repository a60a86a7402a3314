"""schema.py: the built-in schemas, and the configuration's [types.NAME] laid over them."""

from __future__ import annotations

from claim_lsp.config import Config, apply_settings, load_config
from claim_lsp.schema import schemas_of


def test_builtin_claim_schema_follows_the_corpus():
    types = schemas_of(Config())
    claim = types["claim"]
    assert claim.required == ["type", "domain", "description", "confidence", "source", "created"]
    assert claim.allowed["confidence"] == ["proven", "likely", "experimental", "speculative"]
    assert {"entity", "source", "position", "belief", "musing", "conviction", "sector"} <= set(types)
    assert claim.fields()[:6] == claim.required
    assert types["source"].fields()[3:5] == ["url", "source"]


def test_type_settings_override_key_by_key():
    config = load_config(
        None,
        {
            "types": {
                "claim": {"required": ["type", "domain"], "allowed": {"confidence": ["high", "low"]}},
                "memo": {"required": ["type", "author"], "dates": ["written"], "folder": "/memos/"},
            }
        },
    )
    assert config.errors == []
    types = schemas_of(config)
    assert types["claim"].required == ["type", "domain"]
    assert types["claim"].allowed["confidence"] == ["high", "low"]
    assert types["claim"].allowed["domain"]  # untouched keys stay
    assert types["claim"].dates == schemas_of(Config())["claim"].dates
    assert types["memo"].required == ["type", "author"] and types["memo"].dates == ["written"]
    assert types["memo"].folder == "memos" and types["memo"].allowed == {}
    # overriding a type does not change the built-in defaults of a fresh Config
    assert schemas_of(Config())["claim"].allowed["confidence"] == ["proven", "likely", "experimental", "speculative"]


def test_later_settings_add_to_earlier_ones():
    file_settings = {"types": {"claim": {"allowed": {"confidence": ["high"]}, "folder": "claims"}}}
    options = {"types": {"claim": {"allowed": {"stake": ["big"]}, "required": ["type"]}}}
    config = Config()
    apply_settings(config, file_settings, "file")
    apply_settings(config, options, "initializationOptions")
    claim = schemas_of(config)["claim"]
    assert claim.allowed["confidence"] == ["high"] and claim.allowed["stake"] == ["big"]
    assert claim.folder == "claims" and claim.required == ["type"]


def test_a_table_of_bad_keys_still_names_a_type():
    config = load_config(None, {"types": {"memo": {"required": 3}}})
    assert len(config.errors) == 1
    assert schemas_of(config)["memo"].required == ["type"]


def test_schemas_are_made_once_and_again_after_new_settings():
    config = Config()
    first = schemas_of(config)
    assert schemas_of(config) is first
    apply_settings(config, {"types": {"claim": {"folder": "claims/new"}}}, "test")
    assert schemas_of(config) is not first and schemas_of(config)["claim"].folder == "claims/new"


def test_relation_fields_built_in_and_configured():
    from claim_lsp.schema import RELATION_FIELDS, relations_of

    config = Config()
    assert relations_of(config, "claim") == frozenset(RELATION_FIELDS)
    assert relations_of(config, "no such type") == relations_of(config, None) == frozenset(RELATION_FIELDS)
    apply_settings(config, {"types": {"claim": {"relations": ["depends_on", "supports"]}}}, "test")
    assert not config.errors
    assert relations_of(config, "claim") == {"depends_on", "supports"}
    assert relations_of(config, "source") == frozenset(RELATION_FIELDS)
    apply_settings(config, {"types": {"claim": {"relations": 3}}}, "test")
    assert config.errors and "relations" in config.errors[0]


def test_agent_domains_for_routed_types_claim_domains_for_claims():
    types = schemas_of(Config())
    agent_domains = [
        "internet-finance",
        "entertainment",
        "health",
        "ai-alignment",
        "space-development",
        "grand-strategy",
    ]
    for name in ("entity", "sector", "source", "position", "belief"):
        assert sorted(types[name].allowed["domain"]) == sorted(agent_domains), name
    for name in ("claim", "conviction"):
        assert "mechanisms" in types[name].allowed["domain"], name
    assert "flagged_for_theseus" in types["source"].optional and "cross_domain_flags" in types["source"].optional


def test_likely_types_of_a_note_without_type():
    from claim_lsp.schema import likely_types

    config = Config()
    source_keys = ["title", "author", "url", "date"]
    assert likely_types(config, "notes/x.md", source_keys)[0] == "source"
    assert likely_types(config, "inbox/x.md", ["title"])[0] == "source"  # the folder tells
    assert likely_types(config, "agents/leo/beliefs/x.md", ["domain"])[0] == "belief"
    assert likely_types(config, "x.md", ["domain", "description", "confidence", "source", "created"])[0] == "claim"
    assert likely_types(config, "x.md", []) == ["claim"]  # nothing tells: the default type
    assert likely_types(config, "x.md", ["domain"])[0] == "claim"  # a tie: the default type first
    assert "archive" not in likely_types(config, "x.md", source_keys, limit=20)  # legacy types are not offered
    configured = load_config(None, {"types": {"memo": {"required": ["type", "author"], "folder": "memos"}}})
    assert likely_types(configured, "memos/x.md", ["author"])[0] == "memo"
