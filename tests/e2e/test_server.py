"""The language server through a real client (pytest-lsp) over stdio: what editors receive."""

from __future__ import annotations

import asyncio
import sys
from pathlib import Path

import pytest
import pytest_lsp
from lsp_edits import apply, edits_of
from lsprotocol import types
from pytest_lsp import ClientServerConfig, LanguageClient, client_capabilities

SERVER = ClientServerConfig(server_command=[sys.executable, "-m", "parlint", "server"])

UNJOINED = """import threading


def main():
    t = threading.Thread(target=print)
    t.start()
"""
SERIAL = """import threading


def main(urls):
    for url in urls:
        t = threading.Thread(target=print, args=(url,))
        t.start()
        t.join()
"""
ARGS = 'import threading\n\nt = threading.Thread(target=print, args=("x"))\nt.start()\nt.join()\n'


REGISTRATIONS: dict[int, list[types.Registration]] = {}


async def _start(client: LanguageClient, root: Path, spec: str, options: object = None) -> None:
    registered: list[types.Registration] = REGISTRATIONS.setdefault(id(client), [])

    @client.feature(types.CLIENT_REGISTER_CAPABILITY)
    def register(params: types.RegistrationParams) -> None:
        registered.extend(params.registrations)

    folder = types.WorkspaceFolder(uri=root.as_uri(), name="project")
    await client.initialize_session(
        types.InitializeParams(
            capabilities=client_capabilities(spec),
            root_uri=root.as_uri(),
            workspace_folders=[folder],
            initialization_options=options,
        )
    )


@pytest_lsp.fixture(config=SERVER)
async def vscode(lsp_client: LanguageClient, tmp_path: Path):  # type: ignore[no-untyped-def]
    """A client with VS Code's capabilities: push diagnostics, lazy edits, configuration."""
    await _start(lsp_client, tmp_path, "visual-studio-code")
    yield
    await lsp_client.shutdown_session()


@pytest_lsp.fixture(config=SERVER)
async def neovim(lsp_client: LanguageClient, tmp_path: Path):  # type: ignore[no-untyped-def]
    """Neovim 0.11's capabilities: pull diagnostics."""
    await _start(lsp_client, tmp_path, "neovim@v0.11")
    yield
    await lsp_client.shutdown_session()


@pytest_lsp.fixture(config=SERVER)
async def emacs(lsp_client: LanguageClient, tmp_path: Path):  # type: ignore[no-untyped-def]
    """Emacs 29's capabilities: no code action resolve (edits up front), UTF-32 positions."""
    await _start(lsp_client, tmp_path, "emacs")
    yield
    await lsp_client.shutdown_session()


def _open(client: LanguageClient, path: Path, text: str, version: int = 1) -> str:
    path.write_text(text)
    uri = path.as_uri()
    client.text_document_did_open(
        types.DidOpenTextDocumentParams(types.TextDocumentItem(uri, "python", version, text))
    )
    return uri


def _change(client: LanguageClient, uri: str, text: str, version: int) -> None:
    client.text_document_did_change(
        types.DidChangeTextDocumentParams(
            types.VersionedTextDocumentIdentifier(uri=uri, version=version),
            [types.TextDocumentContentChangeWholeDocument(text=text)],
        )
    )


async def _diagnostics(client: LanguageClient, uri: str) -> list[types.Diagnostic]:
    await client.wait_for_notification(types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS)
    while uri not in client.diagnostics:
        await client.wait_for_notification(types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS)
    return list(client.diagnostics[uri])


async def _until(client: LanguageClient, uri: str, predicate, timeout: float = 10.0):  # type: ignore[no-untyped-def]
    async def loop() -> list[types.Diagnostic]:
        while not (uri in client.diagnostics and predicate(list(client.diagnostics[uri]))):
            await client.wait_for_notification(types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS)
        return list(client.diagnostics[uri])

    return await asyncio.wait_for(loop(), timeout)


async def test_open_publishes_diagnostics_with_code_link_and_evidence(
    vscode: LanguageClient, tmp_path: Path
) -> None:
    uri = _open(vscode, tmp_path / "serial.py", SERIAL)
    (d,) = await _diagnostics(vscode, uri)
    assert d.code == "PAR105" and d.source == "parlint"
    assert d.severity == types.DiagnosticSeverity.Warning
    assert d.range == types.Range(types.Position(6, 8), types.Position(6, 17))
    assert d.code_description is not None and "PAR105" in d.code_description.href
    assert d.related_information is not None
    (related,) = d.related_information
    assert related.location.uri == uri and related.location.range.start == types.Position(7, 8)
    assert related.message == "waits for it here"
    assert "run one at a time" in d.message


async def test_changes_are_debounced_and_only_the_latest_version_is_published(
    vscode: LanguageClient, tmp_path: Path
) -> None:
    uri = _open(vscode, tmp_path / "m.py", UNJOINED)
    await _diagnostics(vscode, uri)
    for version in range(2, 7):
        _change(vscode, uri, UNJOINED + f"\nx = {version}\n", version)
    _change(vscode, uri, UNJOINED + "    t.join()\n", 7)
    diagnostics = await _until(vscode, uri, lambda ds: ds == [])
    assert diagnostics == []
    await asyncio.sleep(0.5)
    assert not vscode.diagnostics[uri]  # nothing stale arrives later


async def test_syntax_error_mid_edit_keeps_the_findings_and_adds_one_par000(
    vscode: LanguageClient, tmp_path: Path
) -> None:
    """SPEC 3: a text that does not parse keeps the last findings (no flicker while typing)
    and gets one PAR000 at the error; code actions are not offered for either."""
    uri = _open(vscode, tmp_path / "m.py", UNJOINED)
    assert [d.code for d in await _diagnostics(vscode, uri)] == ["PAR101"]
    _change(vscode, uri, UNJOINED + "    if (\n", 2)
    broken = await _until(vscode, uri, lambda ds: any(d.code == "PAR000" for d in ds))
    assert sorted(str(d.code) for d in broken) == ["PAR000", "PAR101"]
    (error,) = [d for d in broken if d.code == "PAR000"]
    assert error.range.start.line == 6 and error.severity == types.DiagnosticSeverity.Error
    actions = await vscode.text_document_code_action_async(
        types.CodeActionParams(
            types.TextDocumentIdentifier(uri),
            types.Range(types.Position(0, 0), types.Position(7, 0)),
            types.CodeActionContext(broken),
        )
    )
    assert not actions
    _change(vscode, uri, UNJOINED + "    if (\n    x\n", 3)  # still broken: still shown
    still = await _until(vscode, uri, lambda ds: len(ds) == 2)
    assert sorted(str(d.code) for d in still) == ["PAR000", "PAR101"]
    _change(vscode, uri, UNJOINED, 4)
    fixed = await _until(vscode, uri, lambda ds: len(ds) == 1)
    assert fixed[0].code == "PAR101"


async def test_the_log_names_the_version_and_interpreter(
    vscode: LanguageClient, tmp_path: Path
) -> None:
    _open(vscode, tmp_path / "m.py", UNJOINED)
    await _diagnostics(vscode, (tmp_path / "m.py").as_uri())
    lines = [m.message for m in vscode.log_messages]
    assert any(line.startswith("parlint 0.") and sys.executable in line for line in lines), lines


async def test_fix_all_with_only_unsafe_fixes_says_why_once(
    vscode: LanguageClient, tmp_path: Path
) -> None:
    uri = _open(vscode, tmp_path / "m.py", UNJOINED)  # PAR101: an unsafe fix only
    (d,) = await _diagnostics(vscode, uri)
    params = types.CodeActionParams(
        types.TextDocumentIdentifier(uri),
        d.range,
        types.CodeActionContext([], only=[types.CodeActionKind.SourceFixAll]),
    )
    for _ in range(2):
        assert not await vscode.text_document_code_action_async(params)
    await asyncio.sleep(0.2)
    hints = [m.message for m in vscode.messages if "unsafeFixes" in m.message]
    assert len(hints) == 1 and "fix here is unsafe" in hints[0]


async def test_workspace_reports_clear_closed_documents(
    neovim: LanguageClient, tmp_path: Path
) -> None:
    """VS Code keeps a closed document's last pulled report until a workspace report says
    otherwise: problems of closed files stayed until the server restarted."""
    uri = _open(neovim, tmp_path / "m.py", UNJOINED)
    report = await neovim.text_document_diagnostic_async(
        types.DocumentDiagnosticParams(types.TextDocumentIdentifier(uri))
    )
    assert isinstance(report, types.RelatedFullDocumentDiagnosticReport) and report.items
    neovim.text_document_did_close(
        types.DidCloseTextDocumentParams(types.TextDocumentIdentifier(uri))
    )
    for _ in range(2):  # every workspace report, until it is opened again
        workspace = await neovim.workspace_diagnostic_async(
            types.WorkspaceDiagnosticParams(previous_result_ids=[])
        )
        (item,) = [i for i in workspace.items if i.uri == uri]
        assert isinstance(item, types.WorkspaceFullDocumentDiagnosticReport) and not item.items
    _open(neovim, tmp_path / "m.py", UNJOINED)
    workspace = await neovim.workspace_diagnostic_async(
        types.WorkspaceDiagnosticParams(previous_result_ids=[])
    )
    (item,) = [i for i in workspace.items if i.uri == uri]
    assert isinstance(item, types.WorkspaceFullDocumentDiagnosticReport) and item.items


async def test_close_clears_diagnostics(vscode: LanguageClient, tmp_path: Path) -> None:
    uri = _open(vscode, tmp_path / "m.py", UNJOINED)
    assert await _diagnostics(vscode, uri)
    vscode.text_document_did_close(
        types.DidCloseTextDocumentParams(types.TextDocumentIdentifier(uri))
    )
    assert await _until(vscode, uri, lambda ds: ds == []) == []


async def test_quick_fix_is_resolved_lazily_and_applies(
    vscode: LanguageClient, tmp_path: Path
) -> None:
    uri = _open(vscode, tmp_path / "serial.py", SERIAL)
    (d,) = await _diagnostics(vscode, uri)
    actions = await vscode.text_document_code_action_async(
        types.CodeActionParams(
            types.TextDocumentIdentifier(uri), d.range, types.CodeActionContext([d])
        )
    )
    assert actions is not None
    titles = [a.title for a in actions if isinstance(a, types.CodeAction)]
    assert titles == [
        "parlint (PAR105): Start all in the loop, join them after it (unsafe)",
        "parlint (PAR105): Disable PAR105 for this line",
    ]
    quick = actions[0]
    assert isinstance(quick, types.CodeAction)
    assert quick.kind == types.CodeActionKind.QuickFix and not quick.is_preferred
    assert quick.edit is None  # built only when the user picks it
    resolved = await vscode.code_action_resolve_async(quick)
    fixed = apply(SERIAL, edits_of(resolved.edit, uri))
    assert fixed == SERIAL.replace(
        "    for url in urls:",
        "    threads = []\n    for url in urls:",
    ).replace(
        "        t.join()\n", "        threads.append(t)\n    for t in threads:\n        t.join()\n"
    )
    noqa = actions[1]
    assert isinstance(noqa, types.CodeAction)
    with_noqa = apply(SERIAL, edits_of(noqa.edit, uri))
    assert "        t.start()  # noqa: PAR105\n" in with_noqa


async def test_fix_all_applies_safe_fixes_for_code_actions_on_save(
    vscode: LanguageClient, tmp_path: Path
) -> None:
    uri = _open(vscode, tmp_path / "args.py", ARGS + UNJOINED.replace("import threading\n", ""))
    await _diagnostics(vscode, uri)
    actions = await vscode.text_document_code_action_async(
        types.CodeActionParams(
            types.TextDocumentIdentifier(uri),
            types.Range(types.Position(0, 0), types.Position(0, 0)),
            types.CodeActionContext([], only=["source.fixAll.parlint"]),
        )
    )
    assert actions is not None and len(actions) == 1
    (action,) = actions
    assert isinstance(action, types.CodeAction)
    assert action.kind == "source.fixAll.parlint"
    assert action.title == "parlint: Fix all auto-fixable problems"
    resolved = await vscode.code_action_resolve_async(action)
    text = (tmp_path / "args.py").read_text()
    fixed = apply(text, edits_of(resolved.edit, uri))
    assert 'args=("x",)' in fixed and "t.join()\n" not in fixed.split("def main")[1]


async def test_hover_on_noqa_code_shows_the_rule_documentation(
    vscode: LanguageClient, tmp_path: Path
) -> None:
    text = UNJOINED.replace("t.start()", "t.start()  # noqa: PAR104, PAR101")
    uri = _open(vscode, tmp_path / "m.py", text)
    column = text.splitlines()[5].index("PAR101") + 2
    hover = await vscode.text_document_hover_async(
        types.HoverParams(types.TextDocumentIdentifier(uri), types.Position(5, column))
    )
    assert hover is not None and isinstance(hover.contents, types.MarkupContent)
    assert hover.contents.value.startswith("**unjoined-thread (PAR101)**")
    assert "## Why is this bad?" in hover.contents.value
    nothing = await vscode.text_document_hover_async(
        types.HoverParams(types.TextDocumentIdentifier(uri), types.Position(4, 6))
    )
    assert nothing is None


async def test_settings_change_takes_effect_without_restart(
    vscode: LanguageClient, tmp_path: Path
) -> None:
    uri = _open(vscode, tmp_path / "m.py", UNJOINED + ARGS.replace("import threading\n", ""))
    first = await _diagnostics(vscode, uri)
    assert sorted(d.code for d in first) == ["PAR101", "PAR502"]
    vscode.set_configuration({"ignore": ["PAR101"]}, section="parlint")
    vscode.workspace_did_change_configuration(types.DidChangeConfigurationParams(settings=None))
    changed = await _until(vscode, uri, lambda ds: [d.code for d in ds] == ["PAR502"])
    assert [d.code for d in changed] == ["PAR502"]


async def test_pyproject_change_is_picked_up_through_watched_files(
    vscode: LanguageClient, tmp_path: Path
) -> None:
    uri = _open(vscode, tmp_path / "m.py", UNJOINED)
    assert await _diagnostics(vscode, uri)
    for _ in range(100):
        if REGISTRATIONS[id(vscode)]:
            break
        await asyncio.sleep(0.05)
    (watcher,) = REGISTRATIONS[id(vscode)]
    assert watcher.method == types.WORKSPACE_DID_CHANGE_WATCHED_FILES
    globs = [w["globPattern"] for w in watcher.register_options["watchers"]]  # type: ignore[index]
    assert "**/pyproject.toml" in globs
    config = tmp_path / "pyproject.toml"
    config.write_text('[tool.parlint]\nignore = ["PAR101"]\n')
    vscode.workspace_did_change_watched_files(
        types.DidChangeWatchedFilesParams(
            [types.FileEvent(config.as_uri(), types.FileChangeType.Created)]
        )
    )
    assert await _until(vscode, uri, lambda ds: ds == []) == []


async def test_pull_diagnostics_and_unchanged_reports(
    neovim: LanguageClient, tmp_path: Path
) -> None:
    uri = _open(neovim, tmp_path / "m.py", UNJOINED)
    report = await neovim.text_document_diagnostic_async(
        types.DocumentDiagnosticParams(types.TextDocumentIdentifier(uri))
    )
    assert isinstance(report, types.RelatedFullDocumentDiagnosticReport)
    assert [d.code for d in report.items] == ["PAR101"]
    again = await neovim.text_document_diagnostic_async(
        types.DocumentDiagnosticParams(
            types.TextDocumentIdentifier(uri), previous_result_id=report.result_id
        )
    )
    assert isinstance(again, types.RelatedUnchangedDocumentDiagnosticReport)
    _change(neovim, uri, UNJOINED + "    t.join()\n", 2)
    after = await neovim.text_document_diagnostic_async(
        types.DocumentDiagnosticParams(
            types.TextDocumentIdentifier(uri), previous_result_id=report.result_id
        )
    )
    assert isinstance(after, types.RelatedFullDocumentDiagnosticReport) and not after.items
    assert uri not in neovim.diagnostics  # pull clients get no pushed duplicates
    workspace = await neovim.workspace_diagnostic_async(
        types.WorkspaceDiagnosticParams(previous_result_ids=[])
    )
    assert [item.uri for item in workspace.items] == [uri]


async def test_eager_edits_and_utf32_positions_for_clients_without_resolve(
    emacs: LanguageClient, tmp_path: Path
) -> None:
    text = ARGS.replace('("x")', '("h😀llo")')
    uri = _open(emacs, tmp_path / "m.py", text)
    (d,) = await _diagnostics(emacs, uri)
    line = text.splitlines()[2]
    assert d.range.start.character == line.index('("h') + 1  # code points, as negotiated
    actions = await emacs.text_document_code_action_async(
        types.CodeActionParams(
            types.TextDocumentIdentifier(uri), d.range, types.CodeActionContext([d])
        )
    )
    assert actions is not None
    quick = actions[0]
    assert isinstance(quick, types.CodeAction) and quick.is_preferred
    assert apply(text, edits_of(quick.edit, uri), "utf-32") == text.replace(
        '("h😀llo")', '("h😀llo",)'
    )


async def test_utf16_positions_and_crlf(vscode: LanguageClient, tmp_path: Path) -> None:
    text = ('import threading\n\nt = threading.Thread(target=print, args=("😀"))\n'
            "t.start()\nt.join()\n").replace("\n", "\r\n")  # fmt: skip
    path = tmp_path / "m.py"
    path.write_bytes(text.encode())
    uri = path.as_uri()
    vscode.text_document_did_open(
        types.DidOpenTextDocumentParams(types.TextDocumentItem(uri, "python", 1, text))
    )
    (d,) = await _diagnostics(vscode, uri)
    assert d.range.end.character - d.range.start.character == 4  # "😀" is two UTF-16 units
    actions = await vscode.text_document_code_action_async(
        types.CodeActionParams(
            types.TextDocumentIdentifier(uri), d.range, types.CodeActionContext([d])
        )
    )
    assert actions is not None
    resolved = await vscode.code_action_resolve_async(actions[0])  # type: ignore[arg-type]
    assert apply(text, edits_of(resolved.edit, uri)) == text.replace('("😀")', '("😀",)')


async def test_cancelled_request_leaves_the_server_answering(
    neovim: LanguageClient, tmp_path: Path
) -> None:
    big = UNJOINED + "".join(f"\ndef f{i}(x):\n    return x + {i}\n" for i in range(3000))
    uri = _open(neovim, tmp_path / "big.py", big)
    params = types.DocumentDiagnosticParams(types.TextDocumentIdentifier(uri))
    future = neovim.protocol.send_request(types.TEXT_DOCUMENT_DIAGNOSTIC, params, msg_id="slow")
    neovim.cancel_request(types.CancelParams(id="slow"))
    with pytest.raises(Exception, match="cancel"):
        await asyncio.wait_for(asyncio.wrap_future(future), 30)
    report = await neovim.text_document_diagnostic_async(params)
    assert isinstance(report, types.RelatedFullDocumentDiagnosticReport)
    assert [d.code for d in report.items] == ["PAR101"]


@pytest_lsp.fixture(config=SERVER)
async def configured(lsp_client: LanguageClient, tmp_path: Path):  # type: ignore[no-untyped-def]
    """Settings passed as initialization options, as the VS Code extension passes them."""
    options = {
        "globalSettings": {"select": ["PAR5"], "lintOn": "save"},
        "settings": [{"workspace": tmp_path.as_uri(), "unsafeFixes": True}],
    }
    await _start(lsp_client, tmp_path, "visual-studio-code", options)
    yield
    await lsp_client.shutdown_session()


async def test_initialization_options_and_lint_on_save(
    configured: LanguageClient, tmp_path: Path
) -> None:
    text = UNJOINED + ARGS.replace("import threading\n", "")
    uri = _open(configured, tmp_path / "m.py", text)
    first = await _diagnostics(configured, uri)
    assert [d.code for d in first] == ["PAR502"]  # select = PAR5 from the options
    _change(configured, uri, text.replace('("x")', '("x",)'), 2)
    await asyncio.sleep(0.8)  # lintOn = save: typing does not re-lint
    assert [d.code for d in configured.diagnostics[uri]] == ["PAR502"]
    configured.text_document_did_save(
        types.DidSaveTextDocumentParams(types.TextDocumentIdentifier(uri))
    )
    assert await _until(configured, uri, lambda ds: not ds) == []


@pytest_lsp.fixture(config=SERVER)
async def pull_on_save(lsp_client: LanguageClient, tmp_path: Path):  # type: ignore[no-untyped-def]
    """A pull client (as VS Code is) with `lintOn = "save"`."""
    await _start(lsp_client, tmp_path, "neovim@v0.11", {"globalSettings": {"lintOn": "save"}})
    yield
    await lsp_client.shutdown_session()


async def test_lint_on_save_holds_for_pull_clients(
    pull_on_save: LanguageClient, tmp_path: Path
) -> None:
    uri = _open(pull_on_save, tmp_path / "m.py", UNJOINED)
    params = types.DocumentDiagnosticParams(types.TextDocumentIdentifier(uri))

    async def codes() -> list[str]:
        report = await pull_on_save.text_document_diagnostic_async(params)
        assert isinstance(report, types.RelatedFullDocumentDiagnosticReport)
        return [str(d.code) for d in report.items]

    assert await codes() == ["PAR101"]
    _change(pull_on_save, uri, UNJOINED + "    t.join()\n", 2)
    assert await codes() == ["PAR101"]  # typing does not re-lint
    pull_on_save.text_document_did_save(
        types.DidSaveTextDocumentParams(types.TextDocumentIdentifier(uri))
    )
    assert await codes() == []


CRASHING = ClientServerConfig(
    server_command=[
        sys.executable,
        "-c",
        "import parlint.rules.calls as calls\n"
        "def boom(self, ctx):\n    raise RuntimeError('rule exploded')\n"
        "calls.ArgsNotTuple.check = boom\n"
        "from parlint.cli import main\n"
        "raise SystemExit(main(['server']))\n",
    ]
)


@pytest_lsp.fixture(config=CRASHING)
async def crashing(lsp_client: LanguageClient, tmp_path: Path):  # type: ignore[no-untyped-def]
    await _start(lsp_client, tmp_path, "visual-studio-code")
    yield
    await lsp_client.shutdown_session()


async def test_a_crashing_rule_is_logged_and_the_others_still_publish(
    crashing: LanguageClient, tmp_path: Path
) -> None:
    uri = _open(crashing, tmp_path / "m.py", UNJOINED + ARGS.replace("import threading\n", ""))
    diagnostics = await _diagnostics(crashing, uri)
    assert [d.code for d in diagnostics] == ["PAR101"]
    errors = [m.message for m in crashing.log_messages if m.type == types.MessageType.Error]
    assert any("PAR502" in m and "rule exploded" in m for m in errors)


def _cell(uri: str, text: str, version: int = 1) -> types.TextDocumentItem:
    return types.TextDocumentItem(uri=uri, language_id="python", version=version, text=text)


async def test_notebook_cells_are_linted_as_one_module(
    vscode: LanguageClient, tmp_path: Path
) -> None:
    notebook_uri = (tmp_path / "jobs.ipynb").as_uri()
    cells = {
        "c1": "import threading\n",
        "c2": "def main():\n    t = threading.Thread(target=print)\n    t.start()",
        "c3": "%time main()\nmain()\n",
    }
    uris = {name: f"vscode-notebook-cell:{tmp_path}/jobs.ipynb#{name}" for name in cells}
    vscode.notebook_document_did_open(
        types.DidOpenNotebookDocumentParams(
            notebook_document=types.NotebookDocument(
                uri=notebook_uri,
                notebook_type="jupyter-notebook",
                version=1,
                cells=[
                    types.NotebookCell(kind=types.NotebookCellKind.Code, document=uris[name])
                    for name in cells
                ]
                + [types.NotebookCell(kind=types.NotebookCellKind.Markup, document="md")],
            ),
            cell_text_documents=[_cell(uris[name], text) for name, text in cells.items()],
        )
    )
    (d,) = await _diagnostics(vscode, uris["c2"])
    assert d.code == "PAR101"
    assert d.range == types.Range(types.Position(2, 4), types.Position(2, 13))  # the cell's rows
    assert not vscode.diagnostics.get(uris["c1"]) and not vscode.diagnostics.get(uris["c3"])
    actions = await vscode.text_document_code_action_async(
        types.CodeActionParams(
            types.TextDocumentIdentifier(uris["c2"]), d.range, types.CodeActionContext([d])
        )
    )
    assert actions is not None
    resolved = await vscode.code_action_resolve_async(actions[0])  # type: ignore[arg-type]
    edits = edits_of(resolved.edit, uris["c2"])
    assert apply(cells["c2"], edits) == cells["c2"] + "\n    t.join()"
    # A change in a cell re-lints the notebook.
    fixed = cells["c2"] + "\n    t.join()\n"
    vscode.notebook_document_did_change(
        types.DidChangeNotebookDocumentParams(
            notebook_document=types.VersionedNotebookDocumentIdentifier(
                version=2, uri=notebook_uri
            ),
            change=types.NotebookDocumentChangeEvent(
                cells=types.NotebookDocumentCellChanges(
                    text_content=[
                        types.NotebookDocumentCellContentChanges(
                            document=types.VersionedTextDocumentIdentifier(
                                uri=uris["c2"], version=2
                            ),
                            changes=[types.TextDocumentContentChangeWholeDocument(text=fixed)],
                        )
                    ]
                )
            ),
        )
    )
    assert await _until(vscode, uris["c2"], lambda ds: not ds) == []
    vscode.notebook_document_did_close(
        types.DidCloseNotebookDocumentParams(
            notebook_document=types.NotebookDocumentIdentifier(uri=notebook_uri),
            cell_text_documents=[types.TextDocumentIdentifier(uris[name]) for name in cells],
        )
    )


async def test_notebook_cells_with_percent_encoded_uris_get_pulled_diagnostics(
    neovim: LanguageClient, tmp_path: Path
) -> None:
    """VS Code names cells `...demo.ipynb#W1sZmlsZQ%3D%3D` (the fragment percent-encoded) in
    every message; pygls keeps documents under the decoded URI."""
    notebook_uri = (tmp_path / "demo.ipynb").as_uri()
    texts = ["import threading\n", 't = threading.Thread(target=print, args=("x"))\nt.start()\n']
    uris = [f"vscode-notebook-cell:{tmp_path}/demo.ipynb#W{i}sZmlsZQ%3D%3D" for i in (0, 1)]
    neovim.notebook_document_did_open(
        types.DidOpenNotebookDocumentParams(
            notebook_document=types.NotebookDocument(
                uri=notebook_uri,
                notebook_type="jupyter-notebook",
                version=1,
                cells=[
                    types.NotebookCell(kind=types.NotebookCellKind.Code, document=u) for u in uris
                ],
            ),
            cell_text_documents=[_cell(u, t) for u, t in zip(uris, texts, strict=True)],
        )
    )
    for uri, codes in zip(uris, ([], ["PAR502"]), strict=True):
        report = await neovim.text_document_diagnostic_async(
            types.DocumentDiagnosticParams(types.TextDocumentIdentifier(uri))
        )
        assert isinstance(report, types.RelatedFullDocumentDiagnosticReport)
        assert [d.code for d in report.items] == codes


@pytest_lsp.fixture(config=SERVER)
async def two_roots(lsp_client: LanguageClient, tmp_path: Path):  # type: ignore[no-untyped-def]
    """A multi-root workspace: each folder has its own pyproject.toml."""
    for name, ignore in (("app", "PAR502"), ("lib", "PAR101")):
        (tmp_path / name).mkdir()
        (tmp_path / name / "pyproject.toml").write_text(f'[tool.parlint]\nignore = ["{ignore}"]\n')

    @lsp_client.feature(types.CLIENT_REGISTER_CAPABILITY)
    def register(params: types.RegistrationParams) -> None:
        return None

    await lsp_client.initialize_session(
        types.InitializeParams(
            capabilities=client_capabilities("visual-studio-code"),
            workspace_folders=[
                types.WorkspaceFolder(uri=(tmp_path / n).as_uri(), name=n) for n in ("app", "lib")
            ],
        )
    )
    yield
    await lsp_client.shutdown_session()


async def test_multi_root_folders_use_their_own_configuration(
    two_roots: LanguageClient, tmp_path: Path
) -> None:
    text = UNJOINED + ARGS.replace("import threading\n", "")
    app = _open(two_roots, tmp_path / "app" / "m.py", text)
    lib = _open(two_roots, tmp_path / "lib" / "m.py", text)
    assert [d.code for d in await _until(two_roots, app, bool)] == ["PAR101"]
    assert [d.code for d in await _until(two_roots, lib, bool)] == ["PAR502"]


async def test_shutdown_and_exit_end_the_server_with_status_0(tmp_path: Path) -> None:
    client = LanguageClient()
    await client.start_io(sys.executable, "-m", "parlint", "server")
    await _start(client, tmp_path, "neovim")
    await client.shutdown_session()
    assert client._server is not None and client._server.returncode == 0
    await client.stop()


CPU_POOL = """from concurrent.futures import ThreadPoolExecutor


def squares(n):
    return [i * i for i in range(n)]


def main(sizes):
    with ThreadPoolExecutor() as executor:
        return list(executor.map(squares, sizes))
"""


async def test_py314_offers_the_interpreter_pool_as_a_second_quick_fix(
    vscode: LanguageClient, tmp_path: Path
) -> None:
    (tmp_path / "pyproject.toml").write_text('[tool.parlint]\ntarget-version = "py314"\n')
    uri = _open(vscode, tmp_path / "pool.py", CPU_POOL)
    (d,) = await _diagnostics(vscode, uri)
    assert d.code == "PAR201"
    actions = await vscode.text_document_code_action_async(
        types.CodeActionParams(
            types.TextDocumentIdentifier(uri), d.range, types.CodeActionContext([d])
        )
    )
    assert actions is not None
    titles = [a.title for a in actions if isinstance(a, types.CodeAction)]
    assert titles[:2] == [
        "parlint (PAR201): Use `ProcessPoolExecutor` (unsafe)",
        "parlint (PAR201): Use `InterpreterPoolExecutor` (unsafe)",
    ]
    resolved = await vscode.code_action_resolve_async(actions[1])  # type: ignore[arg-type]
    fixed = apply(CPU_POOL, edits_of(resolved.edit, uri))
    assert fixed.startswith("from concurrent.futures import InterpreterPoolExecutor\n")
    assert "with InterpreterPoolExecutor() as executor:" in fixed


THREAD_LIST = """\
import threading


def fetch(url):
    return len(url)


def fetch_all(urls):
    threads = []
    for url in urls:
        t = threading.Thread(target=fetch, args=(url,))
        threads.append(t)
        t.start()
    for t in threads:
        t.join()
"""


async def test_the_thread_list_rewrite_reaches_the_editor_as_a_quick_fix(
    vscode: LanguageClient, tmp_path: Path
) -> None:
    uri = _open(vscode, tmp_path / "crawl.py", THREAD_LIST)
    (d,) = await _diagnostics(vscode, uri)
    assert d.code == "PAR102"
    assert (d.range.start.line, d.range.start.character) == (9, 4)  # the building loop
    assert {r.location.range.start.line for r in d.related_information or []} == {12, 14}
    actions = await vscode.text_document_code_action_async(
        types.CodeActionParams(
            types.TextDocumentIdentifier(uri), d.range, types.CodeActionContext([d])
        )
    )
    assert actions is not None
    quick = actions[0]
    assert isinstance(quick, types.CodeAction)
    assert quick.title == "parlint (PAR102): Use a `ThreadPoolExecutor` (unsafe)"
    resolved = await vscode.code_action_resolve_async(quick)
    fixed = apply(THREAD_LIST, edits_of(resolved.edit, uri))
    assert fixed == (
        "from concurrent.futures import ThreadPoolExecutor\n"
        "\n"
        "\n"
        "def fetch(url):\n"
        "    return len(url)\n"
        "\n"
        "\n"
        "def fetch_all(urls):\n"
        "    with ThreadPoolExecutor() as executor:\n"
        "        list(executor.map(fetch, urls))\n"
    )
    # The editor applies the edit and sends the new text: nothing is left to report.
    _change(vscode, uri, fixed, 2)
    assert await _until(vscode, uri, lambda ds: ds == []) == []


PROJECT_RUN = """from concurrent.futures import ThreadPoolExecutor

from .jobs import crunch


def main(rows):
    with ThreadPoolExecutor() as executor:
        return list(executor.map(crunch, rows))
"""
CPU_JOB = "def crunch(values):\n    total = 0\n    for v in values:\n        total += v * v\n"
IO_JOB = "import time\n\n\ndef crunch(values):\n    for v in values:\n        time.sleep(v)\n"


async def test_a_task_from_another_module_and_its_changes_reach_the_hand_off(
    vscode: LanguageClient, tmp_path: Path
) -> None:
    (tmp_path / "pyproject.toml").write_text("")
    package = tmp_path / "pkg"
    package.mkdir()
    (package / "__init__.py").write_text("")
    (package / "jobs.py").write_text(CPU_JOB)
    uri = _open(vscode, package / "run.py", PROJECT_RUN)
    (d,) = await _until(vscode, uri, lambda ds: len(ds) == 1)
    assert d.code == "PAR201" and "jobs.py:3" in d.message
    (evidence,) = d.related_information or []
    assert evidence.location.uri == (package / "jobs.py").as_uri()
    assert evidence.location.range.start == types.Position(2, 4)
    # Editing the other module in the editor re-checks the hand-off ...
    jobs = _open(vscode, package / "jobs.py", CPU_JOB)
    _change(vscode, jobs, IO_JOB, 2)
    await _until(vscode, uri, lambda ds: ds == [])
    # Closed unsaved, the file on disk counts again; then it changes on disk.
    vscode.text_document_did_close(
        types.DidCloseTextDocumentParams(types.TextDocumentIdentifier(jobs))
    )
    await _until(vscode, uri, lambda ds: [x.code for x in ds] == ["PAR201"])
    (package / "jobs.py").write_text(IO_JOB)
    vscode.workspace_did_change_watched_files(
        types.DidChangeWatchedFilesParams(
            [types.FileEvent(uri=jobs, type=types.FileChangeType.Changed)]
        )
    )
    await _until(vscode, uri, lambda ds: ds == [])


SERVICE = """import queue
import threading


def consume(jobs):
    while True:
        if jobs.get() is None:
            return


def main():
    jobs = queue.Queue()
    worker = threading.Thread(target=consume, args=(jobs,))
    worker.start()
    jobs.put(None)
"""


async def test_a_join_that_could_hang_is_a_quick_fix_to_review_never_in_fix_all(
    vscode: LanguageClient, tmp_path: Path
) -> None:
    vscode.set_configuration({"unsafeFixes": True}, section="parlint")
    vscode.workspace_did_change_configuration(types.DidChangeConfigurationParams(settings=None))
    uri = _open(vscode, tmp_path / "service.py", SERVICE)
    (d,) = await _diagnostics(vscode, uri)
    actions = await vscode.text_document_code_action_async(
        types.CodeActionParams(
            types.TextDocumentIdentifier(uri), d.range, types.CodeActionContext([d])
        )
    )
    assert actions is not None
    titles = [a.title for a in actions if isinstance(a, types.CodeAction)]
    assert titles == [
        "parlint (PAR101): Insert `worker.join()` (review before keeping: it may wait forever)",
        "parlint (PAR101): Disable PAR101 for this line",
    ]
    quick = actions[0]
    assert isinstance(quick, types.CodeAction) and not quick.is_preferred
    resolved = await vscode.code_action_resolve_async(quick)
    assert apply(SERVICE, edits_of(resolved.edit, uri)).endswith("    worker.join()\n")
    fix_all = await vscode.text_document_code_action_async(
        types.CodeActionParams(
            types.TextDocumentIdentifier(uri),
            types.Range(types.Position(0, 0), types.Position(0, 0)),
            types.CodeActionContext([], only=["source.fixAll.parlint"]),
        )
    )
    assert not fix_all


RATES = """_rates = None


def load_rates():
    return {"EUR": 1.1}


def rate_for(currency):
    global _rates
    if _rates is None:
        _rates = load_rates()
    return _rates[currency]
"""
POOL = """from concurrent.futures import ThreadPoolExecutor

from pkg.rates import rate_for


def convert(amounts):
    with ThreadPoolExecutor() as executor:
        return list(executor.map(rate_for, amounts))
"""


async def test_free_threaded_projects_get_check_then_act_with_its_call_chain(
    vscode: LanguageClient, tmp_path: Path
) -> None:
    """With `free-threaded = true` the PAR7 family is on in the editor too: a helper of one
    module, run on the threads another module starts, gets PAR701 and the quick fix."""
    (tmp_path / "pyproject.toml").write_text("[tool.parlint]\nfree-threaded = true\n")
    package = tmp_path / "pkg"
    package.mkdir()
    (package / "__init__.py").write_text("")
    (package / "pool.py").write_text(POOL)
    uri = _open(vscode, package / "rates.py", RATES)
    (d,) = await _until(vscode, uri, lambda ds: len(ds) == 1)
    assert d.code == "PAR701"
    assert d.range == types.Range(types.Position(9, 4), types.Position(9, 21))
    assert "the threads that run `rate_for()` at once can all pass the test" in d.message
    assert d.related_information is not None
    start, change = d.related_information
    assert start.location.uri == (package / "pool.py").as_uri()
    assert start.message == "the threads start here"
    assert change.location.range.start == types.Position(10, 8)
    actions = await vscode.text_document_code_action_async(
        types.CodeActionParams(
            types.TextDocumentIdentifier(uri), d.range, types.CodeActionContext([d])
        )
    )
    titles = [a.title for a in actions or [] if isinstance(a, types.CodeAction)]
    assert any("Hold `_rates_lock` around the test and the change" in t for t in titles)
