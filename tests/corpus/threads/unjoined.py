"""PAR101 unjoined-thread: positives and the shapes real code uses that must stay quiet."""
import threading
import multiprocessing
from threading import Thread, Timer


def work(n=0):
    print(n)


def never_joined():
    t = Thread(target=work)
    t.start()  # expect: PAR101


def anonymous():
    Thread(target=work).start()  # expect: PAR101


def early_return(flag):
    t = Thread(target=work)
    t.start()  # expect: PAR101
    if flag:
        return None
    t.join()


def last_of_loop_only():
    for i in range(3):
        t = Thread(target=work, args=(i,))
        t.start()  # expect: PAR101
    t.join()


def process_not_joined():
    p = multiprocessing.Process(target=work)
    p.start()  # expect: PAR101
    print("parent goes on")


def joined_in_one_branch(flag):
    t = Thread(target=work)
    t.start()  # expect: PAR101
    if flag:
        t.join()


def name_reused_after_joined_loop():
    # Every thread of the loop is joined through the list; the name `t` is then reused
    # for a thread that nobody joins: that `start()` is the finding.
    threads = []
    for i in range(3):  # expect: PAR102
        t = Thread(target=work, args=(i,)); t.start(); threads.append(t)
    for th in threads:
        th.join()
    t = Thread(target=work)
    t.start()  # expect: PAR101 [fix]


def name_reused_after_join():
    t = Thread(target=work, args=(1,))
    t.start()
    t.join()
    t = Thread(target=work, args=(2,))
    t.start()  # expect: PAR101 [fix]


# --- negatives -------------------------------------------------------------------------


def joined():
    t = Thread(target=work)
    t.start()
    t.join()


def joined_in_finally():
    t = Thread(target=work)
    t.start()
    try:
        return work(1)
    finally:
        t.join()


def joined_later_loop():
    threads = []
    for i in range(3):  # expect: PAR102
        t = Thread(target=work, args=(i,))
        threads.append(t)
        t.start()
    for t in threads:
        t.join()


def joined_through_dict():
    workers = {}
    for name in ("a", "b"):  # expect: PAR102
        workers[name] = Thread(target=work, name=name)
        workers[name].start()
    for w in workers.values():
        w.join()


def joined_tuple_loop():
    a = Thread(target=work)
    b = Thread(target=work)
    a.start()
    b.start()
    for t in (a, b):
        t.join()


def joined_with_timeout_loop():
    t = Thread(target=work)
    t.start()
    while t.is_alive():
        t.join(0.1)


def daemon_keyword():
    t = Thread(target=work, daemon=True)
    t.start()


def daemon_attribute():
    t = Thread(target=work)
    t.daemon = True
    t.start()


def daemon_setter():
    t = Thread(target=work)
    t.setDaemon(True)
    t.start()


def daemon_unknown(flag):
    t = Thread(target=work, daemon=flag)
    t.start()


def timer_fires_later():
    t = Timer(5.0, work)
    t.start()


def returned():
    t = Thread(target=work)
    t.start()
    return t


def yielded():
    t = Thread(target=work)
    t.start()
    yield t


class Service:
    # Kept on `self` and joined by no method of the class: the class owns them.
    def start(self):
        self._thread = Thread(target=work)
        self._thread.start()  # expect: PAR101

    def start_local(self):
        t = Thread(target=work)
        t.start()  # expect: PAR101
        self.worker = t


def passed_on(registry):
    t = Thread(target=work)
    t.start()
    registry.add(t)


def joined_by_helper():
    t = Thread(target=work)
    t.start()

    def finish():
        t.join()

    finish()


def stored_in_global():
    global WORKER
    WORKER = Thread(target=work)
    WORKER.start()


def started_and_raised():
    t = Thread(target=work)
    t.start()
    raise RuntimeError("abnormal exits are not normal exits")


def comprehension_join():
    threads = [Thread(target=work, args=(i,)) for i in range(4)]  # expect: PAR102
    for t in threads:
        t.start()
    [t.join() for t in threads]


def pop_join():
    threads = [Thread(target=work) for _ in range(2)]  # expect: PAR102
    for t in threads:
        t.start()
    while threads:
        threads.pop().join()


def never_started():
    t = Thread(target=work)
    return None


def server_loop(sock):
    while True:
        t = Thread(target=work, args=(sock,))
        t.daemon = True
        t.start()


class Worker(threading.Thread):
    def __init__(self):
        super().__init__(daemon=True)

    def run(self):
        work()


def daemon_subclass():
    w = Worker()
    w.start()


def joined_if_alive():
    processes = [multiprocessing.Process(target=work) for _ in range(2)]  # expect: PAR102
    try:
        for p in processes:
            p.start()
    finally:
        for p in processes:
            if p.is_alive():
                p.join()


def same_condition(with_input, path):
    reader = None
    if with_input:
        reader = Thread(target=work)
    if reader is not None:
        reader.start()
    work(path)
    if reader is not None:
        reader.join()


def name_reused_both_joined():
    t = Thread(target=work, args=(1,))
    t.start()
    t.join()
    t = Thread(target=work, args=(2,))
    t.start()
    t.join()


def chosen_in_branches(flag):
    if flag:
        t = Thread(target=work, args=(1,))
    else:
        t = Thread(target=work, args=(2,))
    t.start()
    t.join()


def same_test_twice(flag):
    t = Thread(target=work)
    if flag:
        t.start()
    work()
    if flag:
        t.join()


def terminated_not_joined():
    procs = [multiprocessing.Process(target=work) for _ in range(2)]
    for p in procs:
        p.start()  # expect: PAR101
    for p in procs:
        p.terminate()
    return len(procs)


def run_in_thread_then_return(in_thread):
    if in_thread:
        result = []
        thread = Thread(target=result.append, args=(1,))
        thread.start()
        thread.join()
        return result
    return None
