"""Background work of the app: service loops ended by a stop event or a sentinel (App.stop
sends both), a daemon indexer, a metrics flusher, and the recommendation builder whose
`run()` is CPU-bound (PAR201 at its `def run`, built per category in handlers.py)."""
import logging
import queue
import threading
import time

from .pricing import similar_products

log = logging.getLogger(__name__)


def sweep_sessions(stop, sessions):
    while not stop.wait(60):
        now = time.time()
        for key in [k for k, expiry in sessions.items() if expiry < now]:
            sessions.pop(key, None)


def drain_outbox(jobs):
    while True:
        job = jobs.get()
        if job is None:
            return
        log.info("outbox: %s", job)


def flush_metrics(buffer):
    while True:
        time.sleep(10)
        with open("/var/log/orderdesk/metrics.log", "a", encoding="utf-8") as out:
            while not buffer.empty():
                out.write(f"{buffer.get()}\n")


class SearchIndexer(threading.Thread):
    def __init__(self):
        super().__init__(name="search-indexer", daemon=True)
        self.inbox = queue.Queue()

    def run(self):
        while True:
            doc = self.inbox.get()
            with open("/var/lib/orderdesk/index.log", "a", encoding="utf-8") as out:
                out.write(f"{doc}\n")


class MetricsFlusher:
    def __init__(self):
        self.buffer = queue.Queue()
        self.worker = threading.Thread(target=flush_metrics, args=(self.buffer,), daemon=True)

    def start(self):
        self.worker.start()

    def flush_now(self):
        self.worker.run()  # expect: PAR104


class RecommendationBuilder(threading.Thread):
    def __init__(self, catalogue, skus):
        super().__init__()
        self.catalogue = catalogue
        self.skus = skus
        self.result = {}

    def run(self):  # expect: PAR201
        result = {}
        for sku in self.skus:
            result[sku] = [other for _, other in similar_products(self.catalogue, sku)]
        self.result = result
