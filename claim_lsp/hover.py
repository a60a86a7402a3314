"""Hover text for a link: a preview of the linked claim, or why the link is broken."""

from __future__ import annotations

from .index import AMBIGUOUS, BROKEN, EMPTY, Vault, find_heading
from .model import Link, Note


def _escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace("*", "\\*").replace("_", "\\_").replace("`", "\\`")


def note_preview(vault: Vault, note: Note, heading: str | None = None) -> str:
    lines = [f"**{_escape(note.title)}**", ""]
    facts = []
    for key in ("type", "domain", "confidence", "created"):
        value = note.field_text(key)
        if value:
            facts.append(f"{key}: {value}")
    if facts:
        lines += [" · ".join(_escape(f) for f in facts), ""]
    description = note.field_text("description")
    if description:
        lines += [f"*{_escape(description)}*", ""]
    if note.intro:
        lines += [_escape(note.intro), ""]
    if heading:
        found = find_heading(note, heading)
        lines += [f"Section: {_escape(found.text) if found else _escape(heading) + ' (no such heading)'}", ""]
    count = vault.backlink_count(note)
    lines.append(f"{count} note{'s' if count != 1 else ''} link{'s' if count == 1 else ''} here · `{note.path}`")
    return "\n".join(lines)


def hover_link(vault: Vault, note: Note, link: Link) -> str:
    res = vault.resolve(link.target, note.path)
    if res.status == EMPTY:
        return "Empty link: it names no note."
    if res.status == BROKEN:
        suggestions = vault.suggest(link.target, note.path)
        text = f'No note has the title "{_escape(link.target)}".'
        if suggestions:
            text += "\n\nClosest titles:\n" + "\n".join(f"- {_escape(s)}" for s in suggestions)
        return text
    if res.status == AMBIGUOUS:
        paths = "\n".join(f"- `{n.path}`" for n in res.notes)
        return f'"{_escape(link.target)}" matches several notes equally well:\n{paths}'
    target = res.notes[0]
    text = note_preview(vault, target, link.heading)
    if res.status != "ok":
        text = f"*Link differs in case from the title.*\n\n{text}"
    return text
