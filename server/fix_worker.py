"""Fixes are built in a child process, one at a time.

Building a fix parses with libcst and can take seconds on a large file. In the server's own
threads it would hold the GIL against linting, and a thread cannot be stopped: a cancelled
request would keep burning CPU. A child process is independent of linting and is stopped by
ending it; the next fix starts a fresh one (spawned, so that it is safe with the server's
threads, and warmed up before it is needed).
"""

from __future__ import annotations

import asyncio
import logging
import multiprocessing
import os
import sys
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any, Callable, Optional

from parlint.config import Settings
from parlint.ftypes import Diagnostic

log = logging.getLogger("parlint.server")

# A fix that takes longer than this is stopped: it is a bug, and the user is not waiting.
TIME_LIMIT = 60.0


class FixFailed(Exception):
    """The fix could not be built (the builder crashed, timed out or died)."""


class FixAbandoned(Exception):
    """The document changed while its fix was being built: the fix was stopped."""


@dataclass
class _Child:
    process: Any  # multiprocessing's SpawnProcess
    connection: Connection


class FixWorker:
    def __init__(self, time_limit: float = TIME_LIMIT) -> None:
        self.time_limit = time_limit
        self._context = multiprocessing.get_context("spawn")
        self._child: Optional[_Child] = None
        self._lock: Optional[asyncio.Lock] = None
        # Threads that wait for the child's answer (a blocking read) off the event loop.
        self._readers = ThreadPoolExecutor(max_workers=2, thread_name_prefix="parlint-fix")
        self._running_tag: Optional[str] = None
        self._abandoned = False

    def warm(self) -> None:
        """Start the child now, so that the first fix does not wait for its imports."""
        if self._child is None or not self._child.process.is_alive():
            self._start()

    def _start(self) -> None:
        self.stop()
        parent_end, child_end = self._context.Pipe(duplex=True)
        process = self._context.Process(
            target=_serve, args=(child_end,), name="parlint-fix-builder", daemon=True
        )
        process.start()
        # Only the child holds its end now: when it dies, reading our end ends too.
        child_end.close()
        self._child = _Child(process, parent_end)

    def stop(self) -> None:
        child, self._child = self._child, None
        if child is None:
            return
        if child.process.is_alive():
            child.process.kill()
        child.process.join(timeout=5)
        child.connection.close()

    def abandon(self, tag: str) -> None:
        """The document `tag` changed: stop the fix being built for it, if one is."""
        if self._running_tag == tag and self._child is not None:
            self._abandoned = True
            self.stop()

    async def run(self, tag: str, function: Callable[..., Any], *args: Any) -> Any:
        """`function(*args)` in the child (both must pickle); its result, or FixFailed."""
        if self._lock is None:
            self._lock = asyncio.Lock()
        async with self._lock:
            self.warm()
            child = self._child
            assert child is not None
            self._running_tag, self._abandoned = tag, False
            loop = asyncio.get_running_loop()
            try:
                child.connection.send((function, args))
                status, value = await asyncio.wait_for(
                    loop.run_in_executor(self._readers, child.connection.recv), self.time_limit
                )
            except asyncio.CancelledError:
                self.stop()  # cancelled by the client: stop working on it now
                raise
            except asyncio.TimeoutError as exc:
                self.stop()
                limit = f"{self.time_limit:.0f} s"
                raise FixFailed(f"building the fix took more than {limit}") from exc
            except (EOFError, OSError) as exc:
                abandoned = self._abandoned
                self.stop()
                if abandoned:
                    raise FixAbandoned() from exc
                raise FixFailed("the fix builder stopped unexpectedly") from exc
            finally:
                self._running_tag = None
            if status != "ok":
                raise FixFailed(str(value))
            return value

    def close(self) -> None:
        self.stop()
        self._readers.shutdown(wait=False)


def _serve(connection: Connection) -> None:
    """The child: run each function sent, send back ("ok", result) or ("error", message)."""
    # stdout is the editor's protocol channel: nothing here may ever write to it.
    try:
        os.dup2(sys.stderr.fileno(), sys.stdout.fileno())
    except (AttributeError, OSError, ValueError):
        pass  # no such stream in this child (Windows without a console): nothing to guard
    sys.stdout = sys.stderr
    import libcst  # noqa: F401  (loaded once, before the first fix needs it)

    import parlint.engine  # noqa: F401

    while True:
        try:
            function, args = connection.recv()
        except (EOFError, OSError):
            return  # the server is gone
        try:
            reply: tuple[str, Any] = ("ok", function(*args))
        except Exception as exc:
            reply = ("error", f"{type(exc).__name__}: {exc}")
        try:
            connection.send(reply)
        except Exception as exc:  # an unpicklable result is a bug; say so, do not hang
            connection.send(("error", f"cannot send the result: {exc}"))


# -- the jobs (module-level functions, so that they pickle by name) ----------------------------
def build_fix(
    settings: Settings,
    path: Optional[Path],
    text: str,
    diagnostic: Diagnostic,
    alternative: Optional[int],
) -> tuple[Diagnostic, list[str]]:
    from parlint.engine import Linter

    linter = Linter(settings, str(path) if path else None)
    if alternative is None:
        return linter.build_fix(text, diagnostic)
    return linter.build_alternative(text, diagnostic, alternative)


def fix_all(
    settings: Settings, path: Optional[Path], text: str, unsafe: bool
) -> tuple[str, list[str]]:
    from parlint.engine import Linter

    result = Linter(settings, str(path) if path else None).fix(text, unsafe=unsafe)
    return result.text, result.errors
