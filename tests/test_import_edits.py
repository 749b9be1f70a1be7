"""The import lines fixes add and remove, written as text from the ast tree
(parlint/fixes/imports.py): the file's style, its line endings, and nothing else touched."""

from __future__ import annotations

import ast
from typing import Optional

import pytest

from parlint.engine import Linter
from parlint.fixes.edits import apply_edits, merge_edits
from parlint.fixes.imports import (
    ImportChanges,
    ImportSpec,
    RemovalSpec,
    import_edits,
    name_uses,
    still_used,
)
from parlint.ftypes import Edit, Location
from parlint.source import SourceText

POOL = ("concurrent.futures", "ProcessPoolExecutor")


def _changed(
    text: str, add: tuple[ImportSpec, ...] = (), remove: tuple[RemovalSpec, ...] = ()
) -> Optional[str]:
    source = SourceText(text)
    edits = import_edits(source, ast.parse(text), ImportChanges(list(add), list(remove)))
    if edits is None:
        return None
    merged = merge_edits(source, edits)
    assert merged is not None
    return apply_edits(source, merged)


@pytest.mark.parametrize(
    ("text", "add", "expected"),
    [
        pytest.param(
            "import os\n\nx = 1\n",
            [POOL, ("threading", None)],
            "import os\nimport threading\n"
            "from concurrent.futures import ProcessPoolExecutor\n\nx = 1\n",
            id="after-the-import-block",
        ),
        pytest.param(
            "import os\nx = 1\n",
            [("threading", None)],
            "import os\nimport threading\n\nx = 1\n",
            id="blank-line-before-code",
        ),
        pytest.param(
            '"""Doc."""\n# about x\nx = 1\n',
            [("threading", None)],
            '"""Doc."""\nimport threading\n\n# about x\nx = 1\n',
            id="after-the-docstring",
        ),
        pytest.param(
            "#!/usr/bin/env python\n# header\n\ndef main():\n    pass\n",
            [("threading", None)],
            "#!/usr/bin/env python\n# header\n\nimport threading\n\ndef main():\n    pass\n",
            id="after-header-comments",
        ),
        pytest.param(
            "from concurrent.futures import as_completed\n\nx = 1\n",
            [POOL],
            "from concurrent.futures import ProcessPoolExecutor, as_completed\n\nx = 1\n",
            id="joins-an-existing-from-import",
        ),
        pytest.param(
            "from concurrent.futures import *\nimport threading\n",
            [POOL, ("threading", None)],
            "from concurrent.futures import *\nimport threading\n",
            id="already-there",
        ),
        pytest.param(
            "import os\r\n\r\nx = 1\r\n",
            [("threading", None)],
            "import os\r\nimport threading\r\n\r\nx = 1\r\n",
            id="crlf",
        ),
        pytest.param("", [("threading", None)], "import threading\n", id="empty-file"),
        pytest.param("x = 1", [("threading", None)], "import threading\n\nx = 1", id="no-newline"),
    ],
)
def test_added_imports_follow_the_file(text: str, add: list[ImportSpec], expected: str) -> None:
    assert _changed(text, add=tuple(add)) == expected


@pytest.mark.parametrize(
    ("text", "remove", "expected"),
    [
        pytest.param(
            "# threads for the crawler\nimport threading  # stdlib\nimport os\n",
            [("threading", None, None)],
            "# threads for the crawler\nimport os\n",
            id="whole-line-comment-above-stays",
        ),
        pytest.param(
            "from threading import Thread, Lock\n",
            [("threading", "Thread", None)],
            "from threading import Lock\n",
            id="first-name",
        ),
        pytest.param(
            "from threading import Lock, Thread as T\n",
            [("threading", "Thread", "T")],
            "from threading import Lock\n",
            id="last-name-with-alias",
        ),
        pytest.param(
            "from threading import (\n    Lock,  # guards the cache\n    Thread,  # workers\n)\n",
            [("threading", "Thread", None)],
            "from threading import (\n    Lock,  # guards the cache\n)\n",
            id="own-line-in-parentheses",
        ),
        pytest.param(
            "import threading\n",
            [("threading", "Thread", None)],
            "import threading\n",
            id="not-there",
        ),
    ],
)
def test_unused_imports_leave(text: str, remove: list[RemovalSpec], expected: str) -> None:
    assert _changed(text, remove=tuple(remove)) == expected


def test_removing_one_import_and_adding_another_in_its_place() -> None:
    text = "import threading\n\n\ndef main():\n    pass\n"
    changed = _changed(text, add=(("multiprocessing", None),), remove=(("threading", None, None),))
    assert changed == "import multiprocessing\n\n\ndef main():\n    pass\n"


@pytest.mark.parametrize(
    ("text", "remove"),
    [
        pytest.param(
            "import threading; import os\n", [("threading", None, None)], id="shared-line"
        ),
        pytest.param(
            "from threading import Lock, Thread, Event\n",
            [("threading", "Thread", None), ("threading", "Event", None)],
            id="two-names-of-one-statement",
        ),
    ],
)
def test_shapes_left_to_libcst(text: str, remove: list[RemovalSpec]) -> None:
    assert _changed(text, remove=tuple(remove)) is None


def test_an_import_whose_name_is_read_elsewhere_stays() -> None:
    text = (
        "import threading\n\ndef a():\n    threading.Thread()\n\ndef b():\n    threading.Lock()\n"
    )
    source = SourceText(text)
    reads = tuple(name_uses(ast.parse(text))["threading"])
    spec: RemovalSpec = ("threading", None, None)
    rewrite_a = Edit("    pass\n", Location(4, 1), Location(5, 1))
    assert still_used(source, reads, spec, [rewrite_a])
    rewrite_both = Edit("    pass\n\ndef b():\n    pass\n", Location(4, 1), Location(8, 1))
    assert not still_used(source, reads, spec, [rewrite_both])
    writes_it_again = Edit("    threading.Event()\n", Location(4, 1), Location(8, 1))
    assert still_used(source, reads, spec, [writes_it_again])


def test_a_name_listed_in_dunder_all_is_used() -> None:
    text = '__all__ = ["Thread"]\nfrom threading import Thread\n'
    reads = tuple(name_uses(ast.parse(text))["Thread"])
    assert still_used(SourceText(text), reads, ("threading", "Thread", None), [])


def test_fix_all_removes_an_import_that_two_fixes_of_one_pass_leave_unused() -> None:
    text = "import threading\n\n\ndef crunch(n):\n    return sum(i * i for i in range(n))\n"
    for name in ("a", "b"):
        text += (
            f"\n\ndef {name}(sizes):\n"
            "    threads = [threading.Thread(target=crunch, args=(s,)) for s in sizes]\n"
            "    for t in threads:\n        t.start()\n"
            "    for t in threads:\n        t.join()\n"
        )
    fixed = Linter().fix(text, unsafe=True)
    assert [d.code for d in fixed.fixed] == ["PAR102", "PAR102"]
    assert "threading" not in fixed.text
    assert fixed.text.startswith("from concurrent.futures import ProcessPoolExecutor\n\n\n")


def test_a_fix_built_alone_keeps_an_import_another_function_still_reads() -> None:
    text = (
        "import threading\n\n\ndef crunch(n):\n    return sum(i * i for i in range(n))\n"
        "\n\ndef a(sizes):\n"
        "    threads = [threading.Thread(target=crunch, args=(s,)) for s in sizes]\n"
        "    for t in threads:\n        t.start()\n"
        "    for t in threads:\n        t.join()\n"
        "\n\nLOCK = threading.Lock()\n"
    )
    linter = Linter()
    finding = next(d for d in linter.check(text).diagnostics if d.code == "PAR102")
    built, errors = linter.build_fix(text, finding)
    assert not errors and built.fix is not None
    fixed = apply_edits(SourceText(text), built.fix.edits)
    assert fixed.startswith(
        "import threading\nfrom concurrent.futures import ProcessPoolExecutor\n\n\n"
    )


def test_a_fix_built_alone_finds_an_import_below_the_prelude() -> None:
    # The check noted the prelude (nothing: the module opens with code); the import to
    # remove is further down, so the fix reads the whole module to find it.
    text = (
        "VERSION = 2\nimport threading\n\n\ndef crunch(n):\n    return sum(range(n))\n"
        "\n\ndef a(sizes):\n"
        "    threads = [threading.Thread(target=crunch, args=(s,)) for s in sizes]\n"
        "    for t in threads:\n        t.start()\n"
        "    for t in threads:\n        t.join()\n"
    )
    linter = Linter()
    finding = next(d for d in linter.check(text).diagnostics if d.code == "PAR102")
    built, errors = linter.build_fix(text, finding)
    assert not errors and built.fix is not None
    fixed = apply_edits(SourceText(text), built.fix.edits)
    assert "threading" not in fixed
    assert fixed == linter.fix(text, unsafe=True).text
