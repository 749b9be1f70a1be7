"""Process subclasses: `run()` is the task. PAR202 sits on the `def run` of an I/O-bound
subclass, once per class; subclasses of subclasses are followed; `super().__init__(daemon=True)`
makes them daemons (not PAR101); `.run()` on an instance is PAR104.
"""
import multiprocessing
import time
import urllib.request
from multiprocessing import Process


class Mirror(Process):
    def __init__(self, url, dest):
        super().__init__()
        self.url = url
        self.dest = dest

    def run(self):  # expect: PAR202
        with urllib.request.urlopen(self.url) as response:
            body = response.read()
        with open(self.dest, "wb") as out:
            out.write(body)


def mirror_all(urls):
    mirrors = [Mirror(url, f"/srv/mirror/{i}") for i, url in enumerate(urls)]  # expect: PAR102
    for m in mirrors:
        m.start()
    for m in mirrors:
        m.join()


def mirror_one(url):
    mirror = Mirror(url, "/srv/mirror/latest")
    mirror.start()
    mirror.join()
    return mirror.exitcode


def mirror_here(url):
    mirror = Mirror(url, "/srv/mirror/inline")
    mirror.run()  # expect: PAR104


class ServiceProcess(multiprocessing.Process):
    def __init__(self, name, inbox):
        super().__init__(name=name, daemon=True)
        self.inbox = inbox


class LogShipper(ServiceProcess):
    # Not reported: `self.inbox` is whatever the caller passed; `.get()` on an object parlint
    # cannot see may be a dict's, so the task is unknown (never guessed).
    def run(self):
        while True:
            line = self.inbox.get()
            with open("/var/log/shipped.log", "a", encoding="utf-8") as out:
                out.write(line)


def start_shipper():
    inbox = multiprocessing.Queue()
    shipper = LogShipper("log-shipper", inbox)
    shipper.start()
    return inbox


class Exporter(Process):
    def __init__(self, path):
        super().__init__()
        self.path = path

    def run(self):  # expect: PAR202
        for attempt in range(3):
            time.sleep(attempt)
            print("exporting", self.path)


def export_in_background(path):
    exporter = Exporter(path)
    exporter.start()  # expect: PAR101


# --- negatives --------------------------------------------------------------------------


class Sieve(Process):
    """CPU-bound work in a process: the right tool."""

    def __init__(self, limit, results):
        super().__init__()
        self.limit = limit
        self.results = results

    def run(self):
        flags = [True] * self.limit
        count = 0
        for n in range(2, self.limit):
            if flags[n]:
                count += 1
                for multiple in range(n * n, self.limit, n):
                    flags[multiple] = False
        self.results.put((self.limit, count))


def sieves(limits):
    results = multiprocessing.Queue()
    workers = [Sieve(limit, results) for limit in limits]  # expect: PAR102
    for w in workers:
        w.start()
    for w in workers:
        w.join()
    return [results.get() for _ in limits]


class Job(Process):
    def run(self):
        super().run()


if __name__ == "__main__":
    mirror_all(["http://example.com/a", "http://example.com/b"])
