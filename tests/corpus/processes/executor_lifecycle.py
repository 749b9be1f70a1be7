"""PAR301 executor-not-shutdown."""
import multiprocessing
from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor
from multiprocessing.pool import ThreadPool


def work(n):
    return n + 1


def leaked(items):
    executor = ThreadPoolExecutor(max_workers=4)  # expect: PAR301
    results = list(executor.map(work, items))
    return results


def leaked_pool(items):
    pool = multiprocessing.Pool(2)  # expect: PAR301
    return pool.map(work, items)


# --- negatives -------------------------------------------------------------------------


def with_block(items):
    with ProcessPoolExecutor() as executor:
        return list(executor.map(work, items))


def shut_down(items):
    executor = ThreadPoolExecutor()
    try:
        return list(executor.map(work, items))
    finally:
        executor.shutdown(wait=True)


def closed(items):
    pool = ThreadPool(2)
    result = pool.map(work, items)
    pool.close()
    pool.join()
    return result


def returned():
    executor = ThreadPoolExecutor()
    return executor


class Service:
    # Kept on `self` and shut down by no method of the class: the class owns them.
    def start(self):
        self.executor = ThreadPoolExecutor()  # expect: PAR301

    def start_local(self):
        executor = ThreadPoolExecutor()  # expect: PAR301
        self.pool = executor


def handed_on(register):
    executor = ThreadPoolExecutor()
    register(executor)


def used_by_callback(items):
    executor = ThreadPoolExecutor()

    def stop():
        executor.shutdown()

    return stop


MODULE_POOL = ThreadPoolExecutor()  # module level: lives as long as the program
