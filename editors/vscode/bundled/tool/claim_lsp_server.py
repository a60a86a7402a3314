"""Run the claim-lsp server this VS Code extension carries, with the Python the extension found.

The package holds claim_lsp and its dependencies once per Python minor version they were built
for (bundled/libs/cp311, cp312, ...: PyYAML and RapidFuzz are compiled for one version each).
This script puts the folder for the running Python first on sys.path and starts the server,
which speaks LSP on stdio. The extension runs it with `python -I` (no user site, no PYTHONPATH)
so nothing installed beside that Python can shadow what the package carries.

`--probe` prints one JSON line saying whether this Python can run the bundled server (the
extension asks that of each interpreter it finds before choosing one) and exits.

Kept to the syntax of Python 3.6: it must be able to say "too old" rather than fail to parse.
"""

import json
import os
import sys

MINIMUM = (3, 11)
HERE = os.path.dirname(os.path.abspath(__file__))
LIBS = os.path.normpath(os.path.join(HERE, "..", "libs"))
TAG = "cp{}{}".format(*sys.version_info[:2])
VERSION = "{}.{}.{}".format(*sys.version_info[:3])


def carried():
    """The Python versions this package carries libraries for, as 'X.Y' strings."""
    try:
        tags = sorted(t for t in os.listdir(LIBS) if t.startswith("cp3") and t[3:].isdigit())
    except OSError:
        return []
    return [f"3.{t[3:]}" for t in sorted(tags, key=lambda t: int(t[3:]))]


def problem():
    """Why this Python cannot run the bundled server, or None."""
    if sys.implementation.name != "cpython":
        return f"{sys.implementation.name} {VERSION} is not CPython; the bundled libraries are built for CPython"
    if sys.version_info[:2] < MINIMUM:
        return f"Python {VERSION} is older than {MINIMUM[0]}.{MINIMUM[1]}"
    if not os.path.isdir(os.path.join(LIBS, TAG)):
        versions = carried()
        return "Python {}: this package carries the server for Python {} only".format(
            VERSION,
            ", ".join(versions) if versions else "(none: it was built without bundled/libs)",
        )
    return None


why = problem()
if why is None:
    sys.path.insert(0, os.path.join(LIBS, TAG))


def main():
    if why is not None:
        if "--probe" in sys.argv[1:]:
            print(json.dumps({"ok": False, "python": VERSION, "executable": sys.executable, "problem": why}))
            return 1
        sys.stderr.write(f"claim-lsp: cannot run the bundled server: {why}\n")
        return 2
    try:
        # the compiled dependencies: they fail here, not in the middle of a request, when the
        # wheels do not fit this interpreter (another architecture, a debug build, ...)
        import rapidfuzz  # noqa: F401
        import yaml  # noqa: F401

        from claim_lsp import __version__
        from claim_lsp.cli import main as claim_lsp_main
    except ImportError as exc:
        why_import = f"Python {VERSION} at {sys.executable} cannot load the bundled libraries: {exc}"
        if "--probe" in sys.argv[1:]:
            print(json.dumps({"ok": False, "python": VERSION, "executable": sys.executable, "problem": why_import}))
            return 1
        sys.stderr.write(f"claim-lsp: {why_import}\n")
        return 2
    if "--probe" in sys.argv[1:]:
        print(json.dumps({"ok": True, "python": VERSION, "executable": sys.executable, "claim_lsp": __version__}))
        return 0
    return claim_lsp_main(sys.argv[1:])


if __name__ == "__main__":
    sys.exit(main())
