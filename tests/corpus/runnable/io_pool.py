# corpus: runnable
"""Waiting in a process pool, rewritten to threads: same results."""
import multiprocessing
import time


def slow_echo(word):
    time.sleep(0.05)
    return word.upper()


def main():
    with multiprocessing.Pool(3) as pool:
        for word in pool.map(slow_echo, ["a", "b", "c"]):  # expect: PAR202
            print(word)


if __name__ == "__main__":
    main()
