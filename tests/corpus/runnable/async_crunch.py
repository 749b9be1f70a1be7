# corpus: runnable
"""An asyncio program that pushes pure-Python work to threads: PAR201 moves it to processes."""
import asyncio
from asyncio import to_thread


def checksum(n, salt=0):
    total = salt
    for i in range(n):
        total = (total * 31 + i) % 1_000_003
    return total


async def direct(sizes):
    results = await asyncio.gather(*(to_thread(checksum, n) for n in sizes))  # expect: PAR201
    print("direct", results)


async def through_loop(sizes):
    loop = asyncio.get_running_loop()
    # Awaited by a later statement: a pool around this one would shut down too early; no fix.
    futures = [loop.run_in_executor(None, checksum, n) for n in sizes]  # expect: PAR201
    print("loop", await asyncio.gather(*futures))


async def keywords(sizes):
    # run_in_executor takes no keyword arguments: reported, no fix.
    print("keywords", await asyncio.gather(*(to_thread(checksum, n, salt=7) for n in sizes)))  # expect: PAR201


async def one_call():
    # A single awaited call runs on one thread at a time: nothing to gain, nothing reported.
    print("one", await to_thread(checksum, 5_000))


async def main():
    sizes = [20_000, 30_000, 40_000]
    await direct(sizes)
    await through_loop(sizes)
    await keywords(sizes)
    await one_call()


asyncio.run(main())
