"""Control flow as people write it: `while` loops, loops in coroutines, comprehensions of
hand-offs, results assigned and never read, and the values that reach `args=` and `target=`.
Each test states what a user sees: the code, the row, whether a fix is offered, and the text
after the fix."""

from __future__ import annotations

import ast

from parlint import check_source, fix_source
from parlint.config import Settings


def found(source: str, code: str) -> list[tuple[int, bool]]:
    """(row, fixable) of every `code` diagnostic of `source`."""
    return [
        (d.location.row, d.fixable) for d in check_source(source, fixes=False) if d.code == code
    ]


def fixed(source: str, code: str) -> str:
    text = fix_source(source, config=Settings(select=(code,)), unsafe=True)
    ast.parse(text)
    return text


# -- PAR105 in `while` loops -----------------------------------------------------------------

FLAG_SET_BY_THE_THREAD = """import threading


class Poller:
    def __init__(self):
        self.done = False

    def poll_once(self):
        self.done = True

    def run(self):
        done = self.done
        while not done:
            t = threading.Thread(target=self.poll_once)
            t.start()
            t.join()
            done = self.done
"""


def test_while_loop_whose_test_the_thread_may_change_has_no_fix() -> None:
    # Joining after the loop would test `done` while the threads run: the loop could start
    # threads without end. Work after the join also needs the thread finished: not reported.
    assert found(FLAG_SET_BY_THE_THREAD, "PAR105") == []


QUEUE_PARAMETER = """import threading


def work(job):
    print(job)


def drain(jobs):
    while not jobs.empty():
        t = threading.Thread(target=work, args=(jobs.get(),))
        t.start()
        t.join()
"""


def test_while_loop_over_a_parameter_is_reported_without_a_fix() -> None:
    assert found(QUEUE_PARAMETER, "PAR105") == [(11, False)]


COUNTER = """import threading


def work(n):
    print(n)


def retry(times):
    attempt = 0
    while attempt < 3:
        attempt += 1
        t = threading.Thread(target=work, args=(attempt,))
        t.start()
        t.join()
"""


def test_while_loop_over_a_local_counter_is_fixed_like_a_for_loop() -> None:
    assert found(COUNTER, "PAR105") == [(13, True)]
    assert fixed(COUNTER, "PAR105") == COUNTER.replace(
        "    attempt = 0\n", "    attempt = 0\n    threads = []\n"
    ).replace(
        "        t.start()\n        t.join()\n",
        "        t.start()\n        threads.append(t)\n    for t in threads:\n        t.join()\n",
    )


WORK_BETWEEN = """import threading


def work(n):
    print(n)


def main(items):
    for item in items:
        t = threading.Thread(target=work, args=(item,))
        t.start()
        print("meanwhile", item)
        t.join()
"""


def test_work_between_start_and_join_is_still_serial() -> None:
    (diagnostic,) = [d for d in check_source(WORK_BETWEEN, fixes=False) if d.code == "PAR105"]
    assert diagnostic.location.row == 11
    assert diagnostic.message == (
        "`t` is joined at line 13 in the same loop iteration that starts it: "
        "the threads run one at a time"
    )


SHAPES_OF_AN_ITERATION = """import threading


def work(x):
    print(x)


def pairs(items):
    for x in items:
        a = threading.Thread(target=work, args=(x,))
        b = threading.Thread(target=work, args=(x,))
        a.start()
        b.start()
        a.join()
        b.join()


def joined_in_finally(items, ready):
    for x in items:
        t = threading.Thread(target=work, args=(x,))
        t.start()
        try:
            ready.wait()
        finally:
            t.join()


def joined_under_a_lock(items, lock):
    for x in items:
        t = threading.Thread(target=work, args=(x,))
        t.start()
        with lock:
            t.join()


def more_after_the_join(items, ready):
    for x in items:
        t = threading.Thread(target=work, args=(x,))
        t.start()
        try:
            ready.wait()
        finally:
            t.join()
            print("done", x)
"""


def test_the_join_that_ends_an_iteration_is_found_in_finally_and_with_blocks() -> None:
    # Two threads of one iteration run at once (`pairs`); work after the join needs it done.
    assert found(SHAPES_OF_AN_ITERATION, "PAR105") == [(21, False), (31, False)]


# -- PAR302: results kept and never read -----------------------------------------------------

KEPT_AND_LOGGED = """import logging
from concurrent.futures import ThreadPoolExecutor

log = logging.getLogger(__name__)


def work(n):
    return n


def main(items):
    with ThreadPoolExecutor() as executor:
        done = executor.map(work, items)
        log.info("queued %s", done)
        print(f"{done!r}", len(items))
"""


def test_map_kept_and_only_logged_is_lost_and_not_fixed() -> None:
    (diagnostic,) = [d for d in check_source(KEPT_AND_LOGGED, fixes=False) if d.code == "PAR302"]
    assert (diagnostic.location.row, diagnostic.fixable) == (13, False)
    assert diagnostic.message.startswith(
        "The result iterator of `map()` is kept in `done` but never iterated"
    )


NAME_REUSED = """from concurrent.futures import ThreadPoolExecutor


def work(n):
    return n


def main(items):
    with ThreadPoolExecutor() as executor:
        results = executor.map(work, items)
        results = executor.map(work, reversed(items))
        for result in results:
            print(result)
"""


def test_only_the_overwritten_iterator_is_lost() -> None:
    assert found(NAME_REUSED, "PAR302") == [(10, True)]


READ_SOMEWHERE = """import asyncio
from concurrent.futures import ThreadPoolExecutor
from multiprocessing.pool import ThreadPool


def work(n):
    return n


def report(error):
    print("failed", error)


def returned(executor, items):
    results = executor.map(work, items)
    return results


def in_a_closure(items):
    with ThreadPoolExecutor() as executor:
        results = executor.map(work, items)

        def show():
            return list(results)

        return show()


def with_error_callback(items):
    with ThreadPool(2) as pool:
        pool.map_async(work, items, error_callback=report)
        pool.apply_async(work, (1,), error_callback=report)
        pool.close()
        pool.join()


async def awaited_later(item):
    loop = asyncio.get_running_loop()
    pending = loop.run_in_executor(None, work, item)
    print("waiting")
    return await pending
"""


def test_results_read_later_or_given_an_error_callback_are_not_lost() -> None:
    assert found(READ_SOMEWHERE, "PAR302") == []


FUTURES_NEVER_READ = """import asyncio
from concurrent.futures import ThreadPoolExecutor


def work(n):
    return n


def main(items):
    with ThreadPoolExecutor() as executor:
        futures = [executor.submit(work, n) for n in items]
        print(len(futures), "submitted")


async def fire_and_forget(items):
    loop = asyncio.get_running_loop()
    for item in items:
        loop.run_in_executor(None, work, item)
"""


def test_futures_kept_only_to_be_counted_and_discarded_executor_futures_are_lost() -> None:
    messages = [
        (d.location.row, d.message) for d in check_source(FUTURES_NEVER_READ) if d.code == "PAR302"
    ]
    assert [(row, message.split(":")[0]) for row, message in messages] == [
        (11, "The future of each `submit()` is kept in `futures` but never read"),
        (18, "The future of `run_in_executor()` is thrown away"),
    ]


# -- PAR502: values proven not to be tuples ---------------------------------------------------

PROVEN_VALUES = """import queue
import threading

PREFIX = "job-"


def work(*parts):
    print(*parts)


def one(item):
    print(item)


def main(names):
    jobs = queue.Queue()
    count = 0
    for name in names:
        count += 1
    label = PREFIX + str(count)
    a = threading.Thread(target=work, args=(jobs))
    b = threading.Thread(target=work, args=(PREFIX))
    c = threading.Thread(target=work, args=label)
    d = threading.Thread(target=work, args=(count * 2))
    e = threading.Thread(target=work, args="%s done" % count)
    for t in (a, b, c, d, e):
        t.start()
    for t in (a, b, c, d, e):
        t.join()
"""


def test_args_proven_to_be_a_queue_a_string_or_a_number() -> None:
    found_502 = [
        (d.location.row, d.message.split(",")[0], d.fixable)
        for d in check_source(PROVEN_VALUES, fixes=False)
        if d.code == "PAR502"
    ]
    assert found_502 == [
        (21, "`args=(jobs)` is a `Queue`", True),
        (22, "`args=(PREFIX)` is a string", True),
        (23, "`args=label` is a string", True),
        (24, "`args=(count * 2)` is a number", True),
        (25, '`args="%s done" % count` is a string', True),
    ]
    assert "args=(PREFIX,))" in fixed(PROVEN_VALUES, "PAR502")
    assert 'args=("%s done" % count,))' in fixed(PROVEN_VALUES, "PAR502")


MAYBE_TUPLES = """import threading

SHARED = "a"


def work(*parts):
    print(*parts)


def pair(left, right):
    print(left, right)


def reset():
    global SHARED
    SHARED = ("b", "c")


def main(offset, names, extra):
    base = (1, 2)
    a = threading.Thread(target=work, args=(offset + 1))
    b = threading.Thread(target=work, args=(SHARED))
    c = threading.Thread(target=work, args=(base + (3,)))
    d = threading.Thread(target=work, args=(tuple(names) + extra))
    e = threading.Thread(target=pair, args=(names))
    f = threading.Thread(target=work, args=(extra + "-x"))
    for t in (a, b, c, d, e, f):
        t.start()
    for t in (a, b, c, d, e, f):
        t.join()
"""


def test_values_that_may_be_tuples_are_not_reported() -> None:
    # A parameter may be a NumPy array (`extra + "-x"` too); a global that another function
    # rebinds may be a tuple; tuple arithmetic is a tuple; a two-parameter target takes a pair.
    assert found(MAYBE_TUPLES, "PAR502") == []


ONE_PARAMETER = """import functools
import threading


def greet(name):
    print("hello", name)


def traced(func):
    @functools.wraps(func)
    def wrapper(*args):
        return func(*args)

    return wrapper


@traced
def wrapped(name):
    print(name)


class Greeter:
    def hello(self, name):
        print("hello", name)

    @staticmethod
    def shout(name):
        print(name.upper())

    def start_all(self, who):
        threads = [
            threading.Thread(target=greet, args=(who)),
            threading.Thread(target=self.hello, args=(who)),
            threading.Thread(target=self.shout, args=(who)),
            threading.Thread(target=wrapped, args=(who)),
            threading.Thread(target=greet, args=who),
        ]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
"""


def test_one_value_for_a_one_parameter_target_is_reported_without_a_fix() -> None:
    assert found(ONE_PARAMETER, "PAR502") == [(32, False), (33, False), (34, False)]


# -- PAR501: results built from the arguments ------------------------------------------------

BOUND_ARGUMENTS = """import threading


def crawl(url):
    print(url)


def echo(value):
    return value


def scaled(n, factor=2):
    return factor


def keyed(*, retries=3):
    if retries:
        return retries
    return None


def rebound(handler):
    handler = handler or crawl
    return handler


class Jobs:
    def pick(self, job):
        return job

    def start(self, on_done):
        threads = [
            threading.Thread(target=echo(3)),
            threading.Thread(target=echo(value="x")),
            threading.Thread(target=scaled(4)),
            threading.Thread(target=keyed()),
            threading.Thread(target=self.pick([1])),
            threading.Thread(target=echo(crawl)),
            threading.Thread(target=echo(on_done)),
            threading.Thread(target=scaled(4, factor=on_done)),
            threading.Thread(target=rebound(None)),
        ]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
"""


def test_a_parameter_returned_as_is_is_what_the_call_passes() -> None:
    results = [
        (d.location.row, d.message.split("(")[2].split(")")[0])
        for d in check_source(BOUND_ARGUMENTS, fixes=False)
        if d.code == "PAR501"
    ]
    assert results == [
        (33, "a number"),
        (34, "a string"),
        (35, "a number"),
        (36, "a number"),
        (37, "a list"),
    ]


# -- PAR102: threads built by a generator expression ------------------------------------------

GENERATOR_LIST = """import threading


def work(x):
    print(x)


def main(items):
    threads = list(threading.Thread(target=work, args=(x,)) for x in items)
    for t in threads:
        t.start()
    for t in threads:
        t.join()
"""


def test_threads_collected_from_a_generator_expression_are_a_manual_list() -> None:
    (diagnostic,) = [d for d in check_source(GENERATOR_LIST, fixes=False) if d.code == "PAR102"]
    assert (diagnostic.location.row, diagnostic.location.column) == (9, 19)


# -- fixes that would block the event loop ---------------------------------------------------

IN_A_COROUTINE = """import asyncio
from concurrent.futures import ThreadPoolExecutor


def work(n):
    return n


async def mapped(items):
    with ThreadPoolExecutor() as executor:
        executor.map(work, items)
        await asyncio.sleep(0)


async def leaked(items):
    executor = ThreadPoolExecutor()
    return list(executor.map(work, items))
"""


def test_fixes_that_wait_for_tasks_are_withheld_in_a_coroutine() -> None:
    assert found(IN_A_COROUTINE, "PAR302") == [(11, False)]
    assert found(IN_A_COROUTINE, "PAR301") == [(16, False)]


# -- PAR601: which hand-offs in loops run at once ---------------------------------------------

ONE_AT_A_TIME = """import asyncio
from concurrent.futures import ThreadPoolExecutor

counter = 0


def bump(x):
    global counter
    counter += 1


def waited_next(xs):
    with ThreadPoolExecutor() as executor:
        for x in xs:
            future = executor.submit(bump, x)
            print(future.result())


async def awaited_with_a_timeout(xs):
    for x in xs:
        await asyncio.wait_for(asyncio.to_thread(bump, x), timeout=5)
"""

AT_ONCE = (
    ONE_AT_A_TIME
    + """

async def gathered(xs):
    await asyncio.gather(*(asyncio.to_thread(bump, x) for x in xs))
"""
)


def test_hand_offs_waited_for_in_the_next_statement_run_one_at_a_time() -> None:
    assert found(ONE_AT_A_TIME, "PAR601") == []
    assert found(AT_ONCE, "PAR601") == [(9, True)]
