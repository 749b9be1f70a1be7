"""A small site checker: fetches pages on threads and reports their sizes.

Run `parlint check examples/` to see what parlint finds here.
"""

from __future__ import annotations

import threading
import time
import urllib.request

sizes: dict[str, int] = {}
sizes_lock = threading.Lock()


def fetch(url: str) -> None:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            body = response.read()
    except OSError:
        body = b""
    with sizes_lock:
        sizes[url] = len(body)


def check_all(urls: list[str]) -> dict[str, int]:
    # Each thread is joined before the next one starts: the pages load one by one.
    for url in urls:
        worker = threading.Thread(target=fetch, args=(url,))
        worker.start()
        worker.join()
    return dict(sizes)


def warm_cache() -> None:
    # Started and forgotten: nobody waits for it, nobody sees its errors.
    loader = threading.Thread(target=fetch, args=("https://example.org/",))
    loader.start()
    print("cache warming in the background")


def report(path: str) -> None:
    with open(path, "w") as out:
        for url, size in sorted(sizes.items()):
            out.write(f"{url}\t{size}\n")


def schedule_report() -> threading.Thread:
    # `args` is a string, not a tuple: report() would get one argument per character.
    writer = threading.Thread(target=report, args=("report.tsv"))
    writer.start()
    return writer


if __name__ == "__main__":
    started = time.perf_counter()
    check_all(["https://example.org/", "https://example.com/"])
    print(f"checked in {time.perf_counter() - started:.1f}s")
