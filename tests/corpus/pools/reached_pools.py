"""Pools with no constructor in the scope that hands them tasks: the kind is what the code
says (an annotation, every branch that assigns the variable), and unknown otherwise.

PAR201/PAR202 need the kind: a thread executor in one branch and a process executor in
the other, or a parameter annotated `Executor`, leave it open (PAR302 still applies).
"""
import time
from concurrent.futures import Executor, ProcessPoolExecutor, ThreadPoolExecutor


def crunch(n):
    total = 0
    for i in range(n):
        total += i * i
    return total


def nap(seconds):
    time.sleep(seconds)


def either_kind(sizes, use_processes):
    if use_processes:
        executor = ProcessPoolExecutor()
    else:
        executor = ThreadPoolExecutor()
    with executor:
        executor.map(crunch, sizes)  # expect: PAR302
        return list(executor.map(nap, sizes))


def same_kind(sizes, wide):
    if wide:
        executor = ThreadPoolExecutor(max_workers=16)
    else:
        executor = ThreadPoolExecutor(max_workers=2)
    with executor:
        return list(executor.map(crunch, sizes))  # expect: PAR201 [no fix]


def abstract(sizes, executor: Executor):
    return list(executor.map(crunch, sizes))


def quoted(sizes, executor: "ThreadPoolExecutor"):
    return list(executor.map(crunch, sizes))  # expect: PAR201


def in_processes(delays, executor: ProcessPoolExecutor):
    return list(executor.map(nap, delays))  # expect: PAR202


def reassigned(sizes, executor: ThreadPoolExecutor):
    executor = executor or ThreadPoolExecutor()
    return list(executor.map(crunch, sizes))


class Batch:
    def __init__(self):
        self._pool = ThreadPoolExecutor(max_workers=4)

    def fire(self, delays):
        pool = self._pool
        for delay in delays:
            pool.submit(nap, delay)  # expect: PAR302

    def close(self):
        self._pool.shutdown()
