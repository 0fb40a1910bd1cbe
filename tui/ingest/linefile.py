"""Physical line N of a log file, read back from the file on demand.

A file read in bulk keeps each cycle's numbers and line number, not its
text (that would double the memory of a million cycles). When the user
selects a cycle, its raw line is read back from the file through a sparse
index: for a line start about every MiB, its byte offset and the lines
before it. The whole-file loader fills the index as it parses
(:meth:`LineIndex.add`), counting newlines it reads anyway, so the file is
not read a second time; lines past it (a followed file that grew) are
counted on demand. Reading a line back is ingest's job: the model holds no
I/O.
"""

from __future__ import annotations

import bisect
import os
import threading
from array import array

BLOCK = 1 << 20


class LineIndex:
    """Random access to the lines of one plain (not gzip) file."""

    def __init__(self, path: str | os.PathLike[str]) -> None:
        self.path = os.fspath(path)
        self._starts = array("Q")  # byte offset where each block starts
        self._before = array("Q")  # lines before each block
        self._lines = 0  # lines counted so far
        self._scanned = 0  # bytes covered so far (ends on a line start)
        self._lock = threading.Lock()

    def add(self, starts: array, before: array, lines_before: int, lines: int,
            end: int) -> None:
        """Line starts noted by a parse of the range that follows what is
        indexed: ``before`` counts from the range's start, which has
        ``lines_before`` lines before it; the range holds ``lines`` lines and
        ends at byte ``end``."""
        with self._lock:
            self._starts.extend(starts)
            self._before.extend(array("Q", (b + lines_before for b in before)))
            self._lines = lines_before + lines
            self._scanned = end

    def line(self, line_no: int) -> str | None:
        """The text of 1-based line ``line_no`` without its ending, or None
        when the file no longer has it (truncated, rotated, unreadable)."""
        if line_no < 1:
            return None
        try:
            with self._lock:
                if line_no > self._lines:
                    self._extend()
                if line_no > self._lines:
                    return None
                k = bisect.bisect_right(self._before, line_no - 1) - 1
                start = self._starts[k]
                skip = line_no - 1 - self._before[k]
                end = self._starts[k + 1] if k + 1 < len(self._starts) else self._scanned
            with open(self.path, "rb") as f:
                f.seek(start)
                block = f.read(end - start)
        except OSError:
            return None
        pos = 0
        for _ in range(skip):
            pos = block.find(b"\n", pos) + 1
            if pos == 0:
                return None
        nl = block.find(b"\n", pos)
        data = block[pos:] if nl < 0 else block[pos:nl]
        return data.rstrip(b"\r").decode("utf-8", "replace")

    def _extend(self) -> None:
        """Count lines from where the index stops to the file's end."""
        with open(self.path, "rb") as f:
            pos = self._scanned
            f.seek(pos)
            while True:
                block = f.read(BLOCK)
                last = block.rfind(b"\n")
                if last < 0:
                    break  # the end, or a line still being written: later
                block = block[: last + 1]
                self._starts.append(pos)
                self._before.append(self._lines)
                self._lines += block.count(b"\n")
                pos += len(block)
                f.seek(pos)
            self._scanned = pos


