"""`multiprocessing.get_context(...)` objects, in a local, at module level and on `self`:
their `Process` and `Pool` are processes like the module's own (PAR101, PAR202, PAR301,
PAR302, PAR401), except that a fork context never pickles a Process's target.
"""
import multiprocessing as mp
import subprocess
import urllib.request

SPAWN = mp.get_context("spawn")


def convert(path):
    return subprocess.run(["convert", path, path + ".png"], check=True).returncode


def fetch(url):
    with urllib.request.urlopen(url) as response:
        return response.read()


def crunch(n):
    return sum(i * i for i in range(n))


def convert_all(paths):
    with SPAWN.Pool(4) as pool:
        return pool.map(convert, paths)  # expect: PAR202


def convert_later(paths):
    pool = SPAWN.Pool(2)  # expect: PAR301
    pool.map_async(convert, paths)  # expect: PAR302, PAR202


def nested_task(numbers):
    def cube(n):
        return n**3

    ctx = mp.get_context("spawn")
    worker = ctx.Process(target=cube, args=(numbers[0],))  # expect: PAR401
    worker.start()  # expect: PAR101


class Crawler:
    def __init__(self):
        self._ctx = mp.get_context("forkserver")

    def crawl(self, urls):
        with self._ctx.Pool(8) as pool:
            return pool.map(fetch, urls)  # expect: PAR202

    def crawl_one(self, url):
        proc = self._ctx.Process(target=fetch, args=(url,))  # expect: PAR202
        proc.start()
        proc.join()


# --- negatives --------------------------------------------------------------------------


def crunch_all(sizes):
    with SPAWN.Pool() as pool:
        return pool.map(crunch, sizes)


def forked(numbers):
    def square(n):
        return n * n

    ctx = mp.get_context("fork")
    worker = ctx.Process(target=square, args=(numbers[0],))
    worker.start()
    worker.join()


def closed(sizes):
    pool = SPAWN.Pool(2)
    try:
        return pool.map(crunch, sizes)
    finally:
        pool.close()
        pool.join()
