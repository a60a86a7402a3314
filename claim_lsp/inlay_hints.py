"""Inlay hints: after each resolved link (and plain-title reference of a relation field), how
strong the linked claim is (`· likely`), so a reader sees the weight of each supporting claim
without leaving the text."""

from __future__ import annotations

from dataclasses import dataclass

from .index import Vault
from .model import Note

FIELD = "confidence"


@dataclass(slots=True)
class Hint:
    line: int
    col: int  # just after the link's closing brackets (a plain item's closing quote)
    label: str
    tooltip: str


def confidence_hints(vault: Vault, note: Note, first_line: int = 0, last_line: int | None = None) -> list[Hint]:
    out = []
    for link in note.links:
        if link.span.end_line < first_line or (last_line is not None and link.span.line > last_line):
            continue
        if not link.target:
            continue  # [[#heading]]: this very note
        target = vault.resolve(link.target, note.path).note
        if target is None:
            continue
        confidence = target.field_text(FIELD)
        if not confidence:
            continue
        end = link.span.end_col + (1 if link.bare and link.quote else 0)  # after a plain item's closing quote
        out.append(Hint(link.span.end_line, end, f"· {confidence}", f"{target.title}: confidence {confidence}"))
    return out
