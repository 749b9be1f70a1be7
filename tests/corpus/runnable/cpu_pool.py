# corpus: runnable
"""CPU-bound work on a thread pool, rewritten to a process pool: same results."""
from concurrent.futures import ThreadPoolExecutor


def collatz_steps(n):
    steps = 0
    while n != 1:
        n = n // 2 if n % 2 == 0 else 3 * n + 1
        steps += 1
    return steps


def longest(limit):
    best = 0
    for n in range(1, limit):
        best = max(best, collatz_steps(n))
    return best


def main():
    with ThreadPoolExecutor(max_workers=4) as executor:
        for limit, steps in zip([1000, 2000, 3000], executor.map(longest, [1000, 2000, 3000])):  # expect: PAR201
            print(limit, steps)


if __name__ == "__main__":
    main()
