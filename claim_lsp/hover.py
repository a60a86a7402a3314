"""Hover text for a link: a preview of the linked claim, or why the link is broken; on a
note's own H1, its place in the reasoning chain; for a tag, how many notes use it."""

from __future__ import annotations

from .graph import CLAIMS_EXTRACTED, DEPENDS_ON, Edge, edges_of, incoming, sources, targets
from .index import AMBIGUOUS, BROKEN, EMPTY, Vault
from .model import Link, Note, Span
from .references import backlinks_summary
from .resolve import find_heading
from .tags import used_by
from .text import split_lines

LIST_CAP = 5  # notes a hover lists under a heading before "and N more"
TAG_NOTES_SHOWN = 10


class _Style:
    """Markdown, or plain text for clients that cannot render it."""

    def __init__(self, markdown: bool) -> None:
        self.markdown = markdown

    def esc(self, text: str) -> str:
        if not self.markdown:
            return text
        return text.replace("\\", "\\\\").replace("*", "\\*").replace("_", "\\_").replace("`", "\\`")

    def bold(self, text: str) -> str:
        return f"**{self.esc(text)}**" if self.markdown else text

    def italic(self, text: str) -> str:
        return f"*{self.esc(text)}*" if self.markdown else text

    def code(self, text: str) -> str:
        return f"`{text}`" if self.markdown else text


def note_preview(vault: Vault, note: Note, heading: str | None = None, markdown: bool = True) -> str:
    st = _Style(markdown)
    h1 = note.h1
    # a map's H1 ("Grand Strategy — How We Win") says more than its file name (_map); the
    # path at the end still names the file
    shown = h1.text if h1 is not None and h1.text and h1.text != note.title else note.title
    lines = [st.bold(shown), ""]
    facts = []
    for key in ("type", "domain", "confidence", "created"):
        value = note.field_text(key)
        if value:
            facts.append(f"{key}: {value}")
    if facts:
        lines += [" · ".join(st.esc(f) for f in facts), ""]
    description = note.field_text("description")
    if description:
        lines += [st.italic(description), ""]
    intro = vault.intro_of(note)
    if intro:
        lines += [st.esc(intro), ""]
    if heading and heading.startswith("^"):
        block = note.block(heading)
        shown = _block_line(vault, note, block.line, block.col) if block is not None else ""
        lines += [f"Block {st.esc(heading)}: {st.esc(shown)}" if block else f"No block {st.esc(heading)}", ""]
    elif heading:
        found = find_heading(note, heading)
        lines += [f"Section: {st.esc(found.text) if found else st.esc(heading) + ' (no such heading)'}", ""]
    sure, maybe = vault.inbound(note)
    into = incoming(vault, note, sure)
    lines += _chain(vault, note, into, st)
    lines.append(f"{st.esc(backlinks_summary(sure, maybe))} · {st.code(note.path)}")
    return "\n".join(lines)


def title_hover(vault: Vault, note: Note, line: int, markdown: bool = True) -> tuple[str, Span] | None:
    """On the note's H1: its confidence, what it depends on, the sources it was extracted
    from, how many notes link to it (the rest of a preview is on screen already)."""
    h1 = note.h1
    if h1 is None or h1.span.line != line:
        return None
    st = _Style(markdown)
    lines = []
    confidence = note.field_text("confidence")
    if confidence:
        lines += [f"confidence: {st.esc(confidence)}", ""]
    into = incoming(vault, note)
    lines += _chain(vault, note, into, st)
    lines.append(st.esc(backlinks_summary(*vault.inbound(note))))
    return "\n".join(lines), h1.span


def _chain(vault: Vault, note: Note, into: dict[str, list[Edge]], st: _Style) -> list[str]:
    """The note's place in the reasoning chain: what it depends on (with their confidence)
    and the sources it was extracted from, each list cut at LIST_CAP."""
    lines: list[str] = []
    depends = targets(e for e in edges_of(vault, note) if e.kind == DEPENDS_ON)
    if depends:
        shown = [st.esc(n.title) + (f" ({st.esc(c)})" if (c := n.field_text("confidence")) else "") for n in depends]
        lines += ["Depends on:", *_bullets(shown), ""]
    extracted = sources(into.get(CLAIMS_EXTRACTED, ()))
    if extracted:
        lines += ["Extracted from:", *_bullets([st.esc(n.title) for n in extracted]), ""]
    return lines


def _bullets(items: list[str]) -> list[str]:
    out = [f"- {item}" for item in items[:LIST_CAP]]
    if len(items) > LIST_CAP:
        out.append(f"- and {len(items) - LIST_CAP} more")
    return out


def _block_line(vault: Vault, note: Note, line: int, col: int) -> str:
    """The text of a block's line, without its ^id (read when a hover asks)."""
    text = vault.text_of(note)
    lines = split_lines(text) if text else []
    return lines[line][:col].strip() if line < len(lines) else ""


def hover_link(vault: Vault, note: Note, link: Link, markdown: bool = True) -> str:
    st = _Style(markdown)
    if not link.target and link.heading:  # [[#heading]] within this note
        return note_preview(vault, note, link.heading, markdown)
    res = vault.resolve(link.target, note.path)
    if res.status == EMPTY:
        return "Empty link: it names no note."
    if res.status == BROKEN:
        suggestions = vault.suggest(link.target, note.path)
        text = f'No note has the title "{st.esc(link.target)}".'
        if suggestions:
            text += "\n\nClosest titles:\n" + "\n".join(f"- {st.esc(s)}" for s in suggestions)
        return text
    if res.status == AMBIGUOUS:
        paths = "\n".join(f"- {st.code(n.path)}" for n in res.notes)
        return f'"{st.esc(link.target)}" matches several notes equally well:\n{paths}'
    target = res.notes[0]
    text = note_preview(vault, target, link.heading, markdown)
    if res.status != "ok":
        text = f"{st.italic('Link differs in case from the title.')}\n\n{text}"
    return text


def hover_tag(vault: Vault, tag: str, markdown: bool = True) -> str:
    """`#tag` · used by N notes, and the first of them by title."""
    st = _Style(markdown)
    paths = vault.tagged(tag)
    titles = sorted(vault.notes[p].title for p in paths)
    lines = [f"{st.bold('#' + tag)} · {used_by(len(paths))}"]
    if titles:
        lines.append("")
        lines += [f"- {st.esc(t)}" for t in titles[:TAG_NOTES_SHOWN]]
        if len(titles) > TAG_NOTES_SHOWN:
            lines.append(f"- … and {len(titles) - TAG_NOTES_SHOWN} more")
    return "\n".join(lines)
