"""Request handlers: what the pool's threads run."""

import os

from ledger import accounts
from ledger.rates import rate_for


def handle(request):
    os.environ["LEDGER_REQUEST"] = request["id"]  # expect: PAR703
    account = accounts.lookup(request["account"])
    amount = rate_for(request["currency"]) * request["amount"]
    accounts.record(amount)
    accounts.record_safely(amount)
    return account["name"], amount


def handle_audited(request):
    """Handled one at a time: each is waited for before the next is submitted."""
    accounts.audit_count(request["account"])
    return request["id"]
