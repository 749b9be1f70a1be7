"""PAR501 target-called."""
import asyncio
import functools
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from multiprocessing import Pool, Process


def work(n):
    print(n)


async def coro():
    return 1


def gen():
    yield 1


def answer():
    return 42


def factory(n):
    def run():
        work(n)

    return run


def unknown_result(n):
    return make_something(n)


def calls_work():
    t = threading.Thread(target=work(1))  # expect: PAR501, PAR103
    t.start()
    t.join()
    p = Process(target=answer())  # expect: PAR501
    p.start()
    p.join()
    s = threading.Thread(target=time.sleep(1))  # expect: PAR501
    s.start()
    s.join()
    g = threading.Thread(target=gen())  # expect: PAR501
    g.start()
    g.join()


def pools(items):
    with ThreadPoolExecutor() as executor:
        executor.submit(work(1))  # expect: PAR501, PAR302
        list(executor.map(answer(), items))  # expect: PAR501
    with Pool() as pool:
        pool.apply_async(coro())  # expect: PAR501, PAR302


class Crawler:
    def crawl(self, url):
        print(url)

    def start(self, url):
        t = threading.Thread(target=self.crawl(url))  # expect: PAR501
        t.start()
        t.join()


def started_for_each(items):
    threads = [threading.Thread(target=work(n)) for n in items]  # expect: PAR102, PAR501
    for t in threads:
        t.start()
    for t in threads:
        t.join()


def started_in_try():
    t = threading.Thread(target=work(1))  # expect: PAR501 [fix]
    try:
        t.start()
    finally:
        t.join()


def never_started():
    # work(1) runs here and now; passing `work` instead would never run it.
    t = threading.Thread(target=work(1))  # expect: PAR501 [no fix]
    return t


def started_on_one_path(flag):
    t = threading.Thread(target=work(1))  # expect: PAR501 [no fix]
    if flag:
        t.start()
        t.join()


# --- negatives -------------------------------------------------------------------------


def factories():
    a = threading.Thread(target=factory(1))  # expect: PAR103
    b = threading.Thread(target=functools.partial(work, 2))
    c = threading.Thread(target=unknown_result(3))
    d = threading.Thread(target=getattr(asyncio, "run"))
    for t in (a, b, c, d):
        t.start()
    for t in (a, b, c, d):
        t.join()


def shadowed():
    work = factory
    t = threading.Thread(target=work(1))
    t.start()
    t.join()
