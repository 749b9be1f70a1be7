"""Reading and writing image files, and fetching remote images: I/O-bound tasks."""
import urllib.request


def read_image(path):
    with open(path, "rb") as fh:
        return fh.read()


def write_image(path, data):
    with open(path, "wb") as fh:
        fh.write(data)


def download(url, timeout=10):
    with urllib.request.urlopen(url, timeout=timeout) as response:
        return response.read()
