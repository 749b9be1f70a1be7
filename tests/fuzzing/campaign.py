"""A fuzzing campaign: a deterministic stream of cases, run for a count or a time budget.

The stream depends only on the seed: batch after batch, a few hypothesmith programs placed
among concurrency code (see `generate`), then mutants of the corpus, the examples and the rules'
own example programs (see `mutate`). `--count N` runs the first N cases of the stream, so a
seed and a count always run the same cases. Cases are evaluated in order in this process
(`jobs=1`) or in worker processes, whose results are still taken in stream order.

Each failure key seen for the first time is shrunk and written out as a reproducer
(`<out>/<kind>/<code>-<hash>.py`, the exact bytes, with `.txt` notes and `.orig.py`, the case
before shrinking).
"""

from __future__ import annotations

import ast
import hashlib
import itertools
import random
import time
import warnings
from collections import Counter, deque
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Optional, Union

from fuzzing.cases import TARGET_VERSIONS, Case
from fuzzing.generate import default_hosts, generated_cases
from fuzzing.known import KnownBug, known_bug
from fuzzing.mutate import mutate
from fuzzing.oracle import Failure, evaluate
from fuzzing.reduce import Key, shrink

ROOT = Path(__file__).resolve().parents[2]
SOURCE_DIRS = (ROOT / "tests" / "corpus", ROOT / "examples")
# Per batch: hypothesmith's grammar strategy is quick, its libcst-node strategy is slow.
GENERATED_PER_BATCH = {"grammar": 4, "node": 2}
MUTANTS_PER_BATCH = 12


@dataclass(frozen=True)
class Plan:
    seed: int
    count: Optional[int] = None  # cases to run; None: until `minutes` are up
    minutes: Optional[float] = None
    jobs: int = 1
    reduce: bool = True
    out: Optional[Path] = None  # where reproducers go; None: nowhere
    time_limit: float = 60.0  # seconds for one case
    shrink_seconds: float = 180.0


@dataclass
class Finding:
    """The first case that showed a failure key, and what became of it."""

    failure: Failure
    case: Case
    index: int
    cases: int = 1  # how many cases showed this key
    reduced: Optional[Case] = None
    known: Optional[KnownBug] = None
    path: Optional[Path] = None


@dataclass
class Result:
    cases: int = 0
    generated: int = 0
    mutants: int = 0
    parsed: int = 0
    failed_cases: int = 0
    by_kind: Counter[str] = field(default_factory=Counter)
    findings: dict[Key, Finding] = field(default_factory=dict)
    seconds: float = 0.0
    interrupted: bool = False

    @property
    def new(self) -> list[Finding]:
        return [f for f in self.findings.values() if f.known is None]

    @property
    def known(self) -> list[Finding]:
        return [f for f in self.findings.values() if f.known is not None]


def sources() -> list[tuple[str, str]]:
    """(name, text) of every program mutants are made from."""
    from parlint.rules.registry import all_rules

    found = [
        (str(path.relative_to(ROOT)), path.read_text(encoding="utf-8"))
        for directory in SOURCE_DIRS
        for path in sorted(directory.glob("**/*.py"))
    ]
    for rule in all_rules():
        for index, example in enumerate(rule.invalid):
            found.append((f"{rule.code} invalid example {index}", example.code))
        for index, example in enumerate(rule.valid):
            found.append((f"{rule.code} valid example {index}", example))
    return found


def _settings_for(case: Case, rng: random.Random) -> Case:
    return replace(
        case, target_version=rng.choice(TARGET_VERSIONS), free_threaded=rng.random() < 0.1
    )


def case_stream(seed: int) -> Iterator[Case]:
    """The endless, seed-determined stream of cases."""
    programs = sources()
    hosts = default_hosts()
    for batch in itertools.count():
        rng = random.Random(f"parlint-fuzz:{seed}:{batch}")
        kind = "grammar" if batch % 2 == 0 else "node"
        generator_seed = rng.randrange(2**32)
        for case in generated_cases(kind, generator_seed, GENERATED_PER_BATCH[kind], hosts, rng):
            if rng.random() < 0.5:
                case = mutate(case, rng, rng.randint(1, 2))
            yield _settings_for(case, rng)
        for _ in range(MUTANTS_PER_BATCH):
            name, text = rng.choice(programs)
            case = Case(text, f"mutant of {name}")
            yield _settings_for(mutate(case, rng, rng.randint(1, 3)), rng)


def _is_generated(case: Case) -> bool:
    return case.origin.startswith("hypothesmith")


def _parses(case: Case) -> bool:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # generated code is full of odd escapes and literals
        try:
            ast.parse(case.data())
        except (SyntaxError, ValueError, RecursionError, MemoryError):
            return False
    return True


Pending = Union[Future[list[Failure]], list[Failure]]
PendingCase = Union[Future[Case], Case]


class _Runner:
    """Runs evaluations and reductions, here or in worker processes."""

    def __init__(self, jobs: int) -> None:
        self.pool = ProcessPoolExecutor(max_workers=jobs) if jobs > 1 else None

    def submit_evaluate(self, case: Case, plan: Plan) -> Pending:
        if self.pool is None:
            return evaluate(case, plan.time_limit)
        return self.pool.submit(evaluate, case, plan.time_limit)

    def submit_shrink(self, case: Case, key: Key, plan: Plan) -> PendingCase:
        limit, seconds = plan.time_limit, plan.shrink_seconds
        if self.pool is None:
            return shrink(case, key, time_limit=limit, seconds=seconds)
        return self.pool.submit(shrink, case, key, time_limit=limit, seconds=seconds)

    def close(self) -> None:
        if self.pool is not None:
            self.pool.shutdown(cancel_futures=True)


class _Campaign:
    """One run: cases go out in stream order, results come back in the same order."""

    def __init__(self, plan: Plan, progress: Optional[Callable[[Result], None]]) -> None:
        self.plan = plan
        self.progress = progress
        self.result = Result()
        self.runner = _Runner(plan.jobs)
        self.in_flight: deque[tuple[int, Case, Pending]] = deque()
        self.shrinking: list[tuple[Finding, PendingCase]] = []

    def run(self) -> None:
        plan = self.plan
        started = time.monotonic()
        deadline = started + plan.minutes * 60 if plan.minutes is not None else None
        stream = case_stream(plan.seed)
        # Workers get a second case queued while they run one; here, one case at a time.
        most_in_flight = 1 if self.runner.pool is None else 2 * plan.jobs
        try:
            for index in itertools.count():
                if plan.count is not None and index >= plan.count:
                    break
                if deadline is not None and time.monotonic() >= deadline:
                    break
                case = next(stream)
                self.in_flight.append((index, case, self.runner.submit_evaluate(case, plan)))
                while len(self.in_flight) >= most_in_flight:
                    self._collect(*self.in_flight.popleft())
                self._finish_shrinks(wait=False)
                if self.progress is not None:
                    self.progress(self.result)
            while self.in_flight:
                self._collect(*self.in_flight.popleft())
            self._finish_shrinks(wait=True)
        except KeyboardInterrupt:
            # What was found so far is still reported (unshrunk where shrinking was cut off).
            self.result.interrupted = True
            self._finish_shrinks(wait=False, give_up=True)
        finally:
            self.runner.close()
            self.result.seconds = time.monotonic() - started

    def _collect(self, index: int, case: Case, pending: Pending) -> None:
        failures = pending.result() if isinstance(pending, Future) else pending
        result = self.result
        result.cases += 1
        if _is_generated(case):
            result.generated += 1
        else:
            result.mutants += 1
        result.parsed += _parses(case)
        result.failed_cases += bool(failures)
        for failure in failures:
            result.by_kind[failure.kind] += 1
            finding = result.findings.get(failure.key)
            if finding is not None:
                finding.cases += 1
                continue
            finding = Finding(failure, case, index)
            result.findings[failure.key] = finding
            if self.plan.reduce and failure.kind != "timeout":
                self.shrinking.append(
                    (finding, self.runner.submit_shrink(case, failure.key, self.plan))
                )
            else:
                _classify_and_write(self.plan, finding)

    def _finish_shrinks(self, wait: bool, give_up: bool = False) -> None:
        """Write out the findings whose shrinking is done (all, waiting for them, with `wait`;
        the unfinished ones unshrunk, with `give_up`)."""
        unfinished: list[tuple[Finding, PendingCase]] = []
        for finding, pending in self.shrinking:
            if not isinstance(pending, Future):
                finding.reduced = pending
            elif pending.done() or wait:
                finding.reduced = _shrunk(pending)
            elif not give_up:
                unfinished.append((finding, pending))
                continue
            _classify_and_write(self.plan, finding)
        self.shrinking = unfinished


def _shrunk(pending: Future[Case]) -> Optional[Case]:
    try:
        return pending.result()
    except Exception:  # a worker that died (interrupted): keep the case as it was found
        return None


def run(plan: Plan, progress: Optional[Callable[[Result], None]] = None) -> Result:
    """Run a campaign and return what it found (reproducers written to `plan.out`)."""
    campaign = _Campaign(plan, progress)
    campaign.run()
    return campaign.result


def _classify_and_write(plan: Plan, finding: Finding) -> None:
    case = finding.reduced or finding.case
    finding.known = known_bug(finding.failure, case)
    if plan.out is not None:
        finding.path = write_reproducer(plan.out, finding)


def _key_hash(key: Key) -> str:
    return hashlib.sha1("\0".join(key).encode()).hexdigest()[:10]


def write_reproducer(out: Path, finding: Finding) -> Path:
    """The reduced case's exact bytes, notes beside it, and the case before shrinking.
    A reproducer already written for the same key is kept when it is smaller."""
    failure = finding.failure
    case = finding.reduced or finding.case
    directory = out / failure.kind
    directory.mkdir(parents=True, exist_ok=True)
    stem = f"{failure.code.replace(',', '+') or 'none'}-{_key_hash(failure.key)}"
    path = directory / f"{stem}.py"
    if path.exists() and len(path.read_bytes()) <= len(case.data()):
        return path
    path.write_bytes(case.data())
    (directory / f"{stem}.orig.py").write_bytes(finding.case.data())
    notes = [
        f"kind: {failure.kind}",
        f"code: {failure.code or '-'}",
        f"exception: {failure.exception or '-'}",
        f"frame: {failure.frame or '-'}",
        f"detail: {failure.detail}",
        f"known bug: {finding.known.name if finding.known else 'no (new)'}",
        f"origin: {case.origin}",
        f"steps: {'; '.join(case.steps) or '-'}",
        f"settings: target-version={case.target_version} free-threaded={case.free_threaded}",
        f"bom: {case.bom}",
        f"cases with this failure: {finding.cases} (first: case #{finding.index})",
        "",
        failure.traceback or "(no traceback: nothing raised)",
    ]
    (directory / f"{stem}.txt").write_text("\n".join(notes), encoding="utf-8")
    return path


def summary(plan: Plan, result: Result) -> str:
    lines = [
        f"parlint fuzz: seed {plan.seed}, {result.seconds:.0f} s, jobs {plan.jobs}"
        + (" (interrupted)" if result.interrupted else ""),
        f"cases: {result.cases} (programs generated: {result.generated}, mutants: "
        f"{result.mutants}); parsing: {result.parsed}, not parsing: "
        f"{result.cases - result.parsed}",
        f"failed cases: {result.failed_cases}; unique failures: {len(result.findings)} "
        f"(new: {len(result.new)}, known: {len(result.known)})",
    ]
    if result.by_kind:
        lines.append("failures by kind (occurrences):")
        lines.extend(f"  {kind}: {n}" for kind, n in sorted(result.by_kind.items()))
    for title, findings in (("new", result.new), ("known", result.known)):
        if not findings:
            continue
        lines.append(f"{title} failures:")
        for finding in findings:
            failure = finding.failure
            where = finding.path or f"case #{finding.index}"
            bug = f" [{finding.known.name}]" if finding.known else ""
            lines.append(
                f"  {failure.kind} {failure.code or '-'} {failure.exception or '-'} "
                f"{failure.frame or '-'} x{finding.cases}{bug}: {where}"
            )
            lines.append(f"      {failure.detail[:160]!r}")
    return "\n".join(lines)
