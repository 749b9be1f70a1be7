"""Methods as tasks (PAR201): `executor.map(self.score, rows)`, a bound method of an instance
created in this module (`Thread(target=indexer.index)`), `Class.method` with instances as
items, staticmethods and classmethods. A method of an object whose class parlint cannot see
(a parameter, a third-party base class) is never classified.
"""
import json
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from multiprocessing.pool import ThreadPool

from sklearn.base import BaseEstimator


class Scorer:
    SCALE = 10

    def __init__(self, weights):
        self.weights = weights

    def score(self, row):
        total = 0
        for value, weight in zip(row, self.weights):
            total += value * weight
        return total

    def score_all(self, rows):
        with ThreadPoolExecutor() as executor:
            return list(executor.map(self.score, rows))  # expect: PAR201

    @staticmethod
    def normalise(row):
        peak = max(row)
        return [value / peak for value in row]

    @classmethod
    def parse_weights(cls, text):
        return [int(part) * cls.SCALE for part in text.split(",")]


class Indexer:
    def build(self, words):
        positions = {}
        for position, word in enumerate(words):
            positions.setdefault(word.lower(), []).append(position)
        return positions


class Job:
    def __init__(self, numbers):
        self.numbers = numbers

    def run(self):
        return sum(n * n for n in self.numbers)


DEFAULT_SCORER = Scorer([1, 2, 3])


def normalise_rows(rows):
    with ThreadPool(4) as pool:
        return pool.map(Scorer.normalise, rows)  # expect: PAR201


def parse_all(texts):
    with ThreadPoolExecutor() as executor:
        return list(executor.map(Scorer.parse_weights, texts))  # expect: PAR201


def score_batches(batches):
    with ThreadPoolExecutor() as executor:
        futures = [executor.submit(DEFAULT_SCORER.score, b) for b in batches]  # expect: PAR201
        return [f.result() for f in futures]


def index_documents(documents):
    indexer = Indexer()
    threads = [threading.Thread(target=indexer.build, args=(doc.split(),)) for doc in documents]  # expect: PAR201, PAR102
    for t in threads:
        t.start()
    for t in threads:
        t.join()


def run_jobs(jobs):
    with ThreadPoolExecutor() as executor:
        return list(executor.map(Job.run, jobs))  # expect: PAR201


# --- negatives --------------------------------------------------------------------------


class Model(BaseEstimator):
    def predict_all(self, rows):
        with ThreadPoolExecutor() as executor:
            # `predict` is not defined in this project: nothing to classify.
            return list(executor.map(self.predict, rows))


class Poller:
    def poll(self, url):
        for attempt in range(5):
            time.sleep(2**attempt)
            print("polling", url, attempt)

    def poll_all(self, urls):
        with ThreadPoolExecutor() as executor:
            return list(executor.map(self.poll, urls))


class Serializer:
    def encode(self, record):
        return [json.dumps(field) for field in record]

    def encode_all(self, records):
        with ThreadPoolExecutor() as executor:
            return list(executor.map(self.encode, records))


def score_with(model, rows):
    with ThreadPoolExecutor() as executor:
        return list(executor.map(model.score, rows))
