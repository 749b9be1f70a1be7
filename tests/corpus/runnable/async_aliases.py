# corpus: runnable
"""asyncio and concurrent.futures under aliases, and a running loop already in a variable:
PAR201's fix uses `cf.ProcessPoolExecutor` and the existing `loop`."""
import asyncio as aio
import concurrent.futures as cf


def crunch(n):
    return sum(i * i for i in range(n))


async def main(ns):
    loop = aio.get_running_loop()
    first = await aio.gather(*[aio.to_thread(crunch, n) for n in ns])  # expect: PAR201 [fix]
    second = await aio.gather(*[loop.run_in_executor(None, crunch, n) for n in ns])  # expect: PAR201 [fix]
    return first, second


if __name__ == "__main__":
    print(aio.run(main([1_000, 2_000])))
