"""PAR501 when the called function's returns are built from its arguments (`return n`,
`return n * 2`, `return [n]`, an f-string, a dict), so the call hands a number, a list or a
string to the thread instead of a callable; also inside comprehensions of submits and for
methods. Functions that return a callable (or may: an argument of unknown type, a lookup,
a partial, a nested function) stay quiet.
"""
import functools
import threading
from concurrent.futures import ThreadPoolExecutor
from multiprocessing import Process


def crawl(url):
    print("crawling", url)


def double(n):
    return n * 2


def echo(value):
    return value


def wrap(item):
    return [item]


def label(user):
    return f"user-{user}"


def summary(rows):
    return {"count": len(rows), "first": rows[0]}


def start_double():
    t = threading.Thread(target=double(21))  # expect: PAR501
    t.start()
    t.join()


def start_echo():
    t = threading.Thread(target=echo(3))  # expect: PAR501
    t.start()
    t.join()


def start_wrapped(item):
    p = Process(target=wrap(item))  # expect: PAR501
    p.start()
    p.join()


def submit_in_comprehension(urls):
    with ThreadPoolExecutor() as executor:
        futures = [executor.submit(crawl(u)) for u in urls]  # expect: PAR501
        return [f.result() for f in futures]


def map_with_called(rows_by_user):
    with ThreadPoolExecutor() as executor:
        return list(executor.map(summary(rows_by_user), rows_by_user))  # expect: PAR501


class Greeter:
    def greeting(self, user):
        return f"hello {user}"

    def greet_in_background(self, user):
        t = threading.Thread(target=self.greeting(user))  # expect: PAR501
        t.start()
        t.join()

    def label_later(self, user):
        with ThreadPoolExecutor(max_workers=1) as executor:
            return executor.submit(label(user)).result()  # expect: PAR501


# --- negatives --------------------------------------------------------------------------


def make_crawler(url):
    def run():
        crawl(url)

    return run


def bound(url):
    return functools.partial(crawl, url)


def pick(handlers, name):
    return handlers[name]


def start_factories(url):
    a = threading.Thread(target=make_crawler(url))
    b = threading.Thread(target=bound(url))
    a.start()
    b.start()
    a.join()
    b.join()


def start_lookups(url, handlers, on_done):
    c = threading.Thread(target=pick(handlers, "crawl"), args=(url,))
    d = threading.Thread(target=echo(on_done))
    c.start()
    d.start()
    c.join()
    d.join()


def echo_of_function():
    t = threading.Thread(target=echo(crawl), args=("https://example.com",))
    t.start()
    t.join()
