"""PAR202: I/O-bound tasks in processes, reached through methods (bound to `self`,
staticmethods), `functools.partial`, a lambda calling one function (also PAR401: a lambda
cannot be pickled), and a helper that does the waiting. Tasks that mix waiting with a loop
of real work, or call code parlint does not know, are not reported.
"""
import functools
import sqlite3
import subprocess
import time
import urllib.request
from concurrent.futures import ProcessPoolExecutor
from multiprocessing import Pool

from google.cloud import storage


def download(url, timeout=10):
    with urllib.request.urlopen(url, timeout=timeout) as response:
        return response.read()


def wait_for_port(host):
    for attempt in range(10):
        if _probe(host):
            return attempt
        time.sleep(0.5)
    return None


def _probe(host):
    return subprocess.run(["nc", "-z", host, "80"], check=False).returncode == 0


class Exporter:
    def __init__(self, db_path):
        self.db_path = db_path

    def export_table(self, table):
        conn = sqlite3.connect(self.db_path)
        rows = conn.execute(f"SELECT * FROM {table}")
        with open(f"/tmp/{table}.csv", "w", encoding="utf-8") as out:
            for row in rows:
                out.write(",".join(map(str, row)) + "\n")
        conn.close()

    def export_all(self, tables):
        with ProcessPoolExecutor() as executor:
            list(executor.map(self.export_table, tables))  # expect: PAR202


class Converter:
    @staticmethod
    def convert(path):
        return subprocess.run(["ffmpeg", "-i", path, path + ".mp4"], check=True).returncode


def convert_videos(paths):
    with Pool(4) as pool:
        return pool.map(Converter.convert, paths)  # expect: PAR202


def download_with_timeout(urls):
    with ProcessPoolExecutor() as executor:
        return list(executor.map(functools.partial(download, timeout=30), urls))  # expect: PAR202


def download_with_lambda(urls):
    with Pool(8) as pool:
        return pool.map(lambda u: download(u, 5), urls)  # expect: PAR202, PAR401


def wait_for_hosts(hosts):
    with ProcessPoolExecutor() as executor:
        futures = [executor.submit(wait_for_port, host) for host in hosts]  # expect: PAR202
        return [f.result() for f in futures]


# --- negatives --------------------------------------------------------------------------


def parse_log(path):
    with open(path, encoding="utf-8") as fh:
        text = fh.read()
    counts = {}
    for line in text.splitlines():
        level = line.split(" ", 2)[1]
        counts[level] = counts[level] + 1 if level in counts else 1
    return counts


def upload_blob(name):
    client = storage.Client()
    client.bucket("backups").blob(name).upload_from_filename(name)


def crunch(n):
    return sum(i * i for i in range(n))


def fine(paths, names, sizes):
    with ProcessPoolExecutor() as executor:
        list(executor.map(parse_log, paths))
        list(executor.map(upload_blob, names))
        list(executor.map(crunch, sizes))
