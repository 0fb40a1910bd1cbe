"""The raw gctrace text of live cycles, kept compressed.

The cycle detail shows the line exactly as the runtime printed it. Keeping
a million lines as Python strings would cost ten times the cycle columns,
so lines are packed in blocks of :data:`BLOCK` and each full block is
zlib-compressed (gctrace lines repeat their shape, about 6:1): some 20 bytes
a cycle. Reading one line inflates one block, well under a millisecond.
"""

from __future__ import annotations

import zlib

BLOCK = 256


class RawLines:
    """Raw lines of cycle rows ``start``, ``start + 1``, ... in order."""

    def __init__(self) -> None:
        self.start: int | None = None  # the store row of the first kept line
        self._blocks: list[bytes] = []
        self._open: list[str] = []
        self._cache: tuple[int, list[str]] | None = None

    def __len__(self) -> int:
        return len(self._blocks) * BLOCK + len(self._open)

    def append(self, row: int, raw: str) -> None:
        """Keep the line of store row ``row`` (rows must come in order)."""
        if self.start is None:
            self.start = row
        elif row != self.start + len(self):
            return  # a row that skipped ahead has no line here: better none than a wrong one
        self._open.append(raw)
        if len(self._open) == BLOCK:
            self._blocks.append(zlib.compress("\n".join(self._open).encode("utf-8", "surrogateescape"), 1))
            self._open = []

    def get(self, row: int) -> str | None:
        """The raw line of store row ``row``, or None when it was not kept."""
        if self.start is None or row < self.start:
            return None
        k = row - self.start
        block, offset = divmod(k, BLOCK)
        if block < len(self._blocks):
            if self._cache is None or self._cache[0] != block:
                text = zlib.decompress(self._blocks[block]).decode("utf-8", "surrogateescape")
                self._cache = (block, text.split("\n"))
            return self._cache[1][offset]
        if block == len(self._blocks) and offset < len(self._open):
            return self._open[offset]
        return None

    def nbytes(self) -> int:
        return sum(len(b) for b in self._blocks) + sum(len(s) for s in self._open)
