"""PAR702 shared-iterator: one iterator consumed by tasks running on several threads at once."""

import itertools
import threading
from concurrent.futures import ThreadPoolExecutor
from queue import Queue


def pending_urls():
    for page in range(1, 50):
        yield f"https://example.org/page/{page}"


URLS = pending_urls()
TICKETS = zip(itertools.count(1), "abcdefgh")
IDS = itertools.count(1)  # next() on a count is one atomic step: the usual id generator
LINES = (line.strip() for line in ["a", "b", "c"])
ROWS = [("a", 1), ("b", 2)]
ROW_ITER = iter(ROWS)
LOCK = threading.Lock()


def crawl(results):
    for url in URLS:  # expect: PAR702
        results.append(url)


def take_ticket(name):
    return name, next(TICKETS)  # expect: PAR702


def clean(results):
    while True:
        line = next(LINES, None)  # expect: PAR702
        if line is None:
            return
        results.append(line)


def next_url():
    return next(URLS)  # expect: PAR702


def fetch_next(results):
    results.append(next_url())


class Crawler:
    """The pool's threads share `self`, and with it one generator."""

    def __init__(self, pages):
        self.pages = (f"https://example.org/{page}" for page in pages)

    def fetch_one(self, _):
        return next(self.pages)  # expect: PAR702

    def crawl_all(self, count):
        with ThreadPoolExecutor(max_workers=4) as executor:
            return list(executor.map(self.fetch_one, range(count)))


def closure_main(paths):
    remaining = iter(paths)

    def worker(out):
        for path in remaining:  # expect: PAR702
            out.append(path)

    out = []
    threads = [threading.Thread(target=worker, args=(out,)) for _ in range(3)]  # expect: PAR102, PAR201
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return out


def main(names):
    results = []
    crawlers = [threading.Thread(target=crawl, args=(results,)) for _ in range(4)]  # expect: PAR102, PAR201
    for t in crawlers:
        t.start()
    for t in crawlers:
        t.join()
    with ThreadPoolExecutor() as executor:
        tickets = list(executor.map(take_ticket, names))
        cleaners = [executor.submit(clean, results) for _ in range(3)]  # expect: PAR201
        fetchers = [executor.submit(fetch_next, results) for _ in range(3)]
        for future in fetchers:
            future.result()
        for future in cleaners:
            future.result()
    return results, tickets


# Not reported.


def locked(results):
    with LOCK:
        results.append(next(ROW_ITER))


def rows(results):
    for name, size in ROWS:  # a list: every thread iterates its own way through it
        results.append((name, size))


def from_queue(queue, results):
    results.append(queue.get())


def single_reader(results):
    for url in URLS:
        results.append(url)


def new_id(name):
    return name, next(IDS)


class Reader(threading.Thread):
    """Each thread is its own object, with its own iterator."""

    def __init__(self, lines):
        super().__init__()
        self.lines = iter(lines)
        self.out = []

    def run(self):  # expect: PAR201
        for line in self.lines:
            self.out.append(line)


def own_iterators(chunks):
    readers = [Reader(chunk) for chunk in chunks]  # expect: PAR102
    for reader in readers:
        reader.start()
    for reader in readers:
        reader.join()
    with ThreadPoolExecutor() as executor:
        return list(executor.map(new_id, chunks))


def safe_main():
    results = []
    queue = Queue()
    threads = [threading.Thread(target=locked, args=(results,)) for _ in range(2)]  # expect: PAR102
    threads += [threading.Thread(target=rows, args=(results,)) for _ in range(2)]  # expect: PAR201
    threads += [threading.Thread(target=from_queue, args=(queue, results)) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    reader = threading.Thread(target=single_reader, args=(results,))
    reader.start()
    reader.join()
    return results
