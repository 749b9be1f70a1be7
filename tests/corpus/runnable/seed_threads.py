# corpus: runnable
"""Threads the way the seed article starts: the joins are missing."""
import sys
from threading import Thread
from time import sleep


def foo(n):
    for i in range(n):
        sys.stdout.write(f"foo {i}\n")  # one write: lines stay whole
        sleep(0.01)


def bar(n):
    for i in range(n):
        sys.stdout.write(f"bar {i}\n")
        sleep(0.01)


def main():
    t1 = Thread(target=foo, args=(3,))
    t2 = Thread(target=bar, args=(5,))
    t1.start()  # expect: PAR101
    t2.start()  # expect: PAR101
    sys.stdout.write("started both\n")


if __name__ == "__main__":
    main()
