"""Accounts and totals, kept in this module for every thread to share."""

import threading

_accounts = {}
_total = 0
_safe_total = 0
_totals_lock = threading.Lock()
_audits = {}


def lookup(name):
    if name not in _accounts:  # expect: PAR701
        _accounts[name] = {"name": name, "balance": 0}
    return _accounts[name]


def record(amount):
    global _total
    _total += amount  # expect: PAR601


def record_safely(amount):
    global _safe_total
    with _totals_lock:
        _safe_total += amount


def audit_count(name):
    if name not in _audits:  # one audit at a time: nothing runs alongside it
        _audits[name] = 0
    _audits[name] += 1
