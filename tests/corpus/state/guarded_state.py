"""PAR601 negatives that real code has: a lock on `self` or at module level held around the
update, a lock taken by hand, an executor or pool with one worker (its tasks run one at a
time), a single worker whose starter does not touch the state, tasks in processes (each has
its own memory), and a Thread subclass that only updates its own `self`.
"""
import threading
import urllib.request
from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor
from multiprocessing.pool import ThreadPool

downloaded = 0
downloaded_lock = threading.Lock()
pages_seen = 0
processed = 0


def fetch(url):
    with urllib.request.urlopen(url) as response:
        return response.read()


class Stats:
    def __init__(self):
        self._lock = threading.Lock()
        self.requests = 0

    def record(self, url):
        body = fetch(url)
        with self._lock:
            self.requests += 1
        return len(body)

    def record_all(self, urls):
        with ThreadPoolExecutor(max_workers=8) as executor:
            return sum(executor.map(self.record, urls))


def download(url):
    global downloaded
    body = fetch(url)
    downloaded_lock.acquire()
    try:
        downloaded += len(body)
    finally:
        downloaded_lock.release()


def download_all(urls):
    with ThreadPoolExecutor() as executor:
        list(executor.map(download, urls))


def count_page(url):
    global pages_seen
    fetch(url)
    pages_seen += 1


def crawl_serially(urls):
    with ThreadPoolExecutor(max_workers=1) as executor:
        list(executor.map(count_page, urls))


def crawl_with_one_thread(urls):
    with ThreadPool(processes=1) as pool:
        pool.map(count_page, urls)


def crawl_in_background(urls):
    worker = threading.Thread(target=count_page, args=(urls[0],))
    worker.start()
    print("crawling", urls[0])
    worker.join()


def tally(words):
    global processed
    for word in words:
        processed += len(word)


def tally_in_processes(word_lists):
    with ProcessPoolExecutor() as executor:
        list(executor.map(tally, word_lists))


class PageCounter(threading.Thread):
    def __init__(self, urls):
        super().__init__()
        self.urls = urls
        self.pages = 0

    def run(self):
        for url in self.urls:
            fetch(url)
            self.pages += 1


def count_pages(url_groups):
    counters = [PageCounter(group) for group in url_groups]  # expect: PAR102
    for c in counters:
        c.start()
    for c in counters:
        c.join()
    return sum(c.pages for c in counters)
