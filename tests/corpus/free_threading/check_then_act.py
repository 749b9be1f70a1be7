"""PAR701 check-then-act: a test of shared state, then a change that depends on it, not under one
lock, in code that runs on two or more threads at once. Written the way services look: state on
`self` and in modules, helpers reached through calls, `while` loops, `async def`."""

import asyncio
import collections
import functools
import queue
import threading
from concurrent.futures import ThreadPoolExecutor

_engine = None
_engine_lock = threading.Lock()
_session = None
_sessions_lock = threading.Lock()
_settings = {}
_local = threading.local()
ALLOWED = frozenset({"png", "jpg"})


def make_engine():
    return {"pool": []}


def engine():
    global _engine
    if _engine is None:  # expect: PAR701 [fix]
        _engine = make_engine()
    return _engine


def session():
    global _session
    if _session is None:  # expect: PAR701 [fix]
        with _sessions_lock:  # the lock comes too late: both threads passed the test
            _session = object()
    return _session


def setting(name):
    if name not in _settings:  # expect: PAR701 [fix]
        _settings[name] = name.upper()
    return _settings[name]


PENDING = collections.deque(range(100))


def next_pending():
    if PENDING:  # expect: PAR701 [fix]
        return PENDING.popleft()
    return None


_registry = {}
_registry_lock = threading.Lock()


def registry_size():
    with _registry_lock:
        return len(_registry)


def register_row(name):
    # The fix must not take `_registry_lock` here: registry_size() takes it again (a hang).
    if name not in _registry:  # expect: PAR701 [fix]
        _registry[name] = registry_size()
    return _registry[name]


def store(row):
    register_row(row)
    return engine(), session(), setting("mode"), next_pending(), row


def import_rows(rows):
    with ThreadPoolExecutor(max_workers=8) as executor:
        return list(executor.map(store, rows))


class TileCache:
    """The pool's threads share `self`: one dict of tiles, one list of pending jobs."""

    def __init__(self):
        self._tiles = {}
        self._pending = []
        self._started = False

    def render(self, key):
        if key not in self._tiles:  # expect: PAR701 [fix]
            self._tiles[key] = f"tile-{key}"
        return self._tiles[key]

    def drain(self):
        done = []
        while self._pending:  # expect: PAR701 [fix]
            done.append(self._pending.pop())
        return done

    def warm_up(self):
        if not self._started:  # expect: PAR701 [fix]
            self._started = True
            self._pending.extend(range(10))

    def work(self, key):
        self.warm_up()
        return self.render(key), self.drain()

    def render_all(self, keys):
        with ThreadPoolExecutor(max_workers=4) as executor:
            return list(executor.map(self.work, keys))  # expect: PAR201


class Fetcher:
    """`executor.map(self.fetch, ...)`: the threads share the object and its cache."""

    def __init__(self):
        self.cache = {}

    def fetch(self, url):
        if url in self.cache:  # expect: PAR701 [fix]
            return self.cache[url]
        self.cache[url] = url.upper()
        return self.cache[url]

    def fetch_all(self, urls):
        with ThreadPoolExecutor() as executor:
            return list(executor.map(self.fetch, urls))


class Registry:
    _instance = None

    def __new__(cls):
        if cls._instance is None:  # expect: PAR701 [fix]
            cls._instance = super().__new__(cls)
        return cls._instance


def register(name):
    return Registry(), name


_parsed = {}


def parse(text):
    if text in _parsed:  # expect: PAR701 [fix]
        return _parsed[text]
    else:
        _parsed[text] = text.split()
        return _parsed[text]


async def load_all(names):
    await asyncio.gather(*(asyncio.to_thread(register, name) for name in names))
    await asyncio.gather(*(asyncio.to_thread(parse, name) for name in names))


# Not reported.

JOBS = queue.Queue()


def take_job():
    if not JOBS.empty():  # a queue hands each item to one taker
        return JOBS.get()
    return None

_pool = None
_pool_lock = threading.Lock()
_counts = {}
_counts_lock = threading.Lock()


def pool():
    """Double-checked locking done right: the test again under the lock."""
    global _pool
    if _pool is None:
        with _pool_lock:
            if _pool is None:
                _pool = make_engine()
    return _pool


def count(kind):
    with _counts_lock:
        if kind not in _counts:
            _counts[kind] = 0


def ensure_defaults():
    if "mode" not in _settings:
        _settings["mode"] = "fast"


def configured():
    with _sessions_lock:
        ensure_defaults()  # called with the lock held


_buffers = {}


def thread_buffer():
    ident = threading.get_ident()
    if ident not in _buffers:  # each thread its own key
        _buffers[ident] = []
    if threading.current_thread().name not in _buffers:
        _buffers[threading.current_thread().name] = []
    return _buffers[ident]


def per_thread():
    if getattr(_local, "buffer", None) is None:
        _local.buffer = []
    if not hasattr(_local, "seen"):
        _local.seen = set()
    return _local.buffer


@functools.cache
def squares(n):
    return [i * i for i in range(n)]


def own_objects(rows):
    seen = {}
    for row in rows:
        if row not in seen:
            seen[row] = len(seen)
    return seen, squares(len(rows))


def allowed(kind):
    if kind in ALLOWED:
        return kind
    return None


def task(rows):
    take_job()
    pool()
    count("rows")
    configured()
    per_thread()
    thread_buffer()
    allowed("png")
    return own_objects(rows)


def run_tasks(batches):
    with ThreadPoolExecutor() as executor:
        return list(executor.map(task, batches))


_config = None


def load_config():
    global _config
    if _config is None:  # one thread, once: nothing runs alongside it
        _config = {"mode": "fast"}
    return _config


def start_loader():
    loader = threading.Thread(target=load_config)
    loader.start()
    loader.join()
