"""A file written for a newer Python than the one running parlint: PAR000 names the version.

Every interpreter runs these (scripts/test.sh runs this file on 3.10 to 3.13): on a version
that has the syntax the file is clean; on an older one the message says which version it needs.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from parlint import check_source
from parlint.ftypes import Location

RUNNING = sys.version_info[:2]
# Enough for the keyword prefilter: without these words a file is never parsed.
HEADER = "import threading\nthreading.Thread\n"
FIRST_ROW = HEADER.count("\n") + 1

NEWER = [
    ("type-alias", "type Vector = list[float]\n", (3, 12)),
    ("generic-type-alias", "type Pair[T] = tuple[T, T]\n", (3, 12)),
    ("indented-type-alias", "if True:\n    type Vector = list[float]\n", (3, 12)),
    ("type-alias-after-semicolon", "x = 1; type Vector = list[float]\n", (3, 12)),
    ("generic-function", "def first[T](x: T) -> T:\n    return x\n", (3, 12)),
    ("generic-async-function", "async def first[T](x: T) -> T:\n    return x\n", (3, 12)),
    ("decorated-generic-function", "@cache\ndef first[T](x: T) -> T:\n    return x\n", (3, 12)),
    ("generic-class", "class Box[T]:\n    item: T\n", (3, 12)),
    ("fstring-reused-quotes", 'names = {}\nprint(f"{names["a"]}")\n', (3, 12)),
    ("fstring-reused-single-quotes", "print(f'{'a'}')\n", (3, 12)),
    ("fstring-reused-triple-quotes", "print(f'''{'''a'''}''')\n", (3, 12)),
    ("fstring-nested-same-quotes", 'print(f"{f"{1}"}")\n', (3, 12)),
    ("fstring-backslash", "lines = []\nprint(f\"{'\\n'.join(lines)}\")\n", (3, 12)),
    ("fstring-comment", "x = 1\nprint(f'''{x # the value\n}''')\n", (3, 12)),
    ("fstring-multiline-expression", 'x = 1\nprint(f"{x +\n 1}")\n', (3, 12)),
    ("except-star", "try:\n    pass\nexcept* ValueError:\n    pass\n", (3, 11)),
    ("type-parameter-default", "class Box[T = int]:\n    item: T\n", (3, 13)),
    ("alias-type-parameter-default", "type Pair[T = int] = tuple[T, T]\n", (3, 13)),
    ("template-string", 'name = "x"\nprint(t"hi {name}")\n', (3, 14)),
    ("except-without-parentheses", "try:\n    pass\nexcept A, B:\n    pass\n", (3, 14)),
]  # fmt: skip


def par000(body: str) -> list[str]:
    diagnostics = check_source(HEADER + body, fixes=False)
    return [d.message for d in diagnostics if d.code == "PAR000"]


@pytest.mark.parametrize(
    ("body", "needed"), [(body, needed) for _, body, needed in NEWER], ids=[n for n, *_ in NEWER]
)
def test_newer_syntax_names_the_version_it_needs(body: str, needed: tuple[int, int]) -> None:
    messages = par000(body)
    if RUNNING >= needed:
        assert messages == []
        return
    (message,) = messages
    suffix = (
        f" (this syntax needs Python {needed[0]}.{needed[1]}; "
        f"parlint runs on {RUNNING[0]}.{RUNNING[1]})"
    )
    assert message.startswith("Cannot parse: ") and message.endswith(suffix), message


WRONG_EVERYWHERE = [
    ("missing-parameter", "def f(:\n    pass\n"),
    ("type-without-value", "type Vector list[float]\n"),
    ("fstring-empty-expression", "print(f'{}')\n"),
    ("fstring-unclosed-field", "print(f'{x')\n"),
    ("unterminated-string", "print('abc)\n"),
    ("name-then-string", 'name = 1\nprint(name "x")\n'),
    ("template-prefix-with-space", 'print(t "x")\n'),
    ("except-with-as", "try:\n    pass\nexcept ValueError, TypeError as e:\n    pass\n"),
    ("generic-call", "def f():\n    pass\nf[int]() = 1\n"),
    ("error-before-newer-syntax", "def f(:\n    pass\ntype Vector = list[float]\n"),
    ("error-after-newer-fstring", "print(f'{1}')\nx = = 1\n"),
]


@pytest.mark.parametrize(
    "body", [b for _, b in WRONG_EVERYWHERE], ids=[n for n, _ in WRONG_EVERYWHERE]
)
def test_wrong_code_does_not_claim_a_newer_version(body: str) -> None:
    (message,) = par000(body)
    assert message.startswith("Cannot parse: ")
    assert "this syntax needs" not in message, message


@pytest.mark.skipif(RUNNING >= (3, 12), reason="needs an interpreter without PEP 695")
def test_the_diagnostic_points_at_the_newer_syntax() -> None:
    (diagnostic,) = check_source(HEADER + "type Vector = list[float]\n", fixes=False)
    assert diagnostic.code == "PAR000"
    assert diagnostic.location == Location(FIRST_ROW, 6)


@pytest.mark.skipif(RUNNING >= (3, 12), reason="needs an interpreter without PEP 695")
def test_cli_names_the_version(tmp_path: Path) -> None:
    (tmp_path / "alias.py").write_text(HEADER + "type Vector = list[float]\n")
    result = subprocess.run(
        [sys.executable, "-m", "parlint", "check", "--no-cache", "--output-format", "concise",
         "alias.py"],
        cwd=tmp_path, capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    assert result.returncode == 1, result.stderr
    assert result.stdout.splitlines()[0] == (
        f"alias.py:{FIRST_ROW}:6: PAR000 Cannot parse: invalid syntax (this syntax needs "
        f"Python 3.12; parlint runs on {RUNNING[0]}.{RUNNING[1]})"
    )
