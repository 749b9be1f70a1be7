# corpus: runnable
"""A crawler that starts threads and waits for each one at once."""
import threading
import time

results = {}


def download(url):
    time.sleep(0.01)
    results[url] = len(url)


def crawl(urls):
    for url in urls:
        worker = threading.Thread(target=download, args=(url,))
        worker.start()  # expect: PAR105
        worker.join()


if __name__ == "__main__":
    crawl(["https://a.example", "https://bb.example", "https://ccc.example"])
    for url, size in sorted(results.items()):
        print(url, size)
