"""config.py: .claim-lsp.toml and initializationOptions, ignore globs."""

from __future__ import annotations

import pytest

from claim_lsp.config import (
    CONFIG_FILE,
    DEFAULT_SEVERITY,
    Config,
    TypeSettings,
    glob_regex,
    is_ignored,
    is_note_path,
    load_config,
)
from claim_lsp.schema import schemas_of


def config_from(tmp_path, toml: str | bytes, options=None) -> Config:
    data = toml.encode() if isinstance(toml, str) else toml
    (tmp_path / CONFIG_FILE).write_bytes(data)
    return load_config(tmp_path, options)


def test_no_config_file_gives_defaults(tmp_path):
    config = load_config(tmp_path)
    assert config.errors == [] and config.severity == DEFAULT_SEVERITY and config.ignore == []
    assert load_config(None).errors == []


def test_full_config(tmp_path):
    config = config_from(
        tmp_path,
        """
ignore = ["drafts/**", "*.tmp.md"]
default_type = "claim"
max_file_bytes = 1000

[severity]
title-mismatch = "off"
broken-link = "warning"
unknown-type = "info"
case-mismatch = "ERROR"

[types.claim]
required = ["type", "domain"]
allowed = { confidence = ["high", "low"] }

[types.memo]
required = ["type", "author"]
dates = ["written"]

[limits]
max_links = 50
""",
    )
    assert config.errors == []
    assert config.ignore == ["drafts/**", "*.tmp.md"]
    assert config.severity_of("title-mismatch") is None
    assert config.severity_of("broken-link") == "warning"
    assert config.severity_of("unknown-type") == "information"
    assert config.severity_of("case-mismatch") == "error"
    assert config.severity_of("yaml-error") == "error"
    assert config.types == {
        "claim": TypeSettings(required=["type", "domain"], allowed={"confidence": ["high", "low"]}),
        "memo": TypeSettings(required=["type", "author"], dates=["written"]),
    }
    assert config.limits.max_links == 50 and config.max_file_bytes == 1000


def test_invalid_toml_falls_back_with_a_message(tmp_path):
    config = config_from(tmp_path, "ignore = [unclosed\n")
    assert len(config.errors) == 1
    assert CONFIG_FILE in config.errors[0] and "not valid TOML" in config.errors[0] and "defaults" in config.errors[0]
    assert config.ignore == [] and config.severity == DEFAULT_SEVERITY


def test_non_utf8_config_falls_back(tmp_path):
    config = config_from(tmp_path, b"ignore = ['\xff']\n")
    assert len(config.errors) == 1 and "not valid TOML" in config.errors[0]


def test_unreadable_config_falls_back(tmp_path):
    (tmp_path / CONFIG_FILE).mkdir()  # a folder where the file should be
    config = load_config(tmp_path)
    assert len(config.errors) == 1 and "cannot be read" in config.errors[0]
    assert config.types == {}


@pytest.mark.parametrize(
    ("toml", "fragment"),
    [
        ("colour = 'red'", "unknown setting 'colour'"),
        ("ignore = 3", "ignore: expected a list of strings"),
        ("ignore = ['a', 3]", "ignore: expected a list of strings"),
        ("severity = 'loud'", "severity must be a table"),
        ("[severity]\nbroken-link = 'fatal'", "severity.broken-link = 'fatal'"),
        ("default_type = 3", "default_type must be a string"),
        ("types = 3", "types must be a table"),
        ("[types]\nclaim = 3", "types.claim: expected a table"),
        ("[types.claim]\nrequired = 3", "types.claim.required: expected a list of strings"),
        ("[types.claim]\nallowed = 3", "types.claim.allowed: expected a table"),
        ("[types.claim.allowed]\nconfidence = [1]", "types.claim.allowed.confidence: expected a list of strings"),
        ("[types.claim]\nrequires = ['x']", "unknown key 'requires'"),
        ("[limits]\nmax_links = -1", "limits.max_links: expected a positive integer"),
        ("[limits]\nmax_links = true", "limits.max_links: expected a positive integer"),
        ("[limits]\nmax_bananas = 3", "unknown limit 'max_bananas'"),
        ("limits = 3", "limits: expected a table"),
        ("max_file_bytes = 'big'", "max_file_bytes: expected a positive integer"),
        ("diagnostics = 'vault'", "diagnostics: expected a table"),
        ("[diagnostics]\nscope = 'all'", "diagnostics.scope = 'all' is not one of open, vault"),
        ("[diagnostics]\nscope = true", "diagnostics.scope = True is not one of open, vault"),
        ("[diagnostics]\nscop = 'vault'", "diagnostics: unknown key 'scop'"),
    ],
)
def test_bad_settings_are_reported_and_ignored(tmp_path, toml, fragment):
    config = config_from(tmp_path, toml + "\n")
    assert len(config.errors) == 1, config.errors
    assert fragment in config.errors[0]
    default = Config()
    assert schemas_of(config)["claim"] == schemas_of(default)["claim"]
    assert config.severity == default.severity
    assert config.limits == default.limits and config.max_file_bytes == default.max_file_bytes


def test_good_settings_survive_next_to_bad_ones(tmp_path):
    config = config_from(tmp_path, "ignore = ['x/**']\n[severity]\nbroken-link = 'bogus'\ncase-mismatch = 'off'\n")
    assert config.ignore == ["x/**"]
    assert config.severity_of("case-mismatch") is None
    assert config.severity_of("broken-link") == "error"
    assert len(config.errors) == 1


def test_initialization_options_override_the_file(tmp_path):
    options = {"severity": {"broken-link": "hint"}, "ignore": ["more/**"]}
    config = config_from(tmp_path, "ignore = ['x/**']\n[severity]\nbroken-link = 'warning'\n", options)
    assert config.severity_of("broken-link") == "hint"
    assert config.ignore == ["x/**", "more/**"]
    assert config.errors == []


def test_diagnostics_scope(tmp_path):
    assert load_config(tmp_path).diagnostics_scope is None  # (the server chooses by client)
    assert config_from(tmp_path, "[diagnostics]\nscope = 'vault'\n").diagnostics_scope == "vault"
    # initializationOptions {"diagnostics": {"scope": ...}} win over the file, as every setting does
    config = config_from(tmp_path, "[diagnostics]\nscope = 'vault'\n", {"diagnostics": {"scope": "open"}})
    assert config.diagnostics_scope == "open" and config.errors == []
    bad = config_from(tmp_path, "[diagnostics]\nscope = 'vault'\n", {"diagnostics": {"scope": "everything"}})
    assert bad.diagnostics_scope == "vault" and len(bad.errors) == 1


def test_initialization_options_that_are_not_an_object():
    config = load_config(None, ["nonsense"])  # type: ignore[arg-type]
    assert config.errors == ["initializationOptions: expected an object; ignored"]


def test_severity_false_switches_off():
    config = load_config(None, {"severity": {"title-mismatch": False}})
    assert config.severity_of("title-mismatch") is None


def test_unknown_code_severity_defaults_to_warning():
    assert Config().severity_of("made-up-code") == "warning"


@pytest.mark.parametrize(
    ("glob", "yes", "no"),
    [
        ("drafts", ["drafts/a.md", "x/drafts/a.md", "drafts"], ["drafts2/a.md", "mydrafts/a.md"]),
        ("drafts/**", ["drafts/a.md", "drafts/x/y.md"], ["x/drafts/a.md"]),
        ("*.tmp.md", ["a.tmp.md", "x/y/a.tmp.md"], ["a.md", "tmp.md.x"]),
        ("inbox/*.md", ["inbox/a.md"], ["inbox/x/a.md", "x/inbox/a.md"]),
        ("**/archive/**", ["archive/a.md", "x/archive/y/a.md"], ["archived/a.md"]),
        ("./notes/a?.md", ["notes/ab.md"], ["notes/abc.md", "notes/a/.md"]),
        ("dir/", ["dir/a.md", "x/dir/a.md"], ["dirx/a.md"]),
        ("é 🚀/*", ["é 🚀/n.md"], ["e/n.md"]),
        ("a+b(c)", ["a+b(c)/n.md"], ["aab(c)/n.md"]),
    ],
)
def test_ignore_globs(glob, yes, no):
    for path in yes:
        assert is_ignored(path, [glob]), (glob, path)
    for path in no:
        assert not is_ignored(path, [glob]), (glob, path)
    assert glob_regex(glob) is glob_regex(glob)  # cached


def test_no_globs_ignore_nothing():
    assert not is_ignored("a.md", [])


@pytest.mark.parametrize(
    ("rel", "expected"),
    [
        ("a.md", True),
        ("a/B.MD", True),
        ("a.txt", False),
        (".obsidian/a.md", False),
        ("node_modules/a.md", False),
        ("drafts/a.md", False),
    ],
)
def test_is_note_path(rel, expected):
    assert is_note_path(rel, Config(ignore=["drafts"])) is expected


def test_title_mismatch_ignore_replaces_the_default():
    assert "_map.md" in load_config(None).title_mismatch_ignore
    config = load_config(None, {"title_mismatch_ignore": ["maps/**", "**/index.md"]})
    assert config.errors == [] and config.title_mismatch_ignore == ["maps/**", "**/index.md"]
    bad = load_config(None, {"title_mismatch_ignore": 3})
    assert bad.errors and "_map.md" in bad.title_mismatch_ignore
