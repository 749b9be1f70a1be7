# corpus: runnable
"""A complete program (standard library only, ends by itself): a printer service whose
thread lives on `self` and is joined by `stop()` (not PAR101), a `while` loop that starts
and joins one thread per item (PAR105), and an executor on `self` whose `map()` result is
assigned and never iterated (PAR302), shut down by `close()` (not PAR301).
"""
import queue
import threading
import time
from concurrent.futures import ThreadPoolExecutor


def slow_square(n):
    time.sleep(0.01)
    print(f"squared {n} {n * n}\n", end="")  # one write: lines of two threads never mix
    return n * n


def announce(item):
    time.sleep(0.01)
    print(f"item {item}\n", end="")


class Printer:
    def __init__(self):
        self.jobs = queue.Queue()
        self._thread = threading.Thread(target=self._loop, name="printer")

    def _loop(self):
        while (job := self.jobs.get()) is not None:
            print("job", job)

    def start(self):
        self._thread.start()

    def stop(self):
        self.jobs.put(None)
        self._thread.join()


class Squarer:
    def __init__(self):
        self._pool = ThreadPoolExecutor(max_workers=2)

    def queue_all(self, numbers):
        results = self._pool.map(slow_square, numbers)  # expect: PAR302
        return len(numbers)

    def close(self):
        self._pool.shutdown(wait=True)


def announce_each(items):
    pending = list(items)
    while pending:
        t = threading.Thread(target=announce, args=(pending.pop(),))
        t.start()  # expect: PAR105
        t.join()


def main():
    printer = Printer()
    printer.start()
    for i in range(3):
        printer.jobs.put(i)
    printer.stop()
    announce_each(["a", "b", "c"])
    squarer = Squarer()
    print("queued", squarer.queue_all([1, 2, 3]))
    squarer.close()


if __name__ == "__main__":
    main()
