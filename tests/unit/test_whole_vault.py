"""lsp/workspace_diagnostics.py driven directly: what a client is told when notes change
while the vault is being checked."""

from __future__ import annotations

from pathlib import Path

from claim_lsp.config import Config
from claim_lsp.lsp.capabilities import ClientSupport
from claim_lsp.lsp.workspace_diagnostics import Report, WholeVault
from claim_lsp.workspace import Workspace


class Server:
    """What WholeVault uses of the server."""

    client_support = ClientSupport()
    shutting_down = False

    def __init__(self, root: Path) -> None:
        self.state = Workspace()
        self.vault = self.state.add_vault(root, Config())

    async def until_indexed(self, vault) -> None:
        return None


async def test_a_note_reported_then_fixed_during_the_same_pass_is_cleared(tmp_path: Path):
    """The target of a's broken link appears while the vault is being checked, after a's
    report went out: the client is told a has no problems left, in the same pass (pushed,
    it would otherwise keep the broken link: the next look finds nothing changed since)."""
    server = Server(tmp_path)
    for name in ["a", *(f"n{i}" for i in range(50))]:
        (tmp_path / f"{name}.md").write_text(f"# {name}\n\n[[b]]\n" if name == "a" else f"# {name}\n")
        server.state.reload(tmp_path / f"{name}.md")  # (on disk, not open)
    whole = WholeVault(server)
    sent: list[Report] = []

    async def emit(reports: list[Report]) -> None:
        sent.extend(reports)
        if any(r.uri.endswith("/a.md") for r in reports):
            (tmp_path / "b.md").write_text("# b\n")
            whole.note_changed(server.state.reload(tmp_path / "b.md"))

    unchanged, _ = await whole.reports({}, emit, every_vault=True)
    about_a = [r for r in sent if r.uri.endswith("/a.md")]
    assert [(r.result_id is not None, len(r.diagnostics)) for r in about_a] == [(True, 1), (False, 0)]
    assert unchanged == []
