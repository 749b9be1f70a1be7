"""PAR102 manual-thread-list and PAR103 many-manual-threads: the shapes real code uses."""
import multiprocessing
import queue
import threading
from threading import Thread, Timer


def download(url):
    return len(url)


def resize(path, width=100):
    return f"{path}@{width}"


def consume(jobs):
    while (job := jobs.get()) is not None:
        print(job)


def cpu(n):
    return sum(i * i for i in range(n))


# --- PAR102 with a fix ----------------------------------------------------------------


def comprehension(urls):
    threads = [threading.Thread(target=download, args=(u,)) for u in urls]  # expect: PAR102 [fix]
    for t in threads:
        t.start()
    for t in threads:
        t.join()


def append_and_start(paths):
    # Started as they are built, joined afterwards.
    threads = []
    for path in paths:  # expect: PAR102 [fix]
        t = Thread(target=resize, args=(path,), kwargs={"width": 64})
        threads.append(t)
        t.start()
    for t in threads:
        t.join()
    print("done")


def fixed_worker_count(jobs, workers):
    threads = []
    for _ in range(workers):  # expect: PAR102 [fix]
        threads.append(Thread(target=consume, args=(jobs,), daemon=True))
    for t in threads:
        t.start()
    for t in threads:
        t.join()


def processes(sizes):
    procs = [multiprocessing.Process(target=cpu, args=(n,)) for n in sizes]  # expect: PAR102 [fix]
    for p in procs:
        p.start()
    for p in procs:
        p.join()


sizes = {}
weights = {"a": 2}


def measure(path):
    # Reads a dict with `get`: not a queue, nothing to wait for.
    sizes[path] = weights.get(path, 1) * len(path)


def work_meanwhile(paths):
    threads = [Thread(target=measure, args=(p,)) for p in paths]  # expect: PAR102 [fix]
    for t in threads:
        t.start()
    # The caller's own work overlaps with the threads; it moves into the `with` block.
    print("measuring", len(paths))
    for t in threads:
        t.join()


def started_by_comprehension(jobs):
    # The statement-comprehension idiom for the start and join loops.
    tasks = [Thread(target=consume, args=(jobs,)) for _ in range(4)]  # expect: PAR102 [fix]
    [t.start() for t in tasks]
    [t.join() for t in tasks]


# --- PAR102 without a fix: the rewrite is not proven for these ---------------------------


def early_return(paths):
    threads = [Thread(target=measure, args=(p,)) for p in paths]  # expect: PAR102 [no fix]
    for t in threads:
        t.start()  # expect: PAR101
    if not paths:
        return
    for t in threads:
        t.join()


def middle_reads_the_loop_variable(paths):
    threads = [Thread(target=measure, args=(p,)) for p in paths]  # expect: PAR102 [no fix]
    for t in threads:
        t.start()
    print(t.name)
    for t in threads:
        t.join()



def per_item_queue(items):
    # One thread per item, and the task waits on a queue: fewer workers could wait for ever.
    jobs = queue.Queue()
    threads = [Thread(target=consume, args=(jobs,)) for _ in items]  # expect: PAR102 [no fix]
    for t in threads:
        t.start()
    for _ in items:
        jobs.put(None)
    for t in threads:
        t.join()


def named_threads(urls):
    threads = [Thread(target=download, args=(u,), name=u) for u in urls]  # expect: PAR102 [no fix]
    for t in threads:
        t.start()
    for t in threads:
        t.join()


def read_afterwards(urls):
    threads = [Thread(target=download, args=(u,)) for u in urls]  # expect: PAR102 [no fix]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    print(len(threads))


def join_with_timeout(urls):
    # A bounded wait, as PAR105 reads it: not what an executor's `with` block does.
    threads = [Thread(target=download, args=(u,)) for u in urls]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=5)


def process_queue(sizes):
    # A multiprocessing queue cannot be pickled into a pool's task.
    results = multiprocessing.Queue()
    procs = [multiprocessing.Process(target=cpu, args=(results,)) for _ in sizes]  # expect: PAR102 [no fix]
    for p in procs:
        p.start()
    for p in procs:
        p.join()


class Fetcher(Thread):
    def __init__(self, url):
        super().__init__()
        self.url = url
        self.size = 0

    def run(self):
        self.size = download(self.url)


def subclass_results(urls):
    # The results stay on the objects: the rewrite keeps them and runs each `run()`.
    fetchers = [Fetcher(u) for u in urls]  # expect: PAR102 [fix]
    for f in fetchers:
        f.start()
    for f in fetchers:
        f.join()
    return sum(f.size for f in fetchers)


def subclass_names(urls):
    fetchers = [Fetcher(u) for u in urls]  # expect: PAR102 [no fix]
    for f in fetchers:
        f.start()
    for f in fetchers:
        f.join()
    return [f.name for f in fetchers]  # a pool would not run them under these names


class Ticker(Thread):
    def run(self):
        print(threading.current_thread().name)


def subclass_identity(count):
    tickers = [Ticker() for _ in range(count)]  # expect: PAR102 [no fix]
    for t in tickers:
        t.start()
    for t in tickers:
        t.join()


# --- not PAR102 ---------------------------------------------------------------------------


def returned(urls):
    threads = [Thread(target=download, args=(u,)) for u in urls]
    for t in threads:
        t.start()
    return threads


def timers(delays):
    timers = [Timer(d, print) for d in delays]
    for t in timers:
        t.start()
    for t in timers:
        t.join()


def kept_on_self(self, urls):
    self.threads = [Thread(target=download, args=(u,)) for u in urls]
    for t in self.threads:
        t.start()
    for t in self.threads:
        t.join()


# --- PAR103 ---------------------------------------------------------------------------------


def three_loaders():
    users = Thread(target=download, args=("users",))  # expect: PAR103 [fix]
    orders = Thread(target=download, args=("orders",))
    stock = Thread(target=resize, args=("stock",), kwargs={"width": 5})
    users.start()
    orders.start()
    stock.start()
    users.join()
    orders.join()
    stock.join()


def interleaved_work():
    a = Thread(target=download, args=("a",))  # expect: PAR103 [no fix]
    b = Thread(target=download, args=("b",))
    c = Thread(target=download, args=("c",))
    a.start()
    b.start()
    print("main thread works meanwhile")
    c.start()
    a.join()
    b.join()
    c.join()


def one_at_a_time():
    a = Thread(target=download, args=("a",))  # expect: PAR103 [no fix]
    a.start()
    a.join()
    b = Thread(target=download, args=("b",))
    b.start()
    b.join()
    c = Thread(target=download, args=("c",))
    c.start()
    c.join()


def two_only():
    a = Thread(target=download, args=("a",))
    b = Thread(target=download, args=("b",))
    a.start()
    b.start()
    a.join()
    b.join()


# --- PAR102: watchdogs and reused names (huey's test_storage shapes) ------------------


def watchdog_joins(urls):
    threads = [threading.Thread(target=download, args=(u,), daemon=True) for u in urls]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=5)
        if t.is_alive():
            raise RuntimeError(f"{t.name} is stuck")


def watchdog_then_check(urls):
    threads = []
    for u in urls:
        t = threading.Thread(target=download, args=(u,))
        threads.append(t)
        t.start()
    for t in threads:
        t.join(2.0)
    assert not any(t.is_alive() for t in threads)


def join_none_is_no_watchdog(urls):
    threads = [threading.Thread(target=download, args=(u,)) for u in urls]  # expect: PAR102
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=None)


def name_reused(urls, paths):
    threads = [threading.Thread(target=download, args=(u,)) for u in urls]  # expect: PAR102
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    threads = [threading.Thread(target=resize, args=(p,)) for p in paths]  # expect: PAR102
    [t.start() for t in threads]
    [t.join() for t in threads]
