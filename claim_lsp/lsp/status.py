"""claim-lsp/status: what the server has indexed (for status bars)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .. import __version__

if TYPE_CHECKING:
    from .server import ClaimLanguageServer

STATUS = "claim-lsp/status"


def status(ls: ClaimLanguageServer, params: Any = None) -> dict[str, Any]:
    vaults = [{"root": str(v.root), "notes": len(v)} for v in ls.state.vaults]
    return {
        "vaults": vaults,
        "notes": ls.state.total_notes(),
        "indexing": ls.indexing > 0,
        "version": __version__,
    }


def register(ls: ClaimLanguageServer) -> None:
    ls.feature(STATUS)(status)
