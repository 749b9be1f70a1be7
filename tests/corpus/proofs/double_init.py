"""Proof for PAR701: eight threads ask for one lazily made connection at the same moment.
With a tiny switch interval several of them pass `if _connection is None` before the first
one has stored its connection, and it is opened more than once (on a free-threaded Python
without any help); `parlint check --fix --unsafe-fixes` puts the test and the assignment
under one lock and it is opened once.

Runs up to 100 rounds. Prints `opened N connections for one` and exits 1 at the first round
that opens more than one, else prints `opened one connection` and exits 0."""

import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor

WORKERS = 8
_connection = None
opened = []


def open_connection():
    opened.append(threading.get_ident())
    time.sleep(0.001)  # a handshake with the server: the window the other threads race into
    return object()


def connection():
    global _connection
    if _connection is None:  # expect: PAR701 [fix]
        _connection = open_connection()
    return _connection


def query(barrier):
    barrier.wait()  # every worker asks at the same moment, as requests do
    return connection()


def main():
    global _connection
    sys.setswitchinterval(1e-6)
    for _ in range(100):
        _connection = None
        opened.clear()
        barrier = threading.Barrier(WORKERS)
        with ThreadPoolExecutor(max_workers=WORKERS) as executor:
            list(executor.map(query, [barrier] * WORKERS))
        if len(opened) > 1:
            print(f"opened {len(opened)} connections for one")
            return 1
    print("opened one connection")
    return 0


if __name__ == "__main__":
    sys.exit(main())
