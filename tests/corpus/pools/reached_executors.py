"""Executors and pools reached without a constructor in sight: parameters annotated with
an executor or pool type, `mp.get_context(...)`, and a variable assigned a pool in every
branch of an `if` (a real Pool in one branch, a stand-in class in the other).

The rules apply to them as to a local executor: PAR302 (lost futures, `map` never iterated),
PAR201/PAR202 when the kind (threads or processes) is known from the annotation or context.
"""
import multiprocessing as mp
import urllib.request
from concurrent.futures import Executor, ProcessPoolExecutor, ThreadPoolExecutor
from multiprocessing.pool import Pool, ThreadPool

from warehouse_client import store  # third-party: its effect is unknown


def fetch(url):
    with urllib.request.urlopen(url, timeout=10) as response:
        return response.read()


def checksum(data):
    total = 0
    for byte in data:
        total = (total * 31 + byte) % 65521
    return total


def warm_cache(urls, pool: ThreadPoolExecutor):
    for url in urls:
        pool.submit(fetch, url)  # expect: PAR302


def prefetch(urls, executor: Executor) -> None:
    executor.map(fetch, urls)  # expect: PAR302


def checksums(blobs, pool: ThreadPoolExecutor):
    return list(pool.map(checksum, blobs))  # expect: PAR201


def fetch_in_processes(urls, pool: ProcessPoolExecutor):
    return list(pool.map(fetch, urls))  # expect: PAR202


def fetch_later(urls, pool: Pool):
    pool.map_async(fetch, urls)  # expect: PAR302, PAR202


def checksum_lazily(blobs, pool: ThreadPool):
    results = pool.imap(checksum, blobs)  # expect: PAR302, PAR201
    return len(blobs)


def download_all(urls):
    ctx = mp.get_context("spawn")
    with ctx.Pool(4) as pool:
        return pool.map(fetch, urls)  # expect: PAR202


def download_unordered(urls):
    ctx = mp.get_context("forkserver")
    pool = ctx.Pool(4)  # expect: PAR301
    return sorted(pool.imap_unordered(fetch, urls))  # expect: PAR202


class InlinePool:
    """Runs tasks in the caller: the stand-in used with `--jobs 1`."""

    def imap_unordered(self, func, items):
        return map(func, items)

    def close(self):
        pass

    def join(self):
        pass


def checksum_files(blobs, jobs):
    if jobs > 1:
        pool = mp.Pool(jobs)
    else:
        pool = InlinePool()
    try:
        pool.imap_unordered(checksum, blobs)  # expect: PAR302
    finally:
        pool.close()
        pool.join()


def choose_executor(records, use_processes):
    if use_processes:
        executor = ProcessPoolExecutor(max_workers=4)
    else:
        executor = ThreadPoolExecutor(max_workers=16)
    with executor:
        executor.map(store, records)  # expect: PAR302


# --- negatives --------------------------------------------------------------------------


def consumed(urls, pool: ThreadPoolExecutor):
    futures = [pool.submit(fetch, url) for url in urls]
    return [f.result() for f in futures]


def iterated_later(blobs, pool: ThreadPool):
    results = pool.imap(fetch, blobs)
    for body in results:
        print(len(body))


def eager_map(urls, pool: Pool):
    # Pool.map blocks and raises: nothing is lost.
    return pool.map(checksum, urls)


def stand_in_only(blobs):
    runner = InlinePool()
    runner.imap_unordered(checksum, blobs)


def returned(urls, executor: Executor):
    return executor.map(fetch, urls)


def unannotated(urls, executor):
    executor.map(fetch, urls)
