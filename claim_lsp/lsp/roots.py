"""Warnings that the workspace folder is not the vault's root (window/showMessage, at most
one a vault and session): it holds no vault marker while a folder above it does; or most
links of a note opened there name notes found in a folder above it (roots.py's heuristic).
Either way links to the rest of the vault look broken, and nothing else would say why."""

from __future__ import annotations

import asyncio
import logging
from pathlib import Path
from typing import TYPE_CHECKING

from lsprotocol import types as lsp

from ..config import CONFIG_FILE, VAULT_MARKERS
from ..index import Vault
from ..roots import found_above, marker_above, tally_links

if TYPE_CHECKING:
    from .server import ClaimLanguageServer

log = logging.getLogger(__name__)


class RootWarnings:
    def __init__(self, ls: ClaimLanguageServer) -> None:
        self.ls = ls
        self._done: set[Path] = set()  # roots warned about, or whose links were looked into

    def vault_started(self, vault: Vault) -> None:
        root = vault.root
        if root is None or root in self._done:
            return
        found = marker_above(root)
        if found is None:
            return
        above, marker = found
        self._done.add(root)
        self._warn(
            f"claim-lsp: {root} holds no {' / '.join(VAULT_MARKERS)}, but {above} holds {marker}: "
            f"the vault may be {above}, and links to notes outside {root.name} would look broken. "
            f"Open {above} as the workspace, or put a {CONFIG_FILE} in {root} to make it the vault."
        )

    def note_opened(self, path: Path) -> None:
        found = self.ls.state.locate(path)
        if found is not None and found[0].root not in self._done:
            self.ls.spawn(self._look_at_links(found[0], found[1]))

    async def _look_at_links(self, vault: Vault, rel: str) -> None:
        await self.ls.until_indexed(vault)
        root = vault.root
        note = vault.notes.get(rel)
        if root is None or root in self._done or note is None or self.ls.shutting_down:
            return
        tally = tally_links(note, vault)
        if not tally.mostly_broken:
            return
        self._done.add(root)  # (one look above a vault: it walks folders)
        loop = asyncio.get_running_loop()
        above = await loop.run_in_executor(None, found_above, root, tally.broken)
        if above is None or self.ls.shutting_down:
            return
        self._warn(
            f"claim-lsp: {len(tally.broken)} of the {tally.links} links in {rel} name no note in {root} "
            f"({len(vault)} notes), and {above.found} of them name notes in {above.folder}: the vault looks "
            f"bigger than the folder opened. Open {above.folder} as the workspace, or put a {CONFIG_FILE} "
            "at the vault's root."
        )

    def _warn(self, message: str) -> None:
        log.warning("%s", message)
        try:
            self.ls.window_show_message(lsp.ShowMessageParams(type=lsp.MessageType.Warning, message=message))
        except Exception:  # no client (tests driving the server directly)
            pass
