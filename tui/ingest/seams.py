"""Where a log file can be cut so that each range parses on its own.

A seam is the start of a gc line whose cycle number is one more than the
gc line just before it. There no block can be open (a crash dump, a
scheddetail block and a torn record all end before a plain gc line that
follows its predecessor), and no restart can hide (the cycle count did not
go back), so the parse of the range after it needs nothing from before it
but its line numbers, which the loader shifts afterwards. One seam finder
serves the whole-file load and the tail of a big file.
"""

from __future__ import annotations

import os
import re

_GC_N = re.compile(rb"\ngc (\d+) @")
SEARCH = 1 << 20  # how far past a cut point to look for a seam


def find_seams(fd: int, size: int, parts: int) -> list[int]:
    """Offsets ``[0, s1, ..., size]`` that cut ``[0, size)`` of the open file
    into about ``parts`` even ranges (fewer where no seam is found)."""
    seams = [0]
    for i in range(1, max(parts, 1)):
        base = size * i // parts
        seam = seam_in(os.pread(fd, min(SEARCH, max(0, size - base)), base))
        if seam is not None and seams[-1] < base + seam < size:
            seams.append(base + seam)
    return seams + [size]


def seam_in(window: bytes) -> int | None:
    """A line start in ``window`` where gc N+1 directly follows gc N."""
    previous: tuple[int, int] | None = None  # (position of the "\n" before it, n)
    for m in _GC_N.finditer(window):
        n = int(m.group(1))
        if previous is not None:
            prev_start, prev_n = previous
            # The previous gc line must be the line just before this one.
            if n == prev_n + 1 and window.find(b"\n", prev_start + 1) == m.start():
                return m.start() + 1
        previous = (m.start(), n)
    return None
