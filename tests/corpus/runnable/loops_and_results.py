# corpus: runnable
"""A complete program whose fixes change control flow: `while` loops that start and join one
thread per item (one over a list the function built, one over a counter it keeps), a `map()`
result kept and never iterated, and a target called where it should be passed. Each line is
printed in one write, so the lines of concurrent tasks never mix.
"""
import threading
import time
from concurrent.futures import ThreadPoolExecutor


def upload(name):
    time.sleep(0.01)
    print(f"uploaded {name}\n", end="")
    return name


def echo(value):
    print(f"echo {value}\n", end="")
    return value


def upload_all(names):
    pending = list(names)
    while pending:
        t = threading.Thread(target=upload, args=(pending.pop(),))
        t.start()  # expect: PAR105 [fix]
        print(f"{len(pending)} left\n", end="")
        t.join()


def count_down():
    left = 3
    while left > 0:
        left -= 1
        t = threading.Thread(target=upload, args=(f"tick-{left}",))
        t.start()  # expect: PAR105 [fix]
        t.join()


def backup(names):
    with ThreadPoolExecutor(max_workers=2) as executor:
        results = executor.map(upload, names)  # expect: PAR302 [fix]
    return len(names)


def greet():
    t = threading.Thread(target=echo("hi"))  # expect: PAR501 [fix]
    t.start()
    t.join()


if __name__ == "__main__":
    upload_all(["a", "b", "c"])
    count_down()
    print("backed up", backup(["x", "y"]))
    greet()
