"""PAR105 serial-start-join."""
import threading
from threading import Thread


def fetch(url):
    print(url)


def serial(urls):
    for url in urls:
        t = Thread(target=fetch, args=(url,))
        t.start()  # expect: PAR105
        t.join()


def serial_over_list():
    workers = [Thread(target=fetch, args=(u,)) for u in "abc"]  # expect: PAR102
    for w in workers:
        w.start()  # expect: PAR105
        w.join()


def serial_while(queue):
    while queue:
        t = threading.Thread(target=fetch, args=(queue.pop(),))
        t.start()  # expect: PAR105
        t.join()


def overlapping_work_by_the_letter(urls):
    for url in urls:
        t = Thread(target=fetch, args=(url,))
        t.start()  # expect: PAR105
        fetch("main thread works meanwhile")
        t.join()


# --- negatives -------------------------------------------------------------------------


def watchdog(urls):
    for url in urls:
        t = Thread(target=fetch, args=(url,))
        t.start()
        t.join(timeout=2.0)
        if t.is_alive():
            print("timed out", url)


def watchdog_then_wait(urls):
    for url in urls:
        t = Thread(target=fetch, args=(url,))
        t.start()
        t.join(2.0)
        if t.is_alive():
            print("still fetching", url)
        t.join()


def parallel(urls):
    threads = []
    for url in urls:  # expect: PAR102
        t = Thread(target=fetch, args=(url,))
        t.start()
        threads.append(t)
    for t in threads:
        t.join()


def once():
    t = Thread(target=fetch, args=("x",))
    t.start()
    t.join()


def needs_result_each_time(items, results):
    for item in items:
        t = Thread(target=fetch, args=(item,))
        t.start()
        t.join()
        print(results[item])
