"""`while` loops count like `for` loops (SPEC decisions): PAR105 for a start()/join() of the
same thread in one iteration (also with other work between the two calls), PAR102 for
threads built in a `while` loop and then started and joined by hand.
"""
import logging
import threading
import urllib.request
from threading import Thread

log = logging.getLogger(__name__)


def upload(path):
    with open(path, "rb") as fh:
        body = fh.read()
    request = urllib.request.Request("http://uploads.local/", data=body, method="PUT")
    with urllib.request.urlopen(request) as response:
        return response.status


def serial_uploads(paths):
    pending = list(paths)
    while pending:
        path = pending.pop()
        t = Thread(target=upload, args=(path,))
        t.start()  # expect: PAR105
        t.join()


def drain_queue(jobs):
    while not jobs.empty():
        job = jobs.get()
        worker = threading.Thread(target=upload, args=(job,))
        worker.start()  # expect: PAR105
        worker.join()


def with_progress(paths):
    remaining = list(paths)
    while remaining:
        t = Thread(target=upload, args=(remaining.pop(),))
        t.start()  # expect: PAR105
        log.info("%d uploads left", len(remaining))
        t.join()


def retry_until_done(path, attempts):
    attempt = 0
    while attempt < attempts:
        attempt += 1
        t = Thread(target=upload, args=(path,), name=f"upload-{attempt}")
        t.start()  # expect: PAR105
        t.join()


def crawl_frontier(seeds):
    frontier = list(seeds)
    threads = []
    while frontier:  # expect: PAR102
        url = frontier.pop()
        t = Thread(target=upload, args=(url,))
        threads.append(t)
    for t in threads:
        t.start()
    for t in threads:
        t.join()


def start_as_built(paths):
    threads = []
    while paths:  # expect: PAR102
        t = Thread(target=upload, args=(paths.pop(),))
        t.start()
        threads.append(t)
    while threads:
        threads.pop().join()


# --- negatives --------------------------------------------------------------------------


def pipelined(paths):
    # Each upload overlaps with the next one: a different thread is joined each time.
    previous = None
    while paths:
        current = Thread(target=upload, args=(paths.pop(),))
        current.start()
        if previous is not None:
            previous.join()
        previous = current
    if previous is not None:
        previous.join()


def wait_for_all(workers):
    while workers:
        workers.pop().join()


def serve(listener):
    while True:
        conn = listener.accept()
        handler = Thread(target=upload, args=(conn,), daemon=True)
        handler.start()


def join_until_idle(path):
    t = Thread(target=upload, args=(path,))
    t.start()
    while t.is_alive():
        t.join(0.5)
        log.debug("still uploading %s", path)
