"""The parlint language server (pygls 2): documents in, the core's diagnostics and fixes out.

The server never analyses code itself. Linting runs in worker threads so that the protocol
loop keeps answering; a result computed for an older version of a document is dropped.
"""

from __future__ import annotations

import asyncio
import gc
import logging
import sys
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any, Optional, TypeVar
from urllib.parse import unquote

from lsprotocol import types
from pygls.exceptions import JsonRpcInvalidParams
from pygls.lsp.server import LanguageServer

from parlint import __version__
from parlint.analysis.project import Projects, read_text, real_path
from parlint.fixes.edits import diff_edits
from parlint.ftypes import Applicability, Diagnostic, Edit
from parlint.incremental import FileState
from parlint.rules.registry import rule_by_code
from parlint.server.convert import Positions, to_lsp
from parlint.server.documents import (
    Analysis,
    DocumentText,
    Snapshot,
    View,
    analyse,
    noqa_code_at,
    noqa_edit,
    uri_to_path,
    view_of,
)
from parlint.server.fix_worker import FixAbandoned, FixFailed, FixWorker, build_fix, fix_all
from parlint.server.notebooks import code_cells, combine
from parlint.server.protocol import ParlintProtocol
from parlint.server.settings import EditorSettings, SettingsStore
from parlint.source import SourceText

log = logging.getLogger("parlint.server")

FIX_ALL_KIND = "source.fixAll.parlint"
PARSE_ERROR = "PAR000"
T = TypeVar("T")

READY_TIMEOUT = 2.0
# How many closed documents workspace diagnostic reports keep clearing.
MAX_CLOSED_REPORTS = 1000
# Quiet time after the last check before the cycle collector runs (see `collect_when_idle`).
IDLE_COLLECTION_SECONDS = 2.0
CONFIG_GLOBS = ("**/pyproject.toml", "**/parlint.toml", "**/.parlint.toml")
# Modules that open documents import tasks from may change on disk (a checkout, a formatter).
SOURCE_GLOBS = ("**/*.py",)
_SEVERITIES = {
    "error": types.DiagnosticSeverity.Error,
    "warning": types.DiagnosticSeverity.Warning,
    "information": types.DiagnosticSeverity.Information,
    "hint": types.DiagnosticSeverity.Hint,
}


class ParlintServer(LanguageServer):
    def __init__(self) -> None:
        super().__init__(
            "parlint",
            __version__,
            # Whole texts: parlint splits lines as LSP does; pygls's incremental sync splits
            # on form feeds and other separators too, which would shift rows.
            text_document_sync_kind=types.TextDocumentSyncKind.Full,
            notebook_document_sync=types.NotebookDocumentSyncOptions(
                notebook_selector=[
                    types.NotebookDocumentFilterWithCells(
                        notebook="*", cells=[types.NotebookCellLanguage(language="python")]
                    )
                ],
                save=True,
            ),
            protocol_cls=ParlintProtocol,
        )
        self.store = SettingsStore()
        self.analyses: dict[str, Analysis] = {}
        # What the last check of each open document left for the check of its next version.
        self.states: dict[str, FileState] = {}
        self.pending: dict[str, asyncio.Task[None]] = {}
        self.collection: Optional[asyncio.Task[None]] = None
        # With lintOn = "save", what pull clients are shown until the next save.
        self.shown: dict[str, _Shown] = {}
        self.collector = Collector()
        # Documents closed since they were pulled (in the order they closed), see `forget`.
        self.closed: dict[str, None] = {}
        self.explained_unsafe = False
        # One thread: linting is pure Python, so under the GIL a second thread adds no
        # throughput, only memory (glibc gives each thread its own malloc arena, which keeps
        # the high-water mark of a large file's tree: +16 MB of RSS for nothing).
        self.executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="parlint-lint")
        self.fix_worker = FixWorker()
        # Other modules of a document's project, read when a task leads into them: from the
        # editor's buffer when open, else from disk. Only the lint thread touches them.
        self.projects = Projects(reader=self.project_text)
        self.shown_problems: set[str] = set()
        self.settings_epoch = 0
        self._ready: Optional[asyncio.Event] = None

    @property
    def ready(self) -> asyncio.Event:
        """Set once the editor's settings have arrived (after `initialized`)."""
        if self._ready is None:
            self._ready = asyncio.Event()
        return self._ready

    # -- client capabilities ----------------------------------------------------------------
    @property
    def pull_mode(self) -> bool:
        caps = self.client_capabilities.text_document
        return bool(caps and caps.diagnostic)

    @property
    def resolves_edits(self) -> bool:
        caps = self.client_capabilities.text_document
        action = caps.code_action if caps else None
        support = action.resolve_support if action else None
        return bool(support and "edit" in support.properties)

    @property
    def encoding(self) -> str:
        return str(self.workspace.position_encoding or types.PositionEncodingKind.Utf16)

    def report_server_error(self, error: Exception, source: Any) -> None:
        # Logged, not shown: a pop-up per failed notification would drown the user.
        log.error("parlint server error (%s): %s", getattr(source, "__name__", source), error)
        self.log("error", f"parlint: internal error: {error}")

    def log(self, level: str, message: str) -> None:
        kind = {"error": types.MessageType.Error, "warning": types.MessageType.Warning}.get(
            level, types.MessageType.Info
        )
        self.window_log_message(types.LogMessageParams(type=kind, message=message))

    # -- analysis ---------------------------------------------------------------------------
    def is_open(self, uri: str) -> bool:
        # pygls keys documents by the decoded URI; VS Code sends notebook cell URIs with
        # their fragment percent-encoded (`#W1sZmlsZQ%3D%3D`).
        return unquote(uri) in self.workspace.text_documents

    def notebook_of(self, uri: str) -> Optional[types.NotebookDocument]:
        return self.workspace.get_notebook_document(
            cell_uri=uri
        ) or self.workspace.get_notebook_document(notebook_uri=uri)

    def snapshot(self, uri: str) -> Optional[Snapshot]:
        """What `uri` belongs to (the document, or its notebook) as it is now, or None."""
        notebook = self.notebook_of(uri)
        if notebook is not None:
            documents = {
                cell: self.document_text(cell)
                for cell in code_cells(notebook)
                if self.is_open(cell)
            }
            view = combine([(cell, d.text) for cell, d in documents.items()])
            return Snapshot(notebook.uri, notebook.version, view.text, view, documents)
        if not self.is_open(uri):
            return None
        document = self.document_text(uri)
        return Snapshot(uri, document.version, document.text, None, {uri: document})

    def document_text(self, uri: str) -> DocumentText:
        document = self.workspace.get_text_document(uri)
        return DocumentText(document.version, document.source)

    def is_current(self, analysis: Analysis) -> bool:
        """Whether every document the analysis read is still at the version it read."""
        snapshot = self.snapshot(analysis.key)
        return snapshot is not None and snapshot.documents == analysis.documents

    async def analysis(self, uri: str) -> Optional[Analysis]:
        """The analysis of the document's current version (cached), or None when it is gone."""
        if not self.ready.is_set():
            # Linting with defaults before the editor's settings arrive would flash wrong
            # squiggles; a client that never sends `initialized` still gets answers.
            try:
                await asyncio.wait_for(self.ready.wait(), timeout=READY_TIMEOUT)
            except asyncio.TimeoutError:
                self.ready.set()
        for _ in range(5):
            snapshot = self.snapshot(uri)
            if snapshot is None:
                return None
            key, version, text = snapshot.key, snapshot.version, snapshot.text
            cached = self.analyses.get(key)
            if cached is not None and cached.documents == snapshot.documents:
                return cached
            path = uri_to_path(key)
            settings = self.store.checker_settings(path)
            loop = asyncio.get_running_loop()
            # A document's next version starts from what the check of the last one left;
            # a notebook (its cells joined) is checked in full.
            previous = self.states.pop(key, None) if snapshot.notebook is None else None
            depended = cached.dependencies if cached is not None else frozenset()
            analysed = await loop.run_in_executor(
                self.executor,
                self.collector.after_check,
                analyse,
                text,
                path,
                settings,
                self.projects,
                previous,
                depended,
            )
            if analysed.state is not None and snapshot.notebook is None and self.is_open(key):
                self.states[key] = analysed.state
            diagnostics, dependencies = analysed.diagnostics, analysed.dependencies
            for message in analysed.errors:
                self.log("error", message)
            self.report_settings_errors()
            current = self.snapshot(uri)
            if current is None:
                return None
            if current.documents != snapshot.documents:
                continue  # superseded while it ran: analyse the newer text instead
            result = Analysis(
                key, version, text, path, settings, diagnostics, snapshot.notebook,
                documents=snapshot.documents, dependencies=dependencies,
                carried=_carried(diagnostics, cached),
            )  # fmt: skip
            self.analyses[key] = result
            self.collect_when_idle()
            return result
        return None

    async def reported_analysis(self, uri: str) -> Optional[Analysis]:
        """The analysis a pull client is answered with: of the current text, or with
        `lintOn = "save"` of the text as it was opened or last saved (VS Code pulls after
        every change; typing must not re-lint)."""
        editor = self.store.editor_settings(uri_to_path(uri))
        if not editor.enable:
            return None
        if editor.lint_on != "save":
            return await self.analysis(uri)
        notebook = self.notebook_of(uri)
        key = notebook.uri if notebook is not None else uri
        shown = self.shown.get(key)
        if shown is None or shown.settings_epoch != self.settings_epoch:
            analysis = await self.analysis(uri)
            if analysis is None:
                return None
            shown = self.shown[key] = _Shown(analysis, self.settings_epoch)
        return shown.analysis

    def saved(self, uri: str) -> None:
        """A document was saved: lint it now (a pull client is asked to pull again)."""
        if not self.pull_mode:
            self.schedule(uri, 0)
            return
        notebook = self.notebook_of(uri)
        key = notebook.uri if notebook is not None else uri
        if self.shown.pop(key, None) is None:
            return  # linted as typed: the client pulls by itself
        caps = self.client_capabilities.workspace
        if caps and caps.diagnostics and caps.diagnostics.refresh_support:
            self.workspace_diagnostic_refresh(None)

    def explain_unsafe_fixes(self, count: int) -> None:
        """Fix all was asked for where every fix is unsafe: VS Code would only say that no
        action is available. Said once per session."""
        if self.explained_unsafe or not self.store.global_settings.notifies("warning"):
            return
        self.explained_unsafe = True
        fixes = "fix here is" if count == 1 else f"{count} fixes here are"
        self.window_show_message(
            types.ShowMessageParams(
                type=types.MessageType.Info,
                message=f"parlint: the {fixes} unsafe, so Fix all leaves them: apply them one "
                "at a time from the light bulb, or set parlint.unsafeFixes to true.",
            )
        )

    def collect_when_idle(self) -> None:
        """Run the cycle collector once the user stops typing, not in the middle of a check.

        The trees and models kept for the next edit are hundreds of thousands of objects; a
        full collection walks them all (a few hundred ms on a large file), and Python starts
        one whenever enough new objects have survived: the next keystroke's diagnostics would
        wait for it. So what is alive after each check is frozen (left out of automatic
        collections), and the garbage is collected once checking has been quiet for a moment
        (see Collector)."""
        if self.collection is not None:
            self.collection.cancel()

        async def collect() -> None:
            try:
                await asyncio.sleep(IDLE_COLLECTION_SECONDS)
                await asyncio.get_running_loop().run_in_executor(
                    self.executor, self.collector.collect
                )
            except asyncio.CancelledError:
                pass

        self.collection = asyncio.ensure_future(collect())

    def view(self, uri: str, analysis: Analysis) -> View:
        found = view_of(uri, analysis)
        return found if found is not None else View(uri, analysis.source, [])

    def document_uris(self, analysis: Analysis) -> list[str]:
        if analysis.notebook is None:
            return [analysis.key]
        return [cell.uri for cell in analysis.notebook.cells]

    def report_settings_errors(self) -> None:
        """Each problem with the settings is logged, and shown once in one message."""
        problems = list(dict.fromkeys(self.store.errors))
        self.store.errors.clear()
        for problem in problems:
            self.log("warning", problem)
        new = [p for p in problems if p not in self.shown_problems]
        if new and self.store.global_settings.notifies("warning"):
            self.shown_problems.update(new)
            self.window_show_message(
                types.ShowMessageParams(
                    type=types.MessageType.Warning,
                    message="parlint: " + "; ".join(new),
                )
            )

    def lsp_diagnostics(
        self, uri: str, analysis: Analysis, shown: bool = True
    ) -> list[types.Diagnostic]:
        """The analysis's diagnostics for the client. What is `shown` of a text that does not
        parse is its PAR000 and the findings of the last version that parsed (SPEC 3: no
        flicker while typing); code actions (`shown=False`) work on its own findings only."""
        editor = self.store.editor_settings(analysis.path)
        view = self.view(uri, analysis)
        positions = Positions(view.text, self.encoding)
        result = []
        for index, d in view.items:
            if d.code == PARSE_ERROR and not shown:
                continue
            data = {"index": index, "version": analysis.version, "fixable": d.fixable}
            severity = _SEVERITIES.get(editor.severity.get(d.code, ""))
            result.append(to_lsp(d, positions, uri, data, severity, self.positions_of_file))
        if shown and analysis.carried:
            earlier = replace(analysis, diagnostics=analysis.carried, carried=[])
            for _, d in self.view(uri, earlier).items:
                severity = _SEVERITIES.get(editor.severity.get(d.code, ""))
                data = {"version": analysis.version, "fixable": False, "carried": True}
                result.append(to_lsp(d, positions, uri, data, severity, self.positions_of_file))
        return result

    def project_text(self, path: Path) -> Optional[str]:
        uri = path.as_uri()
        if self.is_open(uri):
            return self.workspace.get_text_document(uri).source
        return read_text(path)

    def source_changed(self, uri: str) -> None:
        """A Python file changed (in the editor or on disk): modules read from it are read
        again, and the open documents whose diagnostics depend on it are linted again."""
        path = uri_to_path(uri)
        if path is None:
            return
        self.executor.submit(self.projects.forget, path)
        changed = str(real_path(path))
        for key, analysis in list(self.analyses.items()):
            if key != uri and changed in analysis.dependencies:
                del self.analyses[key]
                self.states.pop(key, None)
                editor = self.store.editor_settings(analysis.path)
                self.schedule(key, editor.debounce_ms)

    def positions_of_file(self, filename: str) -> Optional[Positions]:
        """Positions in another file of the project (the editor's text when it is open)."""
        uri = Path(filename).as_uri()
        if self.is_open(uri):
            text: Optional[str] = self.workspace.get_text_document(uri).source
        else:
            text = read_text(Path(filename))
        return Positions(SourceText(text), self.encoding) if text is not None else None

    async def publish(self, uri: str) -> None:
        if self.pull_mode:
            return
        editor = self.store.editor_settings(uri_to_path(uri))
        analysis = await self.analysis(uri) if editor.enable else None
        if analysis is None:
            if not editor.enable:
                self.text_document_publish_diagnostics(types.PublishDiagnosticsParams(uri, []))
            return
        if not self.is_current(analysis):
            return  # a newer version is on its way
        for document in self.document_uris(analysis):
            version = analysis.version if analysis.notebook is None else None
            self.text_document_publish_diagnostics(
                types.PublishDiagnosticsParams(
                    document, self.lsp_diagnostics(document, analysis), version=version
                )
            )

    def schedule_edit(self, uri: str) -> None:
        """An edit: lint after the debounce, when the user's settings lint as they type."""
        editor = self.store.editor_settings(uri_to_path(uri))
        if editor.lint_on == "type":
            self.schedule(uri, editor.debounce_ms)

    def schedule(self, uri: str, delay_ms: int) -> None:
        """Lint after `delay_ms` of quiet: each change restarts the clock (debounce)."""
        previous = self.pending.pop(uri, None)
        if previous is not None:
            previous.cancel()

        async def run() -> None:
            try:
                await asyncio.sleep(delay_ms / 1000)
                await self.publish(uri)
            except asyncio.CancelledError:
                pass
            except Exception as exc:
                log.exception("linting %s failed", uri)
                self.log("error", f"parlint: linting {uri} failed: {exc}")
            finally:
                if self.pending.get(uri) is task:
                    del self.pending[uri]

        task = asyncio.ensure_future(run())
        self.pending[uri] = task

    def forget(self, key: str, documents: list[str]) -> None:
        """A document (or notebook) closed: drop its work and clear its diagnostics."""
        pending = self.pending.pop(key, None)
        if pending is not None:
            pending.cancel()
        self.analyses.pop(key, None)
        self.states.pop(key, None)
        self.shown.pop(key, None)
        if self.pull_mode:
            # A client that pulls workspace diagnostics keeps a closed document's last report
            # until a workspace report says otherwise (VS Code pulls one last time as it
            # closes): workspace reports say "nothing" for it from now on.
            for uri in documents:
                self.closed[uri] = None
            while len(self.closed) > MAX_CLOSED_REPORTS:
                del self.closed[next(iter(self.closed))]
        if not self.pull_mode:
            for uri in documents:
                self.text_document_publish_diagnostics(types.PublishDiagnosticsParams(uri, []))

    def relint_all(self) -> None:
        self.settings_epoch += 1
        self.analyses.clear()
        self.states.clear()
        if self.pull_mode:
            caps = self.client_capabilities.workspace
            if caps and caps.diagnostics and caps.diagnostics.refresh_support:
                self.workspace_diagnostic_refresh(None)
            return
        keys: dict[str, None] = {}
        for uri in list(self.workspace.text_documents):
            notebook = self.notebook_of(uri)
            keys[notebook.uri if notebook else uri] = None
        for key in keys:
            self.schedule(key, 0)

    # -- settings ---------------------------------------------------------------------------
    def apply_initialization_options(self, options: Any) -> None:
        if not isinstance(options, dict):
            return
        problems: list[str] = []
        global_raw = options.get("globalSettings", options if "settings" not in options else {})
        self.store.global_settings = EditorSettings.from_client(global_raw, problems)
        per_folder = options.get("settings")
        if isinstance(per_folder, list):
            for item in per_folder:
                if isinstance(item, dict) and isinstance(item.get("workspace"), str):
                    path = uri_to_path(item["workspace"])
                    if path is not None:
                        merged = {**(global_raw if isinstance(global_raw, dict) else {}), **item}
                        self.store.folders[str(path)] = EditorSettings.from_client(merged, problems)
        elif isinstance(per_folder, dict):
            self.store.global_settings = EditorSettings.from_client(per_folder, problems)
        self.store.errors.extend(problems)

    async def pull_configuration(self) -> None:
        caps = self.client_capabilities.workspace
        if not (caps and caps.configuration):
            return
        folders = list(self.workspace.folders.values())
        items = [types.ConfigurationItem(section="parlint")]
        items += [types.ConfigurationItem(scope_uri=f.uri, section="parlint") for f in folders]
        try:
            answers = await self.workspace_configuration_async(types.ConfigurationParams(items))
        except Exception as exc:
            log.warning("workspace/configuration failed: %s", exc)
            return
        problems: list[str] = []
        if answers:
            if answers[0] is not None:
                self.store.global_settings = EditorSettings.from_client(answers[0], problems)
            for folder, answer in zip(folders, answers[1:], strict=False):
                path = uri_to_path(folder.uri)
                if path is not None and answer is not None:
                    self.store.folders[str(path)] = EditorSettings.from_client(answer, problems)
        self.store.errors.extend(problems)
        self.report_settings_errors()

    async def register_watchers(self) -> None:
        caps = self.client_capabilities.workspace
        watched = caps.did_change_watched_files if caps else None
        if not (watched and watched.dynamic_registration):
            return
        options = types.DidChangeWatchedFilesRegistrationOptions(
            watchers=[
                types.FileSystemWatcher(glob_pattern=glob) for glob in CONFIG_GLOBS + SOURCE_GLOBS
            ]
        )
        registration = types.Registration(
            id="parlint-config-watcher",
            method=types.WORKSPACE_DID_CHANGE_WATCHED_FILES,
            register_options=options,
        )
        try:
            await self.client_register_capability_async(types.RegistrationParams([registration]))
        except Exception as exc:
            log.warning("could not register file watchers: %s", exc)

    # -- code actions -----------------------------------------------------------------------
    async def built_fix(
        self, analysis: Analysis, index: int, alternative: Optional[int] = None
    ) -> Optional[Diagnostic]:
        """The diagnostic with its fix built (in the fix worker), or None when it failed."""
        key = (index, alternative)
        if key not in analysis.fixes:
            diagnostic = analysis.diagnostics[index]
            try:
                built, errors = await self.fix_worker.run(
                    analysis.key,
                    build_fix,
                    analysis.settings,
                    analysis.path,
                    analysis.text,
                    diagnostic,
                    alternative,
                )
            except FixAbandoned:
                return None
            except FixFailed as exc:
                self.log("error", f"parlint: building the {diagnostic.code} fix failed: {exc}")
                return None
            for message in errors:
                self.log("error", message)
            analysis.fixes[key] = built
        return analysis.fixes[key]

    def workspace_edit(
        self, analysis: Analysis, per_document: dict[str, list[Edit]]
    ) -> Optional[types.WorkspaceEdit]:
        """Edits in parlint's positions, per document URI, as the client wants them.

        Positions are converted with the text the analysis read, and the edit is labelled with
        that text's version; when a document has changed since, there is no edit at all.
        """
        if not self.is_current(analysis):
            return None
        caps = self.client_capabilities.workspace
        document_changes = bool(
            caps and caps.workspace_edit and caps.workspace_edit.document_changes
        )
        changes: dict[str, list[types.TextEdit]] = {}
        for uri, edits in per_document.items():
            document = analysis.documents.get(uri)
            if document is None:
                return None
            positions = Positions(SourceText(document.text), self.encoding)
            changes[uri] = [positions.text_edit(e) for e in edits]
        if document_changes:
            return types.WorkspaceEdit(
                document_changes=[
                    types.TextDocumentEdit(
                        types.OptionalVersionedTextDocumentIdentifier(
                            uri=uri, version=analysis.documents[uri].version
                        ),
                        list(edits),
                    )
                    for uri, edits in changes.items()
                ]
            )
        return types.WorkspaceEdit(changes=changes)

    def analysis_edit(
        self, analysis: Analysis, edits: tuple[Edit, ...] | list[Edit]
    ) -> Optional[types.WorkspaceEdit]:
        """Edits of the analysed text, mapped to the documents (cells) they belong to."""
        if analysis.notebook is None:
            return self.workspace_edit(analysis, {analysis.key: list(edits)})
        per_cell = analysis.notebook.edits_for(edits)
        return self.workspace_edit(analysis, per_cell) if per_cell is not None else None

    async def fix_all_edit(self, analysis: Analysis) -> Optional[types.WorkspaceEdit]:
        editor = self.store.editor_settings(analysis.path)
        try:
            text, errors = await self.fix_worker.run(
                analysis.key,
                fix_all,
                analysis.settings,
                analysis.path,
                analysis.text,
                editor.unsafe_fixes,
            )
        except FixAbandoned:
            return None
        except FixFailed as exc:
            self.log("error", f"parlint: fixing all problems failed: {exc}")
            return None
        for message in errors:
            self.log("error", message)
        return self.analysis_edit(analysis, list(diff_edits(analysis.source, text)))

    def fix_title(self, d: Diagnostic) -> str:
        note = {
            Applicability.UNSAFE: " (unsafe)",
            Applicability.DISPLAY_ONLY: " (review before keeping: it may wait forever)",
        }.get(d.fix_applicability or Applicability.SAFE, "")
        return f"parlint ({d.code}): {d.fix_title}{note}"


@dataclass(frozen=True)
class ResolveData:
    """The `data` a code action carries to `codeAction/resolve`, checked: the client sends
    back what we gave it, but a client (or a user's extension) may send anything."""

    uri: str
    version: Optional[int]
    fix_all: bool = False
    index: Optional[int] = None
    alternative: Optional[int] = None

    @classmethod
    def read(cls, data: Any) -> ResolveData:
        if not isinstance(data, dict) or not isinstance(data.get("uri"), str):
            raise JsonRpcInvalidParams(
                message="Invalid Params: the code action has no parlint data"
            )
        version = data.get("version")
        if version is not None and not _is_count(version, allow_negative=True):
            raise JsonRpcInvalidParams(message="Invalid Params: `version` must be an integer")
        if data.get("fixAll") is True:
            return cls(data["uri"], version, fix_all=True)
        index, alternative = data.get("index"), data.get("alternative")
        if not _is_count(index):
            raise JsonRpcInvalidParams(message="Invalid Params: `index` must be an integer >= 0")
        if alternative is not None and not _is_count(alternative):
            raise JsonRpcInvalidParams(
                message="Invalid Params: `alternative` must be an integer >= 0"
            )
        return cls(data["uri"], version, index=index, alternative=alternative)


def _is_count(value: Any, allow_negative: bool = False) -> bool:
    # `True` is an int to Python, and JSON's 1.0 arrives as a float: neither is an index.
    return type(value) is int and (allow_negative or value >= 0)


def _carried(diagnostics: list[Diagnostic], previous: Optional[Analysis]) -> list[Diagnostic]:
    """The findings a text that does not parse keeps showing: those of the last version of
    the document that parsed."""
    if previous is None or not any(d.code == PARSE_ERROR for d in diagnostics):
        return []
    if any(d.code == PARSE_ERROR for d in previous.diagnostics):
        return previous.carried
    return previous.diagnostics


@dataclass(frozen=True)
class _Shown:
    analysis: Analysis
    settings_epoch: int


class Collector:
    """The cycle collector of the lint thread's work (see `collect_when_idle`)."""

    # Checks between collections when the user never pauses: bounds the garbage kept.
    MAX_CHECKS = 40

    def __init__(self) -> None:
        self.checks = 0

    def after_check(self, check: Callable[..., T], *args: Any) -> T:
        """Run `check`, then freeze what it left (collecting first every MAX_CHECKS)."""
        try:
            return check(*args)
        finally:
            self.checks += 1
            if self.checks >= self.MAX_CHECKS:
                self.collect()
            else:
                gc.freeze()

    def collect(self) -> None:
        """Collect everything (frozen objects too), then freeze what is alive."""
        self.checks = 0
        gc.unfreeze()
        gc.collect()
        gc.freeze()


def create_server() -> ParlintServer:
    server = ParlintServer()
    _register(server)
    return server


def _overlaps(a: types.Range, b: types.Range) -> bool:
    return (a.start.line, a.start.character) <= (b.end.line, b.end.character) and (
        b.start.line,
        b.start.character,
    ) <= (a.end.line, a.end.character)


def _register(server: ParlintServer) -> None:
    @server.feature(types.INITIALIZE)
    def initialize(ls: ParlintServer, params: types.InitializeParams) -> None:
        ls.apply_initialization_options(params.initialization_options)

    @server.feature(types.INITIALIZED)
    async def initialized(ls: ParlintServer, params: types.InitializedParams) -> None:
        ls.log("info", f"parlint {__version__} server on Python {_python()} ({sys.executable})")
        try:
            await ls.register_watchers()
            await ls.pull_configuration()
            ls.report_settings_errors()
        finally:
            ls.ready.set()

    @server.feature(types.TEXT_DOCUMENT_DID_OPEN)
    async def did_open(ls: ParlintServer, params: types.DidOpenTextDocumentParams) -> None:
        ls.schedule(params.text_document.uri, 0)

    @server.feature(types.TEXT_DOCUMENT_DID_CHANGE)
    async def did_change(ls: ParlintServer, params: types.DidChangeTextDocumentParams) -> None:
        ls.fix_worker.abandon(params.text_document.uri)
        ls.schedule_edit(params.text_document.uri)
        ls.source_changed(params.text_document.uri)

    @server.feature(types.TEXT_DOCUMENT_DID_SAVE)
    async def did_save(ls: ParlintServer, params: types.DidSaveTextDocumentParams) -> None:
        ls.saved(params.text_document.uri)

    @server.feature(types.TEXT_DOCUMENT_DID_CLOSE)
    async def did_close(ls: ParlintServer, params: types.DidCloseTextDocumentParams) -> None:
        ls.forget(params.text_document.uri, [params.text_document.uri])
        ls.source_changed(params.text_document.uri)  # what is on disk counts again

    @server.feature(types.NOTEBOOK_DOCUMENT_DID_OPEN)
    async def notebook_open(ls: ParlintServer, params: types.DidOpenNotebookDocumentParams) -> None:
        ls.schedule(params.notebook_document.uri, 0)

    @server.feature(types.NOTEBOOK_DOCUMENT_DID_CHANGE)
    async def notebook_change(
        ls: ParlintServer, params: types.DidChangeNotebookDocumentParams
    ) -> None:
        ls.fix_worker.abandon(params.notebook_document.uri)
        structure = params.change.cells.structure if params.change.cells else None
        for closed in (structure.did_close or []) if structure else []:
            if not ls.pull_mode:
                ls.text_document_publish_diagnostics(types.PublishDiagnosticsParams(closed.uri, []))
        ls.schedule_edit(params.notebook_document.uri)

    @server.feature(types.NOTEBOOK_DOCUMENT_DID_SAVE)
    async def notebook_save(ls: ParlintServer, params: types.DidSaveNotebookDocumentParams) -> None:
        ls.saved(params.notebook_document.uri)

    @server.feature(types.NOTEBOOK_DOCUMENT_DID_CLOSE)
    async def notebook_close(
        ls: ParlintServer, params: types.DidCloseNotebookDocumentParams
    ) -> None:
        cells = [cell.uri for cell in params.cell_text_documents]
        ls.forget(params.notebook_document.uri, cells)

    @server.feature(
        types.TEXT_DOCUMENT_DIAGNOSTIC,
        types.DiagnosticOptions(
            identifier="parlint", inter_file_dependencies=False, workspace_diagnostics=True
        ),
    )
    async def pull(
        ls: ParlintServer, params: types.DocumentDiagnosticParams
    ) -> types.DocumentDiagnosticReport:
        uri = params.text_document.uri
        analysis = await ls.reported_analysis(uri)
        if analysis is None:
            return types.RelatedFullDocumentDiagnosticReport(items=[])
        result_id = f"{uri}@{analysis.version}@{ls.settings_epoch}"
        if params.previous_result_id == result_id:
            return types.RelatedUnchangedDocumentDiagnosticReport(result_id=result_id)
        return types.RelatedFullDocumentDiagnosticReport(
            items=ls.lsp_diagnostics(uri, analysis), result_id=result_id
        )

    @server.feature(types.WORKSPACE_DIAGNOSTIC)
    async def workspace_pull(
        ls: ParlintServer, params: types.WorkspaceDiagnosticParams
    ) -> types.WorkspaceDiagnosticReport:
        items: list[Any] = []
        for uri in list(ls.workspace.text_documents):
            analysis = await ls.reported_analysis(uri)
            if analysis is not None:
                items.append(
                    types.WorkspaceFullDocumentDiagnosticReport(
                        uri=uri,
                        version=analysis.version,
                        items=ls.lsp_diagnostics(uri, analysis),
                    )
                )
        for uri in list(ls.closed):
            if ls.is_open(uri):
                del ls.closed[uri]
            else:
                items.append(
                    types.WorkspaceFullDocumentDiagnosticReport(uri=uri, version=None, items=[])
                )
        return types.WorkspaceDiagnosticReport(items=items)

    @server.feature(
        types.TEXT_DOCUMENT_CODE_ACTION,
        types.CodeActionOptions(
            code_action_kinds=[types.CodeActionKind.QuickFix, FIX_ALL_KIND],
            resolve_provider=True,
        ),
    )
    async def code_action(
        ls: ParlintServer, params: types.CodeActionParams
    ) -> list[types.CodeAction]:
        uri = params.text_document.uri
        analysis = await ls.analysis(uri)
        if analysis is None:
            return []
        only = params.context.only
        wants_quickfix = only is None or any(
            types.CodeActionKind.QuickFix.startswith(k) for k in only
        )
        wants_fix_all = only is None or any(FIX_ALL_KIND.startswith(k) for k in only)
        view = ls.view(uri, analysis)
        found = ls.lsp_diagnostics(uri, analysis, shown=False)
        lsp = {item.data["index"]: item for item in found}  # type: ignore[index]
        actions: list[types.CodeAction] = []
        editor = ls.store.editor_settings(analysis.path)
        if any(d.fixable for _, d in view.items):
            ls.fix_worker.warm()  # the user may pick a fix next: have its builder ready
        if wants_quickfix:
            for index, d in view.items:
                item = lsp.get(index)
                if item is None or not _overlaps(item.range, params.range):
                    continue
                choices: list[tuple[Optional[int], str]] = []
                if d.fixable:
                    choices.append((None, ls.fix_title(d)))
                    choices += [
                        (k, ls.fix_title(replace(d, fix_title=title)))
                        for k, (title, _) in enumerate(d.alternatives)
                    ]
                for alternative, title in choices:
                    action = types.CodeAction(
                        title=title,
                        kind=types.CodeActionKind.QuickFix,
                        diagnostics=[item],
                        is_preferred=alternative is None
                        and d.fix_applicability is Applicability.SAFE,
                        data={
                            "uri": uri,
                            "version": analysis.version,
                            "index": index,
                            "alternative": alternative,
                        },
                    )
                    if not ls.resolves_edits:
                        built = await ls.built_fix(analysis, index, alternative)
                        edit = (
                            ls.analysis_edit(analysis, built.fix.edits)
                            if built is not None and built.fix
                            else None
                        )
                        if edit is None:
                            continue
                        action.edit = edit
                        action.data = None
                    actions.append(action)
                noqa = noqa_edit(view.text, d.noqa_row or d.location.row, d.code)
                noqa_workspace_edit = ls.workspace_edit(analysis, {uri: [noqa]}) if noqa else None
                if noqa_workspace_edit is not None:
                    actions.append(
                        types.CodeAction(
                            title=f"parlint ({d.code}): Disable {d.code} for this line",
                            kind=types.CodeActionKind.QuickFix,
                            diagnostics=[item],
                            edit=noqa_workspace_edit,
                        )
                    )
        allowed = {Applicability.SAFE} | ({Applicability.UNSAFE} if editor.unsafe_fixes else set())
        if wants_fix_all and any(d.fix_applicability in allowed for _, d in view.items):
            action = types.CodeAction(
                title="parlint: Fix all auto-fixable problems",
                kind=FIX_ALL_KIND,
                data={"uri": uri, "version": analysis.version, "fixAll": True},
            )
            if not ls.resolves_edits:
                action.edit = await ls.fix_all_edit(analysis)
                action.data = None
            if action.edit is not None or action.data is not None:
                actions.append(action)
        elif wants_fix_all and only is not None and any(d.fixable for _, d in view.items):
            ls.explain_unsafe_fixes(sum(1 for _, d in view.items if d.fixable))
        return actions

    @server.feature(types.CODE_ACTION_RESOLVE)
    async def resolve(ls: ParlintServer, action: types.CodeAction) -> types.CodeAction:
        data = ResolveData.read(action.data)
        analysis = await ls.analysis(data.uri)
        if analysis is None or analysis.version != data.version:
            return action  # the document changed: the client asks again
        if data.fix_all:
            action.edit = await ls.fix_all_edit(analysis)
            return action
        if data.index is None or data.index >= len(analysis.diagnostics):
            raise JsonRpcInvalidParams(message="Invalid Params: no such diagnostic")
        diagnostic = analysis.diagnostics[data.index]
        if data.alternative is not None and data.alternative >= len(diagnostic.alternatives):
            raise JsonRpcInvalidParams(message="Invalid Params: no such alternative fix")
        built = await ls.built_fix(analysis, data.index, data.alternative)
        if built is not None and built.fix is not None:
            action.edit = ls.analysis_edit(analysis, built.fix.edits)
        return action

    @server.feature(types.SHUTDOWN)
    def shutdown(ls: ParlintServer, params: None) -> None:
        ls.fix_worker.close()

    @server.feature(types.TEXT_DOCUMENT_HOVER)
    def hover(ls: ParlintServer, params: types.HoverParams) -> Optional[types.Hover]:
        uri = params.text_document.uri
        if not ls.is_open(uri):
            return None
        text = SourceText(ls.workspace.get_text_document(uri).source)
        location = Positions(text, ls.encoding).location(params.position)
        code = noqa_code_at(text.line(location.row), location.column - 1)
        rule = rule_by_code(code) if code else None
        if rule is None:
            return None
        contents = f"**{rule.name} ({rule.code})**\n\n{rule.docs()}"
        return types.Hover(
            contents=types.MarkupContent(kind=types.MarkupKind.Markdown, value=contents)
        )

    @server.feature(types.WORKSPACE_DID_CHANGE_CONFIGURATION)
    async def did_change_configuration(
        ls: ParlintServer, params: types.DidChangeConfigurationParams
    ) -> None:
        caps = ls.client_capabilities.workspace
        if caps and caps.configuration:
            await ls.pull_configuration()
        elif isinstance(params.settings, dict):
            problems: list[str] = []
            ls.store.global_settings = EditorSettings.from_client(params.settings, problems)
            ls.store.errors.extend(problems)
        ls.store.invalidate()
        ls.relint_all()

    @server.feature(types.WORKSPACE_DID_CHANGE_WATCHED_FILES)
    def did_change_watched_files(
        ls: ParlintServer, params: types.DidChangeWatchedFilesParams
    ) -> None:
        sources = [c.uri for c in params.changes if c.uri.endswith((".py", ".pyi"))]
        for uri in sources:
            if not ls.is_open(uri):  # an open document's buffer is what counts
                ls.source_changed(uri)
        if len(sources) < len(params.changes):  # a configuration file
            ls.store.invalidate()
            ls.relint_all()

    @server.feature(types.WORKSPACE_DID_CHANGE_WORKSPACE_FOLDERS)
    async def folders_changed(
        ls: ParlintServer, params: types.DidChangeWorkspaceFoldersParams
    ) -> None:
        for removed in params.event.removed:
            path = uri_to_path(removed.uri)
            if path is not None:
                ls.store.folders.pop(str(path), None)
        await ls.pull_configuration()
        ls.relint_all()


def _python() -> str:
    return ".".join(map(str, sys.version_info[:3]))


def start_server() -> int:
    logging.basicConfig(level=logging.WARNING, format="parlint server: %(message)s")
    server = create_server()
    server.start_io()
    return 0
