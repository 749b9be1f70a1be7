"""PAR503 target-args-mismatch: arguments that cannot bind to the task's function. The worker
raises TypeError when it starts; the caller carries on."""

import functools
import multiprocessing
import sys
import threading
from concurrent.futures import ThreadPoolExecutor


def apply_config(config):
    return config


def install_profile(name, path, overwrite=False, *, dry_run=False):
    return name, path, overwrite, dry_run


def fade(start, end, step, /):
    return start, end, step


def log_event(*parts, **fields):
    print(*parts, fields)


class SettingsPanel:
    def __init__(self, config):
        self.config = config

    def on_apply(self):
        threading.Thread(daemon=True, target=apply_config).start()  # expect: PAR503

    def on_install(self):
        worker = threading.Thread(
            target=install_profile,
            args=("default", "/tmp/p", True, False),  # expect: PAR503
        )
        worker.start()
        worker.join()

    def on_reset(self):
        threading.Thread(daemon=True, target=self.reset, args=(self.config,)).start()  # expect: PAR503

    def reset(self):
        self.config = None

    def refresh(self, force):
        return force

    def on_refresh(self):
        threading.Thread(daemon=True, target=self.refresh, kwargs={"forced": True}).start()  # expect: PAR503

    if sys.platform == "win32":

        def _reader(self, handle, sink):
            sink.append(handle.read())

    else:

        def _reader(self, handle, sink):
            sink.extend(handle)

    def read_both(self, out, err):
        # A method defined in an `if` of the class body: still bound to self.
        threads = [
            threading.Thread(target=self._reader, args=(out, [])),
            threading.Thread(target=self._reader, args=(err, [])),
        ]
        for t in threads:
            t.start()
        for t in threads:
            t.join()


def animations():
    threading.Timer(0.5, fade, args=(0, 1)).start()  # expect: PAR503
    threading.Thread(daemon=True, target=fade, kwargs={"start": 0, "end": 1, "step": 2}).start()  # expect: PAR503


def submitted(paths):
    with ThreadPoolExecutor() as executor:
        futures = [executor.submit(install_profile, path) for path in paths]  # expect: PAR503
        return [f.result() for f in futures]


def with_partial(paths):
    install = functools.partial(install_profile, "shared")
    task = functools.partial(install_profile, "shared", "/srv")
    with ThreadPoolExecutor() as executor:
        executor.submit(functools.partial(install_profile, "a", "/x"), dry_run=True).result()
        executor.submit(task, overwrite=True).result()
        return [executor.submit(install, p).result() for p in paths]


def pool_tasks(configs):
    with multiprocessing.Pool(2) as pool:
        first = pool.apply_async(apply_config, (configs[0], configs[1]))  # expect: PAR503
        second = pool.apply_async(apply_config, kwds={"config": configs[1]})
        return first.get(), second.get()


def scale(value, factor):
    return value * factor


def mapped(values):
    with ThreadPoolExecutor() as executor:
        doubled = list(executor.map(scale, [1, 2, 3]))  # expect: PAR503
        paired = list(executor.map(scale, [1, 2], [3, 4]))
        unknown = list(executor.map(scale, values))
    with multiprocessing.Pool(2) as pool:
        starred = pool.starmap(scale, zip([1, 2], [3, 4]))
        short = pool.starmap(scale, [(1,), (2,)])  # expect: PAR503
        varied = pool.starmap(scale, [(1, 2), (3,)])
    return doubled, paired, unknown, starred, short, varied


class ExportJob:
    def __init__(self, source, destination):
        self.source = source
        self.destination = destination


class TaggedThread(threading.Thread):
    # Takes Thread's own arguments and hands them on: target= and args= bind as for Thread.
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.tag = "export"


class OwnArguments(threading.Thread):
    def __init__(self, source):
        super().__init__(daemon=True)
        self.source = source

    def run(self):
        print(self.source)


def exports(sources):
    with ThreadPoolExecutor() as executor:
        jobs = [executor.submit(ExportJob, source) for source in sources]  # expect: PAR503
    tagged = TaggedThread(target=install_profile, args=("n",))  # expect: PAR503
    tagged.start()
    tagged.join()
    own = OwnArguments("s")
    own.start()
    own.join()
    return [job.result() for job in jobs]


# Not reported: everything binds, or is not known exactly.


def fine(extra, options):
    threading.Thread(daemon=True, target=install_profile, args=("n", "p"), kwargs={"dry_run": True}).start()
    threading.Thread(daemon=True, target=log_event, args=(1, 2), kwargs={"level": "info"}).start()
    threading.Thread(daemon=True, target=install_profile, args=extra).start()
    threading.Thread(daemon=True, target=install_profile, args=("n",), kwargs=options).start()
    threading.Thread(daemon=True, target=lambda: apply_config({})).start()
    threading.Timer(1.0, fade, args=(0, 1, 0.5)).start()
    with ThreadPoolExecutor() as executor:
        executor.submit(install_profile, *extra).result()
        executor.submit(install_profile, "n", **options).result()


def decorated_target():
    threading.Thread(daemon=True, target=cached_lookup, args=(1, 2, 3)).start()


@functools.lru_cache(maxsize=None)
def cached_lookup(key):
    return key
