"""PAR402: processes created while the module is imported. A decorator factory that module-level
code calls (`@hard_timeout(5)`) runs only the factory: the process is created by the wrapper,
when the decorated function is called, so it is not reported. Functions that module-level code
does call, directly or through a nested function they call, are."""
import functools
import multiprocessing
from concurrent.futures import ProcessPoolExecutor


def square(n):
    return n * n


def hard_timeout(seconds):
    def decorator(func):
        @functools.wraps(func)
        def wrapper(*args, **kwargs):
            worker = multiprocessing.Process(target=func, args=args, kwargs=kwargs)
            worker.start()
            worker.join(seconds)
            if worker.is_alive():
                worker.terminate()
                worker.join()

        return wrapper

    return decorator


@hard_timeout(5)
def slow_check():
    print("checked")


def in_a_child(func):
    @functools.wraps(func)
    def run(*args):
        with ProcessPoolExecutor(max_workers=1) as pool:
            return pool.submit(func, *args).result()

    return run


@in_a_child
def total(n):
    return sum(range(n))


def warm_up():
    def spawn():
        process = multiprocessing.Process(target=square, args=(3,))  # expect: PAR402
        process.start()
        process.join()

    spawn()


def precompute():
    with ProcessPoolExecutor() as pool:  # expect: PAR402
        return list(pool.map(square, range(8)))


def later():
    handler = lambda: multiprocessing.Process(target=square, args=(2,))  # noqa: E731
    return handler


TABLE = precompute()
warm_up()
HANDLER = later()
