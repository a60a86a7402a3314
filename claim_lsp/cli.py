"""`claim-lsp` (serve LSP on stdio) and `claim-lsp check` (the same checks, for CI)."""

from __future__ import annotations

import argparse
import logging
import os
import sys
from pathlib import Path

from . import __version__
from .checks import CODES
from .config import load_config
from .load import build_vault
from .model import ERROR, HINT, SEVERITIES
from .report import Found, Progress, at_least, shown_prefix, write_report
from .scan import choose_vault_root, rel_path_in
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
        "Exit 0 when no error-severity problem was reported, 1 otherwise, 2 for bad usage. "
        "Paths are printed relative to the current folder when the vault is under it, else to the vault.",
    )
    check.add_argument("paths", nargs="*", default=["."], metavar="PATH", help="vault folders or notes (default: .)")
    check.add_argument(
        "--format",
        choices=["text", "json", "github", "sarif"],
        default="text",
        help="text (default); json; github: GitHub Actions annotations; sarif: SARIF 2.1.0",
    )
    check.add_argument("--select", type=_codes, help="only these codes (comma-separated)")
    check.add_argument("--ignore", type=_codes, help="leave out these codes (comma-separated)")
    check.add_argument(
        "--min-severity",
        choices=SEVERITIES,
        default=HINT,
        help="leave out problems below this severity (default: hint, every problem)",
    )
    check.add_argument(
        "--statistics", action="store_true", help="print the count of each code instead of the problems (text, json)"
    )
    check.add_argument("--exit-zero", action="store_true", help="exit 0 even when errors were reported")
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
    if args.statistics and args.format not in ("text", "json"):
        parser.error("--statistics prints text or json")
    found: list[Found] = []
    checked = 0
    cwd = Path.cwd()
    with Progress(sys.stderr) as progress:
        pool = ParsePool.start(lazy=True)  # workers are forked only if a vault has enough notes to parse
        try:
            vaults = []
            for root, wanted in targets.items():
                progress.reading(root)
                vaults.append((root, wanted, build_vault(root, load_config(root), args.cache, pool)))
        finally:
            if pool is not None:
                pool.close()
        selected = [
            (root, vault, sorted(vault.notes) if wanted is None else sorted(p for p in wanted if p in vault.notes))
            for root, wanted, vault in vaults
        ]
        progress.checking(sum(len(paths) for _, _, paths in selected))
        for root, vault, paths in selected:
            prefix = shown_prefix(root, cwd)
            checked += len(paths)
            for rel, problems in check_notes(vault, paths):
                progress.advance()
                note = vault.notes[rel]
                for problem in problems:
                    if args.select and problem.code not in args.select:
                        continue
                    if args.ignore and problem.code in args.ignore:
                        continue
                    if not at_least(problem.severity, args.min_severity):
                        continue
                    found.append(Found(prefix + rel, note, problem))
    for _, vault, _ in selected:
        for message in vault.config.errors:
            print(f"claim-lsp: {message}", file=sys.stderr)
    write_report(found, checked, args.format, args.statistics, sys.stdout)
    sys.stdout.flush()  # (a closed pipe is reported here, inside main's BrokenPipeError handler)
    if args.exit_zero:
        return 0
    return 1 if any(f.problem.severity == ERROR for f in found) else 0


if __name__ == "__main__":
    sys.exit(main())
