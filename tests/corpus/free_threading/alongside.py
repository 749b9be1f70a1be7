"""Code the thread that starts a task runs itself while the task runs: reached from both, it
runs on two threads at once, even when the task is started only once."""

import threading
from concurrent.futures import ThreadPoolExecutor

_seen = 0
_cache = {}
_late = {}
_early = {}


def record(n):
    global _seen
    _seen += n  # expect: PAR601 [fix]


def remember(key):
    if key not in _cache:  # expect: PAR701 [fix]
        _cache[key] = key * 2


def note_late(key):
    if key not in _late:  # only after the join: one thread at a time
        _late[key] = True


def note_early(key):
    if key not in _early:  # only before the start: one thread at a time
        _early[key] = True


def background():
    for i in range(100):
        record(i)
        remember(i)
        note_late(i)
        note_early(i)


def main():
    worker = threading.Thread(target=background)
    note_early(0)
    worker.start()
    record(1)
    worker.join()
    note_late(2)


def with_pool():
    with ThreadPoolExecutor() as executor:
        future = executor.submit(background)
        remember(5)
    note_late(6)
    return future.result()
