"""What two well-kept libraries would cost claim-lsp per note, on the shared corpus.

    python bench/frontmatter_libs.py [VAULT]     (default: ../shared/corpus/teleo-codex-sample)

Neither library is a dependency of claim-lsp; this measures them for the README's decisions
(`pip install python-frontmatter jsonschema fastjsonschema` first; a library not installed
is left out of the table).

1. Reading frontmatter: python-frontmatter's `frontmatter.loads` against claim-lsp's own
   `parse_frontmatter` (the frontmatter alone) and `parse_note` (the whole note: frontmatter,
   every key's position, links, headings), on every note of the vault.
2. Checking frontmatter: the built-in claim schema written as a JSON Schema, validated by
   `jsonschema` (every error, as the editor needs them) and by a `fastjsonschema` compiled
   validator (stops at the first error), against claim-lsp's `check_frontmatter`, on the
   vault's claims.

Prints µs per note (the median of several passes over all the notes).
"""

from __future__ import annotations

import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from claim_lsp.checks import check_frontmatter  # noqa: E402
from claim_lsp.config import Config  # noqa: E402
from claim_lsp.frontmatter import parse_frontmatter  # noqa: E402
from claim_lsp.parse import parse_note  # noqa: E402
from claim_lsp.schema import schemas_of  # noqa: E402
from claim_lsp.text import split_lines  # noqa: E402

DEFAULT = Path(__file__).resolve().parents[2] / "shared" / "corpus" / "teleo-codex-sample"
PASSES = 7


def per_note(fn, items) -> float:
    """Median µs per item of fn over PASSES passes."""
    times = []
    for _ in range(PASSES):
        t0 = time.perf_counter()
        for item in items:
            fn(item)
        times.append((time.perf_counter() - t0) / len(items) * 1e6)
    return statistics.median(times)


def claim_json_schema() -> dict:
    claim = schemas_of(Config())["claim"]
    props: dict = {name: {"enum": values} for name, values in claim.allowed.items()}
    for name in claim.dates:
        props[name] = {"type": "string", "pattern": r"^\d{4}-\d{2}-\d{2}$"}
    return {"type": "object", "required": list(claim.required), "properties": props}


def main(argv: list[str]) -> int:
    vault = Path(argv[0]) if argv else DEFAULT
    texts = {str(p.relative_to(vault)): p.read_text(encoding="utf-8") for p in sorted(vault.rglob("*.md"))}
    print(f"{len(texts)} notes of {vault}\n")
    rows = []

    # ---- reading -------------------------------------------------------------------
    items = list(texts.items())
    rows.append(
        (
            "claim-lsp parse_frontmatter (frontmatter only)",
            per_note(lambda kv: parse_frontmatter(split_lines(kv[1])), items),
        )
    )
    rows.append(("claim-lsp parse_note (whole note, positions, links)", per_note(lambda kv: parse_note(*kv), items)))
    try:
        import frontmatter
        import yaml
        from frontmatter.default_handlers import YAMLHandler
    except ImportError:
        frontmatter = None
    if frontmatter is not None:
        failed = []

        class CHandler(YAMLHandler):
            def load(self, fm, **kwargs):
                return yaml.load(fm, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))

        handlers = [CHandler(), *frontmatter.handlers[1:]]  # its YAML handler first, as in its own list

        def loads(kv, fast=False):
            try:
                if fast:
                    frontmatter.loads(kv[1], handler=frontmatter.detect_format(kv[1], handlers))
                else:
                    frontmatter.loads(kv[1])
            except Exception as exc:  # what a note's author meets: the whole note unread
                failed.append((kv[0], type(exc).__name__, " ".join(str(exc).split())[:70]))

        rows.append(("python-frontmatter loads (its default: pure-Python SafeLoader)", per_note(loads, items)))
        n_failed = len(failed) // PASSES
        rows.append(
            ("python-frontmatter loads, with PyYAML's CSafeLoader", per_note(lambda kv: loads(kv, True), items))
        )
        print(f"python-frontmatter could not read {n_failed} of {len(items)} notes:")
        for path, kind, message in sorted(set(failed))[:10]:
            print(f"  {path}: {kind}: {message}")
        print()

    # ---- checking ------------------------------------------------------------------
    config = Config()
    notes = [parse_note(path, text) for path, text in texts.items()]
    claims = [n for n in notes if n.frontmatter.data is not None and n.frontmatter.data.get("type") == "claim"]
    datas = [dict(n.frontmatter.data) for n in claims]
    rows.append(
        (
            f"claim-lsp check_frontmatter ({len(claims)} claims)",
            per_note(lambda n: check_frontmatter(n, config), claims),
        )
    )
    schema = claim_json_schema()
    try:
        import jsonschema
    except ImportError:
        jsonschema = None
    if jsonschema is not None:
        validator = jsonschema.Draft202012Validator(schema)
        rows.append(
            (
                "jsonschema Draft202012Validator.iter_errors (every error)",
                per_note(lambda d: list(validator.iter_errors(d)), datas),
            )
        )
        bad = [d for d in datas if list(validator.iter_errors(d))]
        print(f"jsonschema: {len(bad)} of {len(datas)} claims have errors\n")
    try:
        import fastjsonschema
    except ImportError:
        fastjsonschema = None
    if fastjsonschema is not None:
        t0 = time.perf_counter()
        compiled = fastjsonschema.compile(schema)
        compile_ms = (time.perf_counter() - t0) * 1e3

        def fast(d):
            try:
                compiled(d)
            except fastjsonschema.JsonSchemaException:
                pass

        rows.append(
            (
                f"fastjsonschema compiled validator (first error only; compiling: {compile_ms:.0f} ms)",
                per_note(fast, datas),
            )
        )

    width = max(len(r[0]) for r in rows)
    print(f"| {'what':<{width}} | µs/note |\n|{'-' * (width + 2)}|--------:|")
    for what, us in rows:
        print(f"| {what:<{width}} | {us:7.1f} |")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
