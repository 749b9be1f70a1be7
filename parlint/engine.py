"""The one entry point every surface uses: source in, diagnostics (and fixes) out.

text -> `ast` -> concurrency model -> rules -> noqa filter -> (on demand) libcst fixes.
"""

from __future__ import annotations

import ast
import bisect
import gc
import logging
import symtable
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Optional, Union

from parlint.analysis.model import ConcurrencyModel
from parlint.analysis.project import IncomingTask, Project, real_path, worker_class_names
from parlint.analysis.scopes import parent
from parlint.analysis.stdlib import API_WORDS, MODULE_WORDS
from parlint.analysis.task_effects import outgoing_tasks
from parlint.analysis.tracking import build_model
from parlint.config import Settings
from parlint.fixes.edits import (
    FixContext,
    UnparsableForFixes,
    apply_edits,
    edit_offsets,
    merge_edits,
    overlaps,
)
from parlint.fixes.imports import (
    ImportChanges,
    Reads,
    RemovalSpec,
    import_edits,
    local_name,
    model_name_uses,
    name_uses,
    prelude_rows,
    still_used,
)
from parlint.fixes.to_processes import guard_plan
from parlint.ftypes import Applicability, Diagnostic, Edit, Fix, FixScope, Location, Severity
from parlint.incremental import (
    LAYOUT_CODES,
    FileState,
    Plan,
    Record,
    Rederive,
    build_state,
    carried_lags,
    confirm,
    moved,
    plan,
    rest_of_module,
)
from parlint.newer_syntax import SyntaxProblem
from parlint.newer_syntax import describe as describe_syntax_error
from parlint.noqa import Suppressions
from parlint.rules.base import CheckContext, Rule
from parlint.rules.parse import ParseError
from parlint.rules.registry import all_rules
from parlint.source import Encoding, SourceDecodeError, SourceText, decode_source, split_lines
from parlint.splice import Splice, shift, splice

log = logging.getLogger("parlint")

# Enough passes for fixes that enable each other (run -> start -> join), bounded so that a
# pair of rules that undo each other cannot loop forever.
MAX_FIX_PASSES = 10
MAX_MODULE_FIX_PASSES = 200  # one import-changing fix per pass


class RuleCrash(Exception):
    """A rule raised: a bug in parlint, never in the user's code."""

    def __init__(self, code: str, error: BaseException) -> None:
        super().__init__(f"rule {code} crashed: {type(error).__name__}: {error}")
        self.code = code
        self.error = error


@dataclass
class CheckResult:
    diagnostics: list[Diagnostic]
    # Internal errors (a rule that crashed); the other rules' diagnostics are still here.
    errors: list[str]
    # Functions of other project modules this file hands to threads concurrently.
    exports: list[IncomingTask] = field(default_factory=list)
    # The Thread/Process subclasses this file defines (files using them are checked too).
    worker_classes: frozenset[str] = frozenset()


@dataclass
class FixResult:
    text: str
    fixed: list[Diagnostic]
    remaining: list[Diagnostic]
    errors: list[str]


_TEXT_MODULE_WORDS = tuple(w.decode() for w in MODULE_WORDS)
_TEXT_API_WORDS = tuple(w.decode() for w in API_WORDS)


def could_matter(data: Union[bytes, str], settings: Optional[Settings] = None) -> bool:
    """The keyword prefilter: a file without these words cannot have a finding (with
    PAR704 on, a file without an import cannot)."""
    if settings is not None and settings.reads_imports:
        if (isinstance(data, str) and "import" in data) or (
            isinstance(data, bytes) and b"import" in data
        ):
            return True
    if isinstance(data, str):
        return any(w in data for w in _TEXT_MODULE_WORDS) and any(
            w in data for w in _TEXT_API_WORDS
        )
    return any(w in data for w in MODULE_WORDS) and any(w in data for w in API_WORDS)


# What checking one text gives: the diagnostics, and the tree and model they came from (when
# the text parsed and the model was built), which fixes reuse.
Checked = tuple[list[Diagnostic], Optional[ast.Module], Optional[ConcurrencyModel]]


class Linter:
    """Checks and fixes text with one set of settings."""

    def __init__(
        self,
        settings: Optional[Settings] = None,
        filename: Optional[str] = None,
        project: Optional[Project] = None,
    ):
        self.settings = settings or Settings()
        self.filename = filename
        # Tasks are followed into the other modules of the file's project (a real file's,
        # unless the caller shares one); text with no file is checked on its own. Reading the
        # whole project for the tasks other modules hand into this one is for callers that
        # share a project between checks (the server, the CLI).
        self.path = real_path(Path(filename)) if filename and Path(filename).is_file() else None
        self.project = (
            project if project is not None or self.path is None else Project.of(self.path)
        )
        enabled = self.settings.enabled_codes(filename)
        self.enabled = enabled
        self.rules: list[Rule] = [
            rule(self.settings)
            for rule in all_rules()
            if rule.code in enabled and rule is not ParseError
        ]
        # What the last `check_edited` left for the next edit of the same text.
        self.last_state: Optional[FileState] = None

    # -- checking -------------------------------------------------------------------------
    def check(self, text: str, *, with_fixes: bool = False) -> CheckResult:
        source = SourceText(text)
        errors: list[str] = []
        exports: list[IncomingTask] = []
        classes: set[str] = set()
        diagnostics, tree, model = self._check_source(source, errors, exports, classes)
        if with_fixes and any(d.fixable for d in diagnostics):
            regions = _Regions(source, tree, model)
            diagnostics = [self.with_fix(regions, d, errors) for d in diagnostics]
        return CheckResult(diagnostics, errors, exports, frozenset(classes))

    def _matters_through_project(self, text: str) -> bool:
        """See Project.matters."""
        if self.project is None or self.path is None:
            return False
        return self.project.matters(self.path, text, self.settings)

    def _check_source(
        self,
        source: SourceText,
        errors: list[str],
        exports: Optional[list[IncomingTask]] = None,
        classes: Optional[set[str]] = None,
        tree: Optional[ast.Module] = None,
    ) -> Checked:
        """The diagnostics, and the tree they came from (fixes reuse it) when it parsed.
        `exports` receives the tasks this file hands into other modules, `classes` the names
        of the Thread/Process subclasses it defines; `tree` is the text's, when parsed."""
        if not could_matter(source.text, self.settings) and not self._matters_through_project(
            source.text
        ):
            return [], None, None
        with collector_paused():
            return self._analyse(source, errors, exports, classes, tree)

    def _analyse(
        self,
        source: SourceText,
        errors: list[str],
        exports: Optional[list[IncomingTask]],
        classes: Optional[set[str]],
        tree: Optional[ast.Module] = None,
    ) -> Checked:
        if tree is None:
            try:
                tree = ast.parse(source.text, filename=self.filename or "<unknown>")
            except SyntaxError as exc:
                problem = SyntaxProblem(exc.msg, exc.lineno or 1, exc.offset or 0)
                message = describe_syntax_error(source, problem)
                return self._parse_error(source, message, exc.lineno or 1, exc.offset), None, None
            except (ValueError, RecursionError, MemoryError) as exc:
                message = "source contains null bytes" if "null" in str(exc) else str(exc)
                if isinstance(exc, RecursionError):
                    message = "too deeply nested to parse"
                return self._parse_error(source, message, 1, None), None, None
        refused = compiler_refusal(source.text, self.filename)
        if refused is not None:
            return (
                self._parse_error(source, refused.msg, refused.lineno or 1, refused.offset),
                None,
                None,
            )
        model = self._model(source, tree, errors)
        if model is None or isinstance(model, list):
            return (model or []), tree, None
        module = (
            self.project.add(self.path, source.text, model)
            if self.project is not None and self.path is not None
            else None
        )
        ctx = CheckContext(self.filename, source, tree, model, self.settings, self.project, module)
        found = self._run_rules(ctx, errors)
        if classes is not None:
            classes.update(worker_class_names(model))
        if exports is not None and module is not None:
            try:
                exports.extend(outgoing_tasks(ctx.effects))
            except Exception as exc:
                log.exception("listing the hand-offs of %s crashed", self.filename)
                errors.append(f"{self.filename}: internal error: {type(exc).__name__}: {exc}")
        return with_fix_scopes(self._kept(source, found), tree), tree, model

    def _model(
        self, source: SourceText, tree: ast.Module, errors: list[str]
    ) -> Union[ConcurrencyModel, list[Diagnostic], None]:
        """The model of `tree`; a PAR000 list when it is too deep, None when it crashed."""
        try:
            package = self.project.package(self.path) if self.project and self.path else None
            project = self.project
            return build_model(
                tree,
                self.filename or "<module>",
                package,
                project.worker_class if project is not None else None,
                project.defines if project is not None else None,
            )
        except RecursionError:
            return self._parse_error(source, "too deeply nested to analyse", 1, None)
        except Exception as exc:
            log.exception("building the model crashed on %s", self.filename)
            errors.append(
                f"{self.filename or '<stdin>'}: internal error: {type(exc).__name__}: {exc}"
            )
            return None

    def _run_rules(self, ctx: CheckContext, errors: list[str]) -> list[Diagnostic]:
        found: list[Diagnostic] = []
        for rule in self.rules:
            try:
                found.extend(rule.check(ctx))
            except Exception as exc:
                log.exception("rule %s crashed on %s", rule.code, self.filename)
                errors.append(f"{self.filename or '<stdin>'}: {RuleCrash(rule.code, exc)}")
        return found

    @staticmethod
    def _kept(source: SourceText, found: list[Diagnostic]) -> list[Diagnostic]:
        """The findings no `noqa` suppresses, in order, each once."""
        suppressions = Suppressions(source)
        kept = [d for d in found if not suppressions.suppressed(d)]
        kept.sort(key=lambda d: (d.location, d.code, d.end_location))
        return _unique(kept)

    # -- checking an edited text again ----------------------------------------------------
    def check_edited(
        self, text: str, state: Optional[FileState]
    ) -> tuple[CheckResult, Optional[FileState], bool]:
        """`check(text)` for a text that is an edit of the one `state` was left by: only the
        statements the edit touched are analysed again when nothing else can see the change
        (see parlint.incremental). Returns the result, the state for the next edit, and
        whether the check was partial."""
        errors: list[str] = []
        if state is None or state.used or state.settings != self.settings:
            return self._check_keeping(text, errors, None), self.last_state, False
        state.used = True
        spliced = (
            splice(state.tree, state.lines, text, self.filename or "<unknown>", state.lag)
            if could_matter(text, self.settings)
            else None
        )
        if spliced is None or "nonlocal" in text:
            return self._check_keeping(text, errors, None), self.last_state, False
        lags = carried_lags(state, spliced)
        source = SourceText(text)
        with collector_paused():
            incoming = self._incoming_functions()
            planned = plan(state, spliced, source, incoming)
            partial = (
                self._check_part(source, state, planned, lags, incoming, errors)
                if planned is not None
                else None
            )
        if partial is None:
            for stmt in spliced.tree.body:
                if lags.get(id(stmt)):
                    shift(stmt, lags[id(stmt)])
            result = self._check_keeping(text, errors, spliced)
            return result, self.last_state, False
        diagnostics, new_state = partial
        return CheckResult(diagnostics, errors, [], frozenset()), new_state, True

    def _check_keeping(
        self, text: str, errors: list[str], spliced: Optional[Splice]
    ) -> CheckResult:
        """A full check that leaves the state for the next edit in `last_state`."""
        self.last_state = None
        source = SourceText(text)
        if not could_matter(text, self.settings) and not self._matters_through_project(text):
            return CheckResult([], errors, [], frozenset())
        with collector_paused():
            diagnostics, tree, model = self._analyse(
                source, errors, None, None, spliced.tree if spliced else None
            )
        if tree is not None and model is not None:
            lines = spliced.lines if spliced else split_lines(text)
            self.last_state = build_state(
                self.settings,
                lines,
                tree,
                model,
                diagnostics,
                self._layout_sensitive(diagnostics),
                guard_plan(model) is not None,
            )
        return CheckResult(diagnostics, errors, [], frozenset())

    def _layout_sensitive(self, diagnostics: list[Diagnostic]) -> bool:
        for d in diagnostics:
            rule = self._rule(d)
            if d.code in LAYOUT_CODES or (rule is not None and rule.fix_needs_whole_module(d)):
                return True
        return False

    def _incoming_functions(self) -> frozenset[str]:
        """The functions of this file other modules hand off (this file's own hand-offs into
        others are read again only when another file needs them)."""
        if self.project is None or self.path is None:
            return frozenset()
        with self.project.deferring(self.path):
            return frozenset(t.function for t in self.project.incoming_at(self.path, self.settings))

    def _check_part(
        self,
        source: SourceText,
        state: FileState,
        planned: Plan,
        lags: dict[int, int],
        incoming: frozenset[str],
        errors: list[str],
    ) -> Optional[tuple[list[Diagnostic], FileState]]:
        """The planned partial check, merged with the findings kept; None when the analysis
        shows the rest of the module could see the change after all."""
        spliced = planned.splice
        new_state = FileState(
            self.settings,
            spliced.lines,
            spliced.tree,
            [],
            state.layout_sensitive,
            state.import_work,
            lags,
        )
        for stmt in planned.module.body:
            new_state.settle(stmt)
        for stmt in _prelude(spliced.tree.body):
            new_state.settle(stmt)
        # The partial model indexes the statements it reads; the models kept for the others
        # still see them as statements of the module they were analysed in, once it is done.
        parents = [(stmt, parent(stmt)) for stmt in planned.module.body]
        try:
            analysed = self._analyse_part(source, state, planned, incoming)
        finally:
            for stmt, owner in parents:
                if owner is not None:
                    stmt._parlint_parent = owner  # type: ignore[attr-defined]
        if analysed is None:
            return None
        found, model = analysed
        first, last = planned.rows
        own = [d for d in found if first <= d.location.row and d.end_location.row <= last]
        after = (
            spliced.changed_old[1]
            if spliced.changed_old[1] >= spliced.changed_old[0]
            else (spliced.changed_old[0] - 1)
        )
        records: list[Record] = []
        kept_all: list[Diagnostic] = []
        new_ids = {id(s) for s in planned.new}
        by_node = {id(r.node): r for r in planned.kept_records}
        for stmt in spliced.tree.body:
            if id(stmt) in new_ids:
                records.append(Record(stmt, model, []))
                continue
            record = by_node[id(stmt)]
            shifted = [
                moved(d, after, spliced.delta, self._whole_module(d)) for d in record.diagnostics
            ]
            records.append(Record(stmt, record.model, shifted, record.facts))
            kept_all.extend(shifted)
        mine = self._kept(source, own)
        firsts = [new_state.rows(r.node)[0] for r in records]
        for d in mine:
            index = bisect.bisect_right(firsts, d.location.row) - 1
            if index < 0:
                return None
            records[index].diagnostics.append(d)
        merged = self._kept_order(kept_all + mine)
        merged = with_fix_scopes(merged, spliced.tree, new_state.rows)
        # The records hold the findings as published (with their fix scopes).
        placed = {(d.code, d.location, d.end_location): d for d in merged}
        for record in records:
            record.diagnostics = [
                placed[(d.code, d.location, d.end_location)] for d in record.diagnostics
            ]
        new_state.records = records
        new_state.layout_sensitive = state.layout_sensitive or self._layout_sensitive(mine)
        return merged, new_state

    def _analyse_part(
        self, source: SourceText, state: FileState, planned: Plan, incoming: frozenset[str]
    ) -> Optional[tuple[list[Diagnostic], ConcurrencyModel]]:
        """The findings of the partial module and its model, or None when the partial check
        cannot stand in for a full one."""
        part_errors: list[str] = []
        model = self._model(source, planned.module, part_errors)
        if not isinstance(model, ConcurrencyModel) or part_errors:
            return None
        in_part = {id(stmt) for stmt in planned.module.body}
        model.rest = rest_of_module([r for r in planned.kept_records if id(r.node) not in in_part])
        module = (
            self.project.unregistered(self.path, source, model)
            if self.project is not None and self.path is not None
            else None
        )
        ctx = CheckContext(
            self.filename, source, planned.module, model, self.settings, self.project, module
        )
        if self.project is not None and self.path is not None:
            with self.project.deferring(self.path):
                found = self._run_rules(ctx, part_errors)
        else:
            found = self._run_rules(ctx, part_errors)
        if part_errors or not confirm(state, planned, model, incoming):
            return None
        return found, model

    def _whole_module(self, diagnostic: Diagnostic) -> bool:
        rule = self._rule(diagnostic)
        return rule is not None and rule.fix_needs_whole_module(diagnostic)

    @staticmethod
    def _kept_order(diagnostics: list[Diagnostic]) -> list[Diagnostic]:
        diagnostics = sorted(diagnostics, key=lambda d: (d.location, d.code, d.end_location))
        return _unique(diagnostics)

    def _parse_error(
        self, source: SourceText, message: str, row: int, offset: Optional[int]
    ) -> list[Diagnostic]:
        if ParseError.code not in self.enabled:
            return []
        return [parse_error_diagnostic(source, message, row, offset)]

    # -- fixing ---------------------------------------------------------------------------
    def with_fix(self, regions: _Regions, diagnostic: Diagnostic, errors: list[str]) -> Diagnostic:
        rule = self._rule(diagnostic)
        if rule is None or not diagnostic.fixable:
            return diagnostic
        try:
            edits = self._fix_edits(rule, regions, diagnostic)
        except UnparsableForFixes as exc:
            log.debug("no %s fix in %s: libcst cannot parse it (%s)", rule.code, self.filename, exc)
            edits = ()
        except Exception as exc:
            log.exception("fix for %s crashed on %s", rule.code, self.filename)
            errors.append(f"{self.filename or '<stdin>'}: fix for {RuleCrash(rule.code, exc)}")
            edits = ()
        if not edits:
            return replace(diagnostic, fix_applicability=None, fix_title=None)
        assert diagnostic.fix_applicability is not None
        fix = Fix(diagnostic.fix_applicability, diagnostic.fix_title or "", tuple(edits))
        return replace(diagnostic, fix=fix)

    def build_alternative(
        self, text: str, diagnostic: Diagnostic, index: int
    ) -> tuple[Diagnostic, list[str]]:
        """One of a diagnostic's alternative fixes, built like its main fix."""
        title, data = diagnostic.alternatives[index]
        variant = replace(diagnostic, fix_data=data, fix_title=title, fix=None)
        return self.build_fix(text, variant)

    def build_fix(self, text: str, diagnostic: Diagnostic) -> tuple[Diagnostic, list[str]]:
        """One diagnostic (found in `text`) with its fix built: what an editor asks for."""
        errors: list[str] = []
        if isinstance(diagnostic.fix_data, Rederive):
            planned = self._replanned(text, diagnostic, errors)
            if planned is None:
                return replace(diagnostic, fix_applicability=None, fix_title=None), errors
            diagnostic = planned
        return self.with_fix(_Regions(SourceText(text)), diagnostic, errors), errors

    def _replanned(
        self, text: str, diagnostic: Diagnostic, errors: list[str]
    ) -> Optional[Diagnostic]:
        """The finding with the fix plan a full check of `text` gives it (its kept plan held
        rows an edit moved), or None when the full check does not find it."""
        key = (diagnostic.code, diagnostic.location, diagnostic.end_location)
        for found in self.check(text).diagnostics:
            if (found.code, found.location, found.end_location) == key:
                fix_data = found.fix_data
                if diagnostic.fix_title != found.fix_title and found.alternatives:
                    # an alternative was asked for: the one with the same title
                    for title, data in found.alternatives:
                        if title == diagnostic.fix_title:
                            fix_data = data
                return replace(diagnostic, fix_data=fix_data, alternatives=found.alternatives)
        errors.append(
            f"{self.filename or '<stdin>'}: the {diagnostic.code} fix could not be planned again"
        )
        return None

    def fix(self, text: str, *, unsafe: bool = False) -> FixResult:
        """Apply fixes, re-check, repeat until nothing more applies (bounded)."""
        allowed = {Applicability.SAFE, Applicability.UNSAFE} if unsafe else {Applicability.SAFE}
        fixed: list[Diagnostic] = []
        errors: list[str] = []
        passes = 0
        budget = MAX_FIX_PASSES
        parsed: Optional[ast.Module] = None  # the fixed text's tree, parsed to validate it
        while passes < budget:
            passes += 1
            source = SourceText(text)
            diagnostics, tree, model = self._check_source(source, errors, tree=parsed)
            candidates = [d for d in diagnostics if d.fix_applicability in allowed]
            if not candidates:
                return FixResult(text, fixed, diagnostics, errors)
            applied, edits, deferred = self._one_pass(
                _Regions(source, tree, model), candidates, errors
            )
            if deferred:
                budget = min(budget + 1, MAX_MODULE_FIX_PASSES)
            if not applied:
                return FixResult(text, fixed, diagnostics, errors)
            new_text = apply_edits(source, edits)
            if new_text == text:
                return FixResult(text, fixed, diagnostics, errors)
            try:
                parsed = ast.parse(new_text, filename=self.filename or "<unknown>")
            except (SyntaxError, ValueError) as exc:
                codes = ", ".join(sorted({d.code for d in applied}))
                errors.append(
                    f"{self.filename or '<stdin>'}: fixes for {codes} produced invalid code "
                    f"({exc}); not applied"
                )
                return FixResult(text, fixed, diagnostics, errors)
            fixed.extend(applied)
            text = new_text
        final, _, _ = self._check_source(SourceText(text), errors, tree=parsed)
        return FixResult(text, fixed, final, errors)

    def _one_pass(
        self, regions: _Regions, candidates: list[Diagnostic], errors: list[str]
    ) -> tuple[list[Diagnostic], tuple[Edit, ...], bool]:
        """The fixes of one pass that do not touch each other, and their edits. Their import
        changes are joined and written once, checked against all their rewrites (an import
        one fix leaves unused may be read by another's). Fixes that rewrite module-level
        code go one per pass. Returns (applied, edits, whether some fix was put off)."""
        source = regions.source
        taken: list[tuple[int, int]] = []
        edits: list[Edit] = []
        applied: list[Diagnostic] = []
        changes = ImportChanges()
        changing: list[Diagnostic] = []
        module_wide = deferred = False
        for diagnostic in candidates:
            rule = self._rule(diagnostic)
            if rule is None or not diagnostic.fixable:
                continue
            wide = rule.fix_needs_whole_module(diagnostic)
            if wide and module_wide:
                deferred = True
                continue
            try:
                parts = self._statement_edits(rule, regions, diagnostic)
            except UnparsableForFixes:
                continue  # shown without a fix (see with_fix)
            except Exception as exc:
                log.exception("fix for %s crashed on %s", rule.code, self.filename)
                errors.append(f"{self.filename or '<stdin>'}: fix for {RuleCrash(rule.code, exc)}")
                continue
            if parts is None or not parts[0]:
                continue
            found, asked = parts
            spans = [edit_offsets(source, e) for e in found]
            if overlaps(taken, spans):
                continue  # the next pass re-checks and fixes it
            module_wide = module_wide or wide
            taken.extend(spans)
            edits.extend(found)
            assert diagnostic.fix_applicability is not None
            fix = Fix(diagnostic.fix_applicability, diagnostic.fix_title or "", found)
            applied.append(replace(diagnostic, fix=fix))
            if asked:
                changes.add.extend(asked.add)
                changes.remove.extend(asked.remove)
                changing.append(diagnostic)
        if not changes:
            return applied, tuple(edits), deferred
        joined = self._with_imports(regions, tuple(edits), changes, changing[0])
        if joined is not None:
            return applied, joined, deferred
        # The imports need libcst: this pass applies the first import-changing fix alone.
        first = self.with_fix(regions, changing[0], errors)
        if first.fix is None:
            return [], (), deferred
        return [first], first.fix.edits, True

    def _rule(self, diagnostic: Diagnostic) -> Optional[Rule]:
        return next((r for r in self.rules if r.code == diagnostic.code), None)

    @staticmethod
    def _statement_edits(
        rule: Rule, regions: _Regions, diagnostic: Diagnostic
    ) -> Optional[tuple[tuple[Edit, ...], ImportChanges]]:
        """A fix's rewrite in its region's libcst tree, and the import changes it asks for."""
        simple = rule.fix_text(regions.source, diagnostic)
        if simple is not None:
            return simple
        fctx = regions.context(diagnostic, whole=rule.fix_needs_whole_module(diagnostic))
        fctx.imports = ImportChanges()
        new_module = rule.fix(fctx, diagnostic)
        changes, fctx.imports = fctx.imports, ImportChanges()
        if new_module is None:
            return None
        return fctx.edits(new_module), changes

    @staticmethod
    def _with_imports(
        regions: _Regions,
        edits: tuple[Edit, ...],
        changes: ImportChanges,
        diagnostic: Diagnostic,
    ) -> Optional[tuple[Edit, ...]]:
        """`edits` with the import lines `changes` asks for, written as text from the `ast`
        tree; an import whose name other code still reads stays. None when the imports are
        in a shape only libcst handles."""

        def reads(spec: RemovalSpec) -> Reads:
            # The check's tree when this pass has it; else what the fix's plan carried.
            local = local_name(spec)
            if regions.tree is None and local in changes.reads:
                return changes.reads[local]
            return tuple(regions.name_uses().get(local, ()))

        changes = ImportChanges(
            list(dict.fromkeys(changes.add)),
            [
                spec
                for spec in dict.fromkeys(changes.remove)
                if not still_used(regions.source, reads(spec), spec, edits)
            ],
        )
        tree, prelude = regions.import_tree(diagnostic)
        extra = import_edits(regions.source, tree, changes, prelude)
        if extra is None:
            return None
        return merge_edits(regions.source, [*edits, *extra])

    def _fix_edits(self, rule: Rule, regions: _Regions, diagnostic: Diagnostic) -> tuple[Edit, ...]:
        """The edits of one fix: its statement rewritten in its region's libcst tree, and the
        imports it changes as text edits from the `ast` tree; when the imports are not in a
        shape those cover, the fix is built again over the whole module and libcst writes
        them."""
        parts = self._statement_edits(rule, regions, diagnostic)
        if parts is None:
            return ()
        edits, changes = parts
        if not changes or not edits:
            return edits
        joined = self._with_imports(regions, edits, changes, diagnostic)
        if joined is not None:
            return joined
        from parlint.fixes.cst import update_imports

        whole = regions.context(diagnostic, whole=True)
        whole.imports = ImportChanges()
        new_module = rule.fix(whole, diagnostic)
        if new_module is None:
            return ()
        changes, whole.imports = whole.imports, ImportChanges()
        return whole.edits(update_imports(new_module, changes.add, changes.remove))


class _Regions:
    """One libcst context per top-level statement that holds a fix (see FixContext)."""

    def __init__(
        self,
        source: SourceText,
        tree: Optional[ast.Module] = None,
        model: Optional[ConcurrencyModel] = None,
    ) -> None:
        self.source = source
        self.tree = tree  # the check's tree, when there was one: not parsed again
        self.model = model  # and its model, whose index of name reads fixes reuse
        self.contexts: dict[tuple[int, int], FixContext] = {}
        self._spans: Optional[list[tuple[int, int]]] = None
        self._uses: Optional[dict[str, list[tuple[int, int]]]] = None

    def name_uses(self) -> dict[str, list[tuple[int, int]]]:
        if self._uses is None:
            tree = self.ast_tree()
            self._uses = model_name_uses(self.model) if self.model else name_uses(tree)
        return self._uses

    def ast_tree(self) -> ast.Module:
        if self.tree is None:
            self.tree = ast.parse(self.source.text)
        return self.tree

    def import_tree(
        self, diagnostic: Diagnostic
    ) -> tuple[ast.Module, Optional[tuple[int, Optional[int]]]]:
        """What import edits read: the module's tree when this pass has it, else the tree of
        the prelude the check noted (its rows parse alone: they end a top-level statement),
        with that prelude's rows."""
        scope = diagnostic.fix_scope
        if self.tree is not None or scope is None:
            return self.ast_tree(), None
        end = self.source.line_start(scope.prelude_end + 1)
        if scope.prelude_end >= self.source.line_count:
            end = len(self.source.text)
        try:
            return ast.parse(self.source.text[:end]), (scope.prelude_end, scope.code_row)
        except (SyntaxError, ValueError):
            return self.ast_tree(), None

    def _top_level_spans(self) -> list[tuple[int, int]]:
        if self._spans is None:
            self._spans = top_level_spans(self.ast_tree())
        return self._spans

    def context(self, diagnostic: Diagnostic, whole: bool = False) -> FixContext:
        row = diagnostic.location.row
        region = (1, self.source.line_count)
        scope = diagnostic.fix_scope
        if whole:
            pass
        elif scope is not None and self.tree is None:
            region = scope.region or region  # noted by the check: no need to parse again
        else:
            for first, last in self._top_level_spans():
                if first <= row <= last and diagnostic.end_location.row <= last:
                    region = (first, last)
                    break
        if region not in self.contexts:
            self.contexts[region] = FixContext(self.source, *region)
        return self.contexts[region]


# Compound statements at column 0 parse on their own; simple ones may need their neighbours
# (a fix that appends to the module body), so they get the whole module.
_REGION_TYPES = (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef, ast.If, ast.For,
                 ast.AsyncFor, ast.While, ast.With, ast.AsyncWith, ast.Try)  # fmt: skip


def _decorators(stmt: ast.stmt) -> list[ast.expr]:
    return list(getattr(stmt, "decorator_list", []))


@contextmanager
def collector_paused() -> Iterator[None]:
    """Python's cycle collector paused while one file is parsed and analysed. A tree is
    hundreds of thousands of objects, all alive until the check ends, and every collection
    walks them again: on a 30,000-line file the collector took more time than the parse
    (its cycles, parents and children, are collected once it resumes)."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def top_level_spans(
    tree: ast.Module, rows: Optional[Callable[[ast.stmt], tuple[int, int]]] = None
) -> list[tuple[int, int]]:
    """The rows of each top-level statement a fix can rewrite on its own (see FixContext);
    `rows` gives a statement's rows when its nodes may lag behind the text."""
    spans = []
    for stmt in tree.body:
        if isinstance(stmt, _REGION_TYPES):
            if rows is not None:
                spans.append(rows(stmt))
                continue
            first = min([stmt.lineno, *(d.lineno for d in _decorators(stmt))])
            spans.append((first, stmt.end_lineno or stmt.lineno))
    return spans


def _prelude(body: list[ast.stmt]) -> list[ast.stmt]:
    """The opening docstring and imports, and the statement after them (`prelude_rows`)."""
    for index, stmt in enumerate(body):
        if not isinstance(stmt, (ast.Import, ast.ImportFrom, ast.Expr)):
            return body[: index + 1]
    return body


def with_fix_scopes(
    diagnostics: list[Diagnostic],
    tree: ast.Module,
    rows: Optional[Callable[[ast.stmt], tuple[int, int]]] = None,
) -> list[Diagnostic]:
    """The fixable findings with the rows their fixes work in (see FixScope)."""
    if not any(d.fixable for d in diagnostics):
        return diagnostics
    spans = top_level_spans(tree, rows)
    starts = [first for first, _ in spans]
    prelude_end, code_row = prelude_rows(tree.body)
    result = []
    for diagnostic in diagnostics:
        if diagnostic.fixable:
            region: Optional[tuple[int, int]] = None
            index = bisect.bisect_right(starts, diagnostic.location.row) - 1
            if index >= 0 and diagnostic.end_location.row <= spans[index][1]:
                region = spans[index]
            diagnostic = replace(diagnostic, fix_scope=FixScope(region, prelude_end, code_row))
        result.append(diagnostic)
    return result


def compiler_refusal(text: str, filename: Optional[str]) -> Optional[SyntaxError]:
    """The error Python's compiler raises for code `ast.parse` accepts, where it matters.

    A `nonlocal` at module level parses, but Python will not run the file and libcst's scope
    analysis (which fixes use) raises on it. Only files that mention `nonlocal` pay for the
    symbol-table pass, which reads the text again.
    """
    if "nonlocal" not in text:
        return None
    try:
        symtable.symtable(text, filename or "<unknown>", "exec")
    except SyntaxError as exc:
        return exc
    except (ValueError, RecursionError, MemoryError):
        return None  # what `ast.parse` accepted; the analysis reports its own limits
    return None


def parse_error_diagnostic(
    source: SourceText, message: str, row: int, offset: Optional[int]
) -> Diagnostic:
    row = min(max(row, 1), source.line_count)
    line = source.line(row)
    column = min(max(offset or 1, 1), len(line) + 1)
    return Diagnostic(
        code=ParseError.code,
        name=ParseError.name,
        message=f"Cannot parse: {message}",
        severity=Severity.ERROR,
        location=Location(row, column),
        end_location=Location(row, column),
        noqa_row=None,
        url=ParseError.url(),
    )


def _unique(diagnostics: list[Diagnostic]) -> list[Diagnostic]:
    seen: set[tuple[str, Location, Location]] = set()
    result = []
    for d in diagnostics:
        key = (d.code, d.location, d.end_location)
        if key not in seen:
            seen.add(key)
            result.append(d)
    return result


def decode(data: bytes) -> tuple[Optional[str], Optional[Encoding], Optional[Diagnostic]]:
    """Bytes to text; a file that cannot be decoded becomes a PAR000 diagnostic."""
    try:
        text, encoding = decode_source(data)
    except SourceDecodeError as exc:
        return (
            None,
            None,
            Diagnostic(
                code=ParseError.code,
                name=ParseError.name,
                message=f"Cannot read: {exc}",
                severity=Severity.ERROR,
                location=Location(exc.line, 1),
                end_location=Location(exc.line, 1),
                url=ParseError.url(),
            ),
        )
    return text, encoding, None
