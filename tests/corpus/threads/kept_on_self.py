"""Workers and pools kept on `self`: the shapes real classes use around them.

Quiet: joined through a local copy, shut down through `atexit`, a `with self.pool:` block or
`__del__`, handed out by a property, never started, daemon set later, a thread list, read by
code outside the class, joined by a nested function, `**options` that may say daemon.
Reported: an attribute only announced in the class body (`_thread: Thread`) is still the
class's to join or shut down.
"""
import atexit
import threading
from concurrent.futures import ThreadPoolExecutor
from typing import Optional


def work():
    pass


class Aliased:
    def start(self):
        self._thread = threading.Thread(target=work)
        self._thread.start()

    def stop(self):
        t = self._thread
        if t is not None:
            t.join(timeout=1)
        self._thread = None


class Declared:
    _thread: threading.Thread
    _pool: Optional[ThreadPoolExecutor] = None

    def start(self):
        self._thread = threading.Thread(target=work)
        self._thread.start()
        self._pool = ThreadPoolExecutor()

    def stop(self):
        self._thread.join()
        if self._pool is not None:
            self._pool.shutdown()


class DeclaredNeverEnded:
    _thread: threading.Thread
    _pool: Optional[ThreadPoolExecutor] = None

    def start(self):
        self._thread = threading.Thread(target=work)
        self._thread.start()  # expect: PAR101
        self._pool = ThreadPoolExecutor()  # expect: PAR301


class AtExit:
    def __init__(self):
        self._executor = ThreadPoolExecutor()
        atexit.register(self._executor.shutdown)


class WithBlock:
    def __init__(self):
        self._executor = ThreadPoolExecutor()

    def run(self, items):
        with self._executor:
            return list(self._executor.map(work, items))


class Exposed:
    def __init__(self):
        self._executor = ThreadPoolExecutor()

    @property
    def executor(self):
        return self._executor


class Deleted:
    def __init__(self):
        self._executor = ThreadPoolExecutor()

    def __del__(self):
        self._executor.shutdown(wait=False)


class NeverStarted:
    def __init__(self):
        self._thread = threading.Thread(target=work)


class Kwargs:
    def __init__(self, **options):
        self._thread = threading.Thread(target=work, **options)
        self._thread.start()


class Listed:
    def start(self):
        self._threads = [threading.Thread(target=work) for _ in range(3)]
        for t in self._threads:
            t.start()


class JoinedOutside:
    def start(self):
        self.worker = threading.Thread(target=work)
        self.worker.start()


def use():
    j = JoinedOutside()
    j.start()
    j.worker.join()


class Nested:
    def start(self):
        self._thread = threading.Thread(target=work)
        self._thread.start()

        def finish():
            self._thread.join()

        atexit.register(finish)


class DaemonLater:
    def start(self):
        self._thread = threading.Thread(target=work)
        self._thread.daemon = True
        self._thread.start()


def crunch(n):
    total = 0
    for i in range(n):
        total += i * i
    return total


class Cruncher:
    """Its pool is also used by code outside the class: swapping it for processes could
    break tasks parlint cannot see, so no fix is offered."""

    def __init__(self):
        self._workers = ThreadPoolExecutor(max_workers=4)

    def run(self, sizes):
        return list(self._workers.map(crunch, sizes))  # expect: PAR201 [no fix]

    def close(self):
        self._workers.shutdown()


def borrow(cruncher, sizes):
    return cruncher._workers.submit(crunch, sizes[0])
