"""Every rule's embedded examples and documentation, checked the way users meet them."""

from __future__ import annotations

import ast
import re

import pytest
from fake_env import fake_interpreter

from parlint import check_source, fix_source
from parlint.config import Settings
from parlint.rules import Invalid, Rule, all_rules

RULES = all_rules()
SECTIONS = (
    "## What it does",
    "## Why is this bad?",
    "## Example",
    "Use instead:",
    "## Fix safety",
    "## Options",
    "## References",
)


def _examples(kind: str) -> list[pytest.param]:
    params = []
    for rule in RULES:
        for index, example in enumerate(getattr(rule, kind)):
            params.append(pytest.param(rule, example, id=f"{rule.code}-{kind}-{index}"))
    return params


def _codes(source: str, settings: Settings | None = None) -> list[str]:
    return [d.code for d in check_source(source, config=settings, fixes=False)]


def _enabling(rule: type[Rule]) -> Settings:
    """The default settings with `rule` selected (the free-threading family is opt-in);
    PAR704 reads the packages of an interpreter whose packages are known (fake_env.py)."""
    python = fake_interpreter() if rule.code == "PAR704" else None
    return Settings(extend_select=(rule.code,), python=python)


@pytest.mark.parametrize(("rule", "example"), _examples("valid"))
def test_valid_example_is_not_flagged(rule: type[Rule], example: str) -> None:
    assert rule.code not in _codes(example, _enabling(rule))


@pytest.mark.parametrize(("rule", "example"), _examples("invalid"))
def test_invalid_example_is_flagged_and_fixed(rule: type[Rule], example: Invalid) -> None:
    found = [d for d in check_source(example.code, config=_enabling(rule)) if d.code == rule.code]
    assert found, f"{rule.code} does not flag its invalid example"
    if example.fixed is None:
        return
    assert all(d.fixable for d in found)
    only = Settings(select=(rule.code,))
    fixed = fix_source(example.code, config=only, unsafe=True)
    assert fixed == example.fixed
    ast.parse(fixed)
    assert rule.code not in _codes(fixed)
    assert fix_source(fixed, config=only, unsafe=True) == fixed


def _block(docs: str, after: str) -> str:
    section = docs.split(after, 1)[1]
    match = re.search(r"```python\n(.*?)```", section, re.DOTALL)
    assert match, f"no python block after {after!r}"
    return match.group(1)


@pytest.mark.parametrize("rule", RULES, ids=[r.code for r in RULES])
def test_rule_documentation_and_metadata(rule: type[Rule]) -> None:
    docs = rule.docs()
    positions = [docs.find(section) for section in SECTIONS]
    assert all(p >= 0 for p in positions), f"{rule.code} lacks a doc section"
    assert positions == sorted(positions), f"{rule.code} doc sections out of order"
    assert re.fullmatch(r"PAR\d{3}", rule.code)
    assert re.fullmatch(r"[a-z]+(-[a-z]+)*", rule.name)
    assert rule.severity is not None and rule.message and rule.family
    if rule.code != "PAR000":
        assert rule.valid and rule.invalid, f"{rule.code} needs valid and invalid examples"
    assert rule.code in _codes(_block(docs, "## Example"), _enabling(rule))
    assert rule.code not in _codes(_block(docs, "Use instead:"), _enabling(rule))
    assert (rule.fix_applicability is None) == (rule.fix_title is None)


def test_codes_and_names_are_unique() -> None:
    codes = [r.code for r in RULES]
    names = [r.name for r in RULES]
    assert len(set(codes)) == len(codes)
    assert len(set(names)) == len(names)
    assert {"PAR000", "PAR101", "PAR104", "PAR105", "PAR501", "PAR502"} <= set(codes)
