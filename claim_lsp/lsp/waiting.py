"""The waiting rule: a request whose answer depends on the whole vault waits until the vault
is indexed, and is never answered from a half-built index.

While a vault is read, its notes are filed by title first and read a batch at a time: a
backlink, an alias or a heading of a note not read yet is not known. An answer computed
then would look complete and be wrong (a rename updating some of the links to a note, a
reference count still growing, a rename to an alias of another note accepted). So
references, rename and prepareRename, willRenameFiles, code lens counts and
`claim-lsp.showReferences`, code actions on a link (where the fixes that create or
retarget are), workspace symbols, call hierarchy, and a definition not found among the
titles filed so far await `indexed_note` or `whole_vault`: the answer comes when indexing
ends (its progress is shown meanwhile, lsp/indexing.py), `$/cancelRequest` cancels the wait
(pygls cancels the task of a coroutine handler, and answers RequestCancelled), and after
INDEX_WAIT_SECONDS the request fails with a message saying how far indexing got. The same
holds while a large change on disk is filed (a branch switch: disk_changes.py), a slice at a
time: until every change reported is, the vault is not settled (ls.settled), and these
requests wait, so that none sees half of the change.

Answered at once, because what they say is true of the notes read so far: completion,
hover, document symbols, folding, inlay hints (asked again when indexing ends), diagnostics
(links are checked only once every note is read: checks.py), and code actions away from
links (fixes to the note's own frontmatter).
"""

from __future__ import annotations

import asyncio
import logging
import os
from collections.abc import Iterable
from typing import TYPE_CHECKING

from ..index import Vault
from ..model import Note
from .convert import uri_to_path
from .edits import RequestFailed

if TYPE_CHECKING:
    from .server import ClaimLanguageServer

log = logging.getLogger(__name__)


def env_seconds(name: str, default: float) -> float:
    """A number of seconds from the environment; the default when unset or not a number."""
    value = os.environ.get(name)
    if not value:
        return default
    try:
        seconds = float(value)
    except ValueError:
        log.warning("%s=%r is not a number of seconds; %s used", name, value, default)
        return default
    return seconds if seconds >= 0 else default


# How long a whole-vault request waits for indexing before it fails. Generous: a cold start
# of 100,000 notes indexes in well under it on two cores. (The environment variable is for
# tests, and for a vault on a disk so slow that a minute is not enough.)
INDEX_WAIT_SECONDS = env_seconds("CLAIM_LSP_INDEX_WAIT_SECONDS", 60.0)


async def whole_vault(ls: ClaimLanguageServer, vaults: Iterable[Vault]) -> None:
    """Until every one of vaults is settled (ls.settled: indexed, and the changes on disk
    reported so far filed); RequestFailed after INDEX_WAIT_SECONDS."""
    pending = [vault for vault in vaults if not ls.settled(vault)]
    if not pending:
        return
    try:
        async with asyncio.timeout(INDEX_WAIT_SECONDS):
            for vault in pending:
                await ls.until_settled(vault)
    except TimeoutError:
        raise RequestFailed(still_indexing(ls, [v for v in pending if not ls.settled(v)])) from None


async def indexed_note(ls: ClaimLanguageServer, uri: str) -> tuple[Vault, Note] | None:
    """The note at uri and its vault, once the vault is settled (ls.note_for, waiting as
    whole_vault does). The note is looked up after the wait: the one filed meanwhile may be
    another version, and a vault started again (its folder removed and added) is waited for too."""
    path = uri_to_path(uri)
    if path is None:
        return None
    waited: list[Vault] = []
    try:
        async with asyncio.timeout(INDEX_WAIT_SECONDS):
            while (found := ls.state.locate(path)) is not None:
                vault = found[0]
                if ls.settled(vault) or vault in waited:  # (a vault whose indexing was stopped: as far as it got)
                    break
                waited.append(vault)
                await ls.until_settled(vault)
    except TimeoutError:
        raise RequestFailed(still_indexing(ls, waited[-1:])) from None
    return ls.state.note_at(path)


def titles_filed(ls: ClaimLanguageServer, vault: Vault) -> bool:
    """Is every note of the vault filed by its title? (Notes are read, and counted as read,
    only once every title is filed: load.Loader.steps.)"""
    if vault.indexed:
        return True
    loader = ls.loaders.get(vault)
    return loader is not None and loader.done > 0


def still_indexing(ls: ClaimLanguageServer, vaults: list[Vault]) -> str:
    """Why a request waited in vain: how far the indexing of each vault got."""
    parts = []
    for vault in vaults:
        name = vault.root.name if vault.root is not None else "the vault"
        loader = ls.loaders.get(vault)
        if vault.indexed:
            left = ls.change_sets.left
            parts.append(f"still reading {left or 'the'} notes changed on disk in {name}")
        elif loader is None or not loader.total:
            parts.append(f"still indexing {name}: listing its notes")
        else:
            parts.append(f"still indexing {loader.done} of {loader.total} notes of {name}")
    reason = "; ".join(parts) or "still indexing"
    return (
        f"claim-lsp is {reason}. This answer needs every note, and one given now could be incomplete: "
        "ask again when indexing ends"
    )
