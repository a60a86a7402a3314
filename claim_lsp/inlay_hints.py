"""Inlay hints: after each resolved link, how strong the linked claim is (`· likely`), so a
reader sees the weight of each supporting claim without leaving the text."""

from __future__ import annotations

from dataclasses import dataclass

from .index import Vault
from .model import Note

FIELD = "confidence"


@dataclass(slots=True)
class Hint:
    line: int
    col: int  # just after the link's closing brackets
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
        out.append(
            Hint(link.span.end_line, link.span.end_col, f"· {confidence}", f"{target.title}: confidence {confidence}")
        )
    return out
