"""Readings from CSV exports on disk."""


def read_rows(path):
    with open(path, encoding="utf-8") as fh:
        return fh.readlines()
