"""The service: each batch of requests is handled on the server's thread pool."""

from concurrent.futures import ThreadPoolExecutor

from ledger.handlers import handle, handle_audited


class Server:
    def __init__(self, workers=8):
        self._executor = ThreadPoolExecutor(max_workers=workers)

    def serve(self, requests):
        return list(self._executor.map(handle, requests))

    def audit(self, requests):
        return [self._executor.submit(handle_audited, r).result() for r in requests]

    def close(self):
        self._executor.shutdown(wait=True)
