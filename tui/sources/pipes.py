"""Reading a child's stdout and stderr as the bytes arrive.

One selector on both pipes, read by the thread that runs the source, so
``emit`` is only ever called from that one thread (the feeder is not
thread-safe) and nothing waits for a newline: ``os.read`` returns whatever
the pipe holds, up to 64 KiB, so a gc line shows the moment the runtime
writes it and a final line without a newline is not held back.
"""

from __future__ import annotations

import os
import re
import selectors
import time
from typing import IO

READ_SIZE = 64 << 10

# Cheap evidence that the Go runtime is tracing: a gctrace or schedtrace line
# start. Matched on raw bytes, since a wrong guess only delays one warning.
TRACE_MARK = re.compile(rb"gc \d+ @|SCHED \d+ms")


class PipeReader:
    """Reads several pipes, each named by its stream (``stdout``, ``stderr``)."""

    def __init__(self, pipes: dict[str, IO[bytes]]) -> None:
        self._sel = selectors.DefaultSelector()
        for stream, pipe in pipes.items():
            self._sel.register(pipe, selectors.EVENT_READ, stream)

    @property
    def open(self) -> bool:
        """True while a pipe has not reached end of file."""
        return bool(self._sel.get_map())

    def read(self, timeout: float) -> list[tuple[str, bytes]]:
        """What the pipes hold now, waiting up to ``timeout`` s for the first
        byte; a pipe at end of file is closed and dropped."""
        if not self.open:
            # The program closed both (it may run on): wait as select would
            # have, so the caller's loop does not spin.
            time.sleep(timeout)
            return []
        got = []
        for key, _ in self._sel.select(timeout):
            pipe = key.fileobj
            try:
                data = os.read(key.fd, READ_SIZE)
            except OSError:
                data = b""
            if data:
                got.append((key.data, data))
            else:
                self._sel.unregister(pipe)
                pipe.close()  # type: ignore[union-attr]
        return got

    def close(self) -> None:
        """Close every pipe still open (a grandchild may hold the other end)."""
        for key in list(self._sel.get_map().values()):
            self._sel.unregister(key.fileobj)
            key.fileobj.close()  # type: ignore[union-attr]
        self._sel.close()


class TraceSniffer:
    """Watches stderr bytes for the first runtime trace line, across chunk
    boundaries (a ``gc 12 @`` may be split between two reads)."""

    def __init__(self) -> None:
        self.seen = False
        self._tail = b""

    def feed(self, data: bytes) -> bool:
        """Look at more stderr; True once a trace line has been seen."""
        if not self.seen:
            window = self._tail + data
            self.seen = TRACE_MARK.search(window) is not None
            self._tail = window[-32:]
        return self.seen
