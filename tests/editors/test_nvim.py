"""Neovim with the real claim-lsp, configured by editors/nvim/lua/claim_lsp (setup()).

Two Neovims: Debian's 0.7.2 (the start_client fallback) and a current one from PyPI
(vim.lsp.config + vim.lsp.enable), both installed by scripts/editors/install.sh.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from .conftest import (
    EDITORS_HOME,
    HERE,
    TIMEOUT_S,
    check_observations,
    detect_spec,
    isolated_env,
    opened,
    reports_broken_link,
    require,
    run_driver,
)
from .vault import (
    COMPLETION_EXPECTED,
    MAP_BROKEN_TITLE,
    MAP_NOTE,
    NOTES,
    DetectSpec,
    Spec,
    map_open,
    note_open,
    write_loose_vault,
    write_marked_vault,
    write_plain_folder,
)

pytestmark = pytest.mark.editors

DEBIAN_NVIM = os.environ.get("NVIM", "nvim")
CURRENT_NVIM = os.environ.get("NVIM_CURRENT", str(EDITORS_HOME / "nvim-current/bin/nvim"))
# (Neovim, the API setup() uses): each start path of editors/nvim/lua/claim_lsp. No 0.8-0.10
# Neovim can be installed here, so their vim.lsp.start path runs on the current Neovim.
CASES = {
    "0.7-start_client": (DEBIAN_NVIM, "auto"),
    "current-vim.lsp.config": (CURRENT_NVIM, "auto"),
    "current-vim.lsp.start": (CURRENT_NVIM, "start"),
}


def run_nvim(case: str, spec: Spec | DetectSpec, tmp_path: Path) -> dict:
    """The driver in the Neovim of the case, through the start path (api) it names."""
    executable, api = CASES[case]
    nvim = require(executable)
    # "-c cquit 3" runs only when the driver failed to load (it quits by itself otherwise)
    argv = [nvim, "--headless", "--clean", "-n", "-S", str(HERE / "nvim_driver.lua"), "-c", "cquit 3"]
    env = isolated_env(tmp_path)
    env["CLAIM_NVIM_API"] = api
    result = run_driver("nvim", argv, spec, tmp_path, timeout_s=TIMEOUT_S * 6, env=env)
    print("editor:", result.get("editor"))
    return result


@pytest.mark.parametrize("case", list(CASES))
def test_nvim(case: str, spec: Spec, tmp_path: Path) -> None:
    result = run_nvim(case, spec, tmp_path)
    check_observations(result, spec)
    assert (result.get("status") or {}).get("notes") == len(NOTES), result.get("status")
    # backlinks key in the linked note: exactly the open note's link, not the H1 itself
    assert [Path(b["file"]).name for b in result.get("backlinks") or []] == [Path(spec.file).name], result.get(
        "backlinks"
    )


# ---- which notes get the server (only_in_vaults) ---------------------------------------------


def run_opens(case: str, spec: DetectSpec, tmp_path: Path) -> list[dict]:
    return opened(run_nvim(case, spec, tmp_path), spec)


def notes_in(root: Path) -> int:
    return sum(1 for _ in root.rglob("*.md"))


@pytest.mark.parametrize("case", list(CASES))
def test_nvim_map_note_opened_first(case: str, tmp_path: Path, server_cmd: list[str], artifacts: Path) -> None:
    """A map note without frontmatter, opened first in a vault marked by .git, gets the server:
    the claim notes under the root say it is a claim vault."""
    vault = tmp_path / "vault"
    write_marked_vault(vault)
    spec = detect_spec(tmp_path, server_cmd, artifacts, [map_open(vault / "maps" / f"{MAP_NOTE}.md")])
    (seen,) = run_opens(case, spec, tmp_path)
    assert seen.get("client_id"), f"no claim_lsp client for a map note opened first: {seen}"
    assert Path(seen["root"]) == vault, seen
    assert reports_broken_link(seen, spec.opens[0]["broken_line"], MAP_BROKEN_TITLE), seen
    assert seen.get("notes") == notes_in(vault), seen


@pytest.mark.parametrize("case", list(CASES))
def test_nvim_map_note_after_claim_note(case: str, tmp_path: Path, server_cmd: list[str], artifacts: Path) -> None:
    """:e a map note after a claim note of the same vault: the same client takes it."""
    vault = tmp_path / "vault"
    write_marked_vault(vault)
    claim = vault / "claims" / f"{COMPLETION_EXPECTED}.md"
    opens = [note_open(claim, attach=True), map_open(vault / "maps" / f"{MAP_NOTE}.md")]
    spec = detect_spec(tmp_path, server_cmd, artifacts, opens)
    first, then = run_opens(case, spec, tmp_path)
    assert first.get("client_id"), f"no claim_lsp client for a claim note: {first}"
    assert then.get("client_id") == first["client_id"] and then["clients"] == 1, (first, then)
    assert reports_broken_link(then, opens[1]["broken_line"], MAP_BROKEN_TITLE), then


@pytest.mark.parametrize("case", list(CASES))
def test_nvim_folder_without_marker(case: str, tmp_path: Path, server_cmd: list[str], artifacts: Path) -> None:
    """No root marker: the note's own folder is the root, and is not sampled (a map note opened
    first gets nothing); once a claim note started the server there, a map note of the folder
    gets that client."""
    loose = tmp_path / "loose"
    write_loose_vault(loose)
    opens = [
        note_open(loose / "Index.md", attach=False),
        note_open(loose / f"{COMPLETION_EXPECTED}.md", attach=True),
        map_open(loose / f"{MAP_NOTE}.md"),
    ]
    spec = detect_spec(tmp_path, server_cmd, artifacts, opens)
    index, claim, map_note = run_opens(case, spec, tmp_path)
    assert not index.get("client_id") and index["clients"] == 0, f"a server for a folder without marker: {index}"
    assert claim.get("client_id") and Path(claim["root"]) == loose, claim
    assert map_note.get("client_id") == claim["client_id"], (claim, map_note)
    assert reports_broken_link(map_note, opens[2]["broken_line"], MAP_BROKEN_TITLE), map_note


@pytest.mark.parametrize("case", list(CASES))
def test_nvim_no_server_outside_claim_vaults(case: str, tmp_path: Path, server_cmd: list[str], artifacts: Path) -> None:
    """A git folder of Markdown without a `type:` field anywhere gets no server, before and after
    a map note of a claim vault started one in the same session (which shows the driver sees a
    server when there is one)."""
    plain, vault = tmp_path / "plain", tmp_path / "vault"
    write_plain_folder(plain)
    write_marked_vault(vault)
    opens = [
        note_open(plain / "README.md", attach=False),
        map_open(vault / "maps" / f"{MAP_NOTE}.md"),
        note_open(plain / "docs" / "guide.md", attach=False),
    ]
    spec = detect_spec(tmp_path, server_cmd, artifacts, opens)
    readme, map_note, guide = run_opens(case, spec, tmp_path)
    assert readme["filetype"] == "markdown", readme
    assert not readme.get("client_id") and readme["clients"] == 0, f"a server for plain Markdown: {readme}"
    assert map_note.get("client_id") and Path(map_note["root"]) == vault, map_note
    assert not guide.get("client_id") and guide["clients"] == 1, f"a server for plain Markdown: {guide}"
