"""The core through the library API: decoding, parse errors, noqa, fixes on odd files."""

from __future__ import annotations

import ast

import pytest

from parlint import check_source, fix_source
from parlint.config import Settings
from parlint.ftypes import Location
from parlint.source import SourceText

UNJOINED = """import threading

def main():
    t = threading.Thread(target=print)
    t.start()
"""


def codes(source: str | bytes, **kwargs: object) -> list[tuple[int, str]]:
    return [(d.location.row, d.code) for d in check_source(source, **kwargs)]  # type: ignore[arg-type]


def test_finding_has_position_message_and_lazy_fix() -> None:
    (d,) = check_source(UNJOINED)
    assert (d.code, d.name, d.location, d.end_location) == (
        "PAR101",
        "unjoined-thread",
        Location(5, 5),
        Location(5, 14),
    )
    assert "never joined in `main()`" in d.message
    assert d.fix is not None and d.fix.applicability.value == "unsafe"
    assert [e.content for e in d.fix.edits] == ["    t.join()\n"]
    (lazy,) = check_source(UNJOINED, fixes=False)
    assert lazy.fix is None and lazy.fixable


def test_syntax_error_is_par000_with_parser_line() -> None:
    source = "import threading\n\ndef f(:\n    threading.Thread\n"
    (d,) = check_source(source)
    assert d.code == "PAR000" and d.location.row == 3
    assert d.message.startswith("Cannot parse:")


def test_null_bytes_and_bad_encoding_are_par000() -> None:
    assert codes(b"import threading\x00\nthreading.Thread\n") == [(1, "PAR000")]
    latin = b"# -*- coding: ascii -*-\nimport threading\nx = '\xe9'\nthreading.Thread\n"
    assert codes(latin) == [(3, "PAR000")]


def test_pep263_cookie_and_bom_are_honoured() -> None:
    latin1 = "# -*- coding: latin-1 -*-\n" + UNJOINED.replace("main():", "main():  # é")
    assert codes(latin1.encode("latin-1")) == [(6, "PAR101")]
    assert codes(b"\xef\xbb\xbf" + UNJOINED.encode()) == [(5, "PAR101")]


def test_files_without_concurrency_words_are_not_parsed() -> None:
    # The prefilter: no rule can fire here, so even a syntax error is not parlint's business.
    assert codes("import threading\ndef f(:\n") == []


@pytest.mark.parametrize(
    ("comment", "reported"),
    [
        ("  # noqa", False),
        ("  # noqa: PAR101", False),
        ("  # noqa:PAR104,PAR101", False),
        ("  # noqa: PAR104", True),
        ("  # NOQA", False),
    ],
)
def test_line_noqa(comment: str, reported: bool) -> None:
    source = UNJOINED.replace("t.start()", "t.start()" + comment)
    assert bool(codes(source)) is reported


@pytest.mark.parametrize("newline", ["\r", "\r\n"], ids=["cr", "crlf"])
def test_line_noqa_in_a_file_with_cr_line_ends(newline: str) -> None:
    # A lone CR ends a line for Python: the comment belongs to the `t.start()` row.
    source = UNJOINED.replace("t.start()", "t.start()  # noqa: PAR101").replace("\n", newline)
    assert codes(source) == []


def test_noqa_inside_a_string_is_not_a_comment() -> None:
    source = UNJOINED.replace("t.start()", "t.start(); s = '# noqa'")
    assert codes(source) == [(5, "PAR101")]


def test_file_level_noqa() -> None:
    assert codes("# parlint: noqa\n" + UNJOINED) == []
    assert codes("# parlint: noqa: PAR101\n" + UNJOINED) == []
    assert codes("# parlint: noqa: PAR104\n" + UNJOINED) == [(6, "PAR101")]


def test_select_and_ignore_through_settings() -> None:
    assert codes(UNJOINED, config=Settings(select=("PAR104",))) == []
    assert codes(UNJOINED, config=Settings(ignore=("PAR1",))) == []


def test_fix_keeps_crlf_and_the_rest_of_the_file() -> None:
    source = UNJOINED.replace("\n", "\r\n").replace("def main():", "def main():  # keep me")
    fixed = fix_source(source, unsafe=True)
    assert fixed == source + "    t.join()\r\n"


def test_safe_only_without_unsafe_flag() -> None:
    assert fix_source(UNJOINED) == UNJOINED
    source = 'import threading\nt = threading.Thread(target=print, args=("x"))\n'
    assert (
        fix_source(source) == 'import threading\nt = threading.Thread(target=print, args=("x",))\n'
    )


def test_fixes_chain_until_clean_and_are_idempotent() -> None:
    source = """import threading

def main():
    t = threading.Thread(target=print)
    t.run()
"""
    fixed = fix_source(source, unsafe=True)
    assert fixed == source.replace("t.run()", "t.start()") + "    t.join()\n"
    assert check_source(fixed) == []
    assert fix_source(fixed, unsafe=True) == fixed


def test_non_ascii_columns_are_code_points() -> None:
    body = "    name = 'é'; t = threading.Thread(target=print); t.start()\n"
    source = "import threading\ndef f():\n" + body
    (d,) = check_source(source)
    line = SourceText(source).line(3)
    assert line[d.location.column - 1 : d.end_location.column - 1] == "t.start()"


def test_deeply_nested_and_large_input_do_not_crash() -> None:
    deep = "import threading\nx = " + "(" * 300 + "1" + ")" * 300 + "\n"
    assert codes(deep) in ([], [(1, "PAR000")])
    big = UNJOINED + "\n".join(f"def f{i}(x):\n    return x + {i}\n" for i in range(20000))
    ast.parse(big)
    assert codes(big) == [(5, "PAR101")]


def test_a_crashing_rule_does_not_hide_the_others(monkeypatch: pytest.MonkeyPatch) -> None:
    from parlint.engine import Linter
    from parlint.rules.calls import ArgsNotTuple

    def boom(self: object, ctx: object) -> None:
        raise RuntimeError("boom")

    monkeypatch.setattr(ArgsNotTuple, "check", boom)
    result = Linter().check(UNJOINED)
    assert [d.code for d in result.diagnostics] == ["PAR101"]
    assert result.errors and "PAR502" in result.errors[0] and "boom" in result.errors[0]


def test_libcst_parses_only_files_with_fixable_findings(monkeypatch: pytest.MonkeyPatch) -> None:
    import libcst

    calls: list[int] = []
    real = libcst.parse_module

    def counting(source: str, *args: object, **kwargs: object) -> libcst.Module:
        calls.append(len(source))
        return real(source, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(libcst, "parse_module", counting)
    only_loop = """import threading

def main():
    for i in range(3):
        t = threading.Thread(target=print)
        t.start()
    t.join()
"""
    (d,) = check_source(only_loop)  # PAR101 without a fix
    assert not d.fixable and calls == []
    check_source(UNJOINED, fixes=False)
    assert calls == []
    (join,) = check_source(UNJOINED)
    assert join.fix is not None and calls == []  # a join is a line of text: no libcst at all
    threads = """import threading

WORDS = ["a", "b"]


def count(word):
    return len(word)


def main():
    threads = [threading.Thread(target=count, args=(w,)) for w in WORDS]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
"""
    (rewrite,) = check_source(threads)
    assert rewrite.code == "PAR102" and rewrite.fix is not None
    assert calls == []  # whole lines replaced: no libcst either
    run = UNJOINED.replace("t.start()", "t.run()")
    (direct,) = check_source(run)
    assert direct.code == "PAR104" and direct.fix is not None
    # Only the function that holds the finding is parsed, never the whole file.
    assert calls and all(size < len(run) for size in calls)


def test_no_blocking_join_fix_inside_async_def() -> None:
    source = UNJOINED.replace("def main", "async def main")
    (d,) = check_source(source)
    assert d.code == "PAR101" and not d.fixable and d.fix is None


CPU_ON_THREADS = """from concurrent.futures import ThreadPoolExecutor

def squares(n):
    return [i * i for i in range(n)]

def main(sizes):
    with ThreadPoolExecutor() as executor:
        return list(executor.map(squares, sizes))
"""


def test_free_threaded_silences_cpu_bound_threads() -> None:
    assert codes(CPU_ON_THREADS) == [(8, "PAR201")]
    assert codes(CPU_ON_THREADS, config=Settings(free_threaded=True)) == []


def test_effect_catalogues_extend_from_configuration() -> None:
    source = CPU_ON_THREADS.replace(
        "[i * i for i in range(n)]", "[mylib.tick(i) for i in range(n)]"
    )
    source = "import mylib\n" + source
    assert codes(source) == []  # mylib.tick is unknown: no guess
    assert codes(source, config=Settings(cpu_calls=("mylib.tick",))) == [(9, "PAR201")]
    assert codes(source, config=Settings(io_calls=("mylib.tick",))) == []
    assert codes(source, config=Settings(gil_releasing_modules=("mylib",))) == []


def test_py314_offers_interpreter_pool_executor_as_an_alternative() -> None:
    from parlint.engine import Linter

    (plain,) = check_source(CPU_ON_THREADS, fixes=False)
    assert plain.fix_title == "Use `ProcessPoolExecutor`" and plain.alternatives == ()
    settings = Settings(target_version="py314")
    (d,) = check_source(CPU_ON_THREADS, config=settings, fixes=False)
    assert [title for title, _ in d.alternatives] == ["Use `InterpreterPoolExecutor`"]
    built, errors = Linter(settings).build_alternative(CPU_ON_THREADS, d, 0)
    assert not errors and built.fix is not None
    from parlint.fixes.edits import apply_edits

    fixed = apply_edits(SourceText(CPU_ON_THREADS), built.fix.edits)
    assert "from concurrent.futures import InterpreterPoolExecutor" in fixed
    assert "with InterpreterPoolExecutor() as executor:" in fixed
    assert "ThreadPoolExecutor" not in fixed
    # --fix applies the main fix only.
    assert "ProcessPoolExecutor()" in fix_source(CPU_ON_THREADS, config=settings, unsafe=True)


def test_par102_points_at_the_loops_of_its_own_list_when_the_name_is_reused() -> None:
    source = """\
import threading

def both(urls, paths):
    threads = [threading.Thread(target=print, args=(u,)) for u in urls]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    threads = [threading.Thread(target=len, args=(p,)) for p in paths]
    [t.start() for t in threads]
    [t.join() for t in threads]
"""
    found = [d for d in check_source(source) if d.code == "PAR102"]
    related = {d.location.row: [r.location.row for r in d.related] for d in found}
    assert related == {4: [6, 8], 9: [10, 11]}
