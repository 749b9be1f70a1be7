"""A bare JSON-RPC client for the language server: it sends exactly the bytes a test writes.

pytest-lsp's client validates what it sends, so it cannot send the malformed requests that
editors (and fuzzers) do send; this one can. A reader thread collects every message the
server writes; tests wait for the one they expect with a time limit, so a server that never
answers fails the test instead of hanging it.
"""

from __future__ import annotations

import json
import queue
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any, Optional

Message = dict[str, Any]


class RawClient:
    def __init__(self, cwd: Path) -> None:
        self.process = subprocess.Popen(
            [sys.executable, "-m", "parlint", "server"],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            cwd=cwd,
        )
        self.messages: queue.Queue[Message] = queue.Queue()
        self.seen: list[Message] = []
        self._next_id = 0
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        stream = self.process.stdout
        assert stream is not None
        while True:
            length = 0
            while True:
                line = stream.readline()
                if not line:
                    return
                if line in (b"\r\n", b"\n"):
                    break
                name, _, value = line.decode("ascii").partition(":")
                if name.lower() == "content-length":
                    length = int(value)
            self.messages.put(json.loads(stream.read(length)))

    def send(self, message: Message) -> None:
        body = json.dumps({"jsonrpc": "2.0", **message}).encode()
        stdin = self.process.stdin
        assert stdin is not None
        stdin.write(b"Content-Length: %d\r\n\r\n" % len(body) + body)
        stdin.flush()

    def request(self, method: str, params: Any) -> int:
        self._next_id += 1
        self.send({"id": self._next_id, "method": method, "params": params})
        return self._next_id

    def notify(self, method: str, params: Any) -> None:
        self.send({"method": method, "params": params})

    def wait_for(self, predicate: Callable[[Message], bool], timeout: float = 15.0) -> Message:
        for message in self.seen:
            if predicate(message):
                self.seen.remove(message)
                return message
        deadline = time.monotonic() + timeout
        while True:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise TimeoutError("the server sent no such message")
            try:
                message = self.messages.get(timeout=remaining)
            except queue.Empty:
                continue
            if predicate(message):
                return message
            self.seen.append(message)

    def response(self, request_id: int, timeout: float = 15.0) -> Message:
        return self.wait_for(lambda m: m.get("id") == request_id and "method" not in m, timeout)

    def call(self, method: str, params: Any, timeout: float = 15.0) -> Message:
        return self.response(self.request(method, params), timeout)

    def initialize(self, root: Path, capabilities: Optional[Message] = None) -> Message:
        answer = self.call(
            "initialize",
            {"processId": None, "rootUri": root.as_uri(), "capabilities": capabilities or {}},
        )
        self.notify("initialized", {})
        return answer

    def close(self) -> str:
        """Shut the server down; returns what it wrote to stderr."""
        try:
            self.call("shutdown", None, timeout=10)
            self.notify("exit", None)
            self.process.wait(timeout=10)
        except (TimeoutError, subprocess.TimeoutExpired, BrokenPipeError):
            self.process.kill()
            self.process.wait()
        stderr = self.process.stderr
        return stderr.read().decode(errors="replace") if stderr is not None else ""
