"""PAR702 shared-iterator: one iterator consumed by tasks running on several threads at once."""

import itertools
import threading
from concurrent.futures import ThreadPoolExecutor
from queue import Queue


def pending_urls():
    for page in range(1, 50):
        yield f"https://example.org/page/{page}"


URLS = pending_urls()
TICKETS = itertools.count(1)
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
