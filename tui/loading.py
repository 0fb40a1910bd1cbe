"""Read a saved log to its end into a :class:`~tui.model.Model`.

The headless commands (``report``, ``export``, ``compare``) all start here,
so the rules about sources live in one place:

* ``-`` is standard input, read in chunks until end of file;
* a regular file goes to :func:`tui.bulkload.parse_path`, which spreads a
  big file over several cores;
* gzip is recognised by its first two bytes, not its name (logrotate's
  ``app.log.1`` may be compressed, and stdin may be ``zcat``-less), and is
  inflated in chunks; a ``.gz`` name on other bytes is an error;
* anything else that can be read but not seeked (a FIFO, ``/dev/stdin``,
  a shell's ``<(cat log)``) is read as a stream.

Stream sources go through :class:`parsers.bulk.BulkParser`, which wraps the
ordinary :class:`parsers.stream.Parser` and gives exactly its events (a
property test holds the two equal) but sweeps plain gc lines straight into
columns, so a gigabyte on stdin takes one core's bulk speed, not minutes.

Bytes that are not UTF-8 are no error: the parser decodes with replacement.
Errors the user can fix are a :class:`SourceError` whose message is one
line, ready for stderr.
"""

from __future__ import annotations

import errno
import gzip
import os
import stat
import sys
import zlib
from typing import BinaryIO, Iterator

from parsers.bulk import BulkParser
from tui.bulkload import CHUNK, parse_path
from tui.model import Model
from tui.sources.base import SourceError

GZIP_MAGIC = b"\x1f\x8b"
STDIN = "-"


def load(source: str, workers: int | None = None) -> Model:
    """Read ``source`` (a path, or ``-`` for stdin) to its end into a new model.

    ``workers`` caps the processes used for a big regular file (default:
    up to four, one per core). The model's ``env.description`` names the
    source, so a report can say what it read.
    """
    model = Model()
    model.env.description = "stdin" if source == STDIN else source
    if source == STDIN:
        _read_stream(sys.stdin.buffer, model, source)
        return model
    st = check_source(source)
    assert st is not None
    try:
        if stat.S_ISREG(st.st_mode):
            with open(source, "rb") as f:
                compressed = is_gzip(f.read(2), source)
            if not compressed:
                model.apply_bulk(parse_path(source, workers))
                return model
        with open(source, "rb") as f:
            _read_stream(f, model, source)
    except OSError as e:
        raise SourceError(os_message(source, e)) from None
    return model


def is_gzip(head: bytes, source: str) -> bool:
    """Whether the first bytes are gzip's; a ``.gz`` name on other bytes is an error."""
    if head[:2] == GZIP_MAGIC:
        return True
    # An empty file is an empty log, whatever its name.
    if head and source.endswith(".gz"):
        raise SourceError(f"gctui: {source} is not a gzip file (its name ends in .gz)")
    return False


def check_source(source: str, *, missing_ok: bool = False) -> os.stat_result | None:
    """The checks every reader of a named log makes before opening it.

    Returns the file's status, or ``None`` when it does not exist and
    ``missing_ok`` (a follower told to wait for it); anything else wrong (a
    directory, a path it may not look into) is a one-line :class:`SourceError`.
    """
    if not source:
        raise SourceError("gctui: no such file: ''")
    try:
        st = os.stat(source)
    except FileNotFoundError:
        if missing_ok:
            return None
        raise SourceError(f"gctui: no such file: {source}") from None
    except OSError as e:
        raise SourceError(os_message(source, e)) from None
    if stat.S_ISDIR(st.st_mode):
        raise SourceError(f"gctui: {source} is a directory, not a log file")
    return st


def _read_stream(f: BinaryIO, model: Model, source: str) -> None:
    """Read a byte stream to its end, inflating it when it is gzip."""
    try:
        # peek, not read: a pipe cannot seek back over what was looked at.
        if is_gzip(f.peek(2), source):  # type: ignore[attr-defined]
            _read_gzip(f, model, source)
            return
        bulk = BulkParser()
        while True:
            block = f.read(CHUNK)  # blocks until CHUNK or the end: big chunks parse fastest
            if not block:
                break
            bulk.feed(block)
    except OSError as e:
        raise SourceError(os_message(source, e)) from None
    model.apply_bulk(bulk.close())


def _read_gzip(f: BinaryIO, model: Model, source: str) -> None:
    bulk = BulkParser()
    for block in gzip_blocks(f, source, CHUNK):
        bulk.feed(block)
    model.apply_bulk(bulk.close())


def gzip_blocks(f: BinaryIO, source: str, size: int) -> Iterator[bytes]:
    """Inflate a gzip stream in blocks of up to ``size`` bytes (several
    members are fine, as ``cat a.gz b.gz``); a bad file is a one-line
    :class:`SourceError`."""
    try:
        with gzip.GzipFile(fileobj=f, mode="rb") as z:
            while True:
                block = z.read(size)
                if not block:
                    break
                yield block
    except gzip.BadGzipFile:
        raise SourceError(f"gctui: {source} is not a gzip file") from None
    except EOFError:
        # A log compressed while it was still being written: the end is
        # missing. Saying so beats showing a partial report as if whole.
        raise SourceError(f"gctui: {source} is a truncated gzip file (it ends early)") from None
    except zlib.error as e:
        raise SourceError(f"gctui: {source} is a corrupt gzip file ({e})") from None


def os_message(source: str, e: OSError) -> str:
    """One line for an OS error, in words a user recognises."""
    if e.errno == errno.ENOENT:
        return f"gctui: no such file: {source}"
    if e.errno == errno.EISDIR:
        return f"gctui: {source} is a directory, not a log file"
    if e.errno in (errno.EACCES, errno.EPERM):
        return f"gctui: cannot read {source}: permission denied"
    if e.errno == errno.ENOTDIR:
        return f"gctui: no such file: {source} (a part of the path is not a directory)"
    reason = e.strerror or str(e)
    return f"gctui: cannot read {source}: {reason}"
