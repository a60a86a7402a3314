"""The code lens above a note's H1: how much of the vault leans on the note."""

from __future__ import annotations

from .graph import DEPENDS_ON, challengers, incoming, sources
from .index import Vault
from .model import Note
from .references import Links, backlinks_summary


def lens_title(vault: Vault, note: Note, links: Links, possible: Links = ()) -> str:
    """`N backlinks · M depend on this · K challenge it`: the backlinks as the hover words
    them (references.backlinks_summary: links, notes, possible ones), M the notes whose
    `depends_on` names it, K the notes that challenge it (graph.challengers); M and K only
    when not 0."""
    into = incoming(vault, note, links)
    parts = [backlinks_summary(links, list(possible))]
    dependents = len(sources(into.get(DEPENDS_ON, ())))
    if dependents:
        parts.append(f"{dependents} depend{'s' if dependents == 1 else ''} on this")
    challenging = len(challengers(vault, note, into))
    if challenging:
        parts.append(f"{challenging} challenge{'s' if challenging == 1 else ''} it")
    return " · ".join(parts)
