"""A pipe, or any other file descriptor read to its end (``gctui -``).

``kubectl logs -f pod | gctui -`` delivers lines when the program writes
them, so this source hands on whatever one ``os.read`` returns, at once:
no line buffering (the parser keeps partial lines) and no waiting for a
full buffer, which is what ``sys.stdin.buffer.read(n)`` would do. Reading
the descriptor directly also bypasses Python's buffer: pass a descriptor or
a file object nothing has been read from yet.

The thread waits in ``select`` for data, waking every ``WAKE_S`` to look at
the stop event: a ``threading.Event`` cannot wake a thread blocked on a
pipe, and four wake-ups a second cost nothing measurable.

Compressed input (``cat app.log.1.gz | gctui -``) is recognised by gzip's
first two bytes, as :mod:`tui.ingest.inputs` does for named logs, and inflated as
it arrives.
"""

from __future__ import annotations

import os
import selectors
import threading
import zlib
from typing import BinaryIO, Iterator

from tui.sources.files import GZIP_MAGIC
from tui.sources.base import Chunk, Emit, Ended, Notice, SourceError

CHUNK = 1 << 20  # the most bytes asked of one read
WAKE_S = 0.25  # how late a stop may be noticed while the pipe is quiet


class PipeSource:
    """Bytes from ``source`` (a descriptor or a binary file object) until
    end of input. The descriptor is not closed: its owner closes it."""

    def __init__(self, source: int | BinaryIO, *, description: str = "stdin", stream: str = "log") -> None:
        self.fd = source if isinstance(source, int) else source.fileno()
        self.description = description
        self.stream = stream
        self._inflate: _Gunzip | None = None

    def run(self, emit: Emit, stop: threading.Event) -> None:
        """Emit each read as a :class:`Chunk`; :class:`Ended` at end of input.

        A stop returns without :class:`Ended`: the input did not end.
        """
        head: bytes | None = b""  # the first bytes, held until gzip can be told apart
        with selectors.DefaultSelector() as selector:
            try:
                selector.register(self.fd, selectors.EVENT_READ)
                waits = True
            except PermissionError:
                waits = False  # epoll refuses regular files (``gctui - < app.log``): always readable
            while not stop.is_set():
                if waits and not selector.select(WAKE_S):
                    continue
                try:
                    data = os.read(self.fd, CHUNK)
                except (BlockingIOError, InterruptedError):
                    continue  # a non-blocking descriptor had nothing after all
                except OSError as e:
                    raise SourceError(f"gctui: cannot read {self.description}: {e.strerror or e}") from None
                if head is not None and data:
                    head += data
                    if len(head) < len(GZIP_MAGIC) and head == GZIP_MAGIC[: len(head)]:
                        continue  # one byte that might start gzip: wait for the next
                    data, head = head, None
                    if data.startswith(GZIP_MAGIC):
                        self._inflate = _Gunzip()
                if not data:
                    self._end(emit, head)
                    return
                if self._inflate is None:
                    emit(Chunk(self.stream, data))
                    continue
                try:
                    for block in self._inflate.feed(data):
                        emit(Chunk(self.stream, block))
                except zlib.error as e:
                    emit(Notice("error", f"gctui: {self.description} is corrupt gzip input ({e})"))
                    emit(Ended("corrupt gzip input"))
                    return

    def _end(self, emit: Emit, head: bytes | None) -> None:
        if head:  # a one-byte input that looked like the start of gzip
            emit(Chunk(self.stream, head))
        if self._inflate is not None and not self._inflate.complete:
            emit(Notice("error", f"gctui: {self.description} is truncated gzip input (it ends early)"))
        emit(Ended("end of input"))


class _Gunzip:
    """Inflate gzip as it arrives, member after member (``cat a.gz b.gz``)."""

    def __init__(self) -> None:
        self._z = zlib.decompressobj(wbits=31)
        self.complete = False

    def feed(self, data: bytes) -> Iterator[bytes]:
        """Inflated blocks of at most ``CHUNK`` bytes: a small input that
        inflates hugely never lands in memory at once."""
        while True:
            block = self._z.decompress(data, CHUNK)
            if block:
                yield block
            if self._z.eof:
                self.complete = True
                data = self._z.unused_data
                if not data:
                    return
                self._z = zlib.decompressobj(wbits=31)  # the next member
                self.complete = False
                continue
            data = self._z.unconsumed_tail
            if not data and len(block) < CHUNK:
                return  # a full block may leave output inside zlib: ask again
