"""`claim-lsp` (serve LSP on stdio), `claim-lsp check` (the same checks, for CI) and
`claim-lsp graph` (the vault's claim graph as data)."""

from __future__ import annotations

import argparse
import logging
import os
import sys
from pathlib import Path

from . import __version__
from .checks import CODES
from .config import load_config
from .fix import Outcome, diff, fix_vault, summary, what_was_done
from .index import Vault
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
        "Paths are printed relative to the current folder when the vault is under it, else to the vault. "
        "With --fix, the problems left are reported (and a file that could not be fixed exits 1); "
        "with --diff, exit 1 when there is something to fix.",
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
    fixing = check.add_mutually_exclusive_group()
    fixing.add_argument(
        "--fix",
        action="store_true",
        help="apply the safe fixes of the problems selected (case mismatches, certain suggestions for broken "
        "links, missing fields added empty), say what was done, then report the problems left",
    )
    fixing.add_argument(
        "--diff", action="store_true", help="print the safe fixes as a unified diff instead of writing them"
    )
    check.add_argument(
        "--cache",
        action="store_true",
        help="reuse (and refresh) the disk cache of parsed notes the server keeps: faster on a second run, "
        "slower on a first (writing it costs more than it saves once)",
    )
    graph = sub.add_parser(
        "graph",
        help="write the vault's claim graph (notes, links, relations) to stdout",
        description="Write the graph of a vault to stdout: a node for each note, an edge for each link to a note "
        "(kind `link`, or the relation field it sits in, such as depends_on); links to no note lead to nodes "
        "marked missing. Exit 0, 2 for bad usage.",
    )
    graph.add_argument(
        "paths",
        nargs="*",
        default=["."],
        metavar="PATH",
        help="the vault folder (default: .), or notes of one vault: they and their neighbourhood are exported",
    )
    graph.add_argument(
        "--format",
        choices=["json", "dot", "graphml", "html"],
        default="json",
        help="json (node-link data, default); dot; graphml; html: a page that draws it (self-contained: open it in "
        "a browser)",
    )
    graph.add_argument(
        "--select",
        action="append",
        metavar="NOTE|FOLDER",
        help="export only the neighbourhood of this note (vault-relative path or title) or folder (repeatable)",
    )
    graph.add_argument(
        "--depth",
        type=_depth,
        help="with --select or note PATHs: how many edges away, either way along them, the neighbourhood "
        "reaches (default 1; 0: the selection alone)",
    )
    graph.add_argument(
        "--max-nodes",
        type=_node_count,
        default=None,
        metavar="N",
        help="html: the most nodes the page draws (default 3000); a larger whole vault is refused, a larger "
        "neighbourhood drawn at a smaller depth",
    )
    graph.add_argument("--cache", action="store_true", help="reuse (and refresh) the disk cache, as check --cache")
    return parser


def _depth(value: str) -> int:
    try:
        depth = int(value)
    except ValueError:
        depth = -1
    if depth < 0:
        raise argparse.ArgumentTypeError(f"not a number of edges: {value!r}")
    return depth


def _node_count(value: str) -> int:
    try:
        count = int(value)
    except ValueError:
        count = 0
    if count < 1:
        raise argparse.ArgumentTypeError(f"not a number of nodes: {value!r}")
    return count


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
    if args.command == "graph":
        try:
            return _graph(args, parser)
        except BrokenPipeError:  # `claim-lsp graph | head`
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
    if args.diff and (args.format != "text" or args.statistics):
        parser.error("--diff prints a diff: not with --format or --statistics")
    cwd = Path.cwd()
    outcome = None
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
        found = _problems(args, selected, cwd, progress)
        if args.fix or args.diff:
            outcome = Outcome()
            for root, vault, _ in selected:
                by_note: dict[str, list] = {}
                for f in found:
                    if vault.notes.get(f.note.path) is f.note:
                        by_note.setdefault(f.note.path, []).append(f.problem)
                fix_vault(root, vault, shown_prefix(root, cwd), by_note, args.fix, outcome)
            if args.fix and outcome.files:
                found = _problems(args, selected, cwd, progress)  # what is left
    checked = sum(len(paths) for _, _, paths in selected)
    for _, vault, _ in selected:
        for message in vault.config.errors:
            print(f"claim-lsp: {message}", file=sys.stderr)
    for shown, why in outcome.failed if outcome else ():
        print(f"claim-lsp: {shown}: not fixed: {why}", file=sys.stderr)
    if outcome is not None and args.diff:
        for fix in outcome.files:
            sys.stdout.writelines(diff(fix))
        sys.stdout.flush()
        print(summary(outcome, len(found) - outcome.fixed, would=True), file=sys.stderr)
        return 1 if outcome.files or outcome.failed else 0
    said = sys.stdout if args.format == "text" else sys.stderr  # (json, github, sarif: stdout is theirs alone)
    if outcome is not None:
        said.writelines(what_was_done(fix) + "\n" for fix in outcome.files)
    write_report(found, checked, args.format, args.statistics, sys.stdout)
    if outcome is not None:
        said.write(summary(outcome, len(found)) + "\n")
    sys.stdout.flush()  # (a closed pipe is reported here, inside main's BrokenPipeError handler)
    if outcome is not None and outcome.failed:
        return 1  # asked to fix, and a file could not be: not hidden by --exit-zero either
    if args.exit_zero:
        return 0
    return 1 if any(f.problem.severity == ERROR for f in found) else 0


def _problems(args: argparse.Namespace, selected: list, cwd: Path, progress: Progress) -> list[Found]:
    """The problems of the selected notes that the options keep."""
    found: list[Found] = []
    progress.checking(sum(len(paths) for _, _, paths in selected))
    for root, vault, paths in selected:
        prefix = shown_prefix(root, cwd)
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
    return found


def _graph_page(vault: Vault, selected: list[str] | None, args: argparse.Namespace) -> int:
    from .graph_html import LIMIT, TooLarge, page_data, page_title, render

    try:
        data = page_data(vault, selected, args.depth, LIMIT if args.max_nodes is None else args.max_nodes)
    except TooLarge as exc:
        print(f"claim-lsp graph: {exc}", file=sys.stderr)
        return 2
    sys.stdout.write(render(data, page_title(vault, data)))
    sys.stdout.flush()
    missing = sum(1 for node in data["nodes"] if node["missing"])
    print(f"{len(data['nodes']) - missing} notes, {missing} missing, {len(data['edges'])} edges", file=sys.stderr)
    if "notice" in data["graph"]:
        print(f"claim-lsp graph: {data['graph']['notice']}", file=sys.stderr)
    return 0


def _graph(args: argparse.Namespace, parser: argparse.ArgumentParser) -> int:
    from .graph import dot_lines, graph_data, graphml_lines, json_lines, select_notes

    # resolved root -> (root as given, the notes given: (PATH, vault-relative path))
    roots: dict[Path, tuple[Path, list[tuple[str, str | None]]]] = {}
    for raw in args.paths:
        path = Path(raw)
        if path.is_dir():
            roots.setdefault(path.resolve(), (path, []))
        elif path.is_file():
            root, _why = choose_vault_root(path.absolute(), Path.cwd())
            roots.setdefault(root.resolve(), (root, []))[1].append((raw, rel_path_in(root, path.absolute())))
        else:
            parser.error(f"{raw}: no such file or folder")
    if len(roots) > 1:
        parser.error("graph: the PATHs are in more than one vault; export one vault at a time")
    root, notes_given = next(iter(roots.values()))
    if args.depth is not None and not notes_given and not args.select:
        parser.error("--depth needs --select or note PATHs")
    pool = ParsePool.start(lazy=True)
    try:
        vault = build_vault(root, load_config(root), args.cache, pool)
    finally:
        if pool is not None:
            pool.close()
    for message in vault.config.errors:
        print(f"claim-lsp: {message}", file=sys.stderr)
    seeds = []
    for raw, rel in notes_given:
        if rel not in vault.notes:
            parser.error(f"{raw}: not a note of the vault in {root}")
        seeds.append(rel)
    for raw in args.select or ():
        on_disk = Path(raw)  # a path from here, as a shell completes it, else what select_notes reads
        rel = rel_path_in(root, on_disk.absolute()) if on_disk.exists() else None
        found = select_notes(vault, rel if rel is not None else raw)
        if not found:
            parser.error(f"--select {raw}: no note or folder of that name in {root}")
        seeds += found
    selected = seeds if notes_given or args.select else None
    if args.format == "html":
        return _graph_page(vault, selected, args)
    if args.max_nodes is not None:
        parser.error("--max-nodes is for --format html")
    data = graph_data(vault, selected, args.depth)
    render = {"json": json_lines, "dot": dot_lines, "graphml": graphml_lines}[args.format]
    sys.stdout.writelines(render(data))  # (line by line: the text of a large vault's graph is larger than its index)
    missing = sum(1 for node in data["nodes"] if node["missing"])
    print(
        f"{len(data['nodes']) - missing} notes, {missing} missing, {len(data['edges'])} edges",
        file=sys.stderr,
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
