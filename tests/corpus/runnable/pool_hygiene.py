# corpus: runnable
"""Executors left open, results never read, a shared counter without a lock (PAR301, PAR302,
PAR601): the fixes close the pool, consume the map and take a lock."""
import threading
from concurrent.futures import ThreadPoolExecutor

checked = 0
seen = []


def check(n):
    global checked
    checked += 1  # expect: PAR601
    seen.append(n)
    return n * n


def squares(items):
    executor = ThreadPoolExecutor(max_workers=3)  # expect: PAR301
    results = list(executor.map(check, items))
    print("squares", results)
    return results


def audit(items):
    with ThreadPoolExecutor(max_workers=2) as executor:
        executor.map(check, items)  # expect: PAR302
    print("audited", sorted(seen)[-len(items):])


squares(range(5))
audit([7, 8, 9])
print("checked", checked)
# Started at the script's module level: the interpreter joins it at exit (not PAR101).
threading.Thread(target=print, args=("bye",)).start()
