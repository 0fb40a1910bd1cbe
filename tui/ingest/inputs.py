"""The one ``open``: a named log (or ``-``) checked once and opened once.

Every front end that reads a log (``report``, ``export``, ``compare``,
``gctui FILE``, ``open``, ``-``) starts here, so a log is judged the same
way everywhere, and before anything is shown: a missing file, a directory or
a file the user may not read is one line and exit status 2.

The descriptor opened here is the one every later read uses. That matters
for what cannot be read twice: a FIFO or a shell's ``<(cat log)`` gives its
bytes once, so sniffing gzip on one descriptor and reading on another loses
the first lines. A FIFO is opened without blocking (``open`` on a FIFO with
no writer would block, deaf to Ctrl-C) and then read like stdin.

What an input is decides how it is read:

* ``file``: a regular, uncompressed file: loaded whole on every core
  (:mod:`tui.ingest.wholefile`), then followed from where that stopped. An
  empty file is a file that has not grown yet.
* ``gzip``: a regular file with gzip's magic: inflated to its end, not followed.
* ``stream``: stdin, a FIFO, ``/dev/fd/N``, a device: read once, as it comes.
* ``missing``: ``--wait`` for a file that does not exist yet.
"""

from __future__ import annotations

import os
import stat
import sys
from dataclasses import dataclass

from tui.sources.base import Source, SourceError
from tui.sources.files import check_source, is_gzip, os_message

STDIN = "-"


@dataclass
class Input:
    """A log, opened: ``fd`` is None only for ``missing``."""

    name: str
    kind: str  # file, gzip, stream, missing
    fd: int | None
    description: str
    owned: bool = True  # whether closing the input closes ``fd``

    def source(self, *, follow: bool, offset: int | None = None,
               identity: tuple[int, int] | None = None) -> Source:
        """A source of this input's bytes from ``offset`` on (``file``), or
        of all of them; it reads the descriptor opened here."""
        from tui.sources.follow import FileSource
        from tui.sources.stdin import PipeSource

        if self.kind == "stream":
            assert self.fd is not None
            return PipeSource(self.fd, description=self.description)
        fd, self.fd = self.fd, None  # the file source owns it from here, and closes it
        return FileSource(self.name, follow=follow, wait=self.kind == "missing", offset=offset,
                          identity=identity, fd=fd)

    def close(self) -> None:
        if self.fd is not None and self.owned:
            try:
                os.close(self.fd)
            except OSError:
                pass
        self.fd = None

    def __enter__(self) -> Input:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def open_input(name: str, *, wait: bool = False, stdin_fd: int | None = None) -> Input:
    """Check and open ``name`` (``-``: standard input, or ``stdin_fd``)."""
    if name == STDIN:
        fd = stdin_fd if stdin_fd is not None else _stdin_fd()
        return Input(name, "stream", fd, "stdin", owned=stdin_fd is not None)
    st = check_source(name, missing_ok=wait)
    if st is None:
        return Input(name, "missing", None, name)
    try:
        fd = os.open(name, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0))
    except OSError as e:
        raise SourceError(os_message(name, e)) from None
    try:
        st = os.fstat(fd)
        if not stat.S_ISREG(st.st_mode):
            return Input(name, "stream", fd, name)
        os.set_blocking(fd, True)
        try:
            head = os.pread(fd, 2, 0)
        except OSError as e:  # EISDIR and friends, from odd file systems
            raise SourceError(os_message(name, e)) from None
        return Input(name, "gzip" if is_gzip(head, name) else "file", fd, name)
    except BaseException:
        os.close(fd)
        raise


def _stdin_fd() -> int:
    if sys.stdin is None:
        raise SourceError("gctui: no standard input to read")
    try:
        return sys.stdin.fileno()
    except (ValueError, OSError):
        raise SourceError("gctui: no standard input to read") from None
