"""Outgoing HTTP: I/O-bound helpers."""
import urllib.request


def post_json(url, body, timeout=10):
    request = urllib.request.Request(
        url,
        data=body,
        headers={"Content-Type": "application/json"},
        method="POST",
    )
    with urllib.request.urlopen(request, timeout=timeout) as response:
        return response.status
