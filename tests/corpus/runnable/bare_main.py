# corpus: runnable
"""A script whose main() creates a process pool and runs unguarded: PAR402 adds the guard."""
from multiprocessing import Pool


def square(n):
    return n * n


def main():
    with Pool(2) as pool:  # expect: PAR402
        print(pool.map(square, range(5)))


main()
