"""shared_generator.py rewritten as PAR702 advises: the items are handed out by
`executor.map`, one at a time from the thread that owns the generator, so no two threads are
ever inside it at once. Prints `every item read once` (exit 0), or what went wrong (exit 1)."""

import sys
from concurrent.futures import ThreadPoolExecutor


def pages(count):
    for number in range(count):
        yield str(number).zfill(4)


def read(page):
    return page


def main():
    sys.setswitchinterval(1e-6)
    for _ in range(10):
        with ThreadPoolExecutor(max_workers=4) as executor:
            out = list(executor.map(read, pages(2000)))
        if out != [str(n).zfill(4) for n in range(2000)]:
            print("items lost or repeated")
            return 1
    print("every item read once")
    return 0


if __name__ == "__main__":
    sys.exit(main())
