# corpus: runnable
"""Waiting in a process pool, rewritten to threads: same results."""
import multiprocessing
import time

RESULTS = []


def slow_echo(word):
    time.sleep(0.05)
    return word.upper()


def record(word):
    # Lands in the child's copy of RESULTS: the parent never sees it. On a thread it
    # would, and the program would print something else: no move to threads.
    time.sleep(0.01)
    RESULTS.append(word)


def main():
    with multiprocessing.Pool(3) as pool:
        for word in pool.map(slow_echo, ["a", "b", "c"]):  # expect: PAR202
            print(word)
    p = multiprocessing.Process(target=record, args=("d",))  # expect: PAR202 [no fix]
    p.start()
    p.join()
    print(RESULTS)


if __name__ == "__main__":
    main()
