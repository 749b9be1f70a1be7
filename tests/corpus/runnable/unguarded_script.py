# corpus: runnable
"""A script that starts its CPU work at import time: the fix adds the __main__ guard."""
from concurrent.futures import ThreadPoolExecutor

LIMITS = [2000, 3000]


def digit_sum(limit):
    total = 0
    for n in range(limit):
        while n:
            total += n % 10
            n //= 10
    return total


def main():
    with ThreadPoolExecutor() as executor:
        for limit, total in zip(LIMITS, executor.map(digit_sum, LIMITS)):  # expect: PAR201
            print(limit, total)


# Run it.
main()
