"""PAR104 run-instead-of-start."""
import threading
from multiprocessing import Process


def work():
    print("work")


def direct_run():
    t = threading.Thread(target=work)
    t.run()  # expect: PAR104


def anonymous_run():
    Process(target=work).run()  # expect: PAR104


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
