"""Background indexing: the vault loader's steps (load.py) run on the event loop, the ones
that block in a thread, with requests answered between steps and progress reported; then
the disk cache written and the completion ranker's word index built."""

from __future__ import annotations

import asyncio
import logging
import os
from pathlib import Path
from typing import TYPE_CHECKING

from lsprotocol import types as lsp

from .. import cache
from ..index import Vault
from ..load import Loader
from ..load_steps import FILED, TITLED
from .disk_changes import ForLoader

if TYPE_CHECKING:
    from .server import ClaimLanguageServer

log = logging.getLogger(__name__)


async def index_vault(ls: ClaimLanguageServer, vault: Vault) -> None:
    """Read every note in worker threads, a batch at a time, and add it on the event
    loop so that requests are answered between batches."""
    assert vault.root is not None
    root, config = vault.root, vault.config
    loop = asyncio.get_running_loop()
    ls.indexing += 1
    token = await _progress_begin(ls, f"Indexing {root.name}")
    await ls.until_watched()  # (a change on disk after the listing must be seen)
    loader = Loader(vault, use_cache=True, pool=ls.pool, editor=ForLoader(ls.state, ls.change_sets))
    ls.loaders[vault] = loader
    steps = loader.steps()
    try:
        reported = 0  # the percentage last reported (begin reported 0)
        for step in steps:
            if step.blocks:
                await loop.run_in_executor(None, step.work)
            elif step.kind == FILED:
                await asyncio.sleep(0)  # requests are answered meanwhile
            if vault not in ls.state.vaults or ls.shutting_down:
                return  # the folder was removed meanwhile, or the client is leaving
            if step.kind == TITLED:
                ls.publisher.refresh_all_open()
            percentage = loader.done * 100 // max(loader.total, 1)
            if percentage != reported:  # (one a batch: 500 messages at 100,000 notes)
                reported = percentage
                _progress_report(ls, token, f"{loader.done}/{loader.total} notes", percentage)
        if loader.to_save is not None:
            ls.spawn(_save_cache(ls, root, config.limits, *loader.to_save))
        ls.log_client(f"claim-lsp: indexed {len(vault)} notes in {root}")
    except asyncio.CancelledError:
        log.info("indexing %s stopped", root)
        return
    except Exception:
        log.exception("indexing %s failed", root)
        ls.log_client(f"claim-lsp: indexing {root} failed; see the server log", lsp.MessageType.Error)
    finally:
        steps.close()  # (stopped early: the loader's bulk filing and bulk load end here)
        ls.mark_indexed(vault)  # (after a failure: links are checked against what was read)
        ls.indexing -= 1
        _progress_end(ls, token)
        ls.spawn(_build_word_index(ls, vault))
        if not ls.indexing and ls.pool is not None:
            # the first indexing is done: the workers' memory is given back (a vault
            # added later is parsed in-process)
            pool, ls.pool = ls.pool, None
            loop.run_in_executor(None, pool.terminate if ls.shutting_down else pool.close)
    ls.publisher.indexing_ended()


async def _build_word_index(ls: ClaimLanguageServer, vault: Vault) -> None:
    """The completion ranker's word index, built once indexing is over (and the
    indexing's own objects are freed), not by the first completion asked after it:
    ~0.6 s at 100,000 titles, which that completion waited for. (A broken link in an open
    note built it already, for its suggestions.)"""
    await asyncio.sleep(0)
    if vault in ls.state.vaults and not ls.shutting_down:
        vault.ranker.prepare()


async def _save_cache(ls: ClaimLanguageServer, root: Path, limits, entries: dict, tables=None) -> None:
    pid = cache.save_in_child(root, limits, entries, tables)
    if pid is not None:
        # reaped by polling, not by a thread blocked in waitpid (exit would wait for it)
        try:
            while not os.waitpid(pid, os.WNOHANG)[0]:
                await asyncio.sleep(0.1)
        except ChildProcessError:
            pass  # reaped already
        return
    for _ in cache.save_steps(root, limits, entries, tables):
        if ls.shutting_down:
            return
        await asyncio.sleep(0)  # let requests through between chunks


async def _progress_begin(ls: ClaimLanguageServer, title: str) -> str | None:
    if not ls.client_support.work_done_progress:
        return None
    token = f"claim-lsp-index-{id(title)}-{len(ls._tasks)}"
    try:
        await asyncio.wait_for(ls.work_done_progress.create_async(token), timeout=2)
        ls.work_done_progress.begin(token, lsp.WorkDoneProgressBegin(title=title, percentage=0))
    except Exception:
        return None
    return token


def _progress_report(ls: ClaimLanguageServer, token: str | None, message: str, percentage: int) -> None:
    if token is not None:
        ls.work_done_progress.report(token, lsp.WorkDoneProgressReport(message=message, percentage=percentage))


def _progress_end(ls: ClaimLanguageServer, token: str | None) -> None:
    if token is not None:
        try:
            ls.work_done_progress.end(token, lsp.WorkDoneProgressEnd(message="done"))
        except Exception:
            pass
