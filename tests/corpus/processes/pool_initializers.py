"""PAR401: a pool's `initializer=` and the values in `args=` are pickled into the child
process too, so a lambda or nested function there fails under spawn/forkserver like a
lambda task does. Thread pools and an explicit fork context never pickle them.
"""
import logging
import multiprocessing
import sqlite3
from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor
from multiprocessing import Pool, Process
from multiprocessing.pool import ThreadPool

_conn = None


def open_connection(path):
    global _conn
    _conn = sqlite3.connect(path)


def score(row):
    return sum(ord(c) * i for i, c in enumerate(row)) % 101


def lookup(key):
    with sqlite3.connect("cache.db") as conn:
        return conn.execute("SELECT value FROM kv WHERE key = ?", (key,)).fetchone()


def apply_callback(callback, value):
    print(callback(value))


def with_lambda_initializer(rows):
    with Pool(4, initializer=lambda: logging.basicConfig(level=logging.INFO)) as pool:  # expect: PAR401
        return pool.map(score, rows)


def with_nested_initializer(db_path, rows):
    def init():
        open_connection(db_path)

    with ProcessPoolExecutor(max_workers=2, initializer=init) as executor:  # expect: PAR401
        return list(executor.map(score, rows))


def with_context_initializer(rows):
    ctx = multiprocessing.get_context("spawn")
    with ctx.Pool(2, lambda: print("worker ready")) as pool:  # expect: PAR401
        return pool.map(score, rows)


def lambda_in_args(value):
    p = Process(target=apply_callback, args=(lambda v: v * 2, value))  # expect: PAR401
    p.start()
    p.join()


def nested_in_args(value):
    def halve(v):
        return v / 2

    p = multiprocessing.Process(target=apply_callback, args=(halve, value))  # expect: PAR401
    p.start()
    p.join()


def apply_with_lambda(value):
    with Pool(2) as pool:
        result = pool.apply_async(apply_callback, args=(lambda v: v + 1, value))  # expect: PAR401
        return result.get(timeout=30)


def apply_positional_lambda(value):
    with Pool(2) as pool:
        return pool.apply(apply_callback, (lambda v: -v, value))  # expect: PAR401


# --- negatives --------------------------------------------------------------------------


def module_level_initializer(db_path, rows):
    with Pool(4, initializer=open_connection, initargs=(db_path,)) as pool:
        return pool.map(score, rows)


def thread_pool_initializers(keys):
    with ThreadPool(4, initializer=lambda: logging.basicConfig(level=logging.INFO)) as pool:
        pool.map(lookup, keys)

    def init():
        logging.getLogger().setLevel(logging.DEBUG)

    with ThreadPoolExecutor(initializer=init) as executor:
        return list(executor.map(lookup, keys))


def forked_on_purpose(value):
    ctx = multiprocessing.get_context("fork")
    p = ctx.Process(target=apply_callback, args=(lambda v: v * 3, value))
    p.start()
    p.join()


def forked_pool_initializer(rows):
    def init():
        logging.getLogger().setLevel(logging.DEBUG)

    fork = multiprocessing.get_context("fork")
    with ProcessPoolExecutor(max_workers=2, mp_context=fork, initializer=init) as executor:
        return list(executor.map(score, rows))


def named_callback(value):
    p = Process(target=apply_callback, args=(abs, value))
    p.start()
    p.join()


if __name__ == "__main__":
    print(with_lambda_initializer(["a", "bc"]))
