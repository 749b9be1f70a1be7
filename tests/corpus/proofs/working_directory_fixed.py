"""working_directory.py rewritten as PAR703 advises: each thread opens its own path and the
working directory is never changed. Prints `every thread read its own file` (exit 0), or the
first mix-up (exit 1)."""

import os
import sys
import tempfile
import threading

mixed_up = []


def read_name(barrier, directory, expected):
    barrier.wait()  # every thread starts at once, as a server's do
    with open(os.path.join(directory, "name.txt"), encoding="utf-8") as handle:
        found = handle.read()
    if found != expected:
        mixed_up.append(f"{expected} read {found}'s file")


def main():
    sys.setswitchinterval(1e-6)
    with tempfile.TemporaryDirectory() as root:
        names = [f"worker{n}" for n in range(4)]
        for name in names:
            os.mkdir(os.path.join(root, name))
            with open(os.path.join(root, name, "name.txt"), "w", encoding="utf-8") as handle:
                handle.write(name)
        for _ in range(200):  # expect: PAR102
            barrier = threading.Barrier(len(names))
            threads = [
                threading.Thread(target=read_name, args=(barrier, os.path.join(root, name), name))
                for name in names
            ]
            for t in threads:
                t.start()
            for t in threads:
                t.join()
            if mixed_up:
                print(mixed_up[0])
                return 1
    print("every thread read its own file")
    return 0


if __name__ == "__main__":
    sys.exit(main())
