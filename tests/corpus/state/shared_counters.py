"""PAR601 unsynchronized-shared-state: lost updates, and the safe shapes around them."""
import collections
import queue
import threading
from concurrent.futures import ThreadPoolExecutor

total = 0
counts = {}
results = []
pending = queue.Queue()
events = collections.deque()
guard = threading.Lock()


def tally(words):
    global total
    for word in words:
        total += 1  # expect: PAR601
        counts[word] = counts.get(word, 0) + 1  # expect: PAR601


def count_all(chunks):
    threads = [threading.Thread(target=tally, args=(c,)) for c in chunks]  # expect: PAR102, PAR201
    for t in threads:
        t.start()
    for t in threads:
        t.join()


class Meter:
    def __init__(self):
        self.seen = 0

    def observe(self, item):
        self.seen = self.seen + 1  # expect: PAR601

    def run(self, items):
        with ThreadPoolExecutor() as executor:
            list(executor.map(self.observe, items))


def closure(items):
    hits = 0

    def hit(item):
        nonlocal hits
        hits += item  # expect: PAR601

    with ThreadPoolExecutor() as executor:
        list(executor.map(hit, items))
    return hits


# --- negatives -------------------------------------------------------------------------


def locked(words):
    global total
    for word in words:
        with guard:
            total += 1


def by_hand(words):
    global total
    guard.acquire()
    try:
        total += len(words)
    finally:
        guard.release()


def bump():
    global total
    total += 1


def through_helper(words):
    for _ in words:
        with guard:
            bump()


def safe_containers(item):
    results.append(item)
    pending.put(item)
    events.append(item)


def local_only(n):
    acc = 0
    for i in range(n):
        acc += i
    return acc


def negatives(chunks):
    with ThreadPoolExecutor() as executor:
        list(executor.map(locked, chunks))
        list(executor.map(by_hand, chunks))
        list(executor.map(through_helper, chunks))
        list(executor.map(safe_containers, chunks))
        list(executor.map(local_only, chunks))  # expect: PAR201


def single_thread(words):
    t = threading.Thread(target=tally, args=(words,))
    t.start()
    t.join()


class Greedy(threading.Thread):
    made = 0

    def run(self):  # expect: PAR201
        for _ in range(10):
            self.made += 1  # each thread is its own `self`


def greedy_threads():
    threads = [Greedy() for _ in range(4)]  # expect: PAR102
    for t in threads:
        t.start()
    for t in threads:
        t.join()
