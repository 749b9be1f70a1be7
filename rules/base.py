"""What every rule is: a class with its code, name, docs, examples, detection and fix."""

from __future__ import annotations

import ast
import inspect
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cached_property
from typing import TYPE_CHECKING, Any, ClassVar, Optional

from parlint.ftypes import Applicability, Diagnostic, Edit, Location, Related, Severity

if TYPE_CHECKING:
    import libcst as cst

    from parlint.analysis.lifecycle import Exit
    from parlint.analysis.model import ConcurrencyModel
    from parlint.analysis.project import Module, Project
    from parlint.analysis.reachability import Reach
    from parlint.analysis.task_effects import Effect, EffectAnalysis
    from parlint.config import Settings
    from parlint.fixes.edits import FixContext
    from parlint.fixes.imports import ImportChanges
    from parlint.source import SourceText

# A fix's text edits and the import changes it asks for (see `Rule.fix_text`).
TextFix = tuple[tuple[Edit, ...], "ImportChanges"]

# The rule's page in the repository (docs/ is written from the rules, scripts/build_docs.py);
# `docs-url` in the configuration points the links elsewhere (a site built from it).
DOCS_URL = "https://github.com/parlint/parlint/blob/main/docs/rules/{code}.md"


@dataclass(frozen=True)
class Invalid:
    """Code the rule must flag; `fixed` is the text after applying its fixes (unsafe too)."""

    code: str
    fixed: Optional[str] = None
    # The fix corrects what the program does (PAR502 stops splitting a string into
    # characters): the fix-safety harness then checks that it still runs, not its output.
    changes_output: bool = False


@dataclass(frozen=True)
class CheckContext:
    filename: Optional[str]
    source: SourceText
    tree: ast.Module
    model: ConcurrencyModel
    settings: Settings
    # The project the file is in (None: the text is checked on its own) and the file as one
    # of its modules.
    project: Optional[Project] = None
    module: Optional[Module] = None

    @cached_property
    def effects(self) -> EffectAnalysis:
        """The effect analysis of this file's tasks, shared by the rules that need it."""
        from parlint.analysis.task_effects import EffectAnalysis

        return EffectAnalysis(
            self.model, self.settings, self.project, self.module, source=self.source
        )

    @cached_property
    def reaches(self) -> list[Reach]:
        """The functions of this file that run on threads, with the way there."""
        from parlint.analysis.reachability import module_reaches

        return module_reaches(self.effects)

    @cached_property
    def concurrent_reaches(self) -> list[Reach]:
        """Those that run on two or more threads at once (walked alone when no rule asks
        about the others)."""
        from parlint.analysis.reachability import module_reaches

        if "reaches" in self.__dict__:
            return [r for r in self.reaches if r.concurrent]
        return module_reaches(self.effects, concurrent_only=True)

    @cached_property
    def lifecycle(self) -> dict[int, list[Exit]]:
        """Per worker (by id), the exits of its scope that leave it started and not joined."""
        from parlint.analysis.lifecycle import unjoined_exits

        return unjoined_exits(self.model)

    def span(self, node: ast.AST, end_node: Optional[ast.AST] = None) -> tuple[Location, Location]:
        return self.source.span(node, end_node)


class Rule:
    """Base class. Subclasses set the class attributes and implement `check` (and `fix`)."""

    code: ClassVar[str]
    name: ClassVar[str]
    family: ClassVar[str]
    severity: ClassVar[Severity]
    message: ClassVar[str]  # a short statement of the problem; `check` adds the evidence
    fix_title: ClassVar[Optional[str]] = None
    fix_applicability: ClassVar[Optional[Applicability]] = None
    # Fixes that change module-level statements (a definition) need the whole module.
    fix_needs_module: ClassVar[bool] = False
    valid: ClassVar[tuple[str, ...]] = ()
    invalid: ClassVar[tuple[Invalid, ...]] = ()

    def fix_needs_whole_module(self, diagnostic: Diagnostic) -> bool:
        """Whether this finding's fix rewrites module-level code: a definition it adds, or
        the statements it moves under `if __name__ == "__main__":` (a plan with `guard_from`)."""
        return self.fix_needs_module or getattr(diagnostic.fix_data, "guard_from", None) is not None

    def __init__(self, settings: Settings) -> None:
        self.settings = settings

    @classmethod
    def docs(cls) -> str:
        return inspect.cleandoc(cls.__doc__ or "")

    @classmethod
    def summary(cls) -> str:
        """The first sentence of `## What it does`."""
        text = cls.docs()
        marker = "## What it does"
        if marker in text:
            text = text.split(marker, 1)[1]
        return " ".join(text.strip().split("\n\n")[0].split())

    @classmethod
    def url(cls) -> str:
        return DOCS_URL.format(code=cls.code, name=cls.name)

    def check(self, ctx: CheckContext) -> Iterator[Diagnostic]:
        raise NotImplementedError

    def fix(self, fctx: FixContext, diagnostic: Diagnostic) -> Optional[cst.Module]:
        """The whole module with this diagnostic fixed, or None when it cannot be."""
        return None

    def fix_text(self, source: SourceText, diagnostic: Diagnostic) -> Optional[TextFix]:
        """The fix as text edits decided at check time (a line to insert, statements whose
        lines are replaced), with the imports it changes, when the code's shape allows: no
        libcst at all. None: build it with `fix`."""
        return None

    def report(
        self,
        ctx: CheckContext,
        node: ast.AST,
        message: str,
        *,
        end_node: Optional[ast.AST] = None,
        related: tuple[Related, ...] = (),
        fix_data: Any = None,
        fixable: bool = False,
        fix_title: Optional[str] = None,
        applicability: Optional[Applicability] = None,
    ) -> Diagnostic:
        """`applicability` overrides the rule's for this finding (a join that may wait
        forever is display-only)."""
        start, end = ctx.span(node, end_node)
        applicability = applicability or self.fix_applicability
        has_fix = fixable and applicability is not None
        return Diagnostic(
            code=self.code,
            name=self.name,
            message=message,
            severity=self.severity,
            location=start,
            end_location=end,
            related=related,
            fix_applicability=applicability if has_fix else None,
            fix_title=(fix_title or self.fix_title) if has_fix else None,
            fix_data=fix_data,
            noqa_row=start.row,
            url=(self.settings.docs_url or DOCS_URL).format(code=self.code, name=self.name),
        )

    def related(self, ctx: CheckContext, node: ast.AST, message: str) -> Related:
        start, end = ctx.span(node)
        return Related(message, start, end)

    def evidence(self, ctx: CheckContext, effect: Effect, message: str) -> tuple[Related, ...]:
        """The related information for an effect's evidence, in this file or another."""
        site = effect.site()
        if site is None:
            return ()
        filename, start, end = site
        if effect.origin is ctx.effects or filename is None:
            return (Related(message, start, end),)
        return (Related(message, start, end, filename),)
