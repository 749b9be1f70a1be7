"""PAR202 io-bound-process: waiting in processes; and what must stay quiet."""
import subprocess
import time
import urllib.request
from concurrent.futures import ProcessPoolExecutor
from multiprocessing import Pool, Process

from helpers import unknown_task


def fetch(url):
    with urllib.request.urlopen(url) as response:
        return response.read()


def nap(seconds):
    time.sleep(seconds)
    return seconds


def run_tool(args):
    return subprocess.run(args, check=True).returncode


def crunch(n):
    return sum(i * i for i in range(n))


def report(n):
    print("done", n)


def main(urls):
    with Pool(8) as pool:
        pool.map(fetch, urls)  # expect: PAR202
    with ProcessPoolExecutor() as executor:
        list(executor.map(nap, [1, 2]))  # expect: PAR202
        executor.submit(run_tool, ["true"]).result()  # expect: PAR202
    p = Process(target=nap, args=(1,))  # expect: PAR202
    p.start()
    p.join()


# --- negatives -------------------------------------------------------------------------


def fine():
    with ProcessPoolExecutor() as executor:
        list(executor.map(crunch, [10**6] * 4))
        list(executor.map(unknown_task, [1, 2]))
        list(executor.map(report, [1, 2]))
