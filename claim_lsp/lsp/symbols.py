"""textDocument/documentSymbol (headings as a tree, plus the frontmatter) and
workspace/symbol (notes by title and alias, ranked across every vault; tags for a query
starting with #)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from lsprotocol import types as lsp

from ..model import Span
from ..symbols import FRONTMATTER, HEADING, FoundTag, Symbol, document_symbols, tag_symbols, workspace_symbols
from ..tags import used_by
from ..text import split_lines
from .convert import location, to_range
from .waiting import whole_vault

if TYPE_CHECKING:
    from .server import ClaimLanguageServer

KINDS = {FRONTMATTER: lsp.SymbolKind.Namespace, HEADING: lsp.SymbolKind.String}
WORKSPACE_LIMIT = 100


def document_lines(ls: ClaimLanguageServer, uri: str) -> list[str]:
    try:
        return split_lines(ls.workspace.get_text_document(uri).source)
    except OSError:
        return []


def document_symbol(ls: ClaimLanguageServer, params: lsp.DocumentSymbolParams):
    uri = params.text_document.uri
    found = ls.note_for(uri)
    if found is None:
        return None
    _vault, note = found
    symbols = document_symbols(note, document_lines(ls, uri))

    def convert(s: Symbol) -> lsp.DocumentSymbol:
        return lsp.DocumentSymbol(
            name=s.name,
            kind=KINDS.get(s.kind, lsp.SymbolKind.Property),
            range=to_range(note, s.span),
            selection_range=to_range(note, s.selection),
            detail=s.detail or None,
            children=[convert(c) for c in s.children] or None,
        )

    if ls.client_support.hierarchical_symbols:
        return [convert(s) for s in symbols]
    flat: list[lsp.SymbolInformation] = []

    def walk(items: list[Symbol], container: str | None) -> None:
        for s in items:
            flat.append(
                lsp.SymbolInformation(
                    name=s.name,
                    kind=KINDS.get(s.kind, lsp.SymbolKind.Property),
                    location=lsp.Location(uri=uri, range=to_range(note, s.span)),
                    container_name=container,
                )
            )
            walk(s.children, s.name)

    walk(symbols, None)
    return flat


async def workspace_symbol(ls: ClaimLanguageServer, params: lsp.WorkspaceSymbolParams) -> list[lsp.SymbolInformation]:
    await whole_vault(ls, ls.state.vaults)
    if params.query.lstrip().startswith("#"):
        return [_tag_symbol(t) for t in tag_symbols(ls.state.vaults, params.query, WORKSPACE_LIMIT)]
    out = []
    for f in workspace_symbols(ls.state.vaults, params.query, WORKSPACE_LIMIT):
        assert f.vault.root is not None
        span = f.note.h1.span if f.note.h1 is not None else Span(0, 0, 0, 0)
        loc = location(f.vault.root, f.note, span)
        folder = f.note.folder
        container = f"alias of {f.note.title}" if f.alias else (folder or None)
        out.append(lsp.SymbolInformation(name=f.name, kind=lsp.SymbolKind.File, location=loc, container_name=container))
    return out


def register(ls: ClaimLanguageServer) -> None:
    ls.feature(lsp.TEXT_DOCUMENT_DOCUMENT_SYMBOL)(document_symbol)
    ls.feature(lsp.WORKSPACE_SYMBOL)(workspace_symbol)


def _tag_symbol(t: FoundTag) -> lsp.SymbolInformation:
    """A tag, leading to the `tags` key of the first note that holds it."""
    assert t.vault.root is not None
    return lsp.SymbolInformation(
        name="#" + t.name,
        kind=lsp.SymbolKind.Key,
        location=location(t.vault.root, t.note, t.span),
        container_name=used_by(t.count),
    )
