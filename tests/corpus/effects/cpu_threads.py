"""PAR201 cpu-bound-thread: CPU work on several threads; and what must stay quiet."""
import asyncio
import functools
import hashlib
import threading
import time
import zlib
from concurrent.futures import ThreadPoolExecutor
from multiprocessing.pool import ThreadPool

import numpy as np
from helpers import crunch_elsewhere


def count_primes(limit):
    found = 0
    for n in range(2, limit):
        if all(n % d for d in range(2, int(n**0.5) + 1)):
            found += 1
    return found


def squares(n):
    return [i * i for i in range(n)]


def helper_loop(n):
    return total_of(n)


def total_of(n):
    total = 0
    for i in range(n):
        total += i % 7
    return total


def threads_per_item(limits):
    threads = [threading.Thread(target=count_primes, args=(x,)) for x in limits]  # expect: PAR201, PAR102
    for t in threads:
        t.start()
    for t in threads:
        t.join()


def pool_map(limits):
    with ThreadPoolExecutor() as executor:
        return list(executor.map(squares, limits))  # expect: PAR201


def submit_in_loop(limits):
    with ThreadPoolExecutor(4) as executor:
        futures = [executor.submit(helper_loop, x) for x in limits]  # expect: PAR201
        return [f.result() for f in futures]


def partial_and_lambda(limits):
    with ThreadPoolExecutor() as executor:
        list(executor.map(functools.partial(count_primes), limits))  # expect: PAR201
        list(executor.map(lambda x: squares(x), limits))  # expect: PAR201


def thread_pool_api(limits):
    with ThreadPool(4) as pool:
        return pool.map(count_primes, limits)  # expect: PAR201


async def to_thread_gather(limits):
    return await asyncio.gather(*[asyncio.to_thread(count_primes, x) for x in limits])  # expect: PAR201


class Ranker:
    def score(self, n):
        return sum(i * i for i in range(n))

    def run_all(self, items):
        with ThreadPoolExecutor() as executor:
            return list(executor.map(self.score, items))  # expect: PAR201


def nested(limits):
    def work(n):
        acc = 0
        while n:
            acc += n % 10
            n //= 10
        return acc

    with ThreadPoolExecutor() as executor:
        return list(executor.map(work, limits))  # expect: PAR201


# --- negatives -------------------------------------------------------------------------


def digest(blob):
    return hashlib.sha256(blob).hexdigest()


def compress_all(blobs):
    return [zlib.compress(b) for b in blobs]


def numpy_work(n):
    total = 0
    for row in np.ones((n, n)):
        total += row.sum()
    return total


def sleepy_loop(n):
    total = 0
    for i in range(n):
        total += i
        time.sleep(0.01)
    return total


def mixed(urls, session):
    sizes = []
    for url in urls:
        sizes.append(len(session.get(url).content))
    return sizes


def fib(n):
    return n if n < 2 else fib(n - 1) + fib(n - 2)


def queue_consumer(q):
    total = 0
    while True:
        total += q.get()


def negatives(items, blobs, q):
    with ThreadPoolExecutor() as executor:
        list(executor.map(digest, blobs))
        list(executor.map(compress_all, [blobs]))
        list(executor.map(numpy_work, items))
        list(executor.map(sleepy_loop, items))
        list(executor.map(crunch_elsewhere, items))
        list(executor.map(fib, items))
        list(executor.map(queue_consumer, [q, q]))


def one_background_thread():
    # A single thread keeps a UI responsive; nothing runs in parallel to lose.
    t = threading.Thread(target=count_primes, args=(10_000,))
    t.start()
    t.join()


async def one_to_thread():
    return await asyncio.to_thread(count_primes, 10_000)


def shared_hasher(data, sizes):
    hasher = hashlib.sha1()

    def hash_in_chunks(chunk_size):
        index = 0
        while index < len(data):
            hasher.update(data[index : index + chunk_size])
            index += chunk_size

    threads = [threading.Thread(target=hash_in_chunks, args=(s,)) for s in sizes]  # expect: PAR102
    for t in threads:
        t.start()
    for t in threads:
        t.join()


def string_work(rows):
    def render(row):
        return ", ".join(str(cell).strip().upper() for cell in row)

    with ThreadPoolExecutor() as executor:
        return list(executor.map(render, rows))  # expect: PAR201


# Each task is waited for where it is handed off: one runs at a time, nothing shares the GIL.
async def awaited_one_by_one(limits):
    for limit in limits:
        print(await asyncio.to_thread(count_primes, limit))


async def awaited_in_comprehension(limits):
    return [await asyncio.to_thread(count_primes, limit) for limit in limits]


def result_at_once(limits):
    with ThreadPoolExecutor() as executor:
        return [executor.submit(count_primes, limit).result() for limit in limits]


def blocking_apply(limits):
    with ThreadPool(4) as pool:
        return [pool.apply(count_primes, (limit,)) for limit in limits]
