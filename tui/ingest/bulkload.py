"""Read a whole log file into columns, using every core.

The file is cut into ranges at a gc line whose cycle number follows the
previous line's, where no block (crash dump, scheddetail, cut record) can be
open and no restart can hide, so each range parses on its own. Ranges after
the first run in worker processes; the first runs here, so its events never
cross a process boundary. Results are stitched back in file order: line
numbers are right from the start (each worker counts the newlines before its
range), segment numbers are shifted, and a restart that shows only across
the seam is added back.
"""

from __future__ import annotations

import gc
import os
import pickle
import re
import tempfile
from array import array
from bisect import bisect_left
from concurrent.futures import ProcessPoolExecutor
from contextlib import contextmanager
from dataclasses import replace
from pathlib import Path
from typing import Iterable, Iterator

from parsers.bulk import BulkParser, BulkResult
from parsers import events as events_module
from parsers.events import LineMeta, SchedSnapshot, Segment
from parsers.stream import Parser

CHUNK = 4 << 20
# On two cores the worker also starts a process, counts the lines before its
# range and pickles its result to a file (about 2 s of 20 at 1 GB), and this
# process then loads and stitches it (under 1 s): so this one takes a little more.
FIRST_SHARE = {2: 0.53}
_GC_N = re.compile(rb"\ngc (\d+) @")
_SEAM_SEARCH = 1 << 20


def find_seams(
    path: str | os.PathLike[str], parts: int, min_split: int = 8 * CHUNK, first_share: float | None = None
) -> list[int]:
    """Offsets (line starts) that cut the file into about ``parts`` ranges.

    Files under ``min_split`` bytes are not worth a process start.
    ``first_share`` gives the first range that fraction of the file and
    splits the rest evenly (the first range is parsed here, with no result
    to pickle and no lines to count before it, so it can take more).
    """
    size = os.path.getsize(path)
    seams = [0]
    if parts < 2 or size < min_split:
        return seams + [size]
    share = 1 / parts if first_share is None else first_share
    with open(path, "rb") as f:
        for i in range(1, parts):
            base = int(size * (share + (1 - share) * (i - 1) / (parts - 1)))
            f.seek(base)
            window = f.read(_SEAM_SEARCH)
            seam = _seam_in(window)
            if seam is not None and base + seam > seams[-1]:
                seams.append(base + seam)
    return seams + [size]


def _seam_in(window: bytes) -> int | None:
    """A line start in ``window`` where gc N+1 directly follows gc N."""
    previous: tuple[int, int] | None = None  # (position of the "\n" before it, n)
    for m in _GC_N.finditer(window):
        n = int(m.group(1))
        if previous is not None:
            prev_start, prev_n = previous
            # The previous gc line must be the line just before this one.
            if n == prev_n + 1 and window.find(b"\n", prev_start + 1) == m.start():
                return m.start() + 1
        previous = (m.start(), n)
    return None


@contextmanager
def paused_gc() -> Iterator[None]:
    """Cyclic garbage collection off while a big parse allocates millions of
    events: none of them forms a cycle, and each collection would walk every
    one of them again (15-20 % of a 100 MB parse)."""
    was = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was:
            gc.enable()


def _parse_range(path: str, start: int, end: int, count_lines: bool) -> BulkResult:
    with paused_gc():
        return _parse_range_now(path, start, end, count_lines)


def _parse_range_now(path: str, start: int, end: int, count_lines: bool) -> BulkResult:
    first_line = 1
    with open(path, "rb") as f:
        if count_lines and start:
            left = start
            while left:
                block = f.read(min(CHUNK * 4, left))
                first_line += block.count(b"\n")
                left -= len(block)
        return parse_blocks(read_range(f.fileno(), start, end), first_line, pack=count_lines)


def read_range(fd: int, start: int, end: int, size: int = CHUNK) -> Iterator[bytes]:
    """The bytes of ``[start, end)`` of an open file, ``size`` at a time."""
    pos = start
    while pos < end:
        block = os.pread(fd, min(size, end - pos), pos)
        if not block:
            return
        pos += len(block)
        yield block


def parse_blocks(blocks: Iterable[bytes], first_line: int, pack: bool) -> BulkResult:
    """Parse one range's bytes; ``pack`` when the result is about to be
    pickled to another process (see :func:`_pack`)."""
    with paused_gc():
        bulk = BulkParser(Parser(first_line=first_line))
        for block in blocks:
            bulk.feed(block)
        result = bulk.close()
    if pack:
        result.records = _pack(result.records)  # type: ignore[assignment]
    return result


def parse_path(
    path: str | os.PathLike[str], workers: int | None = None, min_split: int = 8 * CHUNK
) -> BulkResult:
    """Parse the whole file at ``path`` (not gzip) into a :class:`BulkResult`."""
    path = str(Path(path))
    workers = workers or min(os.cpu_count() or 1, 4)
    seams = find_seams(path, workers, min_split, first_share=FIRST_SHARE.get(workers))
    ranges = list(zip(seams, seams[1:]))
    if len(ranges) == 1:
        return _parse_range(path, 0, seams[1], False)
    # Workers leave their results in files: a result sent down the pool's
    # pipe is read by a thread of this process, which gets the GIL only in
    # turns with the parse running here, so hundreds of MB of columns would
    # cross only once that parse is done (a second or more at 1 GB).
    need = os.path.getsize(path) - seams[1]  # the workers' results are smaller than their ranges
    with tempfile.TemporaryDirectory(prefix="gctui-parts-", dir=_spool_dir(need)) as spool:
        with ProcessPoolExecutor(len(ranges) - 1) as pool:
            futures = [pool.submit(_parse_range_to_file, path, a, b, spool) for a, b in ranges[1:]]
            result = _parse_range(path, *ranges[0], False)
            for future in futures:
                with open(future.result(), "rb") as f, paused_gc():
                    part = pickle.load(f)
                    part.records = _unpack(part.records)
                    _stitch(result, part)
    return result


def _parse_range_to_file(path: str, start: int, end: int, spool: str) -> str:
    """Parse a range in a worker; the name of the file its result is pickled to."""
    result = _parse_range(path, start, end, True)
    fd, name = tempfile.mkstemp(prefix="part-", suffix=".pickle", dir=spool)
    with os.fdopen(fd, "wb") as f, paused_gc():
        pickle.dump(result, f, protocol=pickle.HIGHEST_PROTOCOL)
    return name


def _spool_dir(need: int) -> str | None:
    """Memory-backed /dev/shm when there is one with room for ``need`` bytes
    (the files live for seconds); a container's is often only 64 MB, and
    then the ordinary temporary directory serves."""
    shm = "/dev/shm"
    try:
        st = os.statvfs(shm)
    except OSError:
        return None
    roomy = st.f_bavail * st.f_frsize >= 2 * need
    return shm if roomy and os.access(shm, os.W_OK) else None


def _stitch(into: BulkResult, part: BulkResult) -> None:
    """Append ``part`` (the next range) to ``into``, fixing what the seam hid."""
    offset = into.segments - 1
    boundaries: list[int] = []  # line numbers of segments added at the seam
    first_gc = part.columns.n[0] if len(part.columns) else None
    last_gc, last_sched = into.last_gc_n, into.last_sched_ms
    if first_gc is not None and last_gc is not None and first_gc <= last_gc:
        boundaries.append(part.columns.line_no[0])
    else:
        # The part's first segment or snapshot, in the parser's order: a
        # snapshot row comes before the record at its position.
        stop = part.sched_pos[0] if part.sched_pos else len(part.records)
        first: object = part.sched[0] if part.sched_pos else None
        for e in part.records[:stop]:
            if isinstance(e, (Segment, SchedSnapshot)):
                first = e
                break
        if isinstance(first, SchedSnapshot) and last_sched is not None and first.t_ms < last_sched:
            boundaries.append(first.meta.line_no)
    if boundaries:
        part.without_rows()  # the seam's segments are sorted in among the events
    events = part.records
    seam_events = [
        Segment(line_no=line, index=offset + 1 + i, reason="clock went back at a range seam")
        for i, line in enumerate(boundaries)
    ]
    shift = offset + len(boundaries)
    merged = [replace(e, index=e.index + shift) if isinstance(e, Segment) else e for e in events]
    if seam_events:
        merged = sorted(seam_events + merged, key=_order)
    base = len(into.records)
    into.records.extend(merged)
    into.output_pos.extend(array("Q", [pos + base for pos in part.output_pos]))
    into.sched_pos.extend(array("Q", [pos + base for pos in part.sched_pos]))
    into.output.extend(part.output)
    into.sched.extend(part.sched)
    cols = part.columns
    if shift or boundaries:
        if boundaries:
            cols.segment = array(
                "H",
                (s + offset + bisect_left(boundaries, ln + 1) for s, ln in zip(cols.segment, cols.line_no)),
            )
        else:
            cols.segment = array("H", (s + shift for s in cols.segment))
    into.columns.extend(cols)
    for kind, count in part.counts.items():
        into.counts[kind] = into.counts.get(kind, 0) + count
    into.lines += part.lines
    into.segments = into.segments + len(boundaries) + part.segments - 1
    into.last_gc_n, into.last_sched_ms = part.last_gc_n, part.last_sched_ms


# Frozen slotted dataclasses pickle at ~7 us each; a file's worth of program
# output would spend longer crossing the process boundary than being parsed.
# Events travel as plain tuples and are rebuilt on arrival.
_CLASSES: tuple[type, ...] = tuple(
    c for c in vars(events_module).values() if isinstance(c, type) and hasattr(c, "__slots__")
    and c.__module__ == events_module.__name__
)
_INDEX = {c: i for i, c in enumerate(_CLASSES)}


def _pack(events: list[object]) -> list[tuple[object, ...]]:
    packed: list[tuple[object, ...]] = []
    for e in events:
        cls = type(e)
        values = [getattr(e, name) for name in cls.__slots__]  # type: ignore[attr-defined]
        if values and isinstance(values[0], LineMeta):
            m = values[0]
            values[0] = (m.line_no, m.raw, m.prefix, m.wall_time, m.stream, m.source)
        packed.append((_INDEX[cls], *values))
    return packed


def _unpack(packed: list[tuple[object, ...]]) -> list[object]:
    out: list[object] = []
    new, setattr_ = object.__new__, object.__setattr__
    for row in packed:
        cls = _CLASSES[row[0]]  # type: ignore[index]
        obj = new(cls)
        for name, value in zip(cls.__slots__, row[1:]):  # type: ignore[attr-defined]
            if name == "meta" and isinstance(value, tuple):
                meta = new(LineMeta)
                for mname, mvalue in zip(LineMeta.__slots__, value):
                    setattr_(meta, mname, mvalue)
                value = meta
            setattr_(obj, name, value)
        out.append(obj)
    return out


def _order(event: object) -> tuple[int, int]:
    """File order; a segment comes before the record on its line."""
    if isinstance(event, Segment):
        return (event.line_no, 0)
    meta = getattr(event, "meta", None)
    return (meta.line_no if meta is not None else 0, 1)
