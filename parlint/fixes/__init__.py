"""Fixes: the only package that imports libcst. Rewrites are built on demand, as libcst
trees, and turned into minimal text edits of the file."""
