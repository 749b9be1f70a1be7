"""The unit of work: one program, the settings it is checked with, and where it came from."""

from __future__ import annotations

import codecs
from dataclasses import dataclass, field, replace
from typing import Optional

TARGET_VERSIONS = ("py39", "py311", "py314")


@dataclass(frozen=True)
class Case:
    """A program as bytes on disk would hold it: text, plus a UTF-8 BOM when `bom` is set."""

    text: str
    origin: str
    bom: bool = False
    # The mutations applied to the original, in order, for the reproducer's notes.
    steps: tuple[str, ...] = field(default=())
    target_version: str = "py39"
    free_threaded: bool = False

    def data(self) -> bytes:
        encoded = self.text.encode("utf-8", errors="surrogatepass")
        return codecs.BOM_UTF8 + encoded if self.bom else encoded

    def with_text(self, text: str, step: Optional[str] = None) -> Case:
        steps = (*self.steps, step) if step else self.steps
        return replace(self, text=text, steps=steps)
