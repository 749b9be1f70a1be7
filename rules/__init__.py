"""parlint's rules: one module per family (`threads`, `calls`, ...), one class per rule."""

from parlint.rules.base import CheckContext, Invalid, Rule
from parlint.rules.registry import all_rules, rule_by_code, rule_codes

__all__ = ["CheckContext", "Invalid", "Rule", "all_rules", "rule_by_code", "rule_codes"]
