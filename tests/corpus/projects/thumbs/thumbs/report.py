"""Fingerprints for the cache index: hashlib and zlib release the GIL, threads are fine."""
import hashlib
import zlib


def fingerprint(blob):
    return hashlib.sha256(blob).hexdigest()


def packed_size(blob):
    return len(zlib.compress(blob, 6))
