"""PAR101 in a coroutine: reported, but a blocking join() is not offered as the fix."""
import asyncio
import threading


def pump(loop):
    print(loop)


async def main():
    loop = asyncio.get_running_loop()
    thread = threading.Thread(target=pump, args=(loop,))
    thread.start()  # expect: PAR101
    await asyncio.sleep(0.1)


async def awaited():
    thread = threading.Thread(target=pump, args=(None,))
    thread.start()
    await asyncio.to_thread(thread.join)
