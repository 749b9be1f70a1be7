"""Programs from hypothesmith, placed among concurrency code.

parlint's keyword prefilter skips a file without concurrency names, so hypothesmith's output
alone would test nothing. Each generated program is either put inside a host program that
starts threads, processes and executors (the rules' own examples and a few templates below),
at a random statement boundary, or has such statements put inside it, with the imports at its
top. hypothesmith runs through Hypothesis with a fixed seed, so a batch is reproducible.
"""

from __future__ import annotations

import ast
import contextlib
import random
import warnings
from collections.abc import Iterator
from typing import Optional

from fuzzing.cases import Case
from fuzzing.textspan import Program, Stmt, first_newline, split_keepends

IMPORTS = (
    "import asyncio\n"
    "import threading\n"
    "import multiprocessing\n"
    "from concurrent.futures import ThreadPoolExecutor, ProcessPoolExecutor\n"
    "\n"
    "\n"
    "def work(n=0):\n"
    "    total = 0\n"
    "    for i in range(n * 1000):\n"
    "        total += i * i\n"
    "    return total\n"
    "\n"
    "\n"
)

# Concurrency statements put inside generated code: one or more findings each.
SHAPES = (
    "t = threading.Thread(target=work)\nt.start()\n",
    "t = threading.Thread(target=work, args=(1))\nt.run()\n",
    "threads = [threading.Thread(target=work, args=(i,)) for i in range(3)]\n"
    "for t in threads:\n    t.start()\nfor t in threads:\n    t.join()\n",
    "workers = []\nfor i in range(4):\n    w = threading.Thread(target=work, args=(i,))\n"
    "    workers.append(w)\n    w.start()\nfor w in workers:\n    w.join()\n",
    "with ThreadPoolExecutor() as pool:\n    pool.submit(work, 1)\n",
    "p = multiprocessing.Process(target=work, args=(5,))\np.start()\n",
    "ex = ProcessPoolExecutor(max_workers=100)\nex.map(work, range(3))\n",
    "for i in range(3):\n    t = threading.Thread(target=work, args=(i,))\n"
    "    t.start()\n    t.join()\n",
    "a = threading.Thread(target=work)\nb = threading.Thread(target=work)\n"
    "c = threading.Thread(target=work)\na.start()\nb.start()\nc.start()\n"
    "a.join()\nb.join()\nc.join()\n",
    "threading.Thread(target=work(1)).start()\n",
    "async def crunch():\n    loop = asyncio.get_running_loop()\n"
    "    return await loop.run_in_executor(None, work, 10)\n",
    "counter = 0\ndef bump():\n    global counter\n    counter += 1\n"
    "pool = [threading.Thread(target=bump) for _ in range(2)]\n"
    "for t in pool:\n    t.start()\nfor t in pool:\n    t.join()\n",
)

# Hosts for generated code, besides the rules' own examples.
TEMPLATES = (
    IMPORTS + "total = 0\n\n\n"
    "def task(n=0):\n"
    "    global total\n"
    "    total += n\n"
    "    return n\n"
    "\n\n"
    "def main(items):\n"
    "    t = threading.Thread(target=task, args=(1,))\n"
    "    t.start()\n"
    "    threads = []\n"
    "    for i in items:\n"
    "        worker = threading.Thread(target=task, args=(i,))\n"
    "        threads.append(worker)\n"
    "        worker.start()\n"
    "    for worker in threads:\n"
    "        worker.join()\n"
    "    with ThreadPoolExecutor() as pool:\n"
    "        pool.submit(task, 2)\n"
    "    p = multiprocessing.Process(target=task)\n"
    "    p.start()\n"
    "    p.join()\n"
    "\n\n"
    'if __name__ == "__main__":\n'
    "    main(range(3))\n",
    IMPORTS + "def fetch(url):\n"
    "    with open(url) as handle:\n"
    "        return handle.read()\n"
    "\n\n"
    "def crawl(urls):\n"
    "    procs = [multiprocessing.Process(target=fetch, args=(u,)) for u in urls]\n"
    "    for p in procs:\n"
    "        p.start()\n"
    "    for p in procs:\n"
    "        p.join()\n"
    "    executor = ThreadPoolExecutor(4)\n"
    "    executor.submit(fetch, urls[0])\n"
    "    return executor.map(fetch, urls)\n"
    "\n\n"
    "crawl(['a', 'b'])\n",
    IMPORTS + "class Service:\n"
    "    def start(self):\n"
    "        self.thread = threading.Thread(target=work, args=(3,))\n"
    "        self.thread.run()\n"
    "\n"
    "    async def compute(self):\n"
    "        loop = asyncio.get_running_loop()\n"
    "        with ThreadPoolExecutor() as pool:\n"
    "            return await loop.run_in_executor(pool, work, 100)\n"
    "\n\n"
    "def serial(n):\n"
    "    for i in range(n):\n"
    "        t = threading.Thread(target=work, args=(i))\n"
    "        t.start()\n"
    "        t.join()\n",
)


@contextlib.contextmanager
def _without_local_constants() -> Iterator[None]:
    """Hypothesis mixes constants it finds in the source of the "local" modules imported so far
    (parlint's own, here) into what it generates: a seed would give other programs after any
    change to parlint's code, after a fix imported another module, or in a worker process.
    Generation turns that off (an internal hook; without it, runs stay reproducible only
    within one checkout and one `--jobs`)."""
    try:
        from hypothesis.internal.conjecture import providers
        from hypothesis.internal.constants_ast import Constants
    except ImportError:
        yield
        return
    original = getattr(providers, "_get_local_constants", None)
    if original is None:
        yield
        return
    providers._get_local_constants = Constants
    cache = getattr(getattr(providers, "CONSTANTS_CACHE", None), "cache", None)
    if cache is not None:
        cache.clear()  # entries computed with local constants
    try:
        yield
    finally:
        providers._get_local_constants = original


def hypothesmith_batch(kind: str, seed: int, count: int) -> list[str]:
    """`count` programs from hypothesmith (`kind`: "grammar" or "node"), reproducible by seed."""
    with _without_local_constants(), warnings.catch_warnings():
        warnings.simplefilter("ignore")  # its programs compile with odd escapes and literals
        return _hypothesmith_batch(kind, seed, count)


def _hypothesmith_batch(kind: str, seed: int, count: int) -> list[str]:
    import hypothesmith
    from hypothesis import HealthCheck, Phase, Verbosity, given, settings
    from hypothesis import seed as hypothesis_seed

    strategy = hypothesmith.from_grammar() if kind == "grammar" else hypothesmith.from_node()
    found: list[str] = []

    @hypothesis_seed(seed)
    @settings(
        max_examples=count,
        database=None,
        phases=[Phase.generate],
        deadline=None,
        suppress_health_check=list(HealthCheck),
        verbosity=Verbosity.quiet,
    )
    @given(strategy)
    def collect(code: str) -> None:
        found.append(code)

    collect()
    return found[:count]


def _indented(code: str, indent: str, newline: str) -> str:
    """`code` with `indent` before each non-blank row, ending with a line ending."""
    if not code.endswith(("\n", "\r")):
        code += newline
    out = []
    for line in split_keepends(code):
        out.append(line if not line.strip(" \t\f\r\n") else indent + line)
    return "".join(out)


def _insertion_point(program: Program, rng: random.Random) -> tuple[int, str]:
    """A statement boundary (an index into the text) and the indentation there."""
    alone = [s for s in program.statements if s.alone]
    if not alone or rng.random() < 0.1:
        return 0, ""
    stmt: Stmt = rng.choice(alone)
    indent = stmt.indent.replace("\f", "")
    if rng.random() < 0.5:
        return program.row_start(stmt.first_row), indent
    at = program.row_end(stmt.last_row)
    return at, indent


def insert_code(host: str, code: str, rng: random.Random) -> str:
    """`code` put into `host` at a random statement boundary, indented to fit."""
    program = Program(host)
    at, indent = _insertion_point(program, rng)
    newline = first_newline(host)
    if at == len(host) and host and not host.endswith(("\n", "\r")):
        host += newline
        at = len(host)
    return host[:at] + _indented(code, indent, newline) + host[at:]


def _after_future_imports(program: Program) -> int:
    """Where imports may go: after the docstring and `from __future__` imports."""
    at = 0
    for stmt in program.statements:
        if stmt.body != 0:
            continue
        node = stmt.node
        docstring = stmt.index == 0 and _is_string_statement(node)
        future = getattr(node, "module", None) == "__future__"
        if not (docstring or future):
            break
        at = program.row_end(stmt.last_row)
    return at


def _is_string_statement(node: ast.stmt) -> bool:
    return (
        isinstance(node, ast.Expr)
        and isinstance(node.value, ast.Constant)
        and isinstance(node.value.value, str)
    )


def shapes_inside(code: str, rng: random.Random) -> Optional[str]:
    """Concurrency statements put inside `code` (which must parse), imports at its top."""
    program = Program(code)
    if program.tree is None:
        return None
    for _ in range(rng.randint(1, 3)):
        code = insert_code(code, rng.choice(SHAPES), rng)
    program = Program(code)
    at = _after_future_imports(program)
    newline = first_newline(code)
    if at == len(code) and code and not code.endswith(("\n", "\r")):
        code += newline
        at = len(code)
    return code[:at] + IMPORTS + code[at:]


def place(code: str, hosts: list[str], rng: random.Random) -> tuple[str, str]:
    """A program holding `code` and concurrency code, and how it was made."""
    if rng.random() < 0.4:
        inside = shapes_inside(code, rng)
        if inside is not None:
            return inside, "concurrency statements inside"
    host_index = rng.randrange(len(hosts))
    return insert_code(hosts[host_index], code, rng), f"inside host {host_index}"


def generated_cases(
    kind: str, seed: int, count: int, hosts: list[str], rng: random.Random
) -> list[Case]:
    cases = []
    for index, code in enumerate(hypothesmith_batch(kind, seed, count)):
        text, how = place(code, hosts, rng)
        cases.append(Case(text, f"hypothesmith {kind} seed {seed} #{index}, {how}"))
    return cases


def default_hosts() -> list[str]:
    """The templates above and every example program of every rule."""
    from parlint.rules.registry import all_rules

    hosts = list(TEMPLATES)
    for rule in all_rules():
        hosts.extend(example.code for example in rule.invalid)
        hosts.extend(rule.valid)
    return hosts
