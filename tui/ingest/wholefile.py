"""Read a whole regular log file into columns, on every core: the one loader.

Every way into gctui that names a regular, uncompressed file ends here:
``report``/``export``/``compare``, ``gctui FILE`` in the app, and
``open --jsonl``/``--report``/``--plain``. The file was opened once by
:mod:`tui.ingest.inputs`; this module reads only through that descriptor
(workers reopen it by its ``/proc`` name), so a rotation during the load
changes nothing.

The file is cut into ranges at a gc line whose cycle number follows the
previous line's, where no block (crash dump, scheddetail, cut record) can be
open and no restart can hide (:func:`find_seams`). Each range is parsed on
its own, with line numbers counted from its start, one of two ways chosen
in one place (:class:`_Ranges`) by whether the compiled kernel of
``gctui[fast]`` is there (:mod:`parsers.gc_kernel`):

* with it, on threads of this process: the kernel, most of a range's work,
  releases the GIL, and a result needs no pickling;
* without it, in worker processes started one way (``forkserver``: the app
  has threads, and fork with threads is unsafe) and sent back one way (a
  pickle in a spool file: a result sent down the pool's pipe crosses only
  when the GIL allows, seconds late at 1 GB).

Only a few ranges are parsed ahead of the one being joined. Results are
joined in file order (:mod:`tui.ingest.stitch`): line numbers shifted by the
lines before the range, segments renumbered, and a restart that shows only
across the seam added back; then either appended to one result or handed,
range by range, to the model (``sink``), so that a 1 GB file's columns
never exist twice. While parsing, each range notes where its lines start
every :data:`INDEX_STEP` bytes, so the line index that reads a cycle's raw
text back (:class:`LineIndex`) comes from the parse: nothing reads the file
twice.

A load stops within :data:`STOP_S` of ``stop`` being set (the user quit, the
terminal closed): the reading thread never waits on a range without looking
at ``stop``, and on the way out the worker processes still parsing are
terminated, not waited for (a range takes seconds), and threads stop at the
next block. Worker processes are also tied to the forkserver that started
them (``PR_SET_PDEATHSIG``): if gctui is killed outright, the forkserver
sees its pipe close and exits, and they go with it.

A big file can also be read tail first (:meth:`WholeFile.tail`): the last
few MiB, from a seam, for a first screen in a fraction of a second while the
rest loads.
"""

from __future__ import annotations

import multiprocessing
import os
import pickle
import tempfile
import threading
from array import array
from concurrent.futures import FIRST_COMPLETED, Executor, Future, ProcessPoolExecutor, ThreadPoolExecutor, wait
from dataclasses import dataclass, field
from typing import Any, Callable, Iterator, cast

from parsers import gc_kernel

from parsers.bulk import BulkParser, BulkResult
from parsers.columns import GCColumns
from parsers.events import Event
from parsers.stream import Parser
from tui.ingest.linefile import LineIndex
from tui.ingest.seams import find_seams, seam_in
from tui.ingest.stitch import join, pack, paused_gc, shift_event, shift_lines, stitch, unpack
from tui.sources.children import die_with_parent

CHUNK = 4 << 20  # bytes per read while parsing
INDEX_STEP = 1 << 20  # a line start is noted about this often, for LineIndex
PART_BYTES = 32 << 20  # one range: a step of progress a user can watch, and what a range holds in memory
MIN_SPLIT = 32 << 20  # below this a file is parsed here, with no process started
TAIL_BYTES = 6 << 20  # what a first screen of a big file is parsed from
BIG_FILE = 64 << 20  # above this, a front end that shows a screen reads the tail first
Progress = Callable[[int, int], None]  # (bytes done, bytes in all)
Sink = Callable[[BulkResult], None]  # takes each range's parse, in file order
STOP_S = 0.1  # how often a load waiting on a range looks at ``stop``


class LoadStopped(Exception):
    """``stop`` was set while the file was loading."""


@dataclass
class RangeResult:
    """One range's parse, lines numbered from 1, and its line starts."""

    result: BulkResult
    end: int = 0  # where the range ends (a line start, or the end of the parse)
    starts: array = field(default_factory=lambda: array("Q"))  # type: ignore[type-arg]
    before: array = field(default_factory=lambda: array("Q"))  # type: ignore[type-arg]


class WholeFile:
    """One regular file, open on ``fd``, read up to its last whole line."""

    def __init__(self, fd: int, path: str, *, workers: int | None = None,
                 part_bytes: int | None = None, min_split: int | None = None,
                 stop: threading.Event | None = None) -> None:
        """``part_bytes`` and ``min_split``: the module's PART_BYTES and
        MIN_SPLIT unless given (read when the loader is made, so a test can
        make a small file many ranges)."""
        self.fd = fd
        self.stop = stop or threading.Event()
        self.path = path
        self.workers = workers or min(os.cpu_count() or 1, 4)
        self.part_bytes = PART_BYTES if part_bytes is None else part_bytes
        self.min_split = MIN_SPLIT if min_split is None else min_split
        st = os.fstat(fd)
        self.identity = (st.st_dev, st.st_ino)
        self.end_offset = self._last_line_end(st.st_size)
        self.index = LineIndex(path)

    @property
    def big(self) -> bool:
        """Worth a first screen from the tail while the rest loads."""
        return self.end_offset > BIG_FILE

    def tail(self) -> BulkResult:
        """The last :data:`TAIL_BYTES`, from a line where no block can be
        open; line numbers count from the tail's first line."""
        start = self._tail_start()
        with paused_gc():
            # Not worth numba's import (half a second) for a few MiB.
            return _parse(self._blocks(start, self.end_offset), start, None, load_kernel=False).result

    def parse(self, progress: Progress | None = None, sink: Sink | None = None) -> BulkResult:
        """The whole file up to :attr:`end_offset`; ``progress(done, total)``
        after each range, from this thread (it may raise to stop the load).

        ``sink``: each range's parse, numbered as in the whole file and in
        file order, is handed to ``sink`` (the model, which stores it) and
        not kept: the result then holds only the totals (counts, lines,
        segments, the clocks a follower continues from), and a 1 GB file's
        columns never exist twice, as they would in a result and a model."""
        total = self.end_offset
        seams = find_seams(self.fd, total, max(1, -(-total // self.part_bytes)))
        ranges = list(zip(seams, seams[1:]))
        if total < self.min_split or len(ranges) < 2:
            ranges = [(0, total)]
        with paused_gc():
            if len(ranges) == 1:
                part = _parse(self._blocks(0, total), 0, None, stop=self.stop)
                self._index(part, 0)
                result = self._take(None, part.result, sink)
                if progress is not None:
                    progress(total, total)
                return result
            return self._parse_parallel(ranges, progress, sink)

    # -- inside -----------------------------------------------------------------

    def _parse_parallel(self, ranges: list[tuple[int, int]], progress: Progress | None,
                        sink: Sink | None) -> BulkResult:
        """Ranges on every core, joined in file order as each arrives.

        With the compiled kernel (:mod:`parsers.gc_kernel`) the ranges run
        on threads of this process: the kernel, most of a range's work,
        releases the GIL, and a thread's result needs no pickling nor a
        worker that imports gctui and loads the kernel again. Without it
        the pure parse holds the GIL throughout, so ranges run in worker
        processes and come back through spool files. One or the other,
        never both, chosen here."""
        total = self.end_offset
        workers = min(self.workers, len(ranges))
        with _Ranges(self, workers) as run:
            # A few ranges ahead of the one being joined, not all of them:
            # a parse that outruns the model would otherwise hold every
            # range's columns at once (600 MB of a 1 GB file).
            ahead = workers
            futures: list[Future[Any] | None] = [run.submit(a, b) for a, b in ranges[:ahead]]
            result: BulkResult | None = None
            lines_before = 0
            try:
                for k, (_, end) in enumerate(ranges):
                    if k + ahead < len(ranges):
                        futures.append(run.submit(*ranges[k + ahead]))
                    # A done future holds its range's parse: let it go once taken.
                    future, futures[k] = futures[k], None
                    assert future is not None
                    part = run.result(future, lines_before, self.stop)
                    del future
                    shift_lines(part.result, lines_before)
                    self._index(part, lines_before)
                    lines_before += part.result.lines
                    result = self._take(result, part.result, sink)
                    del part
                    if progress is not None:
                        progress(end, total)
            except BaseException:
                for pending in futures:
                    if pending is not None:
                        pending.cancel()
                run.abandon()
                raise
        assert result is not None
        return result

    @staticmethod
    def _take(into: BulkResult | None, part: BulkResult, sink: Sink | None) -> BulkResult:
        """Add the next range to the result: its data too, or to ``sink``."""
        if sink is None:
            if into is None:
                return part
            stitch(into, part)
            return into
        if into is None:
            into = BulkResult(columns=GCColumns(), first_line=part.first_line)
            into.segments = 1
        join(into, part)
        sink(part)
        return into

    def _index(self, part: RangeResult, lines_before: int) -> None:
        self.index.add(part.starts, part.before, lines_before, part.result.lines, part.end)

    def _blocks(self, start: int, end: int) -> Iterator[tuple[int, bytes]]:
        return read_range(self.fd, start, end)

    def _last_line_end(self, size: int) -> int:
        """The end of the last whole line: a line still being written is
        left to the follower, which reads it whole."""
        base = max(0, size - (1 << 20))
        cut = os.pread(self.fd, size - base, base).rfind(b"\n")
        return base + cut + 1 if cut >= 0 else (0 if base == 0 else size)

    def _tail_start(self) -> int:
        base = max(0, self.end_offset - TAIL_BYTES)
        if base == 0:
            return 0
        window = os.pread(self.fd, min(1 << 20, self.end_offset - base), base)
        seam = seam_in(b"\n" + window)  # the leading newline lets a line at base count
        if seam is not None:
            return base + seam - 1
        newline = window.find(b"\n")
        return base + newline + 1 if newline >= 0 else self.end_offset


def read_range(fd: int, start: int, end: int, size: int = CHUNK) -> Iterator[tuple[int, bytes]]:
    """``(offset, bytes)`` blocks of ``[start, end)`` of an open file."""
    pos = start
    while pos < end:
        block = os.pread(fd, min(size, end - pos), pos)
        if not block:
            return
        yield pos, block
        pos += len(block)


def _parse(blocks: Iterator[tuple[int, bytes]], start: int, pack_for: str | None,
           *, load_kernel: bool = True, stop: threading.Event | None = None) -> RangeResult:
    """Parse one range's blocks, noting a line start every :data:`INDEX_STEP`
    bytes (``starts[k]``: a byte offset; ``before[k]``: lines of the range
    before it). The newlines are counted in C, as the parse reads them."""
    bulk = BulkParser(Parser(first_line=1), load_kernel=load_kernel)
    part = RangeResult(BulkResult(columns=bulk.columns))
    starts, before = part.starts, part.before
    starts.append(start)
    before.append(0)
    lines = 0
    end = start
    for pos, block in blocks:
        if stop is not None and stop.is_set():
            raise LoadStopped  # a thread cannot be killed: it looks between blocks
        bulk.feed(block)
        done = 0  # newlines of this block before ``done`` are in ``lines``
        for a in range(0, len(block), INDEX_STEP):
            nl = block.find(b"\n", a, a + INDEX_STEP)
            if nl >= 0:
                lines += block.count(b"\n", done, nl + 1)
                done = nl + 1
                starts.append(pos + done)
                before.append(lines)
        lines += block.count(b"\n", done)
        end = pos + len(block)
    if len(starts) > 1 and starts[-1] >= end:
        starts.pop()  # the next range's first line: it notes that itself
        before.pop()
    part.end = end
    part.result = bulk.close()
    if pack_for is not None:
        part.result.records = cast("list[Event]", pack(cast("list[object]", part.result.records)))
        part.result.sourced = cast("list[Any]", pack(part.result.sourced))  # shifted by shift_lines
    return part


class _Ranges:
    """Where ranges are parsed: threads with the kernel, else worker processes."""

    def __init__(self, whole: WholeFile, workers: int) -> None:
        self.fd = whole.fd
        self.stop = whole.stop
        self._abandoned = False
        self.threads = workers > 1 and gc_kernel.kernel() is not None
        self.pool: Executor
        self.spool: tempfile.TemporaryDirectory[str] | None = None
        if self.threads:
            self.pool = ThreadPoolExecutor(workers, thread_name_prefix="gctui-range")
            return
        proc = f"/proc/{os.getpid()}/fd/{whole.fd}"
        self.names = (proc, whole.path) if os.path.exists(proc) else (whole.path,)
        context = multiprocessing.get_context(
            "forkserver" if "forkserver" in multiprocessing.get_all_start_methods() else "spawn")
        self.spool = tempfile.TemporaryDirectory(prefix="gctui-parts-", dir=_spool_dir(whole.end_offset))
        self.pool = ProcessPoolExecutor(workers, mp_context=context, initializer=die_with_parent)

    def submit(self, start: int, end: int) -> Future[Any]:
        if self.threads:
            return self.pool.submit(lambda: _parse(read_range(self.fd, start, end), start, None, stop=self.stop))
        assert self.spool is not None
        return self.pool.submit(_parse_to_file, self.names, start, end, self.spool.name)

    def result(self, future: Future[Any], lines_before: int, stop: threading.Event) -> RangeResult:
        """A range's parse, its records' line numbers shifted by ``lines_before``;
        waiting for it, ``stop`` is looked at every :data:`STOP_S`."""
        while not wait([future], STOP_S, FIRST_COMPLETED).done:
            if stop.is_set():
                raise LoadStopped
        if self.threads:
            part: RangeResult = future.result()
            if lines_before:
                part.result.records = [shift_event(e, lines_before) for e in part.result.records]
            return part
        with open(future.result(), "rb") as f:
            part = pickle.load(f)
        os.unlink(f.name)
        packed = cast("list[tuple[object, ...]]", part.result.records)
        part.result.records = cast("list[Event]", unpack(packed, lines_before))
        part.result.sourced = unpack(cast("list[tuple[Any, ...]]", part.result.sourced))
        return part

    def abandon(self) -> None:
        """Stop at once: pending ranges cancelled, worker processes still
        parsing terminated (the executor has no public way before Python
        3.14); threads see ``stop`` at their next block."""
        self._abandoned = True
        processes = list((getattr(self.pool, "_processes", None) or {}).values())
        self.pool.shutdown(wait=False, cancel_futures=True)
        for process in processes:
            if process.is_alive():
                process.terminate()
        for process in processes:
            process.join(1.0)

    def __enter__(self) -> _Ranges:
        return self

    def __exit__(self, *exc: object) -> None:
        # After abandon() the processes are gone; a thread still finishes its block.
        self.pool.shutdown(wait=not self._abandoned or self.threads, cancel_futures=True)
        if self.spool is not None:
            self.spool.cleanup()


def _parse_to_file(names: tuple[str, ...], start: int, end: int, spool: str) -> str:
    """In a worker: parse a range, pickle it to a file in ``spool``, return its name."""
    with _open_first(names) as f, paused_gc():
        part = _parse(read_range(f.fileno(), start, end), start, "pickle")
        fd, name = tempfile.mkstemp(prefix="part-", suffix=".pickle", dir=spool)
        with os.fdopen(fd, "wb") as out:
            pickle.dump(part, out, protocol=pickle.HIGHEST_PROTOCOL)
    return name


def _open_first(names: tuple[str, ...]):  # type: ignore[no-untyped-def]
    for name in names[:-1]:
        try:
            return open(name, "rb")
        except OSError:
            pass
    return open(names[-1], "rb")


def _spool_dir(need: int) -> str | None:
    """Memory-backed /dev/shm when it has room for ``need`` bytes (the files
    live for seconds); a container's is often only 64 MB, and then the
    ordinary temporary directory serves."""
    shm = "/dev/shm"
    try:
        st = os.statvfs(shm)
    except OSError:
        return None
    roomy = st.f_bavail * st.f_frsize >= 2 * need
    return shm if roomy and os.access(shm, os.W_OK) else None
