"""Request counters. `record_hit` is handed to a thread pool by handlers.replay_access_log:
its unguarded update is reported here, in its own module (PAR601)."""
import threading

REQUESTS_SERVED = 0
HITS_BY_PATH = {}
_lock = threading.Lock()


def record_hit(path):
    global REQUESTS_SERVED
    REQUESTS_SERVED += 1  # expect: PAR601
    with _lock:
        HITS_BY_PATH[path] = HITS_BY_PATH.get(path, 0) + 1
