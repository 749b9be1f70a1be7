"""PAR302 lost-task-exception."""
from concurrent.futures import ThreadPoolExecutor, wait
from multiprocessing.pool import ThreadPool


def work(n):
    return 1 / n


def lost(items):
    with ThreadPoolExecutor() as executor:
        executor.submit(work, 0)  # expect: PAR302
        executor.map(work, items)  # expect: PAR302
        [executor.submit(work, n) for n in items]  # expect: PAR302
    with ThreadPool(2) as pool:
        pool.map_async(work, items)  # expect: PAR302
        pool.imap(work, items)  # expect: PAR302


# --- negatives -------------------------------------------------------------------------


def kept(items):
    with ThreadPoolExecutor() as executor:
        future = executor.submit(work, 1)
        futures = [executor.submit(work, n) for n in items]
        wait(futures)
        results = executor.map(work, items)
        for value in results:
            print(value)
        print(future.result())
    with ThreadPool(2) as pool:
        pool.map(work, items)  # Pool.map raises at once: nothing is lost
        handle = pool.apply_async(work, (1,))
        print(handle.get())
