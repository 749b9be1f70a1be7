"""Loops in `async def` are analysed like loops in `def` (SPEC decisions): PAR105, PAR102
and PAR101 are reported the same; only fixes that would block the event loop are withheld
(a `join()` added to a coroutine).
"""
import asyncio
import socket
import threading


def ping(host):
    with socket.create_connection((host, 80), timeout=2) as conn:
        conn.sendall(b"HEAD / HTTP/1.0\r\n\r\n")
        return conn.recv(64)


def tail(path):
    with open(path, encoding="utf-8") as fh:
        for line in fh:
            print(line.rstrip())


async def check_hosts(hosts):
    for host in hosts:
        t = threading.Thread(target=ping, args=(host,))
        t.start()  # expect: PAR105
        t.join()


async def drain_hosts(pending):
    while pending:
        host = pending.pop()
        t = threading.Thread(target=ping, args=(host,))
        t.start()  # expect: PAR105
        t.join()


async def ping_all(hosts):
    threads = [threading.Thread(target=ping, args=(host,)) for host in hosts]  # expect: PAR102
    for t in threads:
        t.start()
    for t in threads:
        t.join()


async def watch(path):
    watcher = threading.Thread(target=tail, args=(path,))
    watcher.start()  # expect: PAR101 [no fix]
    await asyncio.sleep(1)


async def watch_each(paths):
    async for path in _announced(paths):
        watcher = threading.Thread(target=tail, args=(path,))
        watcher.start()  # expect: PAR105
        watcher.join()


async def _announced(paths):
    for path in paths:
        await asyncio.sleep(0)
        yield path


# --- negatives --------------------------------------------------------------------------


async def watch_and_wait(path):
    watcher = threading.Thread(target=tail, args=(path,))
    watcher.start()
    await asyncio.to_thread(watcher.join)


async def ping_one_by_one(hosts):
    for host in hosts:
        print(await asyncio.to_thread(ping, host))
