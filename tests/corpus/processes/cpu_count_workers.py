"""PAR403 too-many-process-workers, the CPU-count form: worker counts that follow the machine's
CPU count with nothing capping them at 61 (ValueError on large Windows machines)."""

import math
import multiprocessing
import os
import sys
from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor

DEFAULT_WORKERS = os.cpu_count()
SAFE_WORKERS = min(32, (os.cpu_count() or 1) + 4)


def format_files(paths, work):
    with ProcessPoolExecutor(max_workers=os.cpu_count()) as executor:  # expect: PAR403 [fix]
        return list(executor.map(work, paths))


def convert(files, work):
    # The proteomics pipeline's shape: more files than 61 on a big machine.
    workers = min(len(files), multiprocessing.cpu_count())
    with ProcessPoolExecutor(workers) as executor:  # expect: PAR403 [fix]
        return list(executor.map(work, files))


def leave_one_free(jobs, work):
    count = max(1, os.cpu_count() - 1)
    pool = ProcessPoolExecutor(max_workers=count)  # expect: PAR403 [fix]
    try:
        return list(pool.map(work, jobs))
    finally:
        pool.shutdown()


def from_module_setting(jobs, work):
    with ProcessPoolExecutor(DEFAULT_WORKERS) as executor:  # expect: PAR403 [fix]
        return list(executor.map(work, jobs))


def from_affinity(jobs, work):
    usable = len(os.sched_getaffinity(0))
    with ProcessPoolExecutor(max_workers=math.ceil(usable * 1.5)) as executor:  # expect: PAR403 [fix]
        return list(executor.map(work, jobs))


class Renderer:
    def __init__(self, workers=None):
        self.workers = workers

    def render_all(self, scenes, work):
        with ProcessPoolExecutor(max_workers=self.workers or os.cpu_count()) as executor:  # expect: PAR403 [fix]
            return list(executor.map(work, scenes))


# Not reported.


def capped(jobs, work):
    with ProcessPoolExecutor(max_workers=min(os.cpu_count() or 1, 61)) as executor:
        return list(executor.map(work, jobs))


def capped_lower(jobs, work):
    with ProcessPoolExecutor(SAFE_WORKERS) as executor:
        return list(executor.map(work, jobs))


def default_count(jobs, work):
    with ProcessPoolExecutor() as executor:
        return list(executor.map(work, jobs))


def threads_may_be_many(jobs, work):
    with ThreadPoolExecutor(max_workers=(os.cpu_count() or 1) * 5) as executor:
        return list(executor.map(work, jobs))


def windows_aware(jobs, work):
    workers = os.cpu_count()
    if sys.platform == "win32":
        workers = min(workers, 61)
    with ProcessPoolExecutor(workers) as executor:
        return list(executor.map(work, jobs))


def caller_decides(jobs, work, workers):
    with ProcessPoolExecutor(max_workers=workers) as executor:
        return list(executor.map(work, jobs))
