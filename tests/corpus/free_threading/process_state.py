"""PAR703 process-state-in-thread: code running on a thread changes what the whole process
shares. The corpus selects PAR7 (the family is opt-in)."""

import contextlib
import io
import locale
import os
import signal
import sys
import threading
import warnings
from concurrent.futures import ThreadPoolExecutor


def _enter(project):
    os.chdir(project)  # expect: PAR703


def build(project):
    _enter(project)
    os.environ["BUILD_TARGET"] = project  # expect: PAR703
    os.environ.update({"CC": "clang"})  # expect: PAR703
    return os.listdir(".")


def render(report):
    buffer = io.StringIO()
    with contextlib.redirect_stdout(buffer):  # expect: PAR703
        print(report)
    return buffer.getvalue()


def quiet_import(module):
    with warnings.catch_warnings():  # expect: PAR703
        warnings.simplefilter("ignore")  # expect: PAR703
        return __import__(module)


class Crawler(threading.Thread):
    def __init__(self, urls):
        super().__init__()
        self.urls = urls

    def run(self):
        signal.signal(signal.SIGTERM, signal.SIG_DFL)  # expect: PAR703
        sys.stdout = open(os.devnull, "w")  # expect: PAR703
        for url in self.urls:
            print(url)


def main(projects, reports):
    with ThreadPoolExecutor() as executor:
        built = list(executor.map(build, projects))
        texts = list(executor.map(render, reports))
        modules = list(executor.map(quiet_import, ["json", "csv"]))
    crawler = Crawler(["https://example.org"])
    crawler.start()
    crawler.join()
    return built, texts, modules


# Not reported: the main thread sets up the process; threads read, or pass things explicitly.


def setup():
    locale.setlocale(locale.LC_ALL, "C")
    os.chdir(os.path.dirname(os.path.abspath(__file__)))
    os.environ.setdefault("LANG", "C")
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def compile_one(project, env):
    home = os.environ.get("HOME")
    path = os.path.join(project, "out")
    return home, path, {**os.environ, **env}


def serve(projects):
    setup()
    with ThreadPoolExecutor() as executor:
        return [f.result() for f in [executor.submit(compile_one, p, {}) for p in projects]]
