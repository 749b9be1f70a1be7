"""The rule pages (docs/, written from the rules) are current, the documentation site builds
from them, and every diagnostic links to a page that exists (or where `docs-url` says)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from test_cli import parlint

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "scripts"))

import build_docs  # noqa: E402

from parlint.rules.registry import all_rules  # noqa: E402

ARGS = 'import threading\n\nt = threading.Thread(target=print, args=("x"))\nt.start()\nt.join()\n'


def test_the_rule_pages_are_what_the_rules_say() -> None:
    assert build_docs.stale() == [], "run: python scripts/build_docs.py"


def test_the_site_builds_strictly_with_a_page_per_rule(tmp_path: Path) -> None:
    built = build_docs.build_site(tmp_path / "site")
    assert built.returncode == 0, built.stderr
    for rule in all_rules():
        page = (tmp_path / "site" / "rules" / rule.code / "index.html").read_text()
        assert rule.name in page


def test_diagnostic_links_point_at_the_rule_pages_or_the_configured_site(tmp_path: Path) -> None:
    (tmp_path / "m.py").write_text(ARGS)
    out = parlint("check", "--output-format", "json", "m.py", cwd=tmp_path)
    (item,) = json.loads(out.stdout)
    prefix = "https://github.com/parlint/parlint/blob/main/"
    assert item["url"].startswith(prefix)
    assert (ROOT / item["url"].removeprefix(prefix)).is_file()
    (tmp_path / "pyproject.toml").write_text(
        '[tool.parlint]\ndocs-url = "https://docs.example/{code}-{name}.html"\n'
    )
    out = parlint("check", "--output-format", "json", "m.py", cwd=tmp_path)
    (item,) = json.loads(out.stdout)
    assert item["url"] == "https://docs.example/PAR502-args-not-tuple.html"
    (tmp_path / "pyproject.toml").write_text('[tool.parlint]\ndocs-url = "https://x/"\n')
    bad = parlint("check", "m.py", cwd=tmp_path)
    assert bad.returncode == 2 and "docs-url" in bad.stderr and "{code}" in bad.stderr


def test_the_script_checks_from_the_command_line() -> None:
    checked = subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "build_docs.py"), "--check"],
        capture_output=True,
        text=True,
    )
    assert checked.returncode == 0, checked.stderr
