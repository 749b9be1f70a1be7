"""Executors and pools kept on `self`, followed across the methods of their class.

PAR302: a future of `self._pool.submit(...)` thrown away, `self.pool.map(...)` assigned and
never iterated, a discarded `apply_async`/`map_async` on a pool attribute.
PAR301: an executor on `self` that no method shuts down, at its constructor; not when
`close()`, `__exit__`, `shutdown()` or a method they call shuts it down.
"""
import logging
import multiprocessing
import smtplib
import urllib.request
from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor

log = logging.getLogger(__name__)


def send_email(address, subject):
    with smtplib.SMTP("localhost") as smtp:
        smtp.sendmail("shop@example.com", [address], f"Subject: {subject}\n\n")


def load_blob(key):
    with open(f"/var/cache/blobs/{key}", "rb") as fh:
        return fh.read()


def upload_file(path):
    with open(path, "rb") as fh:
        request = urllib.request.Request("http://files.local/", data=fh.read(), method="PUT")
    with urllib.request.urlopen(request) as response:
        return response.status


def tokenize(text):
    counts = {}
    for word in text.lower().split():
        counts[word] = counts[word] + 1 if word in counts else 1
    return counts


def _log_failure(future):
    if future.exception() is not None:
        log.error("task failed: %s", future.exception())


class Notifier:
    def __init__(self):
        self._pool = ThreadPoolExecutor(max_workers=4, thread_name_prefix="notify")

    def order_placed(self, order):
        self._pool.submit(send_email, order["email"], "Order received")  # expect: PAR302

    def order_shipped(self, order):
        future = self._pool.submit(send_email, order["email"], "Order shipped")
        future.add_done_callback(_log_failure)

    def close(self):
        self._pool.shutdown(wait=True)


class BlobCache:
    def __init__(self):
        self._executor = ThreadPoolExecutor(max_workers=2)  # expect: PAR301
        self._pending = {}

    def prefetch(self, key):
        self._pending[key] = self._executor.submit(load_blob, key)

    def get(self, key):
        return self._pending.pop(key).result()


class BatchUploader:
    def __init__(self, workers=8):
        self._executor = ThreadPoolExecutor(max_workers=workers)
        self._futures = []

    def __enter__(self):
        return self

    def __exit__(self, *exc_info):
        self._executor.shutdown(wait=True)
        for future in self._futures:
            future.result()

    def upload(self, path):
        self._futures.append(self._executor.submit(upload_file, path))


class SearchIndex:
    def __init__(self):
        self.pool = ProcessPoolExecutor(max_workers=2)

    def index(self, documents):
        results = self.pool.map(tokenize, documents)  # expect: PAR302
        log.info("indexing %d documents", len(documents))

    def index_and_wait(self, documents):
        return list(self.pool.map(tokenize, documents))

    def shutdown(self):
        self._release()

    def _release(self):
        self.pool.shutdown(cancel_futures=True)


class Tokenizer:
    """A multiprocessing pool on self, closed and joined in close()."""

    def __init__(self, processes=4):
        self._pool = multiprocessing.Pool(processes)

    def tokenize_later(self, text):
        self._pool.apply_async(tokenize, (text,))  # expect: PAR302

    def tokenize_many(self, texts):
        self._pool.map_async(tokenize, texts)  # expect: PAR302

    def tokenize_now(self, texts):
        return self._pool.map(tokenize, texts)

    def close(self):
        self._pool.close()
        self._pool.join()


class Uploader:
    """Created in start(), never shut down by any method."""

    def start(self):
        self._executor = ThreadPoolExecutor()  # expect: PAR301

    def upload(self, paths):
        return [self._executor.submit(upload_file, p) for p in paths]


class Prefetcher:
    """Created in start(), shut down in stop()."""

    def start(self):
        self._executor = ThreadPoolExecutor(max_workers=4)
        self._futures = []

    def prefetch(self, keys):
        self._futures.extend(self._executor.submit(load_blob, k) for k in keys)

    def stop(self):
        self._executor.shutdown(wait=False, cancel_futures=True)
