"""Tasks that reach the thread through a parameter: `start_thread(self.worker, n)` called in a
loop starts `worker` on several threads at once, all sharing the dispatcher object."""

import threading


class Dispatcher:
    def __init__(self):
        self.active = 0
        self.seen = {}
        self.lock = threading.Lock()

    def start_thread(self, target, number):
        thread = threading.Thread(target=target, args=(number,), daemon=True)
        thread.start()

    def worker(self, number):
        self.active += 1  # expect: PAR601 [fix]
        if number not in self.seen:  # expect: PAR701 [fix]
            self.seen[number] = True

    def careful_worker(self, number):
        with self.lock:
            self.active += 1
            if number not in self.seen:
                self.seen[number] = True

    def grow(self, count):
        for number in range(count):
            self.start_thread(self.worker, number)
            self.start_thread(self.careful_worker, number)


def start_once(target):
    thread = threading.Thread(target=target, daemon=True)
    thread.start()


_loaded = None


def load():
    global _loaded
    if _loaded is None:  # one thread, started once: nothing runs alongside it
        _loaded = {"ready": True}


def boot():
    start_once(load)
