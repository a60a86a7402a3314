"""`claim-lsp` (serve LSP on stdio) and `claim-lsp check` (the same checks, for CI)."""

from __future__ import annotations

import argparse
import json
import logging
import os
import sys
from pathlib import Path

from . import __version__
from .cache import build_vault
from .checks import CODES
from .config import load_config
from .model import ERROR
from .scan import choose_vault_root, rel_path_in
from .text import to_utf16
from .workers import ParsePool, check_notes


def _codes(value: str) -> set[str]:
    codes = {c.strip() for c in value.split(",") if c.strip()}
    unknown = codes - set(CODES)
    if unknown:
        raise argparse.ArgumentTypeError(f"unknown code(s): {', '.join(sorted(unknown))} (known: {', '.join(CODES)})")
    return codes


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="claim-lsp",
        description="Language server for vaults of claim notes. With no command, serves LSP on stdio.",
    )
    parser.add_argument("--version", action="version", version=f"claim-lsp {__version__}")
    parser.add_argument("--log-file", help="write the log to this file (default: stderr)")
    parser.add_argument(
        "--log-level", default="WARNING", type=str.upper, choices=["DEBUG", "INFO", "WARNING", "ERROR"]
    )  # (any case: editors' settings often write "info")
    parser.add_argument(
        "--stdio", action="store_true", help="serve on stdio (the default; accepted because clients pass it)"
    )
    sub = parser.add_subparsers(dest="command")
    serve = sub.add_parser("serve", help="serve LSP (stdio by default)")
    serve.add_argument("--tcp", action="store_true", help="listen on TCP instead of stdio")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=2087)
    serve.add_argument("--stdio", action="store_true", help="serve on stdio (the default)")
    check = sub.add_parser(
        "check",
        help="check notes and print problems",
        description="Check a vault (or single notes of it) with the same checks as the server. "
        "Exit 0 when no error-severity problem was found, 1 otherwise, 2 for bad usage.",
    )
    check.add_argument("paths", nargs="*", default=["."], metavar="PATH", help="vault folders or notes (default: .)")
    check.add_argument("--format", choices=["text", "json"], default="text")
    check.add_argument("--select", type=_codes, help="only these codes (comma-separated)")
    check.add_argument("--ignore", type=_codes, help="leave out these codes (comma-separated)")
    check.add_argument(
        "--cache",
        action="store_true",
        help="reuse (and refresh) the disk cache of parsed notes the server keeps: faster on a second run, "
        "slower on a first (writing it costs more than it saves once)",
    )
    return parser


def setup_logging(log_file: str | None, level: str) -> None:
    handler: logging.Handler = logging.FileHandler(log_file) if log_file else logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level)


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    setup_logging(args.log_file, args.log_level)
    if args.command == "check":
        try:
            return run_check(args, parser)
        except BrokenPipeError:  # `claim-lsp check | head`: the reader left; not an error of ours
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
            return 1
    # forked now, before pygls is imported and before any thread starts: small, and safe
    pool = ParsePool.start(background=True)
    from .lsp.server import serve  # imported here: pygls is slow to import and check needs none of it

    tcp = getattr(args, "tcp", False)
    return serve(tcp=tcp, host=getattr(args, "host", "127.0.0.1"), port=getattr(args, "port", 2087), pool=pool)


def run_check(args: argparse.Namespace, parser: argparse.ArgumentParser) -> int:
    targets: dict[Path, set[str] | None] = {}  # vault root -> notes to report (None: all)
    for raw in args.paths:
        path = Path(raw)
        if path.is_dir():
            targets[path] = None
        elif path.is_file():
            root, why = choose_vault_root(path.absolute(), Path.cwd())
            if root not in targets:
                print(f"claim-lsp: vault root: {root} ({why})", file=sys.stderr)
            rel = rel_path_in(root, path.absolute())
            wanted = targets.setdefault(root, set())
            if wanted is not None and rel is not None:
                wanted.add(rel)
        else:
            parser.error(f"{raw}: no such file or folder")
    results = []
    checked = 0
    any_error = False
    pool = ParsePool.start(lazy=True)  # workers are forked only if a vault has enough notes to parse
    try:
        vaults = [
            (root, wanted, build_vault(root, load_config(root), args.cache, pool)) for root, wanted in targets.items()
        ]
    finally:
        if pool is not None:
            pool.close()
    for root, wanted, vault in vaults:
        for message in vault.config.errors:
            print(f"claim-lsp: {message}", file=sys.stderr)
        paths = sorted(vault.notes) if wanted is None else sorted(p for p in wanted if p in vault.notes)
        checked += len(paths)
        for rel, problems in check_notes(vault, paths):
            note = vault.notes[rel]
            for problem in problems:
                if args.select and problem.code not in args.select:
                    continue
                if args.ignore and problem.code in args.ignore:
                    continue
                any_error = any_error or problem.severity == ERROR
                results.append((root, note, problem))
    if args.format == "json":
        items = []
        for _, note, p in results:
            s = p.span
            items.append(
                {
                    "file": note.path,
                    "range": {
                        "start": {"line": s.line, "character": to_utf16(note.astral_cols(s.line), s.col)},
                        "end": {"line": s.end_line, "character": to_utf16(note.astral_cols(s.end_line), s.end_col)},
                    },
                    "severity": p.severity,
                    "code": p.code,
                    "message": p.message,
                    "data": p.data,
                }
            )
        # one problem a line: json's C encoder does not indent, and the indenting Python one
        # took a tenth of a 10,000-note check
        sys.stdout.write("[\n" + ",\n".join(json.dumps(item, ensure_ascii=False) for item in items) + "\n]\n")
    else:
        for root, note, p in results:
            shown = root / note.path if str(root) != "." else Path(note.path)
            print(f"{shown}:{p.span.line + 1}:{p.span.col + 1}: {p.severity} {p.code} {p.message}")
        counts: dict[str, int] = {}
        for _, _, p in results:
            counts[p.severity] = counts.get(p.severity, 0) + 1
        plural = {"error": "errors", "warning": "warnings", "information": "information", "hint": "hints"}
        summary = (
            ", ".join(f"{n} {sev if n == 1 else plural[sev]}" for sev, n in sorted(counts.items())) or "no problems"
        )
        print(f"{checked} notes checked: {summary}", file=sys.stderr)
    return 1 if any_error else 0


if __name__ == "__main__":
    sys.exit(main())
