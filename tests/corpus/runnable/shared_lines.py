# corpus: runnable
"""Rewrites of statements that share their line with statements the rewrite keeps."""
import threading


def load(results, item):
    results.append(item * 2)


def three_named_threads():
    res = []
    a = threading.Thread(target=load, args=(res, 1))  # expect: PAR103 [fix]
    b = threading.Thread(target=load, args=(res, 2))
    c = threading.Thread(target=load, args=(res, 3))
    a.start()
    b.start()
    c.start()
    a.join()
    b.join()
    c.join(); print(sorted(res))


def list_made_beside_other_work(items):
    res = []
    threads = []; count = len(items)
    for item in items:  # expect: PAR102 [fix]
        t = threading.Thread(target=load, args=(res, item))
        threads.append(t)
        t.start()
    for t in threads:
        t.join()
    print(count, sorted(res))


if __name__ == "__main__":
    three_named_threads()
    list_made_beside_other_work([4, 5, 6])
