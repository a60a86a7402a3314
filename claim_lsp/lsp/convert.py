"""Domain values <-> lsprotocol types. Positions are converted here and nowhere else."""

from __future__ import annotations

from pathlib import Path

from lsprotocol import types as lsp
from pygls.uris import from_fs_path, to_fs_path

from ..model import Note, Problem, Span
from ..text import from_utf16, to_utf16, utf16_len

SEVERITY = {
    "error": lsp.DiagnosticSeverity.Error,
    "warning": lsp.DiagnosticSeverity.Warning,
    "information": lsp.DiagnosticSeverity.Information,
    "hint": lsp.DiagnosticSeverity.Hint,
}
SOURCE = "claim-lsp"


def uri_to_path(uri: str) -> Path | None:
    """A file: URI (the scheme in any case: RFC 3986) -> absolute path; None for other schemes,
    malformed URIs, and paths no file has: one with a NUL byte, or a relative one (`file:x.md`,
    which the server would read from its working directory)."""
    if uri[:5].lower() != "file:":
        return None
    try:
        fs = to_fs_path(uri)
    except Exception:  # malformed percent-encoding and the like
        return None
    if not fs or "\0" in fs:
        return None
    path = Path(fs)
    return path if path.is_absolute() else None


def path_to_uri(path: Path) -> str:
    return from_fs_path(str(path)) or path.as_uri()


def to_position(note: Note, line: int, col: int) -> lsp.Position:
    return lsp.Position(line=line, character=to_utf16(note.astral_cols(line), col))


def to_range(note: Note, span: Span) -> lsp.Range:
    return lsp.Range(
        start=to_position(note, span.line, span.col),
        end=to_position(note, span.end_line, span.end_col),
    )


def to_range_in(lines: list[str], span: Span) -> lsp.Range:
    """A span of a text known by its lines (the text an edit is checked against, which may
    not be the one a note was parsed from)."""
    return lsp.Range(
        start=lsp.Position(line=span.line, character=utf16_len(lines[span.line][: span.col])),
        end=lsp.Position(line=span.end_line, character=utf16_len(lines[span.end_line][: span.end_col])),
    )


# the largest column LSP allows (a uinteger): past the end of any line, which it means
LINE_END = 2**31 - 1


def from_position(note: Note, position: lsp.Position) -> tuple[int, int]:
    """LSP position -> (line, code-point column), clamped to the note: a line past the last
    means the end of the note (as VS Code reads it), so the end of its last line. A column
    past the end of its line is kept: it means the end of the line, and every caller slices
    with it as such."""
    line, character = max(0, position.line), max(0, position.character)
    last = max(0, note.text_lines - 1)
    if line > last:
        line, character = last, LINE_END
    return line, from_utf16(note.astral_cols(line), character)


def to_diagnostic(note: Note, problem: Problem) -> lsp.Diagnostic:
    return lsp.Diagnostic(
        range=to_range(note, problem.span),
        message=problem.message,
        severity=SEVERITY.get(problem.severity, lsp.DiagnosticSeverity.Warning),
        code=problem.code,
        source=SOURCE,
        data=problem.data,
    )


def takes_markdown(formats: list | None) -> bool:
    """Does the client list Markdown among the formats it renders (for hover, completion docs)?"""
    return bool(formats) and lsp.MarkupKind.Markdown in formats


def markup(formats: list | None, text: str) -> lsp.MarkupContent | str:
    """Markdown when the client takes it, plain MarkupContent when it lists only that,
    and a bare string (always allowed) when it lists nothing."""
    if takes_markdown(formats):
        return lsp.MarkupContent(kind=lsp.MarkupKind.Markdown, value=text)
    if formats:
        return lsp.MarkupContent(kind=lsp.MarkupKind.PlainText, value=text)
    return text


def completion_item(
    label: str,
    kind: lsp.CompletionItemKind,
    rng: lsp.Range,
    new_text: str,
    formats: list | None,
    detail: str = "",
    documentation: str = "",
    sort_text: str = "",
    filter_text: str = "",
) -> lsp.CompletionItem:
    """One completion item that replaces rng with new_text (links and frontmatter alike)."""
    return lsp.CompletionItem(
        label=label,
        kind=kind,
        detail=detail or None,
        documentation=markup(formats, documentation) if documentation else None,
        sort_text=sort_text or None,
        filter_text=filter_text or label,
        text_edit=lsp.TextEdit(range=rng, new_text=new_text),
    )


def location(root: Path, note: Note, span: Span) -> lsp.Location:
    return lsp.Location(uri=path_to_uri(root / note.path), range=to_range(note, span))
