"""Which version of its file each filed note was read from, so that before a whole-vault
edit the notes whose files changed on disk since are told without reading them (verify.py).

A note is recorded with the key of its file's stamp (scan.stamp_key) taken just before the
read that made it: while the file's stamp is the same, the note says what the file holds.
A record counts only while its note is the one filed at its path: a note filed since from
elsewhere (the editor's text, an older read) is never taken for the file's.

Every note has one, so they are kept compact: the loading's records as a list of the notes
and an array of their keys (16 bytes a note; a dict of path -> key cost ~90, ~9 MB at
100,000 notes), and those recorded since (a file read again) in a dict laid over them.
"""

from __future__ import annotations

from array import array
from collections.abc import Iterable, Mapping

from .model import Note

COMPACT_AFTER = 1000  # records laid over the loading's, at the least, before their notes are let go


class FileStamps:
    __slots__ = ("_notes", "_keys", "_later", "_compacted")

    def __init__(self) -> None:
        self._notes: list[Note | None] = []  # the loading's notes (None: superseded since)
        self._keys = array("q")  # and their keys, in the same order
        self._later: dict[str, tuple[Note, int] | None] = {}  # path -> recorded since (None: removed)
        self._compacted = 0  # how many of those there were when the loading's were last compacted

    def record_all(self, records: Iterable[tuple[Note, int]]) -> None:
        """The loading's records (note, key), in place of every earlier one."""
        notes: list[Note | None] = []
        keys = array("q")
        for note, key in records:
            notes.append(note)
            keys.append(key)
        self._notes, self._keys, self._later, self._compacted = notes, keys, {}, 0

    def record(self, note: Note, key: int) -> None:
        """The note was read from its file, stamped just before with this key (0: unknown)."""
        self._later[note.path] = (note, key)
        self._compact_if_grown()

    def forget(self, path: str) -> None:
        """The note at path is no longer filed."""
        if self._notes or path in self._later:
            self._later[path] = None
            self._compact_if_grown()

    def current(self, filed: Mapping[str, Note]) -> dict[str, int]:
        """Path -> key of each filed note whose record is of that very note (the others are
        let go). A note missing here was not read from its file, or its stamp is unknown."""
        out: dict[str, int] = {}
        notes = self._notes
        for i, (note, key) in enumerate(zip(notes, self._keys)):
            if note is not None:
                if filed.get(note.path) is note:
                    out[note.path] = key
                else:
                    notes[i] = None
        for path, record in list(self._later.items()):
            if record is not None and filed.get(path) is record[0]:
                out[path] = record[1]
            else:
                del self._later[path]
        return out

    def _compact_if_grown(self) -> None:
        """Let the loading's notes that were recorded again since go (files changed in a
        branch switch would otherwise be held twice), once the records laid over them have
        doubled: a pass over all of them now and then, not at every record."""
        later = self._later
        if len(later) < max(COMPACT_AFTER, 2 * self._compacted):
            return
        notes = self._notes
        for i, note in enumerate(notes):
            if note is not None and note.path in later:
                notes[i] = None
        self._compacted = len(later)
