"""Threads kept on `self`, followed across the methods of their class.

PAR101: a thread started in `start()` and joined in `stop()`, `close()`, `__exit__` or a
method those call is owned by the class and is not reported; one that no method joins (and
whose loop waits for a stop signal nobody sends) is reported at its `start()`.
PAR104: `self.worker.run()`. PAR502: `args=(self.outbox)` where the attribute holds a Queue.
"""
import logging
import queue
import threading
import urllib.request

from servicekit import BaseService  # third-party: its stop() may join what its subclasses keep

log = logging.getLogger(__name__)


def drain(jobs):
    while True:
        job = jobs.get()
        if job is None:
            return
        log.info("processing %s", job)


def heartbeat(interval, stop):
    while not stop.wait(interval):
        log.debug("alive")


def export_rows(path):
    with open(path, "w", encoding="utf-8") as out:
        out.write("id,total\n")


def reindex(documents):
    for doc in documents:
        with urllib.request.urlopen(f"http://search.local/index/{doc}") as response:
            response.read()


class JobRunner:
    """Started in start(), joined in stop(): the class owns its consumer."""

    def __init__(self):
        self.jobs = queue.Queue()
        self._consumer = threading.Thread(target=drain, args=(self.jobs,), name="consumer")

    def start(self):
        self._consumer.start()

    def submit(self, job):
        self.jobs.put(job)

    def stop(self):
        self.jobs.put(None)
        self._consumer.join()


class Mailer:
    """The outbox Queue is one value in parentheses, not a tuple."""

    def __init__(self):
        self.outbox = queue.Queue()
        self.sender = threading.Thread(target=drain, args=(self.outbox))  # expect: PAR502 [fix]

    def start(self):
        self.sender.start()

    def close(self):
        self.outbox.put(None)
        self._wait_for_sender()

    def _wait_for_sender(self):
        self.sender.join()


class Exporter:
    def __init__(self, path):
        self.worker = threading.Thread(target=export_rows, args=(path,))

    def export_now(self):
        # Meant to run in the background: it runs in the caller.
        self.worker.run()  # expect: PAR104


class MetricsPusher:
    """Its loop waits for `_stop`, but no code ever sets it, and nothing joins the thread."""

    def __init__(self, interval):
        self._stop = threading.Event()
        self._thread = threading.Thread(target=heartbeat, args=(interval, self._stop))

    def start(self):
        self._thread.start()  # expect: PAR101

    def healthy(self):
        return self._thread.is_alive()


class HeartbeatService:
    """Not joined, but its loop ends when stop() sets the event: owned by the class."""

    def __init__(self, interval):
        self._stop = threading.Event()
        self._thread = threading.Thread(target=heartbeat, args=(interval, self._stop))

    def start(self):
        self._thread.start()

    def stop(self):
        self._stop.set()


class Reindexer:
    """Started from a local name, kept on self, joined by __exit__."""

    def __init__(self, documents):
        self.documents = documents
        self._thread = None

    def __enter__(self):
        thread = threading.Thread(target=reindex, args=(self.documents,))
        thread.start()
        self._thread = thread
        return self

    def __exit__(self, *exc_info):
        if self._thread is not None:
            self._thread.join()


class SnapshotWriter:
    """Nothing in the class ever joins the thread it starts."""

    def __init__(self, path):
        self.path = path

    def write_async(self):
        self._thread = threading.Thread(target=export_rows, args=(self.path,))
        self._thread.start()  # expect: PAR101
        log.info("snapshot of %s started in %s", self.path, self._thread)


class Tailer:
    """A daemon thread on self: the interpreter does not wait for it."""

    def __init__(self, jobs):
        self._thread = threading.Thread(target=drain, args=(jobs,), daemon=True)

    def start(self):
        self._thread.start()


class Poller:
    """Its loop ends when close() sets the flag it tests: owned by the class."""

    def __init__(self, jobs):
        self.jobs = jobs
        self.closed = False
        self._thread = threading.Thread(target=self._poll)
        self._thread.start()

    def _poll(self):
        while not self.closed:
            log.debug("queued: %d", self.jobs.qsize())

    def close(self):
        self.closed = True


class Spinner:
    """The flag its loop tests is only set in __init__, before the thread starts."""

    def __init__(self):
        self.spinning = True
        self._thread = threading.Thread(target=self._spin)

    def _spin(self):
        while self.spinning:
            log.debug("spinning")

    def start(self):
        self._thread.start()  # expect: PAR101


class Indexer(BaseService):
    """Its base class, which parlint cannot see, may join `self._thread` in its stop()."""

    def start(self):
        self._thread = threading.Thread(target=reindex, args=(["a", "b"],))
        self._thread.start()
