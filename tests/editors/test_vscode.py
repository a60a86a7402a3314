"""VS Code (code-server 4.100.3 in headless Chromium) with the packaged extension, which carries
the claim-lsp server: no claim-lsp is on the PATH VS Code sees, and the python3 there has no
claim_lsp of its own."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

from .conftest import EDITORS_HOME, HERE, REPO, TIMEOUT_S, check_observations, isolated_env, require, run_driver
from .vault import Spec

pytestmark = pytest.mark.editors


def test_vscode(spec: Spec, tmp_path: Path) -> None:
    node = require("node")
    require(os.environ.get("CODE_SERVER", str(EDITORS_HOME / "code-server/node_modules/.bin/code-server")))
    require(os.environ.get("CHROMIUM", "/usr/bin/chromium"))
    vsix = Path(os.environ.get("VSIX", REPO / "editors/vscode/claim-lsp.vsix"))
    if not vsix.is_file():
        pytest.fail(f"{vsix} not built: run editors/vscode/build.sh (or scripts/editors/install.sh)", pytrace=False)
    env = without_claim_lsp(isolated_env(tmp_path))
    result = run_driver(
        "vscode", [node, str(HERE / "vscode_driver.js")], spec, tmp_path, timeout_s=TIMEOUT_S * 12, cwd=HERE, env=env
    )
    check_observations(result, spec)
    # what only the extension adds: the index size from claim-lsp/status, and Show Backlinks
    assert "notes" in (result.get("status_bar") or ""), result.get("status_bar")
    # the one backlink: Learning map's line linking here, in a peek titled with its file
    assert Path(spec.file).stem in (result.get("backlinks_title") or ""), result.get("backlinks_title")
    assert any(f"[[{spec.hover_title}]]" in row for row in result.get("backlinks") or []), result.get("backlinks")
    # the extension started the server because the folder looks like a claim vault
    channel = "".join(p.read_text() for p in Path(spec.artifacts).glob("*Claim LSP.log"))
    assert "Claim vault detected" in channel, f"output channel: {channel[:2000]!r}"
    # ... with the server the package carries, run by the python3 on PATH
    assert "Starting the bundled server, with python3 on PATH: " in channel, f"output channel: {channel[:2000]!r}"
    assert "bundled/tool/claim_lsp_server.py" in channel, f"output channel: {channel[:2000]!r}"
    tooltip = result.get("status_tooltip") or ""
    assert "Server: bundled claim-lsp" in tooltip and "python3 on PATH" in tooltip, tooltip
    # "Claim LSP: Restart Server" started it a second time, and the status bar came back
    assert channel.count("Starting ") >= 2, f"output channel: {channel[:2000]!r}"
    assert "notes" in (result.get("status_after_restart") or ""), result.get("status_after_restart")
    # "Claim LSP: Show Claim Graph" beside the note F12 opened: its neighbourhood (depth 2), in
    # a webview tab; a click on a node opened that note, and the view followed it
    definition = Path(spec.definition_file).name
    assert result.get("graph_seeds") == [definition], result.get("graph_seeds")
    nodes = result.get("graph_nodes") or []
    assert {definition, spec.graph_click, Path(spec.file).name} <= set(nodes), nodes
    assert "Claim Graph" in (result.get("graph_tab") or ""), result.get("graph_tab")
    assert result.get("graph_theme_fg"), "the webview has no VS Code theme colours"
    assert Path(spec.graph_click).stem in (result.get("graph_opened_tab") or ""), result.get("graph_opened_tab")
    assert result.get("graph_seeds_after") == [spec.graph_click], result.get("graph_seeds_after")
    assert result.get("webview_console_errors") == [], result.get("webview_console_errors")
    missing = [
        s
        for s in ("1-problems.png", "2-hover.png", "3-completion.png", "6-graph.png", "7-graph-followed.png")
        if not (Path(spec.artifacts) / s).is_file()
    ]
    assert not missing, f"screenshots not saved: {missing}"
    # claimLsp.server.path, when set, is what runs
    assert result.get("server_path_start", "").endswith(spec.server_cmd[0]), result.get("server_path_start")
    assert "notes" in (result.get("status_server_path") or ""), result.get("status_server_path")
    # no usable interpreter: exactly one notification, naming what was tried, with both actions
    toasts = result.get("no_python_toasts") or []
    assert len(toasts) == 1 and "/nonexistent/bin/python3" in toasts[0] and "not found" in toasts[0], toasts
    assert result.get("no_python_buttons") == ["Select Interpreter", "Open Settings"], result.get("no_python_buttons")
    # "Select Interpreter" (no Python extension installed) took a file, and that Python ran the server
    assert "with claimLsp.interpreter: " + result["selected_python"] in result.get("selected_start", ""), result
    assert "notes" in (result.get("status_after_select") or ""), result.get("status_after_select")


def without_claim_lsp(env: dict[str, str]) -> dict[str, str]:
    """env with no claim-lsp on PATH (the test venv's bin/ is left out), checked: the package must
    carry the server, and the python3 left on PATH must not import one of its own."""
    kept = [d for d in env["PATH"].split(os.pathsep) if d and not (Path(d) / "claim-lsp").exists()]
    env = {**env, "PATH": os.pathsep.join(kept)}
    env.pop("VIRTUAL_ENV", None)
    assert shutil.which("claim-lsp", path=env["PATH"]) is None
    python3 = shutil.which("python3", path=env["PATH"])
    assert python3, "no python3 on PATH for the extension to find"
    own = subprocess.run([python3, "-I", "-c", "import claim_lsp"], env=env, capture_output=True, timeout=60)
    assert own.returncode != 0, (
        f"{python3} imports a claim_lsp of its own: the test would not show the bundled one runs"
    )
    return env


def test_vscode_runs_the_bundled_server_with_the_python_extensions_interpreter(spec: Spec, tmp_path: Path) -> None:
    """With the Python extension installed (a stand-in answering its environments API), the
    interpreter selected there runs the bundled server, and selecting another restarts it."""
    node = require("node")
    vsce = REPO / "editors/vscode/node_modules/@vscode/vsce/vsce"
    require(str(vsce))
    env = without_claim_lsp(isolated_env(tmp_path))
    stand_in = tmp_path / "python-extension"
    shutil.copytree(HERE / "fake-python-extension", stand_in)
    vsix = tmp_path / "python.vsix"
    subprocess.run(
        [node, str(vsce), "package", "--skip-license", "--allow-missing-repository", "--out", str(vsix)],
        cwd=stand_in,
        check=True,
        capture_output=True,
        timeout=120,
    )
    # two interpreters the Python extension "has": venvs of the python3 on PATH, distinct paths
    pythons = []
    for name in ("first", "second"):
        subprocess.run(
            ["python3", "-m", "venv", "--without-pip", str(tmp_path / name)], env=env, check=True, timeout=120
        )
        pythons.append(str(tmp_path / name / "bin/python"))
    env |= {
        "CLAIM_TEST_PYTHONS": os.pathsep.join(pythons),
        "CLAIM_VSCODE_MORE_VSIX": str(vsix),
        "CLAIM_VSCODE_STEPS": "status,python extension",
    }
    result = run_driver(
        "vscode",
        [require("node"), str(HERE / "vscode_driver.js")],
        spec,
        tmp_path,
        timeout_s=TIMEOUT_S * 6,
        cwd=HERE,
        env=env,
    )
    assert result.get("errors") == [], result.get("errors")
    assert "notes" in (result.get("status_bar") or ""), result.get("status_bar")
    assert result.get("python_extension_start", "").endswith(": " + pythons[0]), result.get("python_extension_start")
    assert result.get("python_extension_restart", "").endswith(": " + pythons[1]), result.get(
        "python_extension_restart"
    )
    assert "notes" in (result.get("status_python_extension") or ""), result.get("status_python_extension")
