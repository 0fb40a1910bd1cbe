"""Ranges of one file parsed apart, made one again.

Three jobs of the whole-file loader that know the shape of a
:class:`~parsers.bulk.BulkResult`: moving a range's parse across a process
boundary cheaply (:func:`pack`/:func:`unpack`), numbering its lines as in
the whole file (:func:`shift_lines`), and appending it to what came before
(:func:`stitch`), fixing what the seam hid: segment numbers, and a restart
that shows only across the seam.
"""

from __future__ import annotations

import gc
from array import array
from bisect import bisect_left
from contextlib import contextmanager
from dataclasses import replace
from typing import Any, Iterator, Sequence, cast

from parsers import events as events_module
from parsers.bulk import BulkResult
from parsers.events import Crash, LineMeta, SchedSnapshot, Segment


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


def stitch(into: BulkResult, part: BulkResult) -> None:
    """Append ``part`` (the next range) to ``into``, fixing what the seam hid."""
    join(into, part)
    base = len(into.records)
    into.records.extend(part.records)
    into.output_pos.extend(array("Q", [pos + base for pos in part.output_pos]))
    into.sched_pos.extend(array("Q", [pos + base for pos in part.sched_pos]))
    into.output.extend(part.output)
    into.sched.extend(part.sched)
    into.columns.extend(part.columns)
    into.sourced.extend(part.sourced)


def join(into: BulkResult, part: BulkResult) -> None:
    """Make ``part`` (the next range) continue ``into``: its segments
    renumbered, a restart the seam hid added to its records, and ``into``'s
    totals (counts, lines, segments, clocks) advanced past it. ``part``'s
    data stays in ``part``: :func:`stitch` appends it to ``into``; a loader
    that hands each range to the model as it comes (so a whole file's
    columns never exist twice) only joins."""
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
    seam_events = [
        Segment(line_no=line, index=offset + 1 + i, reason="clock went back at a range seam")
        for i, line in enumerate(boundaries)
    ]
    shift = offset + len(boundaries)
    merged = [replace(e, index=e.index + shift) if isinstance(e, Segment) else e for e in part.records]
    if seam_events:
        merged = sorted(seam_events + merged, key=_order)
    part.records = merged
    cols = part.columns
    if shift or boundaries:
        if boundaries:
            cols.segment = array(
                "H",
                (s + offset + bisect_left(boundaries, ln + 1) for s, ln in zip(cols.segment, cols.line_no)),
            )
        else:
            cols.segment = array("H", (s + shift for s in cols.segment))
    for kind, count in part.counts.items():
        into.counts[kind] = into.counts.get(kind, 0) + count
    into.lines += part.lines
    into.segments = into.segments + len(boundaries) + part.segments - 1
    into.last_gc_n, into.last_sched_ms = part.last_gc_n, part.last_sched_ms


def shift_lines(result: BulkResult, shift: int) -> None:
    """Number the lines of a range parsed from line 1 as in the whole file,
    where ``shift`` lines come before it (records are shifted by
    :func:`unpack` as they are rebuilt)."""
    if not shift:
        return
    cols = result.columns
    cols.line_no = array(cols.line_no.typecode, (n + shift for n in cols.line_no))
    for rows in (result.output, result.sched):
        rows.line_no = array("Q", (n + shift for n in rows.line_no))
        rows.objects = {i: shift_event(e, shift) for i, e in rows.objects.items()}  # type: ignore[misc]
    result.first_line += shift
    result.sourced = [shift_event(e, shift) for e in result.sourced]


def shift_event(event: Any, shift: int) -> Any:
    """``event`` of a range parsed from line 1, numbered as in the whole file."""
    if isinstance(event, Segment):
        return replace(event, line_no=event.line_no + shift)
    meta = event.meta
    changes: dict[str, Any] = {"meta": replace(meta, line_no=meta.line_no + shift)}
    if isinstance(event, Crash):
        changes.update(first_line=event.first_line + shift, last_line=event.last_line + shift)
    return replace(event, **changes)


# Frozen slotted dataclasses pickle at ~7 us each; a file's worth of program
# output would spend longer crossing the process boundary than being parsed.
# Events travel as plain tuples and are rebuilt on arrival.
_CLASSES: tuple[type, ...] = tuple(
    c for c in vars(events_module).values() if isinstance(c, type) and hasattr(c, "__slots__")
    and c.__module__ == events_module.__name__
)
_INDEX = {c: i for i, c in enumerate(_CLASSES)}
_LINE_FIELDS = frozenset({"line_no", "first_line", "last_line"})  # line numbers outside meta


def pack(events: Sequence[object]) -> list[tuple[object, ...]]:
    """Events as plain tuples, a tenth of the cost of pickling the objects."""
    packed: list[tuple[object, ...]] = []
    for e in events:
        cls = type(e)
        values = [getattr(e, name) for name in cls.__slots__]  # type: ignore[attr-defined]
        if values and isinstance(values[0], LineMeta):
            m = values[0]
            values[0] = (m.line_no, m.raw, m.prefix, m.wall_time, m.stream, m.source)
        packed.append((_INDEX[cls], *values))
    return packed


def unpack(packed: list[tuple[Any, ...]], shift: int = 0) -> list[Any]:
    """Events back from :func:`pack`, their line numbers moved down ``shift``."""
    out: list[Any] = []
    new, setattr_ = object.__new__, object.__setattr__
    for row in packed:
        cls = _CLASSES[cast(int, row[0])]
        obj: Any = new(cls)
        for name, value in zip(cls.__slots__, row[1:]):  # type: ignore[attr-defined]
            if name == "meta" and isinstance(value, tuple):
                meta = new(LineMeta)
                for mname, mvalue in zip(LineMeta.__slots__, value):
                    setattr_(meta, mname, mvalue)
                if shift:
                    setattr_(meta, "line_no", meta.line_no + shift)
                value = meta
            elif shift and name in _LINE_FIELDS and isinstance(value, int):
                value += shift
            setattr_(obj, name, value)
        out.append(obj)
    return out


def _order(event: object) -> tuple[int, int]:
    """File order; a segment comes before the record on its line."""
    if isinstance(event, Segment):
        return (event.line_no, 0)
    meta = getattr(event, "meta", None)
    return (meta.line_no if meta is not None else 0, 1)
