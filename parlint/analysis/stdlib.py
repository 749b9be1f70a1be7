"""The qualified names parlint knows: the standard library's thread, process and pool APIs.

One place, as data, so that the model never matches names as text.
"""

from __future__ import annotations

import enum


class WorkerKind(str, enum.Enum):
    THREAD = "thread"
    TIMER = "timer"
    PROCESS = "process"


class PoolKind(str, enum.Enum):
    THREAD_EXECUTOR = "ThreadPoolExecutor"
    PROCESS_EXECUTOR = "ProcessPoolExecutor"
    INTERPRETER_EXECUTOR = "InterpreterPoolExecutor"
    PROCESS_POOL = "multiprocessing.Pool"
    THREAD_POOL = "ThreadPool"

    @property
    def runs_in_threads(self) -> bool:
        return self in (PoolKind.THREAD_EXECUTOR, PoolKind.THREAD_POOL)

    @property
    def is_executor(self) -> bool:
        return self in (
            PoolKind.THREAD_EXECUTOR,
            PoolKind.PROCESS_EXECUTOR,
            PoolKind.INTERPRETER_EXECUTOR,
        )


WORKER_CLASSES: dict[str, WorkerKind] = {
    "threading.Thread": WorkerKind.THREAD,
    "threading.Timer": WorkerKind.TIMER,
    "multiprocessing.dummy.Process": WorkerKind.THREAD,
    "multiprocessing.dummy.DummyProcess": WorkerKind.THREAD,
    "multiprocessing.Process": WorkerKind.PROCESS,
    "multiprocessing.process.BaseProcess": WorkerKind.PROCESS,
    "multiprocessing.context.Process": WorkerKind.PROCESS,
    "multiprocessing.context.SpawnProcess": WorkerKind.PROCESS,
    "multiprocessing.context.ForkProcess": WorkerKind.PROCESS,
    "multiprocessing.context.ForkServerProcess": WorkerKind.PROCESS,
}

POOL_CLASSES: dict[str, PoolKind] = {
    "concurrent.futures.ThreadPoolExecutor": PoolKind.THREAD_EXECUTOR,
    "concurrent.futures.thread.ThreadPoolExecutor": PoolKind.THREAD_EXECUTOR,
    "concurrent.futures.ProcessPoolExecutor": PoolKind.PROCESS_EXECUTOR,
    "concurrent.futures.process.ProcessPoolExecutor": PoolKind.PROCESS_EXECUTOR,
    "concurrent.futures.InterpreterPoolExecutor": PoolKind.INTERPRETER_EXECUTOR,
    "concurrent.futures.interpreter.InterpreterPoolExecutor": PoolKind.INTERPRETER_EXECUTOR,
    "multiprocessing.Pool": PoolKind.PROCESS_POOL,
    "multiprocessing.pool.Pool": PoolKind.PROCESS_POOL,
    "multiprocessing.pool.ThreadPool": PoolKind.THREAD_POOL,
    "multiprocessing.dummy.Pool": PoolKind.THREAD_POOL,
}

# `multiprocessing.get_context(...)` returns an object with the module's API.
CONTEXT_FACTORIES = frozenset(
    {"multiprocessing.get_context", "multiprocessing.context.get_context"}
)
CONTEXT_NAMESPACE = "multiprocessing"

# The last name of every call the model looks at; a scope without one is not analysed.
INTERESTING_CALLEES = frozenset(
    {"Thread", "Timer", "Process", "DummyProcess", "BaseProcess", "SpawnProcess", "ForkProcess",
     "ForkServerProcess", "ThreadPoolExecutor", "ProcessPoolExecutor", "InterpreterPoolExecutor",
     "Pool", "ThreadPool", "submit", "map", "apply", "apply_async", "map_async", "imap",
     "imap_unordered", "starmap", "starmap_async", "to_thread", "run_in_executor"}
)  # fmt: skip

# Methods that hand a task to a pool: name -> index of the task among positional arguments.
EXECUTOR_TASK_METHODS = frozenset({"submit", "map"})
POOL_TASK_METHODS = frozenset(
    {
        "apply",
        "apply_async",
        "map",
        "map_async",
        "imap",
        "imap_unordered",
        "starmap",
        "starmap_async",
    }
)

# Signatures of the worker constructors: where the task and its arguments go.
# Thread(group, target, name, args, kwargs); Process likewise;
# Timer(interval, function, args, kwargs).
TARGET_POSITION: dict[WorkerKind, tuple[str, int]] = {
    WorkerKind.THREAD: ("target", 1),
    WorkerKind.PROCESS: ("target", 1),
    WorkerKind.TIMER: ("function", 1),
}
ARGS_POSITION: dict[WorkerKind, int] = {
    WorkerKind.THREAD: 3,
    WorkerKind.PROCESS: 3,
    WorkerKind.TIMER: 2,
}

# Attributes of a Thread/Process object that neither join it nor let it escape.
WORKER_ATTRIBUTES = frozenset(
    {
        "start", "join", "run", "daemon", "setDaemon", "isDaemon", "is_alive", "isAlive",
        "name", "getName", "setName", "ident", "native_id", "pid", "exitcode", "sentinel",
        "authkey", "terminate", "kill", "close", "cancel", "interval", "finished",
    }
)  # fmt: skip

# Builtins that look at an object without keeping it.
HARMLESS_CALLS = frozenset(
    {
        "builtins.print", "builtins.len", "builtins.repr", "builtins.str", "builtins.id",
        "builtins.hash", "builtins.isinstance", "builtins.type", "builtins.bool",
        "builtins.format",
    }
)  # fmt: skip

# Loggers (`log = logging.getLogger(__name__)`) and their methods: they format what they are
# given into a message and keep nothing (not an escape), and report like print (output).
LOGGER_FACTORIES = frozenset({"logging.getLogger", "logging.Logger", "logging.LoggerAdapter"})
LOGGING_METHODS = frozenset(
    {"debug", "info", "warning", "warn", "error", "exception", "critical", "fatal", "log"}
)

# The abstract executor: an annotation with it promises the executor API, not its kind.
EXECUTOR_BASES = frozenset({"concurrent.futures.Executor", "concurrent.futures._base.Executor"})

# Methods that end an executor's or pool's life (`close()` stops a pool taking tasks; its
# workers exit once those are done).
POOL_SHUTDOWN_METHODS = frozenset({"shutdown", "close", "terminate", "__exit__"})
# Methods of an executor or pool that neither end it nor let it escape.
POOL_ATTRIBUTES = frozenset(
    {"submit", "map", "apply", "apply_async", "map_async", "imap", "imap_unordered", "starmap",
     "starmap_async", "join", "_max_workers", "_processes"}
)  # fmt: skip

# Objects that are not sequences: `args=(self.queue)` unpacks nothing.
NOT_SEQUENCES: dict[str, str] = {
    "queue.Queue": "a `Queue`",
    "queue.SimpleQueue": "a `SimpleQueue`",
    "queue.LifoQueue": "a `LifoQueue`",
    "queue.PriorityQueue": "a `PriorityQueue`",
    "multiprocessing.Queue": "a `Queue`",
    "multiprocessing.SimpleQueue": "a `SimpleQueue`",
    "multiprocessing.JoinableQueue": "a `JoinableQueue`",
    "threading.Event": "an `Event`",
    "threading.Lock": "a `Lock`",
    "threading.RLock": "an `RLock`",
    "threading.Condition": "a `Condition`",
    "threading.Semaphore": "a `Semaphore`",
    "threading.BoundedSemaphore": "a `BoundedSemaphore`",
    "multiprocessing.Event": "an `Event`",
    "multiprocessing.Lock": "a `Lock`",
}

# Calls that end the program (abnormally, for path analysis): like `raise`.
EXIT_CALLS = frozenset({"sys.exit", "os._exit", "builtins.exit", "builtins.quit", "os.abort"})

# Functions whose result is known not to be callable (for `target=f()` checks).
NON_CALLABLE_RESULTS = frozenset(
    {
        "builtins.print", "builtins.len", "builtins.input", "builtins.sum", "builtins.sorted",
        "builtins.open", "builtins.str", "builtins.int", "builtins.float", "builtins.list",
        "builtins.dict", "builtins.tuple", "builtins.set", "builtins.min", "builtins.max",
        "time.sleep", "time.time", "os.getpid", "os.system", "subprocess.call",
        "subprocess.run", "subprocess.check_call", "subprocess.check_output",
    }
)  # fmt: skip

# The keyword prefilter. Every rule needs a thread, process, pool or hand-off, and each of
# those is reached through an import of one of MODULE_WORDS and a name containing one of
# API_WORDS (aliases and subclasses still spell the original name where they are made).
MODULE_WORDS: tuple[bytes, ...] = (b"threading", b"multiprocessing", b"concurrent", b"asyncio")
API_WORDS: tuple[bytes, ...] = (
    b"Thread", b"Process", b"Timer", b"Executor", b"Pool", b"to_thread", b"run_in_executor",
)  # fmt: skip
