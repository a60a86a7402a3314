"""The VS Code extension's bundled server: its launcher (editors/vscode/bundled/tool) and the pins
of what build.sh puts beside it. The package itself is exercised in code-server by
tests/editors/test_vscode.py."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

from packaging.requirements import Requirement

REPO = Path(__file__).resolve().parents[2]
LAUNCHER = REPO / "editors/vscode/bundled/tool/claim_lsp_server.py"
TAG = f"cp{sys.version_info[0]}{sys.version_info[1]}"


def package(tmp_path: Path, *tags: str) -> Path:
    """An extension folder with the launcher and empty bundled/libs/<tag> folders."""
    tool = tmp_path / "ext/bundled/tool"
    tool.mkdir(parents=True)
    shutil.copy(LAUNCHER, tool)
    for tag in tags:
        (tmp_path / "ext/bundled/libs" / tag).mkdir(parents=True)
    return tool / LAUNCHER.name


def run(launcher: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-I", str(launcher), *args],
        capture_output=True,
        text=True,
        timeout=60,
        stdin=subprocess.DEVNULL,
    )


def test_probe_accepts_this_python_when_the_package_carries_its_version(tmp_path: Path) -> None:
    proc = run(package(tmp_path, TAG), "--probe")
    answer = json.loads(proc.stdout)
    assert proc.returncode == 0 and answer["ok"] is True, proc
    assert answer["python"].startswith(f"{sys.version_info[0]}.{sys.version_info[1]}.")


def test_the_bundled_copy_comes_before_anything_installed_beside_the_python(tmp_path: Path) -> None:
    launcher = package(tmp_path, TAG)
    fake = tmp_path / "ext/bundled/libs" / TAG / "claim_lsp"
    fake.mkdir()
    (fake / "__init__.py").write_text('__version__ = "bundled-copy"\n')
    (fake / "cli.py").write_text(
        "import sys\ndef main(argv):\n    sys.stderr.write('bundled main %r' % argv)\n    return 7\n"
    )
    assert json.loads(run(launcher, "--probe").stdout)["claim_lsp"] == "bundled-copy"
    served = run(launcher, "check", "x")
    assert served.returncode == 7 and "bundled main ['check', 'x']" in served.stderr, served


def test_a_python_the_package_has_no_libraries_for_is_refused_by_name(tmp_path: Path) -> None:
    other = "cp399" if TAG != "cp399" else "cp398"
    launcher = package(tmp_path, other)
    answer = json.loads(run(launcher, "--probe").stdout)
    assert answer["ok"] is False
    assert "carries the server for Python 3.99 only" in answer["problem"], answer
    served = run(launcher)
    assert served.returncode == 2 and "cannot run the bundled server" in served.stderr, served
    assert served.stdout == ""  # stdout is the protocol stream


def test_a_package_built_without_libraries_says_so(tmp_path: Path) -> None:
    answer = json.loads(run(package(tmp_path), "--probe").stdout)
    assert answer["ok"] is False and "built without bundled/libs" in answer["problem"], answer


def test_the_launcher_runs_the_real_server(tmp_path: Path) -> None:
    # with an empty bundled folder the claim_lsp imported is this checkout's: the launcher's own
    # path to the server (argv, exit code) is the real one
    from claim_lsp import __version__

    proc = run(package(tmp_path, TAG), "--version")
    assert proc.returncode == 0 and __version__ in proc.stdout, proc


def test_bundled_pins_satisfy_the_project_dependencies() -> None:
    pins: dict[str, str] = {}
    for line in (REPO / "editors/vscode/bundled/requirements.txt").read_text().splitlines():
        line = line.split("#")[0].strip()
        if line:
            req = Requirement(line)
            (spec,) = req.specifier
            assert spec.operator == "==", f"{line}: pin an exact version"
            pins[req.name.lower().replace("_", "-")] = spec.version
    project = tomllib.loads((REPO / "pyproject.toml").read_text())["project"]
    for dep in project["dependencies"]:
        req = Requirement(dep)
        name = req.name.lower().replace("_", "-")
        assert name in pins, f"{req.name} is a dependency but the VS Code package does not carry it"
        assert req.specifier.contains(pins[name]), f"{req.name}=={pins[name]} is outside {req.specifier}"
