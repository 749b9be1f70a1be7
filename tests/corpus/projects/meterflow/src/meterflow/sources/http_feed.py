"""Readings from the utility's HTTP feed. `meterflow.sources` is a namespace package (no
__init__.py): other distributions install more sources into it."""
import urllib.request


def fetch_feed(url):
    with urllib.request.urlopen(url, timeout=30) as response:
        return response.read()
