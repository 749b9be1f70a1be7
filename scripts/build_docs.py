"""The rule pages, written from the rules' own documentation and examples, and the static
documentation site built from them with MkDocs.

    python scripts/build_docs.py            # write docs/ and mkdocs.yml, build site/
    python scripts/build_docs.py --check    # fail when docs/ is not what the rules say

docs/ is kept in the repository (the diagnostics' default link points at a rule's page there);
site/ is built, not kept, and not published from here.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
from pathlib import Path

from parlint.rules.base import Rule
from parlint.rules.registry import all_rules

ROOT = Path(__file__).resolve().parents[1]
DOCS = ROOT / "docs"
HEADER = (
    "<!-- Written by scripts/build_docs.py from the rule's class: edit the rule, not this. -->\n"
)


def rule_page(rule: type[Rule]) -> str:
    parts = [HEADER, f"# {rule.code} {rule.name}\n", f"Severity: **{rule.severity.value}**."]
    if rule.fix_title:
        applicability = rule.fix_applicability.value if rule.fix_applicability else "none"
        parts.append(f"Fix: {rule.fix_title} ({applicability}).")
    parts.append("")
    parts.append(rule.docs().strip() + "\n")
    if rule.invalid or rule.valid:
        parts.append("## Examples\n")
    for number, example in enumerate(rule.invalid, start=1):
        parts.append(f"Flagged ({number}):\n\n```python\n{example.code.strip()}\n```\n")
        if example.fixed is not None:
            parts.append(f"After the fix:\n\n```python\n{example.fixed.strip()}\n```\n")
    for number, code in enumerate(rule.valid, start=1):
        parts.append(f"Not flagged ({number}):\n\n```python\n{code.strip()}\n```\n")
    return "\n".join(parts).rstrip() + "\n"


def index_page(rules: list[type[Rule]]) -> str:
    rows = "\n".join(
        f"| [{r.code}](rules/{r.code}.md) | {r.name} | {r.severity.value} | {r.summary()} |"
        for r in rules
    )
    return (
        f"{HEADER}\n# parlint rules\n\nparlint finds concurrency mistakes in Python code and "
        "rewrites them. Each rule's page says what it flags, why it is a problem, what its fix "
        "does and how safe it is, with examples.\n\n"
        f"| code | name | severity | what it flags |\n| --- | --- | --- | --- |\n{rows}\n"
    )


def mkdocs_config(rules: list[type[Rule]]) -> str:
    nav = "\n".join(f"      - {r.code} {r.name}: rules/{r.code}.md" for r in rules)
    # Hand-written pages: the free-threading guide and the audit reports it links to.
    audits = sorted((DOCS / "audits").glob("*.md")) if (DOCS / "audits").is_dir() else []
    audit_nav = "".join(f"      - {p.stem}: audits/{p.name}\n" for p in audits)
    return (
        "# Written by scripts/build_docs.py.\n"
        "site_name: parlint\n"
        "site_description: Python concurrency mistakes, found and fixed\n"
        "docs_dir: docs\n"
        "site_dir: site\n"
        "strict: true\n"
        "nav:\n"
        "  - Rules: index.md\n"
        "  - Free-threading readiness: free-threading.md\n"
        + ("  - Audit reports:\n" + audit_nav if audit_nav else "")
        + "  - Rule pages:\n"
        f"{nav}\n"
    )


def expected() -> dict[Path, str]:
    rules = sorted(all_rules(), key=lambda r: r.code)
    files = {DOCS / "index.md": index_page(rules), ROOT / "mkdocs.yml": mkdocs_config(rules)}
    files.update({DOCS / "rules" / f"{r.code}.md": rule_page(r) for r in rules})
    return files


def stale() -> list[str]:
    """The generated files that differ from what the rules say (or are extra)."""
    files = expected()
    found = [str(p.relative_to(ROOT)) for p, text in files.items() if _read(p) != text]
    pages = set((DOCS / "rules").glob("*.md")) if (DOCS / "rules").is_dir() else set()
    found += [str(p.relative_to(ROOT)) for p in sorted(pages - set(files))]
    return found


def _read(path: Path) -> str | None:
    return path.read_text(encoding="utf-8") if path.exists() else None


def write() -> None:
    (DOCS / "rules").mkdir(parents=True, exist_ok=True)
    files = expected()
    for page in (DOCS / "rules").glob("*.md"):
        if page not in files:
            page.unlink()
    for path, text in files.items():
        path.write_text(text, encoding="utf-8")


def build_site(site_dir: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "--site-dir", str(site_dir)],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="only check docs/ is up to date")
    args = parser.parse_args()
    if args.check:
        differing = stale()
        for name in differing:
            print(f"out of date: {name} (run python scripts/build_docs.py)", file=sys.stderr)
        return 1 if differing else 0
    write()
    built = build_site(ROOT / "site")
    sys.stderr.write(built.stderr)
    return built.returncode


if __name__ == "__main__":
    raise SystemExit(main())
