"""Hand-offs from async code, in comprehensions, generator expressions and task groups:
`gather(*(to_thread(f, x) for x in xs))`, `tg.create_task(asyncio.to_thread(...))`,
`loop.run_in_executor(pool, f)` with a thread pool on `self`, `None` or a process pool.
PAR201 for CPU-bound tasks on threads, PAR202 for I/O-bound tasks in a process pool; a task
awaited where it is handed off runs one at a time.
"""
import asyncio
import json
import urllib.request
from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor


def checksum(blob):
    total = 0
    for byte in blob:
        total = (total * 31 + byte) % 1_000_003
    return total


def render(template, count):
    return "".join(template.replace("{n}", str(i)) for i in range(count))


def fetch(url):
    with urllib.request.urlopen(url, timeout=10) as response:
        return response.read()


async def render_all(jobs):
    return await asyncio.gather(*(asyncio.to_thread(render, t, n) for t, n in jobs))  # expect: PAR201


async def checksum_group(blobs):
    async with asyncio.TaskGroup() as tg:
        tasks = [tg.create_task(asyncio.to_thread(checksum, blob)) for blob in blobs]  # expect: PAR201
    return [t.result() for t in tasks]


async def checksum_loop(blobs):
    tasks = []
    async with asyncio.TaskGroup() as tg:
        for blob in blobs:
            tasks.append(tg.create_task(asyncio.to_thread(checksum, blob)))  # expect: PAR201
    return [t.result() for t in tasks]


async def checksum_default_executor(blobs):
    loop = asyncio.get_running_loop()
    futures = [loop.run_in_executor(None, checksum, blob) for blob in blobs]  # expect: PAR201
    return await asyncio.gather(*futures)


async def fetch_in_processes(urls):
    loop = asyncio.get_running_loop()
    with ProcessPoolExecutor(max_workers=4) as pool:
        return await asyncio.gather(*[loop.run_in_executor(pool, fetch, url) for url in urls])  # expect: PAR202


class ChecksumService:
    def __init__(self):
        self._pool = ThreadPoolExecutor(max_workers=8)

    async def checksum_many(self, blobs):
        loop = asyncio.get_running_loop()
        return await asyncio.gather(*(loop.run_in_executor(self._pool, checksum, b) for b in blobs))  # expect: PAR201

    def close(self):
        self._pool.shutdown()


# --- negatives --------------------------------------------------------------------------


async def one_at_a_time(blobs):
    results = []
    for blob in blobs:
        results.append(await asyncio.to_thread(checksum, blob))
    return results


async def fetch_on_threads(urls):
    return await asyncio.gather(*(asyncio.to_thread(fetch, url) for url in urls))


async def checksum_in_processes(blobs):
    loop = asyncio.get_running_loop()
    with ProcessPoolExecutor() as pool:
        return await asyncio.gather(*(loop.run_in_executor(pool, checksum, b) for b in blobs))


async def parse_all(documents):
    return await asyncio.gather(*(asyncio.to_thread(json.loads, doc) for doc in documents))
