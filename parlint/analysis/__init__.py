"""Analysis: CPython's `ast` in, facts about threads, processes, pools and tasks out.

Nothing here imports libcst: fixes are built elsewhere (`parlint.fixes`), only on demand.
"""
