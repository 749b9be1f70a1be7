"""Notifications leave nothing behind in the server (pygls 2.1.1 kept two futures per
notification, ~2.8 KB a keystroke, for the life of the server)."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path
from typing import Any

from parlint.server.app import create_server


class _Discard:
    def write(self, data: bytes) -> None:
        pass

    def close(self) -> None:
        pass


def _feed(server: Any, message: dict[str, Any]) -> None:
    body = json.dumps({"jsonrpc": "2.0", **message})
    server.protocol.handle_message(json.loads(body, object_hook=server.protocol.structure_message))


async def test_a_storm_of_edits_leaves_no_bookkeeping_behind(tmp_path: Path) -> None:
    server = create_server()
    server.protocol.set_writer(_Discard())
    uri = (tmp_path / "a.py").as_uri()
    _feed(server, {"id": 1, "method": "initialize", "params": {"capabilities": {}}})
    _feed(server, {"method": "initialized", "params": {}})
    text = "import threading\n"
    _feed(
        server,
        {
            "method": "textDocument/didOpen",
            "params": {
                "textDocument": {"uri": uri, "languageId": "python", "version": 1, "text": text}
            },
        },
    )
    for version in range(2, 2002):
        _feed(
            server,
            {
                "method": "textDocument/didChange",
                "params": {
                    "textDocument": {"uri": uri, "version": version},
                    "contentChanges": [{"text": f"{text}# {version}\n"}],
                },
            },
        )
    await asyncio.sleep(0.5)
    assert server.workspace.get_text_document(uri).version == 2001
    assert len(server.protocol._request_futures) == 0
    for task in list(server.pending.values()):
        task.cancel()
    server.fix_worker.close()
