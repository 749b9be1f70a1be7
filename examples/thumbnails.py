"""Thumbnail generation done right: parlint has nothing to say about this file."""

from __future__ import annotations

import hashlib
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from threading import Thread


def digest(path: Path) -> str:
    # hashlib releases the GIL on large buffers: threads are fine here.
    return hashlib.sha256(path.read_bytes()).hexdigest()


def digest_all(paths: list[Path]) -> dict[Path, str]:
    with ThreadPoolExecutor(max_workers=8) as executor:
        return dict(zip(paths, executor.map(digest, paths)))


def watch(paths: list[Path]) -> Thread:
    # The caller owns the thread it gets back and joins it.
    watcher = Thread(target=digest_all, args=(paths,), daemon=True)
    watcher.start()
    return watcher


if __name__ == "__main__":
    print(digest_all(sorted(Path(".").glob("*.py"))))
