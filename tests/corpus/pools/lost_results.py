"""PAR302 in the shapes real code has: a `map()` whose result is assigned and never
iterated, submits in a `while` loop, `starmap_async` and `map_async` thrown away, a
discarded `loop.run_in_executor(...)` that is never awaited; and results consumed later.
"""
import asyncio
import logging
import queue
import shutil
from concurrent.futures import ThreadPoolExecutor, as_completed
from multiprocessing.pool import ThreadPool

log = logging.getLogger(__name__)


def archive(path):
    shutil.copy2(path, "/backup/")
    return path


def rename(src, dst):
    shutil.move(src, dst)


def backup(paths):
    with ThreadPoolExecutor() as executor:
        results = executor.map(archive, paths)  # expect: PAR302
    log.info("backed up %d files", len(paths))


def backup_and_log(paths):
    with ThreadPoolExecutor() as executor:
        done = executor.map(archive, paths)  # expect: PAR302
        log.info("queued %s", done)


def drain(pending):
    with ThreadPoolExecutor(max_workers=4) as executor:
        while pending:
            executor.submit(archive, pending.pop())  # expect: PAR302


def rename_all(pairs):
    with ThreadPool(4) as pool:
        pool.starmap_async(rename, pairs)  # expect: PAR302
        pool.map_async(archive, [dst for _, dst in pairs])  # expect: PAR302
        pool.close()
        pool.join()


async def flush_in_background(paths):
    loop = asyncio.get_running_loop()
    for path in paths:
        loop.run_in_executor(None, archive, path)  # expect: PAR302


# --- negatives --------------------------------------------------------------------------


def returned(paths):
    with ThreadPoolExecutor() as executor:
        return list(executor.map(archive, paths))


def iterated_later(paths):
    with ThreadPoolExecutor() as executor:
        results = executor.map(archive, paths)
        log.info("started %d backups", len(paths))
        for path in results:
            log.info("saved %s", path)


def consumed_by_list(paths):
    with ThreadPoolExecutor() as executor:
        results = executor.map(archive, paths)
    return sorted(results)


def as_they_finish(paths):
    with ThreadPoolExecutor() as executor:
        futures = {executor.submit(archive, p): p for p in paths}
        for future in as_completed(futures):
            log.info("%s done: %s", futures[future], future.result())


def with_callback(paths, on_done):
    with ThreadPoolExecutor() as executor:
        for path in paths:
            executor.submit(archive, path).add_done_callback(on_done)


async def awaited(paths):
    loop = asyncio.get_running_loop()
    pending = [loop.run_in_executor(None, archive, p) for p in paths]
    log.info("waiting for %d copies", len(pending))
    return await asyncio.gather(*pending)


async def awaited_later(path):
    loop = asyncio.get_running_loop()
    copy = loop.run_in_executor(None, archive, path)
    log.info("copying %s", path)
    await copy


# --- Tasks that handle their own errors: nothing is lost with the future -----------------


class Plugin:
    def __init__(self):
        self.error = None
        self.pool = ThreadPoolExecutor(max_workers=1)
        self.outcomes = queue.SimpleQueue()

    def _run_guarded(self, path):
        """Runs the copy; the caller looks at `self.error` afterwards."""
        try:
            archive(path)
        except BaseException as exc:
            self.error = exc

    def _run_logged(self, path):
        try:
            archive(path)
        except Exception:
            log.exception("copy of %s failed", path)

    def _run_narrow(self, path):
        try:
            archive(path)
        except OSError as exc:
            self.error = exc

    def _run_reraising(self, path):
        try:
            archive(path)
        except Exception:
            log.exception("copy failed")
            raise

    def _run_then_more(self, path):
        try:
            archive(path)
        except Exception as exc:
            self.error = exc
        rename(path, path + ".done")

    def _run_reported(self, path, outcomes):
        """Sends its outcome, error or not, to whoever reads `outcomes`."""
        log.debug("copying %s", path)
        try:
            result = archive(path)
        except Exception as exc:
            result = exc
        outcomes.put((path, result))

    def _run_prepared(self, path, outcomes):
        target = rename(path, path + ".tmp")  # outside the try: its error is lost
        try:
            result = archive(target)
        except Exception as exc:
            result = exc
        outcomes.put((path, result))

    def start(self, path):
        self.pool.submit(self._run_guarded, path)
        self.pool.submit(self._run_logged, path)
        self.pool.submit(self._run_narrow, path)  # expect: PAR302
        self.pool.submit(self._run_reraising, path)  # expect: PAR302
        self.pool.submit(self._run_then_more, path)  # expect: PAR302
        self.pool.submit(self._run_reported, path, self.outcomes)
        self.pool.submit(self._run_prepared, path, self.outcomes)  # expect: PAR302

    def close(self):
        self.pool.shutdown()
