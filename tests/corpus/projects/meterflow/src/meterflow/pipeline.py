"""The pipeline: every task comes from another module of the package, through each import
style (`from .transform import normalise`, `import meterflow.jobs as jobs`,
`from meterflow.stats import crunch`, a namespace subpackage). PAR201/PAR202/PAR501 are
reported here, at the hand-off; PAR601 in jobs.py, where the statement is."""
import asyncio
import functools
import multiprocessing as mp
import threading
from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor
from multiprocessing import Pool
from multiprocessing.pool import ThreadPool

import pandas as pd

import meterflow.jobs as jobs
from meterflow.sources.http_feed import fetch_feed
from meterflow.stats import Detector, crunch, smooth

from . import transform
from .sources import files
from .transform import normalise


def download(urls):
    with Pool(8) as pool:
        return pool.map(fetch_feed, urls)  # expect: PAR202


def read_exports(paths):
    ctx = mp.get_context("spawn")
    with ctx.Pool(4) as pool:
        return list(pool.imap_unordered(files.read_rows, paths))  # expect: PAR202


def normalise_batches(batches, workers=8):
    with ThreadPoolExecutor(max_workers=workers) as executor:
        return list(executor.map(normalise, batches))  # expect: PAR201


def aggregate_all(batches):
    with ThreadPool(4) as pool:
        return pool.map(functools.partial(jobs.aggregate, key="meter_id"), batches)  # expect: PAR201


async def dedupe_all(batches):
    return await asyncio.gather(*(asyncio.to_thread(transform.dedupe, b) for b in batches))  # expect: PAR201


def flag_spikes(series, threshold):
    detector = Detector(threshold)
    with ThreadPoolExecutor() as executor:
        return list(executor.map(detector.flag, series))  # expect: PAR201


def convert_in_background(batch):
    worker = threading.Thread(target=transform.to_kwh(batch))  # expect: PAR501
    worker.start()
    worker.join()


def count_all(batches):
    with ThreadPoolExecutor() as executor:
        list(executor.map(jobs.count_rows, batches))


class Scheduler:
    def __init__(self, workers=4):
        self._pool = ThreadPoolExecutor(max_workers=workers)

    def run_nightly(self, days):
        for day in days:
            self._pool.submit(jobs.rebuild_partition, day)  # expect: PAR302

    def close(self):
        self._pool.shutdown(wait=True)


# --- negatives --------------------------------------------------------------------------


def crunch_all(series):
    with ProcessPoolExecutor(max_workers=4) as executor:
        return list(executor.map(crunch, series))


def smooth_all(series):
    with ThreadPoolExecutor() as executor:
        return list(executor.map(smooth, series))


def read_frames(paths):
    with ThreadPoolExecutor() as executor:
        return list(executor.map(pd.read_csv, paths))


def fetch_on_threads(urls):
    with ThreadPoolExecutor(max_workers=16) as executor:
        return list(executor.map(fetch_feed, urls))
