"""Physical line N of a log file, read back from the file on demand.

A file read in bulk keeps each cycle's numbers and line number, not its
text (that would double the memory of a million cycles). When the user
selects a cycle, its raw line is read back from the file: a sparse index
(for each block of about :data:`BLOCK` bytes ending on a newline, its byte
offset and the lines before it) is built once by counting newlines in C
(``bytes.count``), and a lookup reads one block. The file may be growing
(followed); lines past the index extend it.
"""

from __future__ import annotations

import bisect
import os
import threading
from array import array

BLOCK = 1 << 20


class LineFile:
    """Random access to the lines of one plain (not gzip) file."""

    def __init__(self, path: str | os.PathLike[str]) -> None:
        self.path = os.fspath(path)
        self._starts = array("Q")  # byte offset where each block starts
        self._before = array("Q")  # lines before each block
        self._lines = 0  # lines counted so far
        self._scanned = 0  # bytes scanned so far (ends on a newline)
        self._lock = threading.Lock()

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

    def index(self) -> None:
        """Build the index now (off the UI thread, after a bulk load)."""
        try:
            with self._lock:
                self._extend()
        except OSError:
            pass

    def _extend(self) -> None:
        """Count lines from where the last scan stopped to the file's end."""
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
