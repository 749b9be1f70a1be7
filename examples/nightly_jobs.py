"""Nightly maintenance jobs run on worker threads and processes."""

from __future__ import annotations

import logging
import multiprocessing as mp
from concurrent.futures import ThreadPoolExecutor
from threading import Thread

log = logging.getLogger(__name__)


def rotate_logs(directory: str) -> None:
    log.info("rotating logs in %s", directory)


def vacuum_database(name: str) -> None:
    log.info("vacuuming %s", name)


def rebuild_index(name: str) -> None:
    log.info("rebuilding index %s", name)


def run_maintenance(databases: list[str]) -> None:
    # `rotate_logs(...)` runs right here; the thread gets its result (None) as its target.
    rotator = Thread(target=rotate_logs("/var/log/app"))
    rotator.start()

    # `.run()` does the work in this thread: nothing runs in the background.
    vacuum = Thread(target=vacuum_database, args=("main",))
    vacuum.run()

    with ThreadPoolExecutor(max_workers=4) as executor:
        for name in databases:
            executor.submit(rebuild_index, name)
    rotator.join()


def run_in_processes(databases: list[str]) -> None:
    ctx = mp.get_context("spawn")
    for name in databases:
        proc = ctx.Process(target=rebuild_index, args=(name,))
        proc.start()
    # Only the process of the last loop iteration is waited for.
    proc.join()


if __name__ == "__main__":
    logging.basicConfig(level=logging.INFO)
    run_maintenance(["users", "orders"])
    run_in_processes(["users", "orders"])
