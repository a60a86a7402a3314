"""The vault's index brought up to what its folder holds, before a whole-vault edit.

A rename or a file move edits every note linking to what it renames, as the index knows
them. A file changed on disk since it was read (a `git pull` in a terminal, under a client
that does not watch files; a change the watcher has not reported yet) would be edited at
its old positions, and a note added or given a link since would be left out, its link
broken. So before such an edit the folder is listed again and every note's file stamped
(Vault.stamps: the stamp each note was read under), and what changed, appeared or went is
read again, filed or dropped. At 100,000 notes this costs ~0.3-0.6 s (README, Limits and
guarantees); a rename pays it, a keystroke never does. The folder is listed even for a
client that reports changes (didChangeWatchedFiles): a watcher's events come late, or not
at all for a folder moved in one piece, and the listing is ~0.1-0.3 s of the cost.

The edit is then checked against the text of every file it changes (lsp/edits.py): this
makes it right, that check makes it safe.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field

from .index import Vault
from .parse import note_from_text
from .scan import file_stamp, note_file, read_text, stamp_key, walk_notes
from .workspace import Change, Workspace


@dataclass
class Refreshed:
    changes: list[Change] = field(default_factory=list)  # what was filed or dropped, for the diagnostics
    # path -> why: files changed that cannot be read now; what was read of them stays filed, so
    # that an edit of them is refused rather than their links lost
    unreadable: dict[str, str] = field(default_factory=dict)
    read: int = 0  # files read again
    listed: int = 0  # notes in the folder


def refresh(workspace: Workspace, vault: Vault) -> Refreshed:
    """List the vault's folder, stamp every note's file, and read again the notes whose
    stamp is not the one they were read under (or is unknown), and the new ones; drop the
    notes whose files are gone. The editor's open documents are left as they are (their
    text wins, as always)."""
    root, config = vault.root, vault.config
    assert root is not None
    out = Refreshed()
    open_now = workspace.open_in(vault)
    known = vault.stamps.current(vault.notes)
    attachments: set[str] = set()
    listed: set[str] = set()
    folder = note_file(root, "")  # (joined once: os.path.join for each of 100,000 notes cost ~0.15 s)
    for rel in walk_notes(root, config, attachments):
        listed.add(rel)
        if rel in open_now:
            continue
        path = folder + rel
        key = known.get(rel)
        if key and stamp_key(file_stamp(path)) == key:
            continue
        out.read += 1
        since = time.time_ns()
        stamp = file_stamp(path)
        loaded = read_text(path, config.max_file_bytes)
        if loaded.problem is not None and not loaded.text and rel in vault.notes:
            out.unreadable[rel] = loaded.problem
            continue
        note = note_from_text(rel, loaded.text, config.limits, loaded.problem)
        out.changes.append(workspace.refile(vault, note, stamp_key(stamp, since)))
    out.listed = len(listed)
    vault.set_attachments(attachments)
    for rel in [rel for rel in vault.notes if rel not in listed and rel not in open_now]:
        change = workspace.reload(root / rel)  # gone, or no longer a note of the vault: dropped
        if change is not None:
            out.changes.append(change)
    return out
