"""The checks and byte-level readers every way of opening a log shares.

A named log is looked at once, before anything is shown: a missing file, a
directory or a path the user may not read is one line for the user, not a
traceback. gzip is told by its first two bytes (logrotate's ``app.log.1``
may be compressed whatever its name), and inflated in blocks so a small
file that inflates hugely never lands in memory at once. Sources use these
to read; ingest uses them to load whole files.
"""

from __future__ import annotations

import errno
import gzip
import os
import stat
import zlib
from typing import BinaryIO, Iterator

from tui.sources.base import SourceError

GZIP_MAGIC = b"\x1f\x8b"


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
