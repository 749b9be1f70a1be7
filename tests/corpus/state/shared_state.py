"""PAR601 in the shapes real code has: `self` state updated by a method handed to a thread
pool, a Thread subclass updating a module counter, a `while` loop in the task, a `with`
block that holds no lock (a file, a fresh `threading.Lock()`), and the starting thread
running the same task while its worker runs.
"""
import threading
import urllib.request
from concurrent.futures import ThreadPoolExecutor

fetched_bytes = 0
copied_bytes = 0
status_counts = {}


class Stats:
    def __init__(self):
        self.requests = 0
        self.by_status = {}
        self.bytes_read = 0

    def record(self, response):
        self.requests += 1  # expect: PAR601
        self.by_status[response.status] = self.by_status.get(response.status, 0) + 1  # expect: PAR601

    def record_all(self, responses):
        with ThreadPoolExecutor(max_workers=8) as executor:
            list(executor.map(self.record, responses))

    def read_stream(self, stream):
        while chunk := stream.read(65536):
            self.bytes_read += len(chunk)  # expect: PAR601

    def read_all(self, streams):
        with ThreadPoolExecutor() as executor:
            futures = [executor.submit(self.read_stream, stream) for stream in streams]
        for future in futures:
            future.result()


class Fetcher(threading.Thread):
    def __init__(self, url):
        super().__init__()
        self.url = url

    def run(self):
        global fetched_bytes
        with urllib.request.urlopen(self.url) as response:
            body = response.read()
        fetched_bytes += len(body)  # expect: PAR601
        with threading.Lock():
            status_counts[response.status] = status_counts.get(response.status, 0) + 1  # expect: PAR601


def fetch_all(urls):
    fetchers = [Fetcher(url) for url in urls]  # expect: PAR102
    for f in fetchers:
        f.start()
    for f in fetchers:
        f.join()


def copy_file(src, dst):
    global copied_bytes
    with open(src, "rb") as fin, open(dst, "wb") as fout:
        while chunk := fin.read(1 << 16):
            fout.write(chunk)
            copied_bytes += len(chunk)  # expect: PAR601


def copy_pair(first, second, dest_dir):
    # The caller copies the second file while the worker copies the first.
    worker = threading.Thread(target=copy_file, args=(first, dest_dir + "/first"))
    worker.start()
    copy_file(second, dest_dir + "/second")
    worker.join()
