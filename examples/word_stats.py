"""Word statistics over a few large texts, computed on a thread pool."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor

words_seen = 0


def longest_word(text: str) -> str:
    # Pure-Python work: on threads, these loops take turns on one core.
    best = ""
    for word in text.split():
        if len(word) > len(best):
            best = word
    return best


def count_words(text: str) -> None:
    global words_seen
    for _ in text.split():
        # Read, add, write: two threads can lose each other's updates.
        words_seen += 1


def main(texts: list[str]) -> None:
    with ThreadPoolExecutor(max_workers=4) as executor:
        print(list(executor.map(longest_word, texts)))
    counters = [threading.Thread(target=count_words, args=(text,)) for text in texts]
    for counter in counters:
        counter.start()
    for counter in counters:
        counter.join()
    print(words_seen)


if __name__ == "__main__":
    main(["the quick brown fox", "jumps over the lazy dog"] * 100)
