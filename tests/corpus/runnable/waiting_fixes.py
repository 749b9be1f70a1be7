# corpus: runnable
"""Fixes that add a wait (PAR105's joins after the loop, PAR301's `with` block, PAR102's
executor) on tasks that wait for each other or for code that runs later. Where the wait could
hang, the fix is display-only (never applied) and the fixed program still ends; where every
task ends by itself, or the executor keeps one worker per thread, the fix is applied."""
import queue
import threading
import time
from concurrent.futures import ThreadPoolExecutor


def square(n):
    return n * n


def poll_until(stop, ticks):
    # A service loop: it ends only when the caller sets `stop`, after its last use of the pool.
    while not stop.wait(0.01):
        ticks.append(1)
    return "stopped"


def service_on_a_pool():
    stop = threading.Event()
    ticks = []
    executor = ThreadPoolExecutor(max_workers=1)  # expect: PAR301 [display-only]
    future = executor.submit(poll_until, stop, ticks)
    time.sleep(0.05)
    stop.set()
    print("poller", future.result(), bool(ticks))


def squares_on_a_pool():
    executor = ThreadPoolExecutor(max_workers=2)  # expect: PAR301 [fix]
    futures = [executor.submit(square, n) for n in range(4)]
    print("squares", sum(f.result() for f in futures))


def drain(jobs, results):
    while (job := jobs.get()) is not None:
        results.append(job)


def fed_one_by_one():
    results = []
    for batch in ([1, 2], [3]):
        jobs = queue.Queue()
        worker = threading.Thread(target=drain, args=(jobs, results))
        worker.start()  # expect: PAR105 [display-only]
        for job in batch:
            jobs.put(job)
        jobs.put(None)
        worker.join()
    print("drained", sorted(results))


def meet(barrier, seen, n):
    # Every task waits for the others at the barrier: fewer workers than tasks would hang.
    barrier.wait(timeout=30)
    seen.append(n)


def all_meet():
    seen = []
    barrier = threading.Barrier(3)
    threads = [threading.Thread(target=meet, args=(barrier, seen, n)) for n in range(3)]  # expect: PAR102 [fix]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    print("met", sorted(seen))


def watchdog():
    done = []
    threads = [threading.Thread(target=done.append, args=(n,), daemon=True) for n in range(3)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=5)
        if t.is_alive():
            print("stuck:", t.name)
    print("watched", sorted(done))


def main():
    service_on_a_pool()
    squares_on_a_pool()
    fed_one_by_one()
    all_meet()
    watchdog()


if __name__ == "__main__":
    main()
