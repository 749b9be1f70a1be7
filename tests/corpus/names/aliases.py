"""Names are resolved, not matched as text."""
import threading as th
import multiprocessing as mp
from threading import Thread as T
import concurrent.futures as cf


def work():
    print("x")


def alias_module():
    t = th.Thread(target=work)
    t.start()  # expect: PAR101


def alias_class():
    t = T(target=work)
    t.run()  # expect: PAR104


def context():
    ctx = mp.get_context("spawn")
    p = ctx.Process(target=work)
    p.start()  # expect: PAR101


def executor_alias():
    with cf.ThreadPoolExecutor() as ex:
        ex.submit(work())  # expect: PAR501, PAR302


class Thread:
    """Not threading.Thread: a local class of the same name."""

    def start(self):
        pass

    def run(self):
        pass


def not_a_thread():
    t = Thread()
    t.start()
    t.run()


def local_import():
    from multiprocessing import Process as P

    p = P(target=work)
    p.start()  # expect: PAR101
