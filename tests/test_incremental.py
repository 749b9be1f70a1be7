"""Checking an edited text again in part (parlint.incremental) gives exactly what a full
check gives: the same findings, positions, messages and fixes."""

from __future__ import annotations

import ast
import random
from pathlib import Path

import pytest

from parlint.config import Settings
from parlint.engine import Linter
from parlint.incremental import FileState, Rederive
from parlint.source import split_lines
from parlint.splice import shift, splice

CORPUS = Path(__file__).parent / "corpus"

MODULE = '''"""Crawls pages."""
import threading


def fetch(url, results):
    results[url] = len(url)


def crawl(urls):
    results = {}
    threads = []
    for url in urls:
        t = threading.Thread(target=fetch, args=(url, results))
        threads.append(t)
        t.start()
    for t in threads:
        t.join()
    return results


def warm():
    loader = threading.Thread(target=fetch, args=("https://example.org/", {}))
    loader.start()
    print("warming")


class Report:
    def __init__(self, rows):
        self.rows = rows

    def total(self):
        return sum(row["size"] for row in self.rows)


def later():
    worker = threading.Thread(target=fetch, args=("https://example.org/later", {}))
    worker.start()
'''


def _settled(state: FileState) -> ast.Module:
    for stmt in state.tree.body:
        state.settle(stmt)
    return state.tree


def _edits(text: str, rng: random.Random) -> str:
    """One edit of the kinds typing makes: a character, a new line, a deleted line, a copied
    line, a line added at the end."""
    lines = text.splitlines(keepends=True)
    index = rng.randrange(len(lines))
    kind = rng.choice(["char", "newline", "delete", "copy", "append"])
    if kind == "char":
        line = lines[index]
        at = rng.randrange(len(line))
        lines[index] = line[:at] + rng.choice("xa(): ,'#1") + line[at:]
    elif kind == "newline":
        indent = lines[index][: len(lines[index]) - len(lines[index].lstrip())]
        lines.insert(index, indent + "\n")
    elif kind == "delete":
        del lines[index]
    elif kind == "copy":
        lines.insert(index, lines[index])
    else:
        lines.append(f"\nx = {index}\n")
    return "".join(lines)


def _same_as_full(path: str, text: str, steps: int, seed: int) -> int:
    """Edits `text` `steps` times, each check starting from the last; every result must equal
    a full check. Returns how many checks were partial."""
    rng = random.Random(seed)
    settings = Settings()
    linter = Linter(settings, path)
    _, state, _ = linter.check_edited(text, None)
    partial = 0
    for _ in range(steps):
        if not text.strip():
            break
        text = _edits(text, rng)
        result, state, was_partial = linter.check_edited(text, state)
        assert result.diagnostics == Linter(settings, path).check(text).diagnostics, text
        partial += was_partial
    return partial


def test_an_edit_in_a_function_is_checked_in_part() -> None:
    linter = Linter(Settings())
    _, state, partial = linter.check_edited(MODULE, None)
    assert state is not None and not partial
    edited = MODULE.replace('print("warming")', 'print("warming up")')
    result, state, partial = linter.check_edited(edited, state)
    assert partial
    assert result.diagnostics == Linter(Settings()).check(edited).diagnostics
    assert [d.code for d in result.diagnostics] == ["PAR102", "PAR101", "PAR101"]


def test_rows_after_an_added_line_move_and_their_fix_is_planned_again() -> None:
    linter = Linter(Settings())
    _, state, _ = linter.check_edited(MODULE, None)
    edited = MODULE.replace('    print("warming")\n', '    print("warming")\n    print("done")\n')
    result, state, partial = linter.check_edited(edited, state)
    assert partial
    full = Linter(Settings()).check(edited).diagnostics
    assert result.diagnostics == full
    later = result.diagnostics[-1]
    assert later.code == "PAR101" and isinstance(later.fix_data, Rederive)
    built, errors = linter.build_fix(edited, later)
    expected, _ = Linter(Settings()).build_fix(edited, full[-1])
    assert not errors
    assert built.fix is not None and built.fix == expected.fix


def test_a_caller_of_the_edited_function_makes_it_a_full_check() -> None:
    text = MODULE + "\n\ndef main():\n    warm()\n"
    linter = Linter(Settings())
    _, state, _ = linter.check_edited(text, None)
    edited = text.replace('print("warming")', 'print("warming up")')
    result, _, partial = linter.check_edited(edited, state)
    assert not partial
    assert result.diagnostics == Linter(Settings()).check(edited).diagnostics


def test_a_changed_hand_off_of_a_shared_task_makes_it_a_full_check() -> None:
    """`fetch` is checked with the threads that run it: a new hand-off of it elsewhere
    changes what its own checks see."""
    linter = Linter(Settings())
    _, state, _ = linter.check_edited(MODULE, None)
    edited = MODULE.replace(
        '    loader.start()\n    print("warming")',
        '    loader.start()\n    threading.Thread(target=fetch, args=("b", {})).start()',
    )
    result, _, partial = linter.check_edited(edited, state)
    assert not partial
    assert result.diagnostics == Linter(Settings()).check(edited).diagnostics


@pytest.mark.parametrize("seed", range(6))
def test_random_edits_of_a_module_match_full_checks(seed: int) -> None:
    assert _same_as_full("<module>", MODULE, 30, seed) >= 0


def test_random_edits_are_often_partial_and_always_exact() -> None:
    partial = sum(_same_as_full("<module>", MODULE, 30, seed) for seed in range(10, 14))
    assert partial >= 5  # the partial path runs (a test of it that never ran would pass)


@pytest.mark.parametrize(
    "path", sorted(p for p in CORPUS.rglob("*.py") if "projects" not in p.parts)[::3]
)
def test_random_edits_of_corpus_files_match_full_checks(path: Path) -> None:
    _same_as_full(str(path), path.read_text(encoding="utf-8"), 12, 7)


@pytest.mark.parametrize(
    "old, new",
    [
        ("a = 1\n\ndef f():\n    return 1\n", "a = 1\n\ndef f():\n    return 2\n"),
        ("a = 1\n\ndef f():\n    return 1\n", "a = 1\n\n\ndef f():\n    return 1\n"),
        ("@d\ndef f():\n    pass\nx = 1\n", "@d\n@e\ndef f():\n    pass\nx = 1\n"),
        ("x = 1; y = 2\nz = 3\n", "x = 1; y = 5\nz = 3\n"),
        ("def f():\n    pass\n# c\ny = 1\n", "def f():\n    pass\n    return 3\ny = 1\n"),
        (
            "if a:\n    b = 1\nelse:\n    b = 2\nc = 3\n",
            "if a:\n    b = 1\nelse:\n    b = 4\nc = 3\n",
        ),
        ('s = """a\nb"""\nt = 1\n', 's = """a\nc"""\nt = 1\n'),
        ("x = 1\r\ny = 2\r\n", "x = 1\r\n\r\ny = 2\r\n"),
    ],
)
def test_a_splice_is_the_tree_python_parses(old: str, new: str) -> None:
    tree = ast.parse(old)
    spliced = splice(tree, split_lines(old), new)
    assert spliced is not None
    for stmt in spliced.tree.body[spliced.new_range[1] :]:
        shift(stmt, spliced.delta)
    assert ast.dump(spliced.tree, include_attributes=True) == ast.dump(
        ast.parse(new), include_attributes=True
    )


@pytest.mark.parametrize(
    "old, new",
    [
        ("def f():\n    return 1\nx = 1\n", "def f():\n    return (1\nx = 1\n"),
        ("def f():\n    return 1\nx = 1\n", 'def f():\n    return """1\nx = 1\n'),
        ("x = 1\ny = 2\n", "x = 1 \\\ny = 2\n"),
    ],
)
def test_an_edit_that_does_not_parse_on_its_own_is_no_splice(old: str, new: str) -> None:
    assert splice(ast.parse(old), split_lines(old), new) is None
