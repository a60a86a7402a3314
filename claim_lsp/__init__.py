"""claim-lsp: a language server for vaults of claim notes."""

__version__ = "0.1.0"
