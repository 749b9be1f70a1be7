"""Proof for PAR702: eight threads read one generator. A generator runs its body for whoever
asks; when a second thread asks while the first is still inside, Python raises `ValueError:
generator already executing` (the GIL is no help: it may change hands inside the generator);
on a free-threaded Python items may also be lost or handed out twice.
shared_generator_fixed.py hands the same items out through `executor.map` and never fails.

Runs up to 200 rounds. Prints the first error (or the items lost or repeated) and exits 1, else
prints `every item read once` and exits 0."""

import sys
import threading

errors = []


def pages(count):
    for number in range(count):
        yield str(number).zfill(4)


def reader(source, out):
    try:
        for page in source:  # expect: PAR702
            out.append(page)
    except ValueError as exc:
        errors.append(exc)


def main():
    sys.setswitchinterval(1e-6)
    for _ in range(200):  # expect: PAR102
        source = pages(20000)
        out = []
        threads = [threading.Thread(target=reader, args=(source, out)) for _ in range(8)]  # expect: PAR201
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        if errors:
            print(f"ValueError: {errors[0]}")
            return 1
        if len(out) != 20000 or len(set(out)) != 20000:
            print(f"items lost or repeated: read {len(out)}, {len(set(out))} distinct of 20000")
            return 1
    print("every item read once")
    return 0


if __name__ == "__main__":
    sys.exit(main())
