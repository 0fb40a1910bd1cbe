"""A log file, read and then followed as it grows (``gctui FILE``).

The program under inspection owns the file, so everything a log file goes
through has to be survived without losing or joining lines:

* growth: new bytes are read from where the last read stopped;
* truncation (``> app.log``, logrotate's ``copytruncate``): the size drops
  below what was read, so reading starts again at 0 after a :class:`Restart`;
* rotation (logrotate's rename and create): the name now points at another
  inode; the old descriptor is read to its end first, so the last lines
  before the rotation are kept, then a :class:`Restart` and the new file;
* deletion: a warning, and the name is watched until a file comes back;
* a file that does not exist yet (``--wait``): watched until it appears.

Changes are noticed through ``watchfiles`` (inotify on Linux) on the
file's directory, not the file: a watch on the file itself would die with
the inode at the first rotation and never see the new one. Nothing is
polled in a loop: between changes the thread sleeps in ``watchfiles``,
which wakes every ``STEP_MS`` to check its change set and the stop event
and every ``WAKE_MS`` hands back to this loop (microseconds of CPU each),
and only once every ``RECHECK_MS`` does this source stat the file without
an event. That look is a safety net: inotify says nothing on network file
systems and some container bind mounts. The first wake-up also looks, to
catch a line written between the first read and the watch being set up
(``watchfiles`` gives no sign of when that is done).

Known limits, shared with ``tail -F``: a truncation followed by the file
growing past the old size before the next look goes unseen (the read
resumes mid-file), and lines a writer adds to a rotated file after the new
one appeared are not read.
"""

from __future__ import annotations

import os
import stat
import threading
import time

import watchfiles

from tui.sources.files import check_source, gzip_blocks, is_gzip, os_message
from tui.sources.base import Chunk, Emit, Ended, Notice, Restart, SourceError
from tui.sources.stdin import PipeSource

CHUNK = 1 << 20  # the most bytes in one Chunk
STEP_MS = 25  # how often watchfiles looks at its change set: at most 2 steps of latency
WAKE_MS = 100  # the longest watchfiles waits before handing back an empty set
RECHECK_MS = 1000  # stat the file this often even without an event
BUSY_BYTES = 16 << 10  # a read this big: the writer is busy, read again at once (see _drain)
_LINE_SEARCH = 64 << 10  # how far back from the end to look for a line start


class FileSource:
    """Read ``path`` and, with ``follow``, keep reading what is added.

    ``wait``: a missing file is waited for instead of being an error.
    ``from_start=False`` starts at the start of the file's last line (attach:
    only what the program writes from now on, but never half a line).
    ``offset`` starts at a byte offset instead, for a caller that has parsed
    what comes before it (the whole-file load of :mod:`tui.ingest.runner`); with
    ``identity`` (``(st_dev, st_ino)`` of the file it parsed) a file that was
    replaced in the meantime is read from its start after a :class:`Restart`.
    """

    def __init__(
        self,
        path: str | os.PathLike[str],
        *,
        follow: bool = True,
        wait: bool = False,
        from_start: bool = True,
        offset: int | None = None,
        identity: tuple[int, int] | None = None,
        stream: str = "log",
        fd: int | None = None,
    ) -> None:
        self.path = os.fspath(path)
        self.description = self.path
        self.follow = follow
        self.wait = wait
        self.from_start = from_start
        self.start_offset = offset
        self.start_identity = identity
        self.stream = stream
        self.offset = 0  # next byte to read from the open file
        self._given_fd = fd  # opened by the caller: the first read uses it (a FIFO gives its bytes once)
        self._fd: int | None = None
        self._identity: tuple[int, int] | None = None
        self._gone = False  # the name vanished while a file was open
        self._done = False  # the input is over (Ended was emitted)
        self._notice: str | None = None  # said once the first read starts
        self._pending_restart: str | None = None  # a rotation whose new file could not be opened yet
        self._error: str | None = None  # the last open error told, so it is told once

    # -- the loop -------------------------------------------------------------

    def run(self, emit: Emit, stop: threading.Event) -> None:
        """Read, then follow until ``stop`` is set (or the file ends, when
        not following). A file that cannot be read at all is a
        :class:`SourceError`; trouble later on is a :class:`Notice`."""
        try:
            if self._given_fd is not None:
                st: os.stat_result | None = os.fstat(self._given_fd)
            else:
                st = check_source(self.path, missing_ok=self.wait)
            if st is None:
                self._check_directory()
                emit(Notice("info", f"waiting for {self.path} to appear"))
            else:
                self._start(emit, stop, first=True)
            if self._done or stop.is_set():
                return
            names = {os.path.basename(self.path), os.path.basename(os.path.realpath(self.path))}
            dirs = {_directory(self.path), _directory(os.path.realpath(self.path))}
            changes = watchfiles.watch(
                *sorted(dirs),
                watch_filter=lambda _change, p: os.path.basename(p) in names,
                debounce=4 * STEP_MS,
                step=STEP_MS,
                stop_event=stop,
                rust_timeout=WAKE_MS,
                yield_on_timeout=True,
                recursive=False,
            )
            checked = None  # the first wake-up checks: the watch is surely set up by then
            for changed in changes:
                now = time.monotonic()
                if changed or checked is None or now - checked >= RECHECK_MS / 1000:
                    checked = now
                    self._check(emit, stop)
                if self._done or stop.is_set():
                    break
        finally:
            self._close()
            if self._given_fd is not None:  # never got to read it
                os.close(self._given_fd)
                self._given_fd = None

    def _check(self, emit: Emit, stop: threading.Event) -> None:
        """Something may have happened to the file: find out what, and read."""
        if self._fd is not None:
            self._drain(emit, stop)  # first whatever the open file still holds
        try:
            st: os.stat_result | None = os.stat(self.path)
        except OSError:
            st = None
        if st is None or stat.S_ISDIR(st.st_mode):
            if self._fd is not None and not self._gone:
                self._gone = True
                what = "moved away" if os.fstat(self._fd).st_nlink else "deleted"
                emit(Notice("warning", f"{self.path} was {what}; waiting for it to come back"))
            return
        if self._fd is None:
            if self._pending_restart is None and self._error is None:
                emit(Notice("info", f"{self.path} appeared; reading it"))
            self._start(emit, stop, first=False, restart=self._pending_restart)
            return
        if (st.st_dev, st.st_ino) != self._identity:
            moved = os.fstat(self._fd).st_nlink > 0
            self._close()
            reason = "was rotated; following the new file" if moved else "was created again; reading it from the start"
            self._start(emit, stop, first=False, restart=f"{self.path} {reason}")
            return
        if st.st_size < self.offset:
            emit(Restart(f"{self.path} was truncated; reading it from the start"))
            self.offset = 0
            self._drain(emit, stop)

    # -- opening and reading ------------------------------------------------

    def _start(self, emit: Emit, stop: threading.Event, *, first: bool, restart: str | None = None) -> None:
        """Open the file the name points at now and read what it holds."""
        try:
            if first and self._given_fd is not None:
                fd, self._given_fd = self._given_fd, None
            else:
                fd = os.open(self.path, os.O_RDONLY | getattr(os, "O_CLOEXEC", 0))
        except OSError as e:
            if first:
                raise SourceError(os_message(self.path, e)) from None
            if os_message(self.path, e) != self._error:  # once, not at every look
                self._error = os_message(self.path, e)
                emit(Notice("error", self._error))
            self._gone, self._pending_restart = True, restart  # try again at the next change
            return
        self._fd, self._gone, self._pending_restart, self._error = fd, False, None, None
        st = os.fstat(fd)
        self._identity = (st.st_dev, st.st_ino)
        if not stat.S_ISREG(st.st_mode):
            # A FIFO or a device (``gctui <(cmd)``): nothing to seek or follow.
            PipeSource(fd, description=self.path, stream=self.stream).run(emit, stop)
            self._done = True
            return
        if is_gzip(os.pread(fd, 2, 0), self.path):
            self._read_gzip(emit, stop, restart)
            return
        self.offset = 0
        if first:
            self.offset, restart = self._first_offset(st)
        if restart is not None:
            emit(Restart(restart))
        if self._notice is not None:
            emit(Notice("info", self._notice))
            self._notice = None
        self._drain(emit, stop)
        if not self.follow and not stop.is_set():
            emit(Ended("end of file"))
            self._done = True

    def _first_offset(self, st: os.stat_result) -> tuple[int, str | None]:
        """Where the first read starts: 0, the caller's offset, or the start
        of the last line (so attach never starts with half a line); and why
        the caller's model must start over, when it must."""
        assert self._fd is not None
        if self.start_offset is not None:
            if self.start_identity is not None and self.start_identity != self._identity:
                return 0, f"{self.path} was replaced while it was being read; reading the new file"
            if st.st_size < self.start_offset:
                return 0, f"{self.path} was truncated; reading it from the start"
            return self.start_offset, None
        if self.from_start:
            return 0, None
        self._notice = f"reading {self.path} from its last line on; earlier lines are skipped"
        base = max(0, st.st_size - _LINE_SEARCH)
        tail = os.pread(self._fd, st.st_size - base, base)
        cut = tail.rfind(b"\n")
        if cut >= 0:
            return base + cut + 1, None
        return (0 if base == 0 else st.st_size), None  # a line longer than the search: skip it

    def _drain(self, emit: Emit, stop: threading.Event) -> None:
        """Read from ``offset`` to the current end, in chunks of up to 1 MiB.

        A busy writer (a read of ``BUSY_BYTES`` or more) is read again as
        soon as its chunk is parsed, not at the watch's next report: that
        comes two steps after the last change it saw (its change set holds
        one entry per file, so a file that keeps growing is reported when a
        step saw no new entry), and at 20,000 lines a second those 50 ms on
        top of the parse put --jsonl's 95th percentile near 200 ms. Reading
        again costs one empty read when the writer has gone quiet.

        Not following (``--no-follow``, the tail after a whole-file load),
        it stops at the first short read, so a file that keeps growing still
        has an end. Following, it goes back to the watch loop at least every
        ``RECHECK_MS``, whose look at the file (a rotation, a deletion) a
        writer faster than the parse would otherwise hold off."""
        assert self._fd is not None
        busy = BUSY_BYTES if self.follow else CHUNK
        until = time.monotonic() + RECHECK_MS / 1000
        while not stop.is_set():
            data = os.pread(self._fd, CHUNK, self.offset)
            if not data:
                return
            self.offset += len(data)
            emit(Chunk(self.stream, data))
            if len(data) < busy or time.monotonic() > until:
                return  # at the end for now: the next change will say when there is more

    def _read_gzip(self, emit: Emit, stop: threading.Event, restart: str | None) -> None:
        """A compressed file is finished (logrotate compresses closed logs):
        inflate it to its end and stop, whatever ``follow`` says."""
        assert self._fd is not None
        if restart is not None:
            emit(Restart(restart))
        if self.follow:
            emit(Notice("info", f"{self.path} is gzip-compressed: read to its end, not followed"))
        emitted = False
        try:
            with open(self._fd, "rb", closefd=False) as f:
                for block in gzip_blocks(f, self.path, CHUNK):
                    if stop.is_set():
                        return
                    emit(Chunk(self.stream, block))
                    emitted = True
        except SourceError as e:
            if not emitted:
                raise
            emit(Notice("error", str(e)))  # what was inflated is kept and shown
        emit(Ended("end of file"))
        self._done = True

    def _check_directory(self) -> None:
        """Waiting needs a directory to watch: a missing one is an error now,
        not a silent wait forever."""
        directory = _directory(self.path)
        if not os.path.isdir(directory):
            raise SourceError(f"gctui: cannot wait for {self.path}: no such directory: {directory}")

    def _close(self) -> None:
        if self._fd is not None:
            os.close(self._fd)
            self._fd = None


def _directory(path: str) -> str:
    return os.path.dirname(os.path.abspath(path)) or "/"
