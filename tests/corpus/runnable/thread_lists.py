# corpus: runnable
"""Hand-rolled thread lists and named threads (PAR102, PAR103): rewritten to executors."""
import queue
import threading
from threading import Thread

totals = {}


def word_length(word, scale=1):
    totals[word] = len(word) * scale


def drain(jobs, seen):
    while (job := jobs.get()) is not None:
        seen.put(job * 10)


def announce(name, ready):
    ready.put(name)


def lengths(words):
    threads = [threading.Thread(target=word_length, args=(w,)) for w in words]  # expect: PAR102
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    print(sorted(totals.items()))


def scaled(words):
    threads = []
    for word in words:  # expect: PAR102
        thread = Thread(target=word_length, args=(word,), kwargs={"scale": 3})
        threads.append(thread)
        thread.start()
    for thread in threads:
        thread.join()
    print(sorted(totals.items()))


def workers(count):
    jobs, seen = queue.Queue(), queue.Queue()
    for job in [*range(8), *[None] * count]:
        jobs.put(job)
    threads = []
    for _ in range(count):  # expect: PAR102
        threads.append(Thread(target=drain, args=(jobs, seen)))
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    print(sorted(seen.get() for _ in range(8)))


def meanwhile(words):
    threads = [Thread(target=word_length, args=(w,), kwargs={"scale": 2}) for w in words]  # expect: PAR102
    for t in threads:
        t.start()
    print("counting", len(words), "words")  # runs while the threads do
    for t in threads:
        t.join()
    print(sorted(totals.items()))


class Counter(Thread):
    def __init__(self, text):
        super().__init__()
        self.text = text
        self.vowels = 0

    def run(self):  # expect: PAR201
        self.vowels = sum(1 for ch in self.text if ch in "aeiou")


def vowels(texts):
    counters = [Counter(t) for t in texts]  # expect: PAR102
    for c in counters:
        c.start()
    for c in counters:
        c.join()
    print([c.vowels for c in counters])  # in the order of the texts


def services():
    ready = queue.Queue()
    db = Thread(target=announce, args=("db", ready))  # expect: PAR103
    cache = Thread(target=announce, args=("cache", ready))
    web = Thread(target=announce, args=("web", ready))
    db.start()
    cache.start()
    web.start()
    db.join()
    cache.join()
    web.join()
    print(sorted(ready.get() for _ in range(3)))


lengths(["pool", "executor", "gil"])
scaled(["thread", "process"])
workers(3)
meanwhile(["lock", "queue"])
vowels(["executor", "thread", "interpreter"])
services()
