"""The language server under hostile conditions: races between edits and fixes, malformed
requests, cancellation, bad settings and round-tripped data that was tampered with."""

from __future__ import annotations

import os
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from raw_lsp import Message, RawClient

ROOT = Path(__file__).resolve().parents[2]
WORD_STATS = (ROOT / "examples" / "word_stats.py").read_text()

# What VS Code announces for the parts that matter here: lazy edits, versioned edits, push.
VSCODE: Message = {
    "textDocument": {
        "codeAction": {
            "resolveSupport": {"properties": ["edit"]},
            "dataSupport": True,
            "codeActionLiteralSupport": {
                "codeActionKind": {"valueSet": ["quickfix", "source.fixAll"]}
            },
        },
        "publishDiagnostics": {"versionSupport": True, "relatedInformation": True},
    },
    "workspace": {"workspaceEdit": {"documentChanges": True}},
}


@pytest.fixture
def client(tmp_path: Path) -> Iterator[RawClient]:
    raw = RawClient(tmp_path)
    try:
        yield raw
    finally:
        raw.close()


def _open(client: RawClient, path: Path, text: str, version: int = 1) -> str:
    path.write_text(text)
    uri = path.as_uri()
    client.notify(
        "textDocument/didOpen",
        {"textDocument": {"uri": uri, "languageId": "python", "version": version, "text": text}},
    )
    return uri


def _change(client: RawClient, uri: str, text: str, version: int) -> None:
    client.notify(
        "textDocument/didChange",
        {"textDocument": {"uri": uri, "version": version}, "contentChanges": [{"text": text}]},
    )


def _published(client: RawClient, uri: str, version: int, timeout: float = 30.0) -> list[Message]:
    message = client.wait_for(
        lambda m: (
            m.get("method") == "textDocument/publishDiagnostics"
            and m["params"]["uri"] == uri
            and m["params"].get("version") == version
        ),
        timeout,
    )
    items: list[Message] = message["params"]["diagnostics"]
    return items


def _actions(client: RawClient, uri: str, diagnostics: list[Message]) -> list[Message]:
    whole = {"start": {"line": 0, "character": 0}, "end": {"line": 10_000, "character": 0}}
    answer = client.call(
        "textDocument/codeAction",
        {"textDocument": {"uri": uri}, "range": whole, "context": {"diagnostics": diagnostics}},
    )
    result: list[Message] = answer["result"]
    return result


def _quick_fix(actions: list[Message], code: str) -> Message:
    return next(a for a in actions if a["title"].startswith(f"parlint ({code}):") and "data" in a)


def _document_edits(action: Message) -> list[Any]:
    edit = action.get("edit")
    return edit["documentChanges"] if edit else []


def test_a_fix_resolved_while_the_document_changes_returns_no_edit(
    client: RawClient, tmp_path: Path
) -> None:
    """The resolve's edits belong to version 1; the change arrives while they are built.
    Labelled as version 2 (as before), they deleted the docstring and broke a `def`."""
    client.initialize(tmp_path, VSCODE)
    uri = _open(client, tmp_path / "word_stats.py", WORD_STATS)
    diagnostics = _published(client, uri, 1)
    action = _quick_fix(_actions(client, uri, diagnostics), "PAR102")
    resolve = client.request("codeAction/resolve", action)
    _change(client, uri, "# one\n# two\n# three\n" + WORD_STATS, 2)
    resolved = client.response(resolve)["result"]
    for change in _document_edits(resolved):
        # An edit may only ever claim the version it was computed for.
        assert change["textDocument"]["version"] == 1
    # The document moved on while the fix was built: no edit rather than a wrong one.
    assert resolved.get("edit") is None


def test_edits_are_labelled_with_the_version_they_were_computed_for(
    client: RawClient, tmp_path: Path
) -> None:
    client.initialize(tmp_path, VSCODE)
    uri = _open(client, tmp_path / "word_stats.py", WORD_STATS, version=7)
    diagnostics = _published(client, uri, 7)
    action = _quick_fix(_actions(client, uri, diagnostics), "PAR102")
    resolved = client.call("codeAction/resolve", action)["result"]
    (change,) = _document_edits(resolved)
    assert change["textDocument"] == {"uri": uri, "version": 7}
    assert change["edits"]


@pytest.mark.parametrize(
    ("method", "params"),
    [
        ("textDocument/codeAction", {"line": -1}),
        ("textDocument/codeAction", {"line": 2**40}),
        ("textDocument/codeAction", {"line": "a"}),
        ("textDocument/hover", {"line": -3}),
        ("textDocument/codeAction", {"textDocument": {}}),
        ("textDocument/hover", {"textDocument": {}}),
        ("textDocument/diagnostic", {"textDocument": {}}),
        ("codeAction/resolve", {"title": 3}),
    ],
    ids=lambda v: str(v)[:30],
)
def test_invalid_params_get_a_json_rpc_error(
    client: RawClient, tmp_path: Path, method: str, params: Message
) -> None:
    client.initialize(tmp_path, VSCODE)
    uri = _open(client, tmp_path / "a.py", "import threading\n")
    position = {"line": params.get("line", 0), "character": 0}
    full: dict[str, Message] = {
        "textDocument/codeAction": {
            "textDocument": {"uri": uri},
            "range": {"start": position, "end": position},
            "context": {"diagnostics": []},
        },
        "textDocument/hover": {"textDocument": {"uri": uri}, "position": position},
        "textDocument/diagnostic": {"textDocument": {"uri": uri}},
        "codeAction/resolve": {"title": "x"},
    }
    sent = {**full[method], **{k: v for k, v in params.items() if k != "line"}}
    answer = client.call(method, sent, timeout=10)
    assert answer["error"]["code"] == -32602  # Invalid Params
    # ... and the server still works.
    hover = {"textDocument": {"uri": uri}, "position": {"line": 0, "character": 0}}
    assert client.call("textDocument/hover", hover)["result"] is None


def test_linting_never_waits_for_fixes_and_a_cancelled_fix_stops(
    client: RawClient, tmp_path: Path
) -> None:
    """Two expensive fixes in flight used to hold both linting threads: another file's
    diagnostics waited for them. Cancelled, they kept burning CPU for seconds."""
    client.initialize(tmp_path, VSCODE)
    uri = _open(client, tmp_path / "dense.py", _dense_file(150))
    diagnostics = _published(client, uri, 1, timeout=60)
    fixable = [a for a in _actions(client, uri, diagnostics) if "data" in a]
    busy = [client.request("codeAction/resolve", a) for a in fixable[:2]]
    other = _open(client, tmp_path / "other.py", "import threading\n\nthreading.Thread().run()\n")
    first = client.wait_for(
        lambda m: (
            m.get("id") in busy
            or (
                m.get("method") == "textDocument/publishDiagnostics" and m["params"]["uri"] == other
            )
        ),
        timeout=120,
    )
    assert first.get("method") == "textDocument/publishDiagnostics"
    for request in busy:
        client.notify("$/cancelRequest", {"id": request})
    for request in busy:
        assert client.response(request, timeout=60)["error"]["code"] == -32800  # cancelled
    # Once cancelled, nothing keeps working on them.
    assert _cpu_seconds(client.process.pid, 1.5) < 0.5


def _cpu_seconds(pid: int, during: float) -> float:
    """CPU time the process and its children use over `during` seconds of wall time."""

    def total() -> float:
        ticks = 0
        for task in [pid, *_descendants(pid)]:
            try:
                fields = Path(f"/proc/{task}/stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            ticks += int(fields[11]) + int(fields[12])  # utime + stime
        return ticks / os.sysconf("SC_CLK_TCK")

    before = total()
    time.sleep(during)
    return total() - before


def _descendants(pid: int) -> list[int]:
    children: list[int] = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                parent = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
            except (OSError, ValueError):
                continue
            if parent == pid:
                children += [int(entry.name), *_descendants(int(entry.name))]
    return children


def _dense_file(functions: int) -> str:
    parts = ["import threading\nfrom concurrent.futures import ThreadPoolExecutor\n\n"]
    for n in range(functions):
        parts.append(
            f"\n\ndef crunch_{n}(values):\n"
            f"    total = 0\n"
            f"    for v in values:\n"
            f"        total += v * v\n"
            f"    return total\n\n\n"
            f"def run_{n}(chunks):\n"
            f"    with ThreadPoolExecutor() as executor:\n"
            f"        return list(executor.map(crunch_{n}, chunks))\n"
        )
    return "".join(parts)


@pytest.mark.parametrize(
    ("settings", "problem"),
    [
        ({"debounce": 10**12}, "parlint.debounce"),
        ({"severity": {"PAR101": "bogus"}}, "parlint.severity"),
        ({"severity": "loud"}, "parlint.severity"),
        ({"lintOn": "sometimes"}, "parlint.lintOn"),
        ({"select": "PAR1"}, "parlint.select"),
        ({"enable": "yes"}, "parlint.enable"),
    ],
    ids=lambda v: str(v)[:24],
)
def test_bad_settings_are_reported_once_and_the_default_is_used(
    client: RawClient, tmp_path: Path, settings: Message, problem: str
) -> None:
    client.send(
        {
            "id": 0,
            "method": "initialize",
            "params": {
                "processId": None,
                "rootUri": tmp_path.as_uri(),
                "capabilities": {},
                "initializationOptions": {"globalSettings": settings},
            },
        }
    )
    client.response(0)
    client.notify("initialized", {})
    shown = client.wait_for(lambda m: m.get("method") == "window/showMessage")
    assert problem in shown["params"]["message"]
    # The default applies: the file is linted, with the usual severity, right away.
    uri = _open(
        client, tmp_path / "a.py", "import threading\n\nthreading.Thread(target=print).run()\n"
    )
    (diagnostic,) = _published(client, uri, 1, timeout=10)
    assert diagnostic["code"] == "PAR104" and diagnostic["severity"] == 1
    _change(client, uri, "import threading\n\nthreading.Thread(target=print).run()\n\n", 2)
    _published(client, uri, 2, timeout=10)  # a huge debounce would never publish this
    with pytest.raises(TimeoutError):
        client.wait_for(lambda m: m.get("method") == "window/showMessage", timeout=0.5)


@pytest.mark.parametrize("index", [True, 1.0, "0", -1, None])
def test_tampered_resolve_data_is_refused(client: RawClient, tmp_path: Path, index: Any) -> None:
    client.initialize(tmp_path, VSCODE)
    text = (
        "import threading\n\n"
        "threading.Thread(target=print, args=('ab')).start()\n"
        "threading.Thread(target=print, args=('cd')).start()\n"
    )
    uri = _open(client, tmp_path / "a.py", text)
    diagnostics = _published(client, uri, 1)
    action = _quick_fix(_actions(client, uri, diagnostics), "PAR502")
    tampered = {**action, "data": {**action["data"], "index": index}}
    answer = client.call("codeAction/resolve", tampered)
    assert "error" in answer or answer["result"].get("edit") is None
    # The real data still resolves.
    assert client.call("codeAction/resolve", action)["result"]["edit"]


def test_cancelling_an_answered_request_writes_nothing_to_stderr(tmp_path: Path) -> None:
    """VS Code cancels requests that were already answered; the editor shows the server's
    stderr as errors, so a routine cancel must not reach it."""
    raw = RawClient(tmp_path)
    raw.initialize(tmp_path)
    raw.notify("initialized", {})
    uri = _open(raw, tmp_path / "m.py", "import threading\n")
    position = {"line": 0, "character": 0}
    params = {"textDocument": {"uri": uri}, "position": position}
    answered = raw.request("textDocument/hover", params)
    raw.response(answered)
    raw.notify("$/cancelRequest", {"id": answered})
    raw.notify("$/cancelRequest", {"id": 12345})
    raw.call("textDocument/hover", params)  # the cancels were read before this answer
    assert "Cancel notification" not in raw.close()
