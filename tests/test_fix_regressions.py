"""Fixes on the inputs that once broke them: each fix is built, applied without an error, and
keeps the rest of the file byte for byte (form feeds, line endings, comments)."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

from parlint.config import Settings
from parlint.engine import Linter
from parlint.fixes.edits import apply_edits
from parlint.ftypes import Diagnostic, Location
from parlint.source import SourceText


def fixed(source: str) -> str:
    """`source` after `--fix --unsafe-fixes`, which must report no error and leave nothing
    fixable behind."""
    result = Linter().fix(source, unsafe=True)
    assert result.errors == []
    assert [d.code for d in result.remaining if d.fixable] == []
    ast.parse(result.text)
    return result.text


def built(source: str, code: str) -> Diagnostic:
    """The one `code` diagnostic of `source`, with its fix built without an error."""
    result = Linter().check(source, with_fixes=True)
    assert result.errors == []
    (diagnostic,) = [d for d in result.diagnostics if d.code == code]
    return diagnostic


def built_all(source: str) -> list[Diagnostic]:
    """Every diagnostic of `source`, each fix built without an error."""
    result = Linter().check(source, with_fixes=True)
    assert result.errors == []
    assert all(d.fix is not None for d in result.diagnostics if d.fixable)
    return result.diagnostics


def applied(source: str, diagnostic: Diagnostic) -> str:
    assert diagnostic.fix is not None
    return apply_edits(SourceText(source), diagnostic.fix.edits)


# -- form feeds ---------------------------------------------------------------------------

FEED_IN_NESTED_BLOCK = """import threading


def f(work):
    if work:
        t = threading.Thread(target=print, args=(work,))
\f        t.start()
"""


def test_form_feed_before_an_indented_statement_gets_the_join_fix() -> None:
    assert fixed(FEED_IN_NESTED_BLOCK) == FEED_IN_NESTED_BLOCK + "        t.join()\n"


def test_form_feed_resetting_the_indentation_gets_the_join_fix() -> None:
    # Python counts the indentation from the form feed on: `t.start()` is in `f`'s body.
    source = FEED_IN_NESTED_BLOCK.replace("\f        t.start()", "\f    t.start()")
    assert fixed(source) == source + "    t.join()\n"


def test_form_feed_after_a_fixed_line_is_kept() -> None:
    source = """import threading


def work():
    return 1


def f():
    t = threading.Thread(target=work())
\f    t.start()
    t.join()
"""
    d = built(source, "PAR501")
    assert applied(source, d) == source.replace("target=work()", "target=work")


def test_form_feed_on_a_line_the_fix_rewrites_stays_before_it() -> None:
    source = """import threading


def work():
    return 1


def f():
\f    t = threading.Thread(target=work())
    t.start()
    t.join()
"""
    d = built(source, "PAR501")
    assert applied(source, d) == source.replace("target=work()", "target=work")


# -- line endings -------------------------------------------------------------------------

UNJOINED = """import threading


def main():
    t = threading.Thread(target=print)
    t.start()
main()
"""
UNJOINED_FIXED = UNJOINED.replace("    t.start()\n", "    t.start()\n    t.join()\n")


@pytest.mark.parametrize("newline", ["\r", "\r\n"], ids=["cr", "crlf"])
def test_join_fix_keeps_the_files_line_endings(newline: str) -> None:
    source = UNJOINED.replace("\n", newline)
    assert fixed(source) == UNJOINED_FIXED.replace("\n", newline)


def test_join_fix_in_a_mixed_file_ends_like_the_line_it_follows() -> None:
    source = (
        "import threading\r\n\r\r"
        "def main():\n"
        "    t = threading.Thread(target=print)\r\n"
        "    t.start()\r\n"
        "main()\r"
    )
    d = built(source, "PAR101")
    assert d.fix is not None
    assert [(e.content, e.location.row, e.location.column) for e in d.fix.edits] == [
        ("    t.join()\r\n", 7, 1)
    ]
    assert fixed(source) == source.replace("t.start()\r\n", "t.start()\r\n    t.join()\r\n")


THREAD_LIST = """import threading


def download(url):
    return len(url)


def fetch_all(urls):
    threads = [threading.Thread(target=download, args=(u,)) for u in urls]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    print("done")
"""
THREAD_LIST_FIXED = """from concurrent.futures import ThreadPoolExecutor


def download(url):
    return len(url)


def fetch_all(urls):
    with ThreadPoolExecutor() as executor:
        list(executor.map(download, urls))
    print("done")
"""


@pytest.mark.parametrize("newline", ["\r", "\r\n"], ids=["cr", "crlf"])
def test_executor_rewrite_keeps_the_files_line_endings(newline: str) -> None:
    source = THREAD_LIST.replace("\n", newline)
    assert fixed(source) == THREAD_LIST_FIXED.replace("\n", newline)


def test_executor_rewrite_in_a_mixed_file_keeps_each_lines_ending() -> None:
    # A rewritten line ends like the line it replaces; lines the fix keeps are untouched.
    endings = ["\n", "\r\n", "\r"]
    lines = THREAD_LIST.splitlines()
    source = "".join(line + endings[i % 3] for i, line in enumerate(lines))
    d = built(source, "PAR102")
    assert d.fix is not None
    for edit in d.fix.edits:
        for location in (edit.location, edit.end_location):
            line = SourceText(source).line_with_ending(location.row)
            assert line[location.column - 2 : location.column] != "\r\n"
    assert fixed(source) == (
        "from concurrent.futures import ThreadPoolExecutor\n"
        "\r\n"
        "\r"
        "def download(url):\n"
        "    return len(url)\r\n"
        "\r\n"
        "def fetch_all(urls):\r\n"
        "    with ThreadPoolExecutor() as executor:\r"
        "        list(executor.map(download, urls))\n"
        '    print("done")\r\n'
    )


def test_no_edit_ends_between_cr_and_lf() -> None:
    from parlint.fixes.edits import diff_edits

    source = SourceText("a = 1\r\nb = 2\n")
    (edit,) = diff_edits(source, "a = 1\nb = 2\n")
    assert (edit.content, edit.location, edit.end_location) == (
        "\n",
        Location(1, 6),
        Location(2, 1),
    )


def test_form_feed_of_a_line_the_rewrite_removes_moves_to_the_next_statement() -> None:
    source = THREAD_LIST.replace(
        "    for t in threads:\n        t.join()\n", "\f    for t in threads:\n        t.join()\n"
    )
    assert fixed(source) == THREAD_LIST_FIXED.replace('    print("done")', '\f    print("done")')


# -- comments -----------------------------------------------------------------------------


def test_lone_cr_between_comments_in_a_rewritten_join_loop() -> None:
    source = THREAD_LIST.replace(
        "    for t in threads:\n        t.join()\n",
        "    for t in threads:\n        # a\r        # b\n        t.join()\n",
    )
    assert fixed(source) == THREAD_LIST_FIXED.replace(
        "    with ThreadPoolExecutor", "    # a\n    # b\n    with ThreadPoolExecutor"
    )


# -- statements sharing a line ------------------------------------------------------------


def test_join_goes_before_a_return_that_shares_its_line() -> None:
    source = """import threading


def main(work):
    t = threading.Thread(target=print, args=(work,))
    t.start()
    x = 1; return x
"""
    assert fixed(source) == source.replace("x = 1; return x", "x = 1; t.join(); return x")


def test_join_goes_before_a_return_on_the_start_line() -> None:
    source = """import threading


def main(work):
    t = threading.Thread(target=print, args=(work,))
    t.start(); return 1  # started
"""
    assert fixed(source) == source.replace("t.start(); return 1", "t.start(); t.join(); return 1")


NAMED_THREADS = """import threading


def main():
    res = []
    a = threading.Thread(target=res.append, args=(1,))
    b = threading.Thread(target=res.append, args=(2,))
    c = threading.Thread(target=res.append, args=(3,))
    a.start()
    b.start()
    c.start()
    a.join()
    b.join()
    c.join(); print(sorted(res))  # report


main()
"""


def test_executor_rewrite_keeps_a_statement_after_the_last_join_on_its_line() -> None:
    assert (
        fixed(NAMED_THREADS)
        == """from concurrent.futures import ThreadPoolExecutor


def main():
    res = []
    with ThreadPoolExecutor(max_workers=3) as executor:
        futures = [
            executor.submit(res.append, 1),
            executor.submit(res.append, 2),
            executor.submit(res.append, 3),
        ]
        for future in futures:
            future.result()
    print(sorted(res))  # report


main()
"""
    )


def test_executor_rewrite_keeps_a_statement_before_the_first_constructor_on_its_line() -> None:
    source = NAMED_THREADS.replace("    res = []\n    a =", "    res = []; a =")
    assert fixed(source).startswith(
        "from concurrent.futures import ThreadPoolExecutor\n\n\n"
        "def main():\n"
        "    res = []\n"
        "    with ThreadPoolExecutor(max_workers=3) as executor:\n"
    )


@pytest.mark.parametrize(
    ("line", "kept"),
    [
        (
            "    threads = []; count = len(urls)  # how many\n",
            "    count = len(urls)  # how many\n",
        ),
        ("    count = len(urls); threads = []\n", "    count = len(urls)\n"),
    ],
)
def test_executor_rewrite_deletes_only_the_list_from_a_shared_line(line: str, kept: str) -> None:
    source = THREAD_LIST.replace(
        "    threads = [threading.Thread(target=download, args=(u,)) for u in urls]\n",
        line
        + "    for u in urls:\n"
        + "        t = threading.Thread(target=download, args=(u,))\n"
        + "        threads.append(t)\n",
    ).replace('print("done")', "print(count)")
    assert fixed(source) == THREAD_LIST_FIXED.replace(
        "    with ThreadPoolExecutor", kept + "    with ThreadPoolExecutor"
    ).replace('print("done")', "print(count)")


def test_block_inserter_splits_a_shared_return_line_for_a_compound_statement() -> None:
    import libcst as cst

    from parlint.fixes.cst import BlockInserter, statement

    module = cst.parse_module("def f():\n    x = 1; return x  # done\n")
    function = module.body[0]
    assert isinstance(function, cst.FunctionDef)
    line = function.body.body[0]
    inserter = BlockInserter(line, at_end=(statement("if x:\n    pass\n"),), end_before_return=True)
    assert module.visit(inserter).code == (
        "def f():\n    x = 1\n    if x:\n        pass\n    return x  # done\n"
    )


# -- fixes that would start a worker twice, or never --------------------------------------


def test_run_of_a_worker_started_later_gets_no_start_fix() -> None:
    source = """import threading


def main(work):
    p = threading.Thread(target=work)
    p.run(); p.start()
    p.join()
"""
    (d,) = built_all(source)
    assert (d.code, d.location.row, d.fix_applicability, d.fix) == ("PAR104", 6, None, None)
    assert Linter().fix(source, unsafe=True).text == source


def test_thread_that_is_never_started_keeps_its_called_target() -> None:
    # The original runs work() when the thread is built; `target=work` would never run it.
    source = """import threading


def work():
    print("working")


def main():
    t = threading.Thread(target=work())
    return t


main()
"""
    (d,) = built_all(source)
    assert (d.code, d.location.row, d.fix_applicability) == ("PAR501", 9, None)
    assert Linter().fix(source, unsafe=True).text == source


def test_threads_built_in_a_comprehension_and_all_started_keep_the_target_fix() -> None:
    source = """import threading


def work(n):
    print(n)


def main(items):
    threads = [threading.Thread(target=work(n)) for n in items]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
"""
    d = next(d for d in built_all(source) if d.code == "PAR501")
    assert applied(source, d) == source.replace("target=work(n))", "target=work, args=(n,))")


# -- names reused for another worker -----------------------------------------------------


REUSED_NAME = """import threading


def download(url):
    print("fetching", url)


def report():
    print("done")


def main(urls):
    threads = []
    for url in urls:
        t = threading.Thread(target=download, args=(url,)); t.start(); threads.append(t)
    for worker in threads:
        worker.join()
    t = threading.Thread(target=report)
    t.start()


main(["a", "b"])
"""


def test_unjoined_thread_is_reported_where_the_reused_name_starts_it() -> None:
    unjoined = [d for d in built_all(REUSED_NAME) if d.code == "PAR101"]
    assert [(d.location.row, d.location.column) for d in unjoined] == [(19, 5)]
    assert fixed(REUSED_NAME) == REUSED_NAME.replace(
        "    t.start()\n\n\n", "    t.start()\n    t.join()\n\n\n"
    )


def test_a_comprehensions_own_variable_joins_nothing_outside_it() -> None:
    source = """import threading


def main(work, others):
    t = threading.Thread(target=work)
    t.start()
    return [t.join() for t in others]
"""
    assert [(d.code, d.location.row) for d in built_all(source)] == [("PAR101", 6)]


# -- moves between threads and processes --------------------------------------------------


def test_process_whose_task_writes_module_state_is_not_moved_to_a_thread() -> None:
    # The child's append is invisible to the parent (it prints []); a thread's is not.
    source = """import multiprocessing
import time

RESULTS = []


def task():
    time.sleep(0.01)
    RESULTS.append(1)


if __name__ == "__main__":
    p = multiprocessing.Process(target=task)
    p.start()
    p.join()
    print(RESULTS)
"""
    (d,) = built_all(source)
    assert (d.code, d.location.row, d.fix_applicability) == ("PAR202", 13, None)
    assert Linter().fix(source, unsafe=True).text == source


# -- files Python refuses to compile ------------------------------------------------------


def test_module_level_nonlocal_is_a_parse_error_not_a_fix_crash() -> None:
    # `ast.parse` accepts it; Python's compiler (and libcst's scope analysis) do not.
    source = THREAD_LIST.replace("\n\n\ndef download", "\nnonlocal x\n\n\ndef download")
    result = Linter().check(source, with_fixes=True)
    assert result.errors == []
    assert [(d.code, d.location.row, d.message) for d in result.diagnostics] == [
        ("PAR000", 2, "Cannot parse: nonlocal declaration not allowed at module level")
    ]
    assert Linter().fix(source, unsafe=True).text == source


def test_nonlocal_in_a_function_is_fine() -> None:
    source = THREAD_LIST.replace(
        '    print("done")', '    def count():\n        nonlocal urls\n    print("done")'
    )
    assert [d.code for d in built_all(source)] == ["PAR102"]


def test_a_worker_iterated_together_with_itself_is_analysed_not_a_parse_error() -> None:
    source = (
        "import threading\n\n\ndef main(work):\n"
        "    t = threading.Thread(target=work)\n"
        "    for t in (t, t):\n"
        "        t.start()\n"
        "        t.join()\n"
    )
    result = Linter().check(source)
    assert result.errors == []
    assert [d.code for d in result.diagnostics] == ["PAR105"]


def test_a_pool_with_a_cpu_bound_and_an_io_bound_task_is_not_swapped_back_and_forth() -> None:
    """Swapping the pool moves both tasks: PAR201 would move it to processes and PAR202 back
    to threads, forever. The finding stays; neither swap is offered."""
    source = (
        "import threading\n"
        "from concurrent.futures import ThreadPoolExecutor\n\n"
        "guard = threading.Lock()\n\n\n"
        "def total(n):\n    acc = 0\n    for i in range(n):\n        acc += i\n    return acc\n\n\n"
        "def record(item):\n    with guard:\n        print(item)\n\n\n"
        "def main(chunks):\n"
        "    with ThreadPoolExecutor() as executor:\n"
        "        list(executor.map(record, chunks))\n"
        "        list(executor.map(total, chunks))\n"
    )
    result = Linter().fix(source, unsafe=True)
    assert result.errors == [] and result.fixed == [] and result.text == source
    (finding,) = result.remaining
    assert finding.code == "PAR201" and not finding.fixable


def test_a_terminated_process_is_joined_right_after_it_is_stopped() -> None:
    source = """import multiprocessing


def serve():
    while True:
        pass


def main():
    p = multiprocessing.Process(target=serve)
    p.start()
    p.terminate()
    print("stopped")
"""
    (finding,) = built_all(source)
    assert "a killed or terminated process still needs `join()` to be reaped" in finding.message
    assert fixed(source) == source.replace("p.terminate()\n", "p.terminate()\n    p.join()\n")


def test_code_libcst_cannot_parse_is_shown_without_fixes() -> None:
    # Python reads a last line that is only a backslash continuation; libcst does not. The
    # findings stay, without fixes, and nothing is reported as a crash.
    from parlint.engine import Linter

    source = (
        "from concurrent.futures import ProcessPoolExecutor\n"
        "ex = ProcessPoolExecutor(max_workers=100)\n\\\r\n"
    )
    result = Linter().check(source, with_fixes=True)
    assert result.errors == []
    assert [(d.code, d.fix) for d in result.diagnostics] == [("PAR402", None), ("PAR403", None)]
    assert Linter().fix(source, unsafe=True).errors == []


LAZY_REGISTRY = """import threading
from concurrent.futures import ThreadPoolExecutor

_registry = {}
_registry_lock = threading.Lock()


def registry_size():
    with _registry_lock:
        return len(_registry)


def register(name):
    if name not in _registry:
        _registry[name] = registry_size()
    return _registry[name]


def main(names):
    with ThreadPoolExecutor(4) as executor:
        return sorted(set(executor.map(register, names)))


if __name__ == "__main__":
    print(main(["a", "b", "a", "c"]))
"""


def test_the_lock_fix_never_takes_a_lock_the_guarded_code_takes_again(tmp_path: Path) -> None:
    """`_registry_lock` is named after the state, but registry_size() takes it: holding it
    around the test would hang the first thread. The fix makes a lock of its own, and the
    fixed program ends with the same output."""
    settings = Settings(extend_select=("PAR7",))
    result = Linter(settings).fix(LAZY_REGISTRY, unsafe=True)
    assert "    with _registry_lock_2:\n        if name not in _registry:" in result.text
    assert "_registry_lock_2 = threading.Lock()" in result.text
    path = tmp_path / "registry.py"
    for text in (LAZY_REGISTRY, result.text):
        path.write_text(text, encoding="utf-8")
        done = subprocess.run(
            [sys.executable, str(path)], capture_output=True, text=True, timeout=30, check=True
        )
        assert done.stdout == "[0, 1, 2]\n"
