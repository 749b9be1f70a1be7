"""Who owns a worker (SPEC "Who owns a worker"): workers that another part of the program
joins or stops are not PAR101.

Not reported: a worker handed to a clean-up registry (atexit, weakref.finalize, pytest's
addfinalizer, unittest's addCleanup, ExitStack.callback), a `serve_forever` thread ended by
`shutdown()` elsewhere, a loop that ends on a sentinel another function puts in its queue, a
reactor's `run` that another method stops, `serve_forever`/`run_forever` of an object the
caller passed in or gets back.
Reported: a worker only logged or printed (that is not an escape), a service loop whose stop
event nobody sets.
"""
import atexit
import contextlib
import http.server
import logging
import queue
import threading
import unittest
import weakref

log = logging.getLogger(__name__)

_writes = queue.Queue()
_shutdown = threading.Event()


def _writer_loop():
    while (item := _writes.get()) is not None:
        with open("audit.log", "a", encoding="utf-8") as out:
            out.write(f"{item}\n")


def _compact(path):
    with open(path, encoding="utf-8") as src:
        lines = src.readlines()
    with open(path, "w", encoding="utf-8") as out:
        out.writelines(lines[-1000:])


def start_audit_writer():
    # Ends when stop_audit_writer() puts the sentinel in its queue.
    writer = threading.Thread(target=_writer_loop, name="audit-writer")
    writer.start()


def stop_audit_writer():
    _writes.put(None)


def _drain(jobs):
    while (job := jobs.get()) is not None:
        log.info("job %s", job)


def run_jobs(jobs_to_run):
    # It sends the sentinel itself, and returns without waiting: nobody else owns the worker.
    jobs = queue.Queue()
    worker = threading.Thread(target=_drain, args=(jobs,))
    worker.start()  # expect: PAR101
    for job in jobs_to_run:
        jobs.put(job)
    jobs.put(None)


def _poll_forever(interval):
    while not _shutdown.wait(interval):
        log.debug("polling")


def start_poller():
    # `_shutdown` is tested by the loop, but nothing in the project ever sets it.
    poller = threading.Thread(target=_poll_forever, args=(5.0,))
    poller.start()  # expect: PAR101


def start_flusher():
    flusher = threading.Thread(target=_compact, args=("audit.log",))
    flusher.start()
    atexit.register(flusher.join)


class Cache:
    def __init__(self):
        self._loader = threading.Thread(target=_compact, args=("cache.log",))
        self._loader.start()
        self._finalizer = weakref.finalize(self, self._loader.join)


def start_logged():
    worker = threading.Thread(target=_compact, args=("audit.log",))
    worker.start()  # expect: PAR101
    log.info("started %s", worker)
    print("worker alive:", worker.is_alive(), repr(worker))


class AdminConsole:
    """`serve_forever` on a thread, ended by `shutdown()` from stop()."""

    def __init__(self, port):
        self._server = http.server.ThreadingHTTPServer(("127.0.0.1", port), http.server.BaseHTTPRequestHandler)
        self._thread = threading.Thread(target=self._server.serve_forever)

    def start(self):
        self._thread.start()

    def stop(self):
        self._server.shutdown()
        self._server.server_close()


def with_exit_stack(paths):
    with contextlib.ExitStack() as stack:
        for path in paths:
            stack.enter_context(open(path, encoding="utf-8"))
        worker = threading.Thread(target=_compact, args=("audit.log",))
        worker.start()
        stack.callback(worker.join)
        log.info("compacting while %d files are open", len(paths))


def audit_fixture(request):
    """A pytest fixture: the finalizer joins the compactor after the test."""
    compactor = threading.Thread(target=_compact, args=("fixture.log",))
    compactor.start()
    request.addfinalizer(compactor.join)
    return compactor.name


class AuditWriterTest(unittest.TestCase):
    def setUp(self):
        self.compactor = threading.Thread(target=_compact, args=("test.log",))
        self.compactor.start()
        self.addCleanup(self.compactor.join)

    def test_compacts(self):
        self.assertIn(self.compactor.name, repr(self.compactor))


# --- Objects of other libraries that run until told to stop ----------------------------


class ReactorThread:
    """Runs a reactor from another library; `shutdown()` asks it to stop from the reactor's
    own thread (twisted's win32eventreactor shape)."""

    def __init__(self, reactor):
        self._reactor = reactor

    def start(self):
        self._thread = threading.Thread(target=self._reactor.run)
        self._thread.start()

    def shutdown(self):
        self._reactor.callFromThread(self._reactor.stop)


class ClientThread:
    """Nothing ever stops the client: the thread is the class's to join."""

    def __init__(self, client):
        self.client = client

    def start(self):
        self._thread = threading.Thread(target=self.client.run)
        self._thread.start()  # expect: PAR101


def serve_in_background(server):
    # The caller gave the server and keeps it: its `shutdown()` ends the thread.
    thread = threading.Thread(target=server.serve_forever)
    thread.start()


def start_status_server(port):
    server = http.server.HTTPServer(("127.0.0.1", port), http.server.BaseHTTPRequestHandler)
    thread = threading.Thread(target=server.serve_forever)
    thread.start()
    return server


def forgotten_status_server(port):
    # Nobody can reach the server any more: nothing will ever end the thread.
    server = http.server.HTTPServer(("127.0.0.1", port), http.server.BaseHTTPRequestHandler)
    thread = threading.Thread(target=server.serve_forever)
    thread.start()  # expect: PAR101


def run_loop(loop):
    runner = threading.Thread(target=loop.run_forever)
    runner.start()


def run_once(job):
    # `job.run` is not a loop that runs until told to stop: whoever calls this should wait.
    runner = threading.Thread(target=job.run)
    runner.start()  # expect: PAR101
