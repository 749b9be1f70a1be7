"""PAR401 unpicklable-task and PAR403 too-many-process-workers."""
import functools
import multiprocessing
from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor
from multiprocessing import Pool, Process


def square(n):
    return n * n


def lambdas(numbers):
    with ProcessPoolExecutor() as executor:
        list(executor.map(lambda n: n + 1, numbers))  # expect: PAR401
    with Pool(4) as pool:
        pool.map(functools.partial(lambda a, b: a + b, 1), numbers)  # expect: PAR401


def nested(numbers):
    def cube(n):
        return n**3

    p = Process(target=cube, args=(3,))  # expect: PAR401
    p.start()
    p.join()
    ctx = multiprocessing.get_context("spawn")
    with ctx.Pool() as pool:
        pool.map(cube, numbers)  # expect: PAR401


def too_many(jobs):
    with ProcessPoolExecutor(max_workers=64) as executor:  # expect: PAR403
        return list(executor.map(square, jobs))


# --- negatives -------------------------------------------------------------------------


def fine(numbers, workers):
    with ProcessPoolExecutor(max_workers=61) as executor:
        list(executor.map(square, numbers))
        list(executor.map(functools.partial(square), numbers))
    with ProcessPoolExecutor(workers) as executor:
        list(executor.map(square, numbers))
    with ThreadPoolExecutor(max_workers=200) as executor:
        list(executor.map(lambda n: n + 1, numbers))

    def local(n):
        return n

    with ThreadPoolExecutor() as executor:
        list(executor.map(local, numbers))


def never_started(flike):
    # Pickling happens at start(): a Process that is never started never pickles.
    proc = multiprocessing.Process(target=lambda: flike.flush())
    flike.flush()
    return proc.name


def forked_on_purpose():
    # An explicit fork context never pickles a Process's target.
    def child():
        print("child")

    ctx = multiprocessing.get_context("fork")
    p = ctx.Process(target=child)
    p.start()
    p.join()


def forked_pool_still_pickles(numbers):
    def square(n):
        return n * n

    with multiprocessing.get_context("fork").Pool(2) as pool:
        pool.map(square, numbers)  # expect: PAR401
