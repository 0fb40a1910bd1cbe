"""Read a saved log to its end into a :class:`~tui.model.Model`.

The headless commands (``report``, ``export``, ``compare``) all start here,
so the rules about sources live in one place:

* ``-`` is standard input, read in chunks until end of file;
* a regular file goes to :func:`tui.ingest.bulkload.parse_path`, which spreads a
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

import stat
import sys
from typing import BinaryIO

from parsers.bulk import BulkParser
from tui.ingest.bulkload import CHUNK, parse_path
from tui.model import Model
from tui.sources.base import SourceError
from tui.sources.files import check_source, gzip_blocks, is_gzip, os_message
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


