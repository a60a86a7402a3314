"""Fixtures for the real-editor tests (marker `editors`).

Each test writes the vault of vault.py to a temporary folder, writes a JSON spec for a
driver script (Lua for Neovim, Emacs Lisp for eglot, JavaScript for code-server), runs the
real editor headless on it with the real `claim-lsp`, and checks the JSON the driver wrote.
A missing editor or server is a failure, never a skip: scripts/editors/install.sh installs them.

Environment:
  CLAIM_LSP_CMD           server command (default: claim-lsp next to this Python, then PATH)
  CLAIM_LSP_ARTIFACTS     where logs and screenshots go (default tests/editors/artifacts)
  CLAIM_LSP_EDITORS_HOME  where install.sh put code-server and playwright-core
                          (default /opt/claim-lsp-editors)
  CLAIM_LSP_EDITOR_TIMEOUT  seconds each single wait in a driver may take (default 20)
"""

from __future__ import annotations

import json
import os
import shlex
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

from .vault import INIT_OPTIONS, DetectSpec, Spec, make_spec

HERE = Path(__file__).resolve().parent
REPO = HERE.parent.parent
EDITORS_HOME = Path(os.environ.get("CLAIM_LSP_EDITORS_HOME", "/opt/claim-lsp-editors"))
TIMEOUT_S = float(os.environ.get("CLAIM_LSP_EDITOR_TIMEOUT", "20"))


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "editors: drives real editors (scripts/editors/run.sh)")


def require(executable: str, hint: str = "run scripts/editors/install.sh") -> str:
    """Absolute path of an executable, or a test failure (not a skip) naming how to get it."""
    found = shutil.which(executable) if os.sep not in executable else executable
    if not found or not os.access(found, os.X_OK):
        pytest.fail(f"{executable} not found: {hint}", pytrace=False)
    return found


@pytest.fixture(scope="session")
def server_cmd() -> list[str]:
    if os.environ.get("CLAIM_LSP_CMD"):
        cmd = shlex.split(os.environ["CLAIM_LSP_CMD"])
    else:
        beside = Path(sys.executable).parent / "claim-lsp"
        cmd = [str(beside) if beside.exists() else "claim-lsp"]
    cmd[0] = require(cmd[0], "install the project: pip install -e .")
    return cmd


@pytest.fixture
def artifacts(request: pytest.FixtureRequest) -> Path:
    base = Path(os.environ.get("CLAIM_LSP_ARTIFACTS", HERE / "artifacts"))
    out = base / request.node.name
    shutil.rmtree(out, ignore_errors=True)
    out.mkdir(parents=True)
    return out


@pytest.fixture
def spec(tmp_path: Path, server_cmd: list[str], artifacts: Path) -> Spec:
    work = tmp_path / "work"
    work.mkdir()
    return make_spec(tmp_path / "vault", server_cmd, work, artifacts, int(TIMEOUT_S * 1000))


def detect_spec(tmp_path: Path, server_cmd: list[str], artifacts: Path, opens: list[dict]) -> DetectSpec:
    """A spec for a driver's "opens" run (vault.DetectSpec), working in tmp_path."""
    work = tmp_path / "work"
    work.mkdir()
    return DetectSpec(
        root=str(tmp_path),
        server_cmd=server_cmd,
        init_options=INIT_OPTIONS,
        result=str(work / "result.json"),
        artifacts=str(artifacts),
        timeout_ms=int(TIMEOUT_S * 1000),
        opens=opens,
    )


def opened(result: dict, spec: DetectSpec) -> list[dict]:
    """What the driver saw in each note of an "opens" run, once it is sure it opened them all."""
    assert not result.get("errors"), result["errors"]
    seen = result.get("opens") or []
    assert [Path(s["file"]).resolve() for s in seen] == [Path(o["file"]).resolve() for o in spec.opens], seen
    return seen


def reports_broken_link(seen: dict, line: int, title: str) -> bool:
    return any(d["line"] == line and title in d["message"] for d in seen.get("diagnostics") or [])


def isolated_env(tmp_path: Path) -> dict[str, str]:
    """HOME and XDG folders in tmp_path: editors must not read or write the user's config."""
    home = tmp_path / "home"
    env = dict(os.environ)
    for var, sub in [
        ("HOME", ""),
        ("XDG_CONFIG_HOME", ".config"),
        ("XDG_DATA_HOME", ".local/share"),
        ("XDG_STATE_HOME", ".local/state"),
        ("XDG_CACHE_HOME", ".cache"),
    ]:
        (home / sub).mkdir(parents=True, exist_ok=True)
        env[var] = str(home / sub)
    # the server's own venv first on PATH, as for a user who installed it
    env["PATH"] = os.pathsep.join([str(Path(sys.executable).parent), env.get("PATH", "")])
    return env


def run_driver(
    name: str,
    argv: list[str],
    spec: Spec | DetectSpec,
    tmp_path: Path,
    timeout_s: float,
    cwd: Path | None = None,
    env: dict[str, str] | None = None,
) -> dict:
    """Run an editor with a driver script; keep its output as artifacts; return its observations."""
    spec_path = spec.write(tmp_path / "spec.json")
    env = dict(env or isolated_env(tmp_path))
    env["CLAIM_EDITOR_SPEC"] = str(spec_path)
    started = time.monotonic()
    try:
        proc = subprocess.run(
            argv,
            cwd=cwd or spec.root,
            env=env,
            stdin=subprocess.DEVNULL,
            capture_output=True,
            text=True,
            timeout=timeout_s,
        )
        out, err, code = proc.stdout, proc.stderr, proc.returncode
    except subprocess.TimeoutExpired as exc:
        out = exc.stdout.decode() if isinstance(exc.stdout, bytes) else (exc.stdout or "")
        err = exc.stderr.decode() if isinstance(exc.stderr, bytes) else (exc.stderr or "")
        code = f"timeout after {timeout_s} s"
    elapsed = time.monotonic() - started
    artifacts = Path(spec.artifacts)
    (artifacts / f"{name}.stdout.log").write_text(out)
    (artifacts / f"{name}.stderr.log").write_text(err)
    print(f"{name}: exit {code} in {elapsed:.1f} s\n--- stdout\n{out}\n--- stderr\n{err[-4000:]}")
    result_path = Path(spec.result)
    if not result_path.exists():
        pytest.fail(
            f"{name} wrote no result (exit {code}); stdout:\n{out[-3000:]}\nstderr:\n{err[-3000:]}", pytrace=False
        )
    result = json.loads(result_path.read_text())
    shutil.copy(result_path, artifacts / f"{name}.result.json")
    result["_exit"] = code
    result["_seconds"] = round(elapsed, 1)
    return result


def _overlaps(diag: dict, spec: Spec) -> bool:
    """Whether a diagnostic's columns (when the editor reports them) touch the broken link."""
    start, end = diag.get("character"), diag.get("end_character")
    link_end = spec.broken_character + len(spec.broken_title) + 4
    if start is None:
        return True
    return start <= link_end and (end is None or end >= spec.broken_character)


def check_observations(result: dict, spec: Spec) -> None:
    """The four things every editor must show, from the driver's JSON; all failures at once."""
    problems: list[str] = []
    if result.get("errors"):
        problems.append(f"driver errors: {result['errors']}")

    diags = result.get("diagnostics") or []
    broken = [d for d in diags if d.get("line") == spec.broken_line and spec.broken_title in d.get("message", "")]
    if not broken:
        problems.append(f"no diagnostic about {spec.broken_title!r} at line {spec.broken_line}: {diags}")
    elif not all(_overlaps(d, spec) for d in broken):
        problems.append(f"broken-link diagnostic is not on the link (column {spec.broken_character}): {broken}")
    elif not any(d.get("code") in (None, "broken-link") and (d.get("severity") in (None, 1, "error")) for d in broken):
        problems.append(f"broken-link diagnostic has wrong code/severity: {broken}")

    suppressed = [d for d in diags if spec.suppressed_code in str(d.get("code")) + d.get("message", "")]
    if suppressed:
        problems.append(f"initializationOptions {spec.init_options} did not reach the server: {suppressed}")

    labels = result.get("completion") or []
    if not labels or labels[0] != spec.completion_expected:
        problems.append(
            f"completion after [[{spec.completion_prefix}: expected {spec.completion_expected!r} "
            f"first, got {labels[:5]}"
        )
    lockfiles = [label for label in labels if label.startswith(".#")]
    if lockfiles:  # Emacs writes ".#<note>.md" lock files next to modified notes
        problems.append(f"completion offers editor lock files as notes: {lockfiles}")
    if "completion_line" in result and result["completion_line"] != spec.completion_result_line:
        problems.append(
            f"accepting the completion gave {result['completion_line']!r}, expected {spec.completion_result_line!r}"
        )

    hover = result.get("hover") or ""
    if spec.hover_description not in hover:
        problems.append(f"hover lacks the description {spec.hover_description!r}: {hover!r}")

    landed = result.get("definition_file")
    if not landed or Path(landed).resolve() != Path(spec.definition_file).resolve():
        problems.append(f"go-to-definition landed in {landed!r}, expected {spec.definition_file!r}")

    if result.get("_exit") not in (0, None):
        problems.append(f"editor exited with {result['_exit']}")
    if problems:
        pytest.fail("\n".join(problems), pytrace=False)
