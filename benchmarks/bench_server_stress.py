"""Server memory under a storm of edits: it must stay flat.

    python benchmarks/bench_server_stress.py [--lines 6000] [--storms 10] [--edits 2000]

Opens a generated file (the one bench_server.py uses, 6,000 lines by default) and sends
`--storms` storms of `--edits` full-text `didChange` notifications as fast as the pipe takes
them, waits for the server to publish the last version of each storm, and prints the server's
resident memory after each. Target (SPEC §3, §5): flat within 5 MB after the first storm.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import tempfile
from pathlib import Path

from bench_server import make_source, rss_mb
from lsprotocol import types
from pygls.lsp.client import LanguageClient

FLAT_MB = 5.0


async def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--lines", type=int, default=6000)
    parser.add_argument("--storms", type=int, default=10)
    parser.add_argument("--edits", type=int, default=2000)
    args = parser.parse_args()

    source = make_source(args.lines)
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "bench.py"
        path.write_text(source)
        uri = path.as_uri()
        client = LanguageClient("parlint-stress", "1")
        published: dict[int, asyncio.Event] = {}

        @client.feature(types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS)
        def on_publish(params: types.PublishDiagnosticsParams) -> None:
            if params.version is not None:
                published.setdefault(params.version, asyncio.Event()).set()

        await client.start_io(sys.executable, "-m", "parlint", "server")
        server = client._server
        assert server is not None
        await client.initialize_async(
            types.InitializeParams(
                capabilities=types.ClientCapabilities(
                    text_document=types.TextDocumentClientCapabilities(
                        publish_diagnostics=types.PublishDiagnosticsClientCapabilities(
                            version_support=True
                        )
                    )
                ),
                root_uri=Path(tmp).as_uri(),
            )
        )
        client.initialized(types.InitializedParams())
        client.text_document_did_open(
            types.DidOpenTextDocumentParams(types.TextDocumentItem(uri, "python", 1, source))
        )
        await published.setdefault(1, asyncio.Event()).wait()
        print(f"server RSS after opening {args.lines} lines: {rss_mb(server.pid):.1f} MB")
        version = 1
        figures: list[float] = []
        for storm in range(1, args.storms + 1):
            for _ in range(args.edits):
                version += 1
                # A keystroke: the text grows by one comment character at the end.
                client.text_document_did_change(
                    types.DidChangeTextDocumentParams(
                        types.VersionedTextDocumentIdentifier(uri=uri, version=version),
                        [types.TextDocumentContentChangeWholeDocument(text=source + "#" * storm)],
                    )
                )
                if version % 100 == 0:
                    await asyncio.sleep(0)  # let the client's writer drain
            await asyncio.wait_for(published.setdefault(version, asyncio.Event()).wait(), 300)
            figures.append(rss_mb(server.pid))
            print(f"storm {storm:>2}: {args.edits} edits, server RSS {figures[-1]:.1f} MB")
        growth = max(figures[1:], default=figures[0]) - figures[0]
        verdict = "flat" if growth <= FLAT_MB else "GROWING"
        print(f"after the first storm: +{growth:.1f} MB at most ({verdict}; target <= {FLAT_MB})")
        await client.shutdown_async(None)
        client.exit(None)
        await client.stop()


if __name__ == "__main__":
    asyncio.run(main())
