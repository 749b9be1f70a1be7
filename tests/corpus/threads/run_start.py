"""PAR104 run-instead-of-start."""
import threading
from multiprocessing import Process


def work():
    print("work")


def direct_run():
    t = threading.Thread(target=work)
    t.run()  # expect: PAR104 [fix]


def run_then_join():
    t = threading.Thread(target=work)
    t.run()  # expect: PAR104 [fix]
    t.join()


def anonymous_run():
    Process(target=work).run()  # expect: PAR104 [fix]


class Counter(threading.Thread):
    def __init__(self):
        super().__init__()
        self.total = 0

    def run(self):
        self.total = sum(range(10))


def test_counter_runs_in_place():
    # What follows reads what run() did: once started instead, it may not be done yet.
    counter = Counter()
    counter.run()  # expect: PAR104 [display-only]
    assert counter.total == 45


def run_in_a_loop(jobs):
    for job in jobs:
        t = threading.Thread(target=job)
        t.run()  # expect: PAR104 [display-only]


class Job(threading.Thread):
    def run(self):
        # Calling the base class's run from an override is how subclasses work.
        super().run()
        threading.Thread.run(self)


def start_is_fine():
    t = threading.Thread(target=work)
    t.start()
    t.join()


class Runner:
    def run(self):
        work()


def other_run_is_fine():
    Runner().run()


def run_then_start():
    # `.start()` already follows: turning the run into a start would start it twice.
    t = threading.Thread(target=work)
    t.run(); t.start()  # expect: PAR104 [no fix]
    t.join()


def run_twice():
    t = threading.Thread(target=work)
    t.run()  # expect: PAR104 [no fix]
    t.run()  # expect: PAR104 [no fix]
