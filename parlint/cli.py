"""The `parlint` command: `check`, `rule`, `--version` (mirrors ruff's CLI)."""

from __future__ import annotations

import argparse
import difflib
import os
import shutil
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Optional, TextIO

from parlint import __version__
from parlint.config import ConfigError, ConfigResolver, Overrides
from parlint.discovery import UsageError, collect_files, is_force_excluded
from parlint.ftypes import FileResult
from parlint.output import FORMATS, fix_summary, render, statistics, summary
from parlint.output.common import display_path
from parlint.rules.base import Rule
from parlint.rules.registry import all_rules, rule_by_code
from parlint.runner import Job, RunOptions, process_source, run

EXIT_CLEAN, EXIT_FOUND, EXIT_ERROR = 0, 1, 2
# Stopped by a signal: 128 + its number, as shells report it (SIGINT, SIGPIPE).
EXIT_INTERRUPTED, EXIT_BROKEN_PIPE = 130, 141
SUBCOMMANDS = ("check", "audit", "rule", "server")
TARGET_VERSIONS = tuple(f"py3{minor}" for minor in range(8, 15))


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # type: ignore[override]
        self.print_usage(sys.stderr)
        raise UsageError(message)


def _selectors(option: str, values: Optional[list[str]]) -> Optional[tuple[str, ...]]:
    """The rule selectors given with `option`, each comma-separated part one selector.

    An empty part (`--select ''`, `--select ','`, `--select 'PAR1,'`) is an error, as in
    ruff: dropping it would silently turn every rule off.
    """
    if values is None:
        return None
    selectors = []
    for value in values:
        for part in value.split(","):
            if not part.strip():
                raise UsageError(
                    f"invalid value {value!r} for {option}: an empty rule selector; expected "
                    "ALL or rule codes or prefixes, comma-separated (PAR, PAR1, PAR101)"
                )
            selectors.append(part.strip())
    return tuple(selectors)


AUDIT_FORMATS = ("text", "markdown", "json")


def build_audit_parser() -> argparse.ArgumentParser:
    audit = _Parser(
        prog="parlint audit",
        description="Readiness reports. free-threading: can the code run on a free-threaded "
        "CPython (PEP 703), and what must change first.",
    )
    audit.add_argument("topic", choices=("free-threading",), help="what to audit")
    audit.add_argument("paths", nargs="*", metavar="PATH", help="files or directories (default: .)")
    audit.add_argument(
        "--output-format", choices=AUDIT_FORMATS, default="text", help="text, markdown or json"
    )
    audit.add_argument(
        "--python",
        metavar="PATH",
        help="the interpreter whose installed extension modules are judged (default: parlint's)",
    )
    audit.add_argument(
        "--no-import-probe",
        action="store_true",
        help="do not import extension modules in a free-threaded --python to read Py_mod_gil",
    )
    audit.add_argument("--config", metavar="FILE", help="use this configuration file; no discovery")
    return audit


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="parlint",
        description="Find concurrency mistakes in Python code and rewrite them.",
    )
    parser.add_argument("--version", action="version", version=f"parlint {__version__}")
    sub = parser.add_subparsers(dest="command", parser_class=_Parser)

    check = sub.add_parser("check", help="check files or directories (the default)")
    check.add_argument(
        "paths", nargs="*", metavar="PATH", help="files or directories (default: .); - reads stdin"
    )
    check.add_argument("--fix", action="store_true", help="apply safe fixes")
    check.add_argument(
        "--unsafe-fixes", action="store_true", help="also apply (and show) unsafe fixes"
    )
    check.add_argument(
        "--diff", action="store_true", help="print the fixes as a diff instead of writing them"
    )
    check.add_argument(
        "--show-fixes",
        action="store_true",
        help="show the fixes: applied ones after --fix, proposed ones otherwise",
    )
    check.add_argument(
        "--select",
        action="append",
        metavar="CODES",
        help="rules to enable (codes or prefixes, comma-separated); replaces the configuration's",
    )
    check.add_argument(
        "--extend-select",
        action="append",
        metavar="CODES",
        help="rules to enable on top of the selection",
    )
    check.add_argument("--ignore", action="append", metavar="CODES", help="rules to disable")
    check.add_argument(
        "--output-format",
        choices=FORMATS,
        default=None,
        help="how diagnostics are printed (default: full)",
    )
    check.add_argument(
        "--exit-zero", action="store_true", help="exit 0 even when diagnostics remain"
    )
    check.add_argument(
        "--statistics", action="store_true", help="print counts per rule instead of diagnostics"
    )
    check.add_argument("--no-cache", action="store_true", help="do not read or write the cache")
    check.add_argument("--config", metavar="FILE", help="use this configuration file; no discovery")
    check.add_argument(
        "--force-exclude",
        action="store_true",
        help="apply exclusions to paths given on the command line too",
    )
    check.add_argument(
        "--stdin-filename", metavar="NAME", help="the name of the file read from stdin"
    )
    check.add_argument(
        "--target-version", choices=TARGET_VERSIONS, help="the oldest Python the code supports"
    )
    check.add_argument(
        "--free-threaded",
        action="store_true",
        default=None,
        help="the code runs on a free-threaded CPython (PEP 703)",
    )
    check.add_argument(
        "--python",
        metavar="PATH",
        help="the interpreter whose installed packages PAR704 reads (default: parlint's own)",
    )
    check.add_argument(
        "--jobs", type=int, default=0, metavar="N", help="parallel processes (default: one per CPU)"
    )
    check.add_argument(
        "--quiet", "-q", action="store_true", help="print diagnostics and nothing else"
    )

    # Listed here for `parlint --help`; parsed by `build_audit_parser` (options may come
    # after the paths, which argparse's subparsers cannot mix).
    sub.add_parser("audit", help="readiness reports: `parlint audit free-threading [PATH ...]`")

    sub.add_parser("server", help="run the language server (LSP over stdio)")

    rule = sub.add_parser("rule", help="print a rule's documentation")
    rule.add_argument("code", nargs="?", help="a rule code (PAR101) or name (unjoined-thread)")
    rule.add_argument("--all", action="store_true", help="print every rule's documentation")
    return parser


def _normalize_argv(argv: list[str]) -> list[str]:
    """`parlint PATH ...` with no subcommand means `parlint check PATH ...`."""
    if not argv:
        return ["check"]
    first = argv[0]
    if first in SUBCOMMANDS or first in ("-h", "--help", "--version"):
        return argv
    _reject_mistyped_command(first)
    return ["check", *argv]


def _reject_mistyped_command(word: str) -> None:
    """`parlint chek src`: a first argument that is no path and looks like a subcommand is a
    typo of it, not a file to check. Anything path-like is left to `check` to judge."""
    if word.startswith("-") or any(sep in word for sep in ("/", os.sep, ".")):
        return
    if os.path.lexists(word):
        return
    close = difflib.get_close_matches(word, SUBCOMMANDS, n=1)
    if close:
        raise UsageError(
            f"unknown command {word!r} (and no such file or directory); did you mean {close[0]!r}?"
        )


def main(argv: Optional[Sequence[str]] = None) -> int:
    try:
        status = _main(argv)
        # Here, not at exit, so that a closed pipe is caught below. (The language server
        # closes stdout itself when it ends.)
        if not sys.stdout.closed:
            sys.stdout.flush()
        return status
    except BrokenPipeError:
        # `parlint check | head -1`: the reader has all it wants. End quietly, as ruff does,
        # with the status a process stopped by SIGPIPE has.
        _discard_stdout()
        return EXIT_BROKEN_PIPE


def _discard_stdout() -> None:
    """Point stdout at the null device: what is still buffered would otherwise raise again
    when the interpreter flushes it on exit."""
    try:
        null = os.open(os.devnull, os.O_WRONLY)
        os.dup2(null, sys.stdout.fileno())
        os.close(null)
    except (OSError, ValueError):
        pass


def _main(argv: Optional[Sequence[str]]) -> int:
    try:
        args_list = _normalize_argv(list(sys.argv[1:] if argv is None else argv))
        if args_list[0] == "audit":
            audit_args = build_audit_parser().parse_intermixed_args(args_list[1:])
            return _audit_command(audit_args, sys.stdout, sys.stderr)
        args = build_parser().parse_args(args_list)
        if args.command == "rule":
            return _rule_command(args, sys.stdout)
        if args.command == "server":
            from parlint.server.app import start_server

            return start_server()
        return _check_command(args, sys.stdout, sys.stderr)
    except UsageError as exc:
        print(f"parlint: error: {exc}", file=sys.stderr)
        return EXIT_ERROR
    except ConfigError as exc:
        print(f"parlint: error: {exc}", file=sys.stderr)
        return EXIT_ERROR
    except KeyboardInterrupt:
        return EXIT_INTERRUPTED


def _rule_command(args: argparse.Namespace, out: TextIO) -> int:
    if args.all:
        out.write("\n\n".join(_rule_page(rule) for rule in all_rules()) + "\n")
        return EXIT_CLEAN
    if not args.code:
        raise UsageError("give a rule code (`parlint rule PAR101`) or `--all`")
    rule = rule_by_code(args.code.upper()) or rule_by_code(args.code)
    if rule is None:
        raise UsageError(f"unknown rule `{args.code}`; `parlint rule --all` lists every rule")
    out.write(_rule_page(rule) + "\n")
    return EXIT_CLEAN


def _rule_page(rule: type[Rule]) -> str:
    fix = {
        None: "Fix is not available.",
        "safe": "Fix is always available (safe).",
        "unsafe": "Fix is sometimes available (unsafe: applied with `--unsafe-fixes`).",
        "display-only": "Fix is sometimes available (display-only: shown, never applied).",
    }[rule.fix_applicability.value if rule.fix_applicability else None]
    header = (
        f"# {rule.name} ({rule.code})\n\n"
        f"Family: {rule.family}. Default severity: {rule.severity.value}. {fix}\n"
    )
    return f"{header}\n{rule.docs()}\n"


def interpreter(python: Optional[str]) -> Optional[str]:
    """The absolute path of `--python`, once parlint has asked it what it has installed."""
    if python is None:
        return None
    from parlint.analysis.environment import EnvironmentProblem, environment

    found = shutil.which(python) or (python if Path(python).is_file() else None)
    if found is None:
        raise UsageError(f"--python: no interpreter at {python}")
    path = str(Path(found).absolute())
    try:
        environment(path)
    except EnvironmentProblem as exc:
        raise UsageError(f"--python: {exc}") from exc
    return path


def _audit_command(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    """`parlint audit free-threading`: exit 0 when every package is ready, 1 when some
    change is needed first, 2 when something could not be read."""
    from parlint.audit import audit_free_threading

    python = interpreter(args.python)
    cwd = Path.cwd()
    config_file = Path(args.config) if args.config else None
    if config_file is not None and not config_file.is_file():
        raise UsageError(f"configuration file not found: {args.config}")
    paths = [Path(p) for p in (args.paths or ["."])]
    for path in paths:
        if not path.exists():
            raise UsageError(f"{path}: no such file or directory")
    resolver = ConfigResolver(Overrides(), config_file, cwd)
    report = audit_free_threading(paths, resolver, cwd, python, not args.no_import_probe)
    out.write(report.render(args.output_format))
    for message in report.errors:
        err.write(f"parlint: error: {message}\n")
    if report.errors:
        return EXIT_ERROR
    return EXIT_CLEAN if report.ready else EXIT_FOUND


def _check_command(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    if args.jobs < 0:
        raise UsageError("--jobs must be 0 (one per CPU) or more")
    fmt = args.output_format or os.environ.get("PARLINT_OUTPUT_FORMAT") or "full"
    if fmt not in FORMATS:
        raise UsageError(f"unknown output format {fmt!r}; choose from {', '.join(FORMATS)}")
    overrides = Overrides(
        select=_selectors("--select", args.select),
        extend_select=_selectors("--extend-select", args.extend_select),
        ignore=_selectors("--ignore", args.ignore),
        target_version=args.target_version,
        free_threaded=args.free_threaded,
        python=interpreter(args.python),
    )
    cwd = Path.cwd()
    config_file = Path(args.config) if args.config else None
    if config_file is not None and not config_file.is_file():
        raise UsageError(f"configuration file not found: {args.config}")
    resolver = ConfigResolver(overrides, config_file, cwd)
    options = RunOptions(
        fix=args.fix,
        unsafe_fixes=args.unsafe_fixes,
        diff=args.diff,
        build_fixes=fmt in ("json", "json-lines", "sarif") or (args.show_fixes and not args.fix),
        use_cache=not args.no_cache,
        jobs=args.jobs,
    )
    paths = args.paths or ["."]
    if "-" in paths:
        if len(paths) > 1:
            raise UsageError("`-` (stdin) cannot be combined with other paths")
        return _check_stdin(args, resolver, options, fmt, out, err)
    files = collect_files([Path(p) for p in paths], resolver, force_exclude=args.force_exclude)
    if not files and not args.quiet:
        err.write("parlint: warning: No Python files found under the given path(s)\n")
    jobs = [Job(str(f), _display(f, cwd), resolver.settings_for(f)) for f in files]
    cache_dir = Path(os.environ.get("PARLINT_CACHE_DIR") or cwd / ".parlint_cache")
    outcomes = run(jobs, options, cache_dir)
    results = [o.result for o in outcomes]
    errors = [e for o in outcomes for e in o.errors]
    if args.diff:
        diff_text = "".join(o.diff for o in outcomes)
        out.write(diff_text)
        # Display-only fixes go to stderr: a reviewer reads them, `| patch` never applies them.
        err.write("".join(o.suggestions for o in outcomes))
        fixed = sum(len(r.fixed) for r in results)
        if not args.quiet:
            err.write(
                f"Would fix {fixed} error{'s' if fixed != 1 else ''}.\n"
                if fixed
                else "No errors would be fixed.\n"
            )
        for message in errors:
            err.write(f"parlint: error: {message}\n")
        return (
            EXIT_ERROR
            if errors
            else (EXIT_FOUND if diff_text and not args.exit_zero else EXIT_CLEAN)
        )
    return _report(args, results, errors, fmt, out, err)


def _report(
    args: argparse.Namespace,
    results: list[FileResult],
    errors: list[str],
    fmt: str,
    out: TextIO,
    err: TextIO,
) -> int:
    remaining = [d for r in results for d in r.diagnostics]
    with_diagnostics = [r for r in results if r.diagnostics]
    if args.statistics:
        out.write(statistics(with_diagnostics, unsafe_fixes=args.unsafe_fixes, fmt=fmt))
    else:
        out.write(
            render(
                with_diagnostics, fmt, unsafe_fixes=args.unsafe_fixes, show_fixes=args.show_fixes
            )
        )
    fixed_count = sum(len(r.fixed) for r in results)
    if args.fix and args.show_fixes and fixed_count and not args.quiet:
        text = fix_summary([r for r in results if r.fixed])
        (out if fmt in ("full", "concise") else err).write(text)
    if fmt in ("full", "concise") and not args.quiet and not args.statistics:
        out.write(
            summary(remaining, fixed=fixed_count, unsafe_fixes=args.unsafe_fixes, fix_mode=args.fix)
        )
    for message in errors:
        err.write(f"parlint: error: {message}\n")
    if errors:
        return EXIT_ERROR
    if remaining and not args.exit_zero:
        return EXIT_FOUND
    return EXIT_CLEAN


def _check_stdin(
    args: argparse.Namespace,
    resolver: ConfigResolver,
    options: RunOptions,
    fmt: str,
    out: TextIO,
    err: TextIO,
) -> int:
    data = sys.stdin.buffer.read()
    name = args.stdin_filename
    if name and args.force_exclude and is_force_excluded(Path(name), resolver):
        if args.fix:
            sys.stdout.buffer.write(data)
        return EXIT_CLEAN
    settings = resolver.settings_for(Path(name)) if name else resolver.default_settings
    display = name or "-"
    outcome, new_text, encoding = process_source(data, display, settings, options)
    errors = list(outcome.errors)
    if args.diff:
        out.write(outcome.diff)
        err.write(outcome.suggestions)
        return (
            EXIT_ERROR
            if errors
            else (EXIT_FOUND if outcome.diff and not args.exit_zero else EXIT_CLEAN)
        )
    if args.fix:
        # As ruff does: the fixed source goes to stdout, the remaining diagnostics to stderr.
        text_out = new_text if new_text is not None else None
        if text_out is not None and encoding is not None:
            sys.stdout.buffer.write(encoding.encode(text_out))
        else:
            sys.stdout.buffer.write(data)
        sys.stdout.flush()
        return _report(args, [outcome.result], errors, fmt, err, err)
    return _report(args, [outcome.result], errors, fmt, out, err)


def _display(path: Path, cwd: Path) -> str:
    """The path as users want to read it: relative to the working directory when inside it."""
    return display_path(str(path), str(cwd))
