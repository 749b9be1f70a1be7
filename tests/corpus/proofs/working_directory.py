"""Proof for PAR703: four threads each change into their own directory and read `name.txt`
there. The working directory belongs to the process, not the thread: between one thread's
`os.chdir` and its `open`, another thread moves everybody, and it reads a stranger's file.
working_directory_fixed.py passes each thread its path and never mixes them up.

Runs up to 200 rounds. Prints the first mix-up and exits 1, else prints `every thread read
its own file` and exits 0."""

import os
import sys
import tempfile
import threading

mixed_up = []


def read_name(barrier, directory, expected):
    barrier.wait()  # every thread starts at once, as a server's do
    os.chdir(directory)  # expect: PAR703
    with open("name.txt", encoding="utf-8") as handle:
        found = handle.read()
    if found != expected:
        mixed_up.append(f"{expected} read {found}'s file")


def main():
    sys.setswitchinterval(1e-6)
    start = os.getcwd()
    with tempfile.TemporaryDirectory() as root:
        names = [f"worker{n}" for n in range(4)]
        for name in names:
            os.mkdir(os.path.join(root, name))
            with open(os.path.join(root, name, "name.txt"), "w", encoding="utf-8") as handle:
                handle.write(name)
        try:
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
        finally:
            os.chdir(start)
    print("every thread read its own file")
    return 0


if __name__ == "__main__":
    sys.exit(main())
