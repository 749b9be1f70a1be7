"""PAR502 per the SPEC decision: any `args` value proven not to be a tuple. f-strings and
string concatenation, arithmetic on numbers, attributes whose every assignment is a
non-tuple, and one value in parentheses handed to a target that takes exactly one
positional parameter. Values that may be tuples, and targets that take several
parameters, stay quiet.
"""
import queue
import threading
from multiprocessing import Pool


def greet(name):
    print("hello", name)


def log_line(*parts):
    print(*parts)


def copy_pair(src, dst):
    print(src, "->", dst)


def drain(jobs):
    while (job := jobs.get()) is not None:
        print(job)


def f_string_without_parens(user_id):
    t = threading.Thread(target=log_line, args=f"user-{user_id}")  # expect: PAR502 [fix]
    t.start()
    t.join()


def concatenation(name):
    t = threading.Thread(target=log_line, args=("worker-" + name))  # expect: PAR502 [fix]
    t.start()
    t.join()


def arithmetic(batch):
    for attempt in range(3):
        t = threading.Thread(target=greet, args=(attempt + 1))  # expect: PAR502 [fix]
        t.start()  # expect: PAR105
        t.join()
    size = threading.Thread(target=greet, args=(len(batch) // 2))  # expect: PAR502 [fix]
    size.start()
    size.join()


class Mailer:
    def __init__(self, host):
        self.outbox = queue.Queue()
        self.host = "smtp." + host
        self.retries = 3
        self.route = ("primary", "backup")

    def send_all(self):
        sender = threading.Thread(target=drain, args=(self.outbox))  # expect: PAR502 [fix]
        sender.start()
        self.outbox.put(None)
        sender.join()

    def announce(self):
        t = threading.Timer(1.0, log_line, args=(self.host))  # expect: PAR502 [fix]
        t.start()

    def retry_later(self):
        with Pool(2) as pool:
            pool.apply_async(greet, args=(self.retries)).get()  # expect: PAR502 [fix]

    def route_copy(self):
        t = threading.Thread(target=copy_pair, args=(self.route))
        t.start()
        t.join()


def one_parameter_target(name):
    t = threading.Thread(target=greet, args=(name))  # expect: PAR502
    t.start()
    t.join()


def one_parameter_pool(name):
    with Pool(2) as pool:
        return pool.apply_async(greet, (name)).get()  # expect: PAR502


# --- negatives --------------------------------------------------------------------------


def star_target(name):
    t = threading.Thread(target=log_line, args=(name))
    t.start()
    t.join()


def two_parameter_target(pair):
    t = threading.Thread(target=copy_pair, args=(pair))
    t.start()
    t.join()


def not_parenthesized(params):
    t = threading.Thread(target=greet, args=params)
    t.start()
    t.join()


def built_tuple(names):
    t = threading.Thread(target=log_line, args=tuple(names) + ("done",))
    t.start()
    t.join()


class Relay:
    def __init__(self, endpoint):
        self.endpoint = endpoint

    def start(self):
        t = threading.Thread(target=copy_pair, args=(self.endpoint))
        t.start()
        t.join()
