"""The minimal text edits between a file and its fixed text (what `--diff`, the editor's
fix-all and the CLI write): they rebuild the new text exactly, and stay small."""

from __future__ import annotations

import pytest

from parlint.fixes.edits import apply_edits, diff_edits
from parlint.source import SourceText


def test_minimal_edits_of_a_file_of_repeated_lines_rebuild_the_new_text() -> None:
    # difflib alone is quadratic on such files (19 s for the 6,000-line benchmark file);
    # the anchored diff must still give edits that turn the old text into the new one.
    block = "def f{n}(urls):\n    for t in threads:\n        t.start()\n    return {{}}\n\n"
    old = "".join(block.format(n=n) for n in range(400))
    new_blocks = []
    for n in range(400):
        text = block.format(n=n)
        if n % 7 == 0:
            text = text.replace("t.start()", "t.start()\n        t.join()")
        if n % 13 == 0:
            text = ""
        new_blocks.append(text)
    new = "".join(new_blocks) + "x = 1\n"
    source = SourceText(old)
    edits = diff_edits(source, new)
    assert apply_edits(source, edits) == new
    assert len(edits) < 120  # one per changed block, not one giant replacement


WORKER = "import threading\n\n\ndef work():\n    print('w')\n\n\n"


def _fixed(text: str) -> str:
    from parlint.engine import Linter

    result = Linter().fix(text, unsafe=True)
    assert [d.code for d in result.fixed] == ["PAR101"], result.errors
    return result.text


def test_a_join_line_keeps_the_files_line_endings_and_indentation() -> None:
    text = WORKER + "def main():\n\tt = threading.Thread(target=work)\n\tt.start()\n\tprint('x')\n"
    assert _fixed(text.replace("\n", "\r\n")) == (text + "\tt.join()\n").replace("\n", "\r\n")


def test_a_join_line_goes_before_the_comments_above_a_return() -> None:
    text = (
        WORKER + "def main():\n    t = threading.Thread(target=work)\n    t.start()\n"
        "    # done\n    return 1\n"
    )
    assert _fixed(text) == text.replace("    # done\n", "    t.join()\n    # done\n")


def test_a_join_line_at_the_end_of_a_file_without_a_newline() -> None:
    text = WORKER + "def main():\n    t = threading.Thread(target=work)\n    t.start()"
    assert _fixed(text) == text + "\n    t.join()\n"


def test_a_return_sharing_its_line_is_left_to_libcst() -> None:
    text = (
        WORKER + "def main():\n    t = threading.Thread(target=work)\n    t.start()\n"
        "    x = 1; return x\n"
    )
    fixed = _fixed(text)
    assert "t.join()" in fixed and fixed.index("t.join()") < fixed.index("return x")


def test_fixes_written_as_text_match_what_libcst_writes(monkeypatch: pytest.MonkeyPatch) -> None:
    # Every fix of the corpus that is written as text (a join line, an executor rewrite as
    # whole lines, a constructor swap) gives the same fixed text as the libcst fix it replaces.
    from pathlib import Path

    from parlint.engine import Linter, _Regions
    from parlint.rules.base import Rule

    compared: set[str] = set()
    for path in sorted((Path(__file__).parent / "corpus").rglob("*.py")):
        text = path.read_text(encoding="utf-8")
        linter = Linter()
        source = SourceText(text)
        for finding in linter.check(text).diagnostics:
            rule = next(r for r in linter.rules if r.code == finding.code)
            if not finding.fixable or rule.fix_text(source, finding) is None:
                continue
            as_text = linter.with_fix(_Regions(source), finding, [])
            with monkeypatch.context() as patch:
                patch.setattr(type(rule), "fix_text", Rule.fix_text)
                with_libcst = linter.with_fix(_Regions(source), finding, [])
            assert as_text.fix is not None and with_libcst.fix is not None, path
            assert apply_edits(source, as_text.fix.edits) == apply_edits(
                source, with_libcst.fix.edits
            ), f"{path}:{finding.location.row} {finding.code}"
            compared.add(finding.code)
    assert {"PAR101", "PAR102", "PAR103", "PAR201"} <= compared
