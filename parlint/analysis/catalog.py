"""What the effect analysis knows about calls: blocking I/O, GIL-releasing libraries, pure work.

This is data, in one place. A qualified name ending in "." matches everything below it
(`requests.` matches `requests.get`). The configuration keys `io-calls`, `cpu-calls` and
`gil-releasing-modules` extend these lists for a project's own libraries.
"""

from __future__ import annotations

# Calls that block on I/O (the GIL is released while they wait: threads overlap them).
IO_CALLS: tuple[str, ...] = (
    "time.sleep", "builtins.open", "builtins.print", "builtins.input", "io.open",
    "sys.stdout.write", "sys.stderr.write",
    "os.read", "os.write", "os.wait", "os.waitpid", "os.system", "os.popen", "os.sendfile",
    "shutil.copy", "shutil.copy2", "shutil.copyfile", "shutil.copytree", "shutil.move",
    "socket.", "select.", "selectors.", "ssl.", "http.client.", "urllib.request.",
    "urllib3.", "requests.", "httpx.", "subprocess.", "sqlite3.", "psycopg2.", "psycopg.",
    "pymysql.", "MySQLdb.", "redis.", "pymongo.", "ftplib.", "smtplib.", "poplib.",
    "imaplib.", "telnetlib.", "paramiko.", "boto3.", "botocore.", "xmlrpc.client.",
    "webbrowser.", "queue.Queue.get", "queue.Queue.put",
)  # fmt: skip

# Calls that return an object whose methods block on I/O (`f = open(...)`; `f.read()`).
IO_CONSTRUCTORS: tuple[str, ...] = (
    "builtins.open", "io.open", "socket.socket", "socket.create_connection",
    "urllib.request.urlopen", "requests.Session", "requests.session", "httpx.Client",
    "sqlite3.connect", "subprocess.Popen", "ssl.wrap_socket", "http.client.HTTPConnection",
    "http.client.HTTPSConnection", "ftplib.FTP", "smtplib.SMTP", "queue.Queue",
    "queue.SimpleQueue", "queue.LifoQueue", "queue.PriorityQueue", "threading.Event",
    "threading.Condition", "threading.Lock", "threading.RLock", "threading.Semaphore",
    "threading.BoundedSemaphore", "threading.Thread", "multiprocessing.Queue",
)  # fmt: skip

# Modules whose heavy calls release the GIL: threads are fine for their work.
GIL_RELEASING_MODULES: tuple[str, ...] = (
    "numpy", "scipy", "pandas", "hashlib", "zlib", "bz2", "lzma", "gzip", "cv2", "torch",
    "tensorflow", "jax", "numba", "PIL", "cryptography", "blake3", "xxhash", "pyarrow",
    "polars", "sklearn", "skimage",
)  # fmt: skip

# Builtins that compute in Python (or C without releasing the GIL) and never block.
PURE_BUILTINS = frozenset(
    {"abs", "all", "any", "bin", "bool", "bytearray", "bytes", "chr", "complex", "dict",
     "divmod", "enumerate", "filter", "float", "format", "frozenset", "hash", "hex", "int",
     "isinstance", "issubclass", "iter", "len", "list", "map", "max", "min", "next", "oct",
     "ord", "pow", "range", "repr", "reversed", "round", "set", "slice", "sorted", "str",
     "sum", "tuple", "zip"}
)  # fmt: skip

# Modules of pure computation in the standard library.
PURE_MODULES: tuple[str, ...] = ("math.", "cmath.", "operator.", "itertools.", "functools.reduce",
                                 "statistics.", "fractions.", "decimal.", "random.",
                                 "bisect.", "heapq.", "string.", "re.")  # fmt: skip

# Methods of lists, dicts, sets and strings whose names no I/O or GIL-releasing API shares
# (so they count as pure work whatever the receiver). Not here: `get` (queues), `update`
# (hash objects, progress bars), `count`/`find` (database clients), `join` (threads; a
# string literal's `join` is recognised separately).
PURE_METHODS = frozenset(
    {"append", "extend", "insert", "pop", "remove", "clear", "sort", "reverse", "keys",
     "values", "items", "setdefault", "discard", "union", "intersection", "difference",
     "split", "rsplit", "strip", "lstrip", "rstrip", "lower", "upper", "replace",
     "startswith", "endswith", "encode", "decode", "isdigit", "isalpha", "isalnum", "isspace",
     "splitlines", "partition", "rpartition", "zfill", "ljust", "rjust", "center", "title",
     "capitalize", "bit_length", "to_bytes", "is_integer", "conjugate"}
)  # fmt: skip

# Methods that block when the receiver is a file, socket, queue, event, lock, thread, future.
BLOCKING_METHODS = frozenset(
    {"read", "readline", "readlines", "write", "writelines", "flush", "recv", "recv_into",
     "recvfrom", "send", "sendall", "sendto", "accept", "connect", "get", "put", "wait",
     "acquire", "join", "result", "communicate", "execute", "executemany", "fetchall",
     "fetchone", "commit", "request", "getresponse", "urlopen"}
)  # fmt: skip


# Calls that wait for another thread, process or peer to do something: a task that makes one
# may never end by itself (a join of it could wait forever).
WAITING_METHODS = frozenset(
    {"get", "wait", "wait_for", "acquire", "join", "result", "accept", "recv", "recv_into",
     "recvfrom", "serve_forever", "handle_request", "poll", "select", "communicate", "getresponse"}
)  # fmt: skip
WAITING_CALLS: tuple[str, ...] = (
    "builtins.input", "select.", "selectors.", "os.wait", "os.waitpid", "signal.pause",
    "queue.Queue.get", "multiprocessing.connection.wait",
)  # fmt: skip


def matches(qualname: str, names: tuple[str, ...]) -> bool:
    """Whether `qualname` is one of `names` or lies below a `prefix.` among them."""
    for name in names:
        if name.endswith("."):
            if qualname.startswith(name):
                return True
        elif qualname == name:
            return True
    return False


def in_modules(qualname: str, modules: tuple[str, ...]) -> bool:
    top = qualname.split(".", 1)[0]
    return any(qualname == m or qualname.startswith(m + ".") or top == m for m in modules)
