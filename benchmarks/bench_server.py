"""Editor latency and memory of `parlint server`, measured through a real LSP client.

    python benchmarks/bench_server.py [--lines 6000] [--runs 10]

Measures on a generated file of realistic threaded code (default 6,000 lines):
- publish: `didChange` to `publishDiagnostics` with the debounce set to 0 ms (so the figure
  is the time from the debounce firing to the diagnostics arriving), for a keystroke in a
  function in the middle of the file (only that function is analysed again) and for a line
  added at the end of the module;
- codeAction: the `textDocument/codeAction` round trip at a finding, and the
  `codeAction/resolve` that builds its fix;
- source.fixAll: the fix-all code action for the whole file, asked for and resolved;
- the idle server's resident memory after start-up and initialisation.
Targets (SPEC §5): publish <= 100 ms, codeAction <= 100 ms, fix-all <= 1 s, idle RSS <= 80 MB.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import tempfile
import time
from pathlib import Path

from lsprotocol import types
from pygls.lsp.client import LanguageClient

BLOCK = """

def crawl_{n}(urls):
    results = {{}}
    threads = []
    for url in urls:
        t = threading.Thread(target=fetch, args=(url, results))
        threads.append(t)
        t.start()
    for t in threads:
        t.join()
    return results


def warm_{n}():
    loader = threading.Thread(target=fetch, args=("https://example.org/", {{}}))
    loader.start()
    print("warming {n}")


class Report{n}:
    def __init__(self, rows):
        self.rows = rows

    def total(self):
        return sum(row["size"] for row in self.rows if row.get("ok"))

    def render(self):
        lines = []
        for row in sorted(self.rows, key=lambda r: r["url"]):
            lines.append(f"{{row['url']}}\\t{{row['size']}}")
        return "\\n".join(lines)
"""
HEADER = '''"""Generated benchmark module."""
import threading


def fetch(url, results):
    results[url] = len(url)
'''


def make_source(lines: int) -> str:
    parts = [HEADER]
    n = 0
    while sum(p.count("\n") for p in parts) < lines:
        parts.append(BLOCK.format(n=n))
        n += 1
    return "".join(parts)


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


async def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--lines", type=int, default=6000)
    parser.add_argument("--runs", type=int, default=10)
    args = parser.parse_args()

    source = make_source(args.lines)
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "bench.py"
        path.write_text(source)
        uri = path.as_uri()
        client = LanguageClient("parlint-bench", "1")
        published: asyncio.Queue[types.PublishDiagnosticsParams] = asyncio.Queue()

        @client.feature(types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS)
        def on_publish(params: types.PublishDiagnosticsParams) -> None:
            published.put_nowait(params)

        @client.feature(types.WORKSPACE_CONFIGURATION)
        def on_configuration(params: types.ConfigurationParams) -> list[object]:
            return [{"debounce": 0, "unsafeFixes": True} for _ in params.items]

        await client.start_io(sys.executable, "-m", "parlint", "server")
        server = client._server  # the subprocess
        assert server is not None
        capabilities = types.ClientCapabilities(
            workspace=types.WorkspaceClientCapabilities(configuration=True),
            text_document=types.TextDocumentClientCapabilities(
                code_action=types.CodeActionClientCapabilities(
                    resolve_support=types.ClientCodeActionResolveOptions(properties=["edit"])
                )
            ),
        )
        await client.initialize_async(
            types.InitializeParams(capabilities=capabilities, root_uri=Path(tmp).as_uri())
        )
        client.initialized(types.InitializedParams())
        await asyncio.sleep(1.0)
        idle = rss_mb(server.pid)

        client.text_document_did_open(
            types.DidOpenTextDocumentParams(types.TextDocumentItem(uri, "python", 1, source))
        )
        first = await asyncio.wait_for(published.get(), 60)
        middle = len(source) // 2
        function_at = source.index('print("warming', middle)

        def typed_in_function(version: int) -> str:
            # A keystroke in a function in the middle of the file: the common edit.
            return source[:function_at] + f"print({version}); " + source[function_at:]

        def appended(version: int) -> str:
            return source + f"\nx = {version}\n"

        async def publish_after(text: str, version: int) -> float:
            started = time.perf_counter()
            client.text_document_did_change(
                types.DidChangeTextDocumentParams(
                    types.VersionedTextDocumentIdentifier(uri=uri, version=version),
                    [types.TextDocumentContentChangeWholeDocument(text=text)],
                )
            )
            while True:
                params = await asyncio.wait_for(published.get(), 60)
                if params.version == version:
                    break
            return (time.perf_counter() - started) * 1000

        version = 1
        publish_times, append_times = [], []
        for _ in range(args.runs):
            version += 1
            publish_times.append(await publish_after(typed_in_function(version), version))
        version += 1
        await publish_after(source, version)  # typing at the end starts from the plain text
        for _ in range(args.runs):
            version += 1
            append_times.append(await publish_after(appended(version), version))
        version += 1
        await publish_after(source, version)  # back to the text the fixes are asked for
        target = next(d for d in first.diagnostics if d.code == "PAR101")
        action_times, resolve_times = [], []
        for _ in range(args.runs):
            started = time.perf_counter()
            actions = await client.text_document_code_action_async(
                types.CodeActionParams(
                    types.TextDocumentIdentifier(uri),
                    target.range,
                    types.CodeActionContext([target]),
                )
            )
            action_times.append((time.perf_counter() - started) * 1000)
            assert actions
            started = time.perf_counter()
            await client.code_action_resolve_async(actions[0])  # type: ignore[arg-type]
            resolve_times.append((time.perf_counter() - started) * 1000)
        fix_all_times = []
        whole = types.Range(types.Position(0, 0), types.Position(len(source.splitlines()), 0))
        for _ in range(max(1, args.runs // 2)):
            started = time.perf_counter()
            actions = await client.text_document_code_action_async(
                types.CodeActionParams(
                    types.TextDocumentIdentifier(uri),
                    whole,
                    types.CodeActionContext([], only=[types.CodeActionKind.SourceFixAll]),
                )
            )
            assert actions
            await client.code_action_resolve_async(actions[0])  # type: ignore[arg-type]
            fix_all_times.append((time.perf_counter() - started) * 1000)
        busy = rss_mb(server.pid)
        await client.shutdown_async(None)
        client.exit(None)
        await asyncio.wait_for(server.wait(), 10)

    def show(name: str, values: list[float], target: str) -> None:
        print(
            f"{name:<28} median {statistics.median(values):7.1f} ms   "
            f"max {max(values):7.1f} ms   ({target})"
        )

    print(
        f"file: {source.count(chr(10))} lines, {len(source) / 1000:.0f} kB, "
        f"{len(first.diagnostics)} diagnostics"
    )
    show("didChange -> publish", publish_times, "target <= 100 ms")
    show("  (a line added at the end)", append_times, "target <= 100 ms")
    show("codeAction", action_times, "target <= 100 ms")
    show("codeAction/resolve (fix)", resolve_times, "built on demand")
    show("source.fixAll (resolved)", fix_all_times, "target <= 1000 ms")
    print(
        f"{'idle server RSS':<28} {idle:7.1f} MB   (target <= 80 MB); after the runs: {busy:.1f} MB"
    )


if __name__ == "__main__":
    asyncio.run(main())
