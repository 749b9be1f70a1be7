"""A fuzzing harness for parlint's checks and fixes (entry point: scripts/fuzz.py).

- `cases`: the unit of work (program text, BOM flag, settings, where it came from);
- `textspan`: line and statement arithmetic on the text, independent of parlint's own;
- `generate`: hypothesmith programs placed inside concurrency code;
- `mutate`: mutations of real files that keep their formatting;
- `oracle`: what must hold for any input, as a list of failures;
- `reduce`: shrinking a failing case;
- `known`: failures of bugs that are already being fixed;
- `campaign`: the deterministic stream of cases, jobs, the time budget, reproducer files.
"""
