"""parlint's language server (pygls 2): `parlint server` speaks LSP over stdio."""
