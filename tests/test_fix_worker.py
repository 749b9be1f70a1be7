"""The server's fix builder: a child process that can be stopped at any moment."""

from __future__ import annotations

import asyncio
import os
import time

import pytest

from parlint.server.fix_worker import FixAbandoned, FixFailed, FixWorker


async def test_results_come_back_and_a_dead_builder_is_replaced() -> None:
    worker = FixWorker()
    try:
        assert await worker.run("a", pow, 2, 10) == 1024
        with pytest.raises(FixFailed, match="stopped unexpectedly"):
            await worker.run("a", os._exit, 3)
        assert await worker.run("a", pow, 3, 2) == 9  # a fresh child
        with pytest.raises(FixFailed, match="ZeroDivisionError"):
            await worker.run("a", divmod, 1, 0)
    finally:
        worker.close()


async def test_a_runaway_fix_is_stopped_at_the_time_limit() -> None:
    worker = FixWorker(time_limit=1.0)
    try:
        worker.warm()
        await worker.run("a", pow, 1, 1)  # started and ready
        started = time.monotonic()
        with pytest.raises(FixFailed, match="more than 1 s"):
            await worker.run("a", time.sleep, 30)
        assert time.monotonic() - started < 10
        assert worker._child is None  # the child that was sleeping is gone
    finally:
        worker.close()


async def test_cancelling_or_abandoning_a_fix_ends_its_process() -> None:
    worker = FixWorker()
    try:
        await worker.run("a", pow, 1, 1)
        child = worker._child
        assert child is not None
        task = asyncio.ensure_future(worker.run("a", time.sleep, 30))
        await asyncio.sleep(0.3)
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task
        assert not child.process.is_alive()

        await worker.run("b", pow, 1, 1)
        task = asyncio.ensure_future(worker.run("b", time.sleep, 30))
        await asyncio.sleep(0.3)
        worker.abandon("other document")  # not the one being fixed: nothing happens
        await asyncio.sleep(0.1)
        assert not task.done()
        worker.abandon("b")
        with pytest.raises(FixAbandoned):
            await task
    finally:
        worker.close()
