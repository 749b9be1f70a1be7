"""parlint's language server (pygls 2); built in a later milestone."""
