"""How a task is resolved before it is classified: `functools.partial(f, ...)`, a lambda
that calls one function, a nested function, a function that calls helpers of this module.
CPU-bound ones on threads are PAR201. GIL-releasing work (hashlib, zlib, numpy) and calls
that parlint does not know (stdlib modules outside its catalogue, third-party code) are
never reported: an unresolved task is never guessed.
"""
import functools
import hashlib
import threading
import zlib
from concurrent.futures import ThreadPoolExecutor
from xml.etree import ElementTree

import markdown
import numpy as np

PUNCTUATION = ".,;:!?\"'()"


def tokenize(text, lowercase=True):
    if lowercase:
        text = text.lower()
    return [word.strip(PUNCTUATION) for word in text.split()]


def word_counts(text, stop_words=()):
    counts = {}
    for word in tokenize(text):
        if word not in stop_words:
            counts[word] = counts[word] + 1 if word in counts else 1
    return counts


def longest_run(values):
    best = current = 0
    previous = None
    for value in values:
        current = current + 1 if value == previous else 1
        best = max(best, current)
        previous = value
    return best


def count_with_stop_words(texts, stop_words):
    with ThreadPoolExecutor() as executor:
        return list(executor.map(functools.partial(word_counts, stop_words=stop_words), texts))  # expect: PAR201


def count_with_lambda(texts):
    with ThreadPoolExecutor() as executor:
        return list(executor.map(lambda text: word_counts(text), texts))  # expect: PAR201


def runs_in_threads(series):
    def summarise(values):
        return {"run": longest_run(values), "n": len(values)}

    threads = [threading.Thread(target=summarise, args=(s,)) for s in series]  # expect: PAR201, PAR102
    for t in threads:
        t.start()
    for t in threads:
        t.join()


def partial_of_lambda(texts, stop_words):
    with ThreadPoolExecutor() as executor:
        return list(executor.map(functools.partial(lambda t, stop: word_counts(t, stop), stop=stop_words), texts))  # expect: PAR201


# --- negatives --------------------------------------------------------------------------


def digest(blob):
    return hashlib.blake2b(blob).hexdigest()


def compress_chunks(chunks):
    return [zlib.compress(chunk, 9) for chunk in chunks]


def column_norms(matrix):
    total = 0.0
    for row in matrix:
        total += float(np.linalg.norm(row))
    return total


def render_pages(pages):
    html = []
    for page in pages:
        html.append(markdown.markdown(page))
    return html


def gil_releasing(blobs, matrices):
    with ThreadPoolExecutor() as executor:
        list(executor.map(digest, blobs))
        list(executor.map(compress_chunks, [blobs, blobs]))
        list(executor.map(column_norms, matrices))


def never_guessed(pages, paths, texts):
    with ThreadPoolExecutor() as executor:
        list(executor.map(render_pages, [pages, pages]))
        list(executor.map(ElementTree.parse, paths))
        list(executor.map(functools.partial(sorted, reverse=True), texts))
        list(executor.map(lambda path: ElementTree.parse(path).getroot(), paths))
