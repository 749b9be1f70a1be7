"""Webhook delivery. The task waits on HTTP (orderdesk.net): a process pool for it is
PAR202, reported at the submit with the evidence in net.py."""
from concurrent.futures import ProcessPoolExecutor

import orderdesk.net as net


class WebhookDispatcher:
    def __init__(self):
        self._procs = ProcessPoolExecutor(max_workers=4)
        self._pending = []

    def dispatch(self, url, body):
        self._pending.append(self._procs.submit(net.post_json, url, body))  # expect: PAR202

    def shutdown(self):
        self._procs.shutdown(wait=True)
        failed = [f for f in self._pending if f.exception() is not None]
        self._pending.clear()
        return failed
