"""ledger: payments, handled in parallel."""
