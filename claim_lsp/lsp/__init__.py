"""The LSP layer: the only place pygls and lsprotocol are imported."""
