"""Proof for PAR601: eight threads count words into one dict with a read-modify-write. With a
tiny switch interval the GIL changes hands between the read and the write and counts are lost
(on a free-threaded Python they are lost without any help); `parlint check --fix
--unsafe-fixes` holds a lock around the update and none are.

Runs up to 20 rounds. Prints `lost N of M updates` and exits 1 at the first round that loses
one, else prints `no update lost` and exits 0."""

import sys
from concurrent.futures import ThreadPoolExecutor

WORDS = ["red", "green", "blue"] * 500
counts = {}


def tally(batch):
    for word in batch:
        counts[word] = counts.get(word, 0) + 1  # expect: PAR601 [fix]


def main():
    sys.setswitchinterval(1e-6)
    expected = len(WORDS) * 8
    for _ in range(20):
        counts.clear()
        with ThreadPoolExecutor(max_workers=8) as executor:
            list(executor.map(tally, [WORDS] * 8))  # expect: PAR201
        lost = expected - sum(counts.values())
        if lost:
            print(f"lost {lost} of {expected} updates")
            return 1
    print("no update lost")
    return 0


if __name__ == "__main__":
    sys.exit(main())
