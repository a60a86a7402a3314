"""The package's layers, read from its imports: every arrow points down.

    core      text, model, linktext, sharing, config, parse,      (plain values; text -> Note)
              relation_items, frontmatter, fastyaml
    index     index, tables, resolve, rank/                        (the vault: titles, resolution)
    rules     schema, checks                                       (Note + vault -> Problems)
    features  completion, hover, definition, ...                   (pure functions over the index)
    disk      scan, cache, workers, load, workspace                (files, processes, the one loader)
    protocol  lsp/  and the CLI                                    (the only users of pygls/lsprotocol)

A module may import from its own layer and the layers below it, never above. Only `lsp/`
imports pygls or lsprotocol. A new module must be given a layer here, so that the map of
the code in ARCHITECTURE.md stays true.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[2] / "claim_lsp"

CORE, INDEX, RULES, FEATURES, DISK, PROTOCOL = range(6)
NAMES = ["core", "index", "rules", "features", "disk", "protocol"]

LAYERS = {
    "claim_lsp": CORE,  # __init__: the version
    "claim_lsp.__main__": PROTOCOL,
    "claim_lsp.text": CORE,
    "claim_lsp.model": CORE,
    "claim_lsp.linktext": CORE,
    "claim_lsp.sharing": CORE,
    "claim_lsp.config": CORE,
    "claim_lsp.fastyaml": CORE,
    "claim_lsp.frontmatter": CORE,
    "claim_lsp.parse": CORE,
    "claim_lsp.relation_items": CORE,
    "claim_lsp.index": INDEX,
    "claim_lsp.tables": INDEX,
    "claim_lsp.resolve": INDEX,
    "claim_lsp.stamps": INDEX,
    "claim_lsp.rank": INDEX,
    "claim_lsp.schema": RULES,
    "claim_lsp.checks": RULES,
    "claim_lsp.review": RULES,
    "claim_lsp.review_description": RULES,
    "claim_lsp.edits": FEATURES,
    "claim_lsp.completion": FEATURES,
    "claim_lsp.completion_items": FEATURES,
    "claim_lsp.hover": FEATURES,
    "claim_lsp.definition": FEATURES,
    "claim_lsp.references": FEATURES,
    "claim_lsp.rename": FEATURES,
    "claim_lsp.code_actions": FEATURES,
    "claim_lsp.symbols": FEATURES,
    "claim_lsp.frontmatter_edit": FEATURES,
    "claim_lsp.inlay_hints": FEATURES,
    "claim_lsp.tags": FEATURES,
    "claim_lsp.graph": FEATURES,
    "claim_lsp.graph_html": FEATURES,
    "claim_lsp.call_hierarchy": FEATURES,
    "claim_lsp.code_lens": FEATURES,
    "claim_lsp.scan": DISK,
    "claim_lsp.cache": DISK,
    "claim_lsp.workers": DISK,
    "claim_lsp.load": DISK,
    "claim_lsp.load_steps": DISK,
    "claim_lsp.workspace": DISK,
    "claim_lsp.fix": DISK,  # check --fix: the safe fixes written to the files
    "claim_lsp.verify": DISK,
    "claim_lsp.watch": DISK,
    "claim_lsp.roots": DISK,  # is the folder indexed the vault's root? (it looks above it)
    "claim_lsp.lsp": PROTOCOL,
    "claim_lsp.cli": PROTOCOL,
    "claim_lsp.report": PROTOCOL,  # what `check` prints: the CLI's own
}
PROTOCOL_LIBRARIES = ("pygls", "lsprotocol")


def _modules() -> list[tuple[str, Path]]:
    found = []
    for path in sorted(PACKAGE.rglob("*.py")):
        parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
        if parts[-1] == "__init__":
            parts = parts[:-1]
        found.append((".".join(parts), path))
    return found


def layer_of(module: str) -> int:
    """The layer of a module: its own entry, else its package's (rank/, lsp/); a module
    of the package's top level must have an entry of its own."""
    name = module
    while name != "claim_lsp":
        if name in LAYERS:
            return LAYERS[name]
        name = name.rpartition(".")[0]
    if module == "claim_lsp":
        return LAYERS[module]
    raise KeyError(module)


def _imports(module: str, path: Path) -> list[tuple[int, str]]:
    """(line, absolute module name) of every import in the file, also inside functions and
    `if TYPE_CHECKING:` blocks (an arrow drawn for the type checker is still an arrow)."""
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    out = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
        if isinstance(node, ast.Import):
            out.extend((node.lineno, alias.name) for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[: len(base) - node.level + 1]
                target = ".".join(base + ([node.module] if node.module else []))
                if node.module is None:  # from . import a, b: each name may be a module
                    out.extend((node.lineno, f"{target}.{alias.name}") for alias in node.names)
                    continue
            else:
                target = node.module or ""
            out.append((node.lineno, target))
    return out


def _own(name: str) -> str | None:
    """The claim_lsp module an import names (`claim_lsp.rank.words` is in rank's layer)."""
    if name != "claim_lsp" and not name.startswith("claim_lsp."):
        return None
    return name


MODULES = _modules()


def test_every_module_has_a_layer():
    missing = []
    for module, _ in MODULES:
        try:
            layer_of(module)
        except KeyError:
            missing.append(module)
    assert not missing, f"give these modules a layer in LAYERS (and a line in ARCHITECTURE.md): {missing}"


@pytest.mark.parametrize("module,path", MODULES, ids=[m for m, _ in MODULES])
def test_imports_point_down(module, path):
    own = layer_of(module)
    wrong = []
    for line, name in _imports(module, path):
        target = _own(name)
        if target is None:
            if name.split(".")[0] in PROTOCOL_LIBRARIES and not (module + ".").startswith("claim_lsp.lsp."):
                wrong.append(f"line {line}: {name} (only claim_lsp.lsp may import pygls/lsprotocol)")
            continue
        try:
            theirs = layer_of(target)
        except KeyError:
            theirs = layer_of(target.rpartition(".")[0])  # from .x import name: `name` is not a module
        if theirs > own:
            wrong.append(f"line {line}: {target} ({NAMES[theirs]}) from {NAMES[own]}")
    assert not wrong, f"{module} imports upward:\n  " + "\n  ".join(wrong)


MAX_LINES = 450


@pytest.mark.parametrize("module,path", MODULES, ids=[m for m, _ in MODULES])
def test_modules_stay_small(module, path):
    lines = len(path.read_text(encoding="utf-8").splitlines())
    assert lines <= MAX_LINES, f"{module} has {lines} lines (at most {MAX_LINES}): split it by job"


def test_the_layer_check_sees_an_upward_import(tmp_path):
    """The check itself: an import from a higher layer is found, also a relative one inside a
    function, and pygls outside lsp/."""
    fake = tmp_path / "claim_lsp" / "model.py"
    fake.parent.mkdir()
    fake.write_text("def f():\n    from .checks import check_note\n    import pygls\n", encoding="utf-8")
    found = _imports("claim_lsp.model", fake)
    assert (2, "claim_lsp.checks") in found and (3, "pygls") in found
    assert layer_of("claim_lsp.checks") > layer_of("claim_lsp.model")
    assert layer_of("claim_lsp.rank.words") == INDEX and layer_of("claim_lsp.lsp.server") == PROTOCOL
    with pytest.raises(KeyError):
        layer_of("claim_lsp.a_module_nobody_placed")
