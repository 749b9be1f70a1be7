"""Thread subclasses: `run()` is the task.

PAR201 sits on the `def run` of a CPU-bound subclass, once per class, however many times it is
constructed; subclasses of subclasses are followed; `super().__init__(daemon=True)` (also in
a base class) makes the thread a daemon, so not PAR101; `.run()` on an instance is PAR104.
"""
import threading
import time
import urllib.request
from threading import Thread


class Checksummer(Thread):
    def __init__(self, numbers):
        super().__init__()
        self.numbers = numbers
        self.total = 0

    def run(self):  # expect: PAR201
        total = 0
        for n in self.numbers:
            total = (total * 31 + n) % 1_000_003
        self.total = total


def checksum_chunks(chunks):
    workers = [Checksummer(chunk) for chunk in chunks]  # expect: PAR102
    for w in workers:
        w.start()
    for w in workers:
        w.join()
    return [w.total for w in workers]


def checksum_pair(left, right):
    # Constructed again: still one diagnostic, on `def run` above.
    first = Checksummer(left)
    second = Checksummer(right)
    first.start()
    second.start()
    first.join()
    second.join()
    return first.total, second.total


def checksum_inline(numbers):
    worker = Checksummer(numbers)
    worker.run()  # expect: PAR104
    return worker.total


class Worker(Thread):
    """A base class of the project: no daemon flag, no run()."""

    def __init__(self, items):
        super().__init__()
        self.items = items
        self.result = None


class HistogramWorker(Worker):
    def run(self):  # expect: PAR201
        bins = [0] * 10
        for item in self.items:
            bins[item % 10] += 1
        self.result = bins


def histograms(batches):
    workers = []
    for batch in batches:  # expect: PAR102
        w = HistogramWorker(batch)
        workers.append(w)
        w.start()
    for w in workers:
        w.join()
    return [w.result for w in workers]


class ReportJob(Worker):
    def run(self):
        with open("report.txt", "w", encoding="utf-8") as out:
            out.write(str(len(self.items)))


def kick_off_report(items):
    job = ReportJob(items)
    job.start()  # expect: PAR101


# --- negatives --------------------------------------------------------------------------


class Ticker(Thread):
    def __init__(self, interval):
        super().__init__(daemon=True)
        self.interval = interval

    def run(self):
        while True:
            time.sleep(self.interval)
            print("tick")


def start_ticker():
    Ticker(1.0).start()


class DaemonWorker(threading.Thread):
    def __init__(self, name):
        super().__init__(name=name, daemon=True)


class CacheWarmer(DaemonWorker):
    def __init__(self, urls):
        super().__init__("cache-warmer")
        self.urls = urls

    def run(self):
        for url in self.urls:
            with urllib.request.urlopen(url) as response:
                response.read()


def warm(urls):
    warmer = CacheWarmer(urls)
    warmer.start()


class Downloader(Thread):
    """I/O on threads: the right tool."""

    def __init__(self, url):
        super().__init__()
        self.url = url
        self.body = b""

    def run(self):
        with urllib.request.urlopen(self.url) as response:
            self.body = response.read()


def download_all(urls):
    downloaders = [Downloader(url) for url in urls]  # expect: PAR102
    for d in downloaders:
        d.start()
    for d in downloaders:
        d.join()
    return [d.body for d in downloaders]


class Job(threading.Thread):
    def run(self):
        # Calling the base class's run() from an override is how subclasses work.
        super().run()
