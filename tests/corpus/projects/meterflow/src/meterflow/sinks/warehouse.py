"""Loads results into the warehouse. The loader keeps its executor on `self`, collects its
futures and shuts the executor down in `__exit__` (not PAR301, not PAR302)."""
import sqlite3
from concurrent.futures import ThreadPoolExecutor


def insert_chunk(db_path, rows):
    with sqlite3.connect(db_path) as conn:
        conn.executemany("INSERT INTO readings VALUES (?, ?)", rows)


class Loader:
    def __init__(self, db_path, workers=4):
        self.db_path = db_path
        self._executor = ThreadPoolExecutor(max_workers=workers)
        self._futures = []

    def __enter__(self):
        return self

    def __exit__(self, *exc_info):
        self._executor.shutdown(wait=True)
        for future in self._futures:
            future.result()

    def load(self, rows, chunk=500):
        for start in range(0, len(rows), chunk):
            future = self._executor.submit(insert_chunk, self.db_path, rows[start : start + chunk])
            self._futures.append(future)
