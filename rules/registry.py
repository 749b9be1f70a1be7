"""Every rule parlint has, in code order."""

from __future__ import annotations

from functools import cache

from parlint.rules.base import Rule


@cache
def all_rules() -> tuple[type[Rule], ...]:
    from parlint.rules import (
        calls,
        check_then_act,
        effects,
        extensions,
        free_threading,
        manual,
        parse,
        pools,
        processes,
        state,
        threads,
    )

    found: list[type[Rule]] = []
    for module in (
        parse,
        threads,
        manual,
        effects,
        extensions,
        pools,
        processes,
        calls,
        state,
        check_then_act,
        free_threading,
    ):
        for value in vars(module).values():
            if isinstance(value, type) and issubclass(value, Rule) and value is not Rule:
                if getattr(value, "code", None) and value.__module__ == module.__name__:
                    found.append(value)
    return tuple(sorted(found, key=lambda r: r.code))


def rule_codes() -> tuple[str, ...]:
    return tuple(rule.code for rule in all_rules())


def rule_by_code(code: str) -> type[Rule] | None:
    for rule in all_rules():
        if rule.code == code or rule.name == code:
            return rule
    return None
