"""One converter, two ways in: gc_columns.convert stores what the event path stores.

The event path reads a gc line with int()/float() (parsers.gctrace) and
stores it with GCColumns.append; the bulk path converts many lines at once,
from a stride split (stride_fields) or from FAST's groups (row_fields). All
three must store the same numbers, float32 bits included.
"""

from __future__ import annotations

import pytest

from parsers.columns import COLUMNS, GCColumns
from parsers.events import GCCycle
from parsers.gc_columns import FAST, FAST_OTHER, convert, gc_text, row_fields, stride_fields
from parsers.stream import Parser

GC18 = (
    "gc {n} @{t}s {pct}%: 0.010+1.2+0.003 ms clock, 0.02+0.5/1.0/0.2+0.006 ms cpu, "
    "{h}->5->2 MB, 5 MB goal, {st} MB stacks, 0 MB globals, {p} P"
)
GC16 = "gc {n} @{t}s {pct}%: 0+0.33+0 ms clock, 0+0.1/0.3/0.7+0 ms cpu, {h}->4->0 MB, 5 MB goal, {p} P"


def line(shape: str = GC18, n: object = 1, t: str = "0.001", pct: object = 1, h: object = 4,
         st: object = 0, p: object = 2, forced: bool = False) -> str:
    return shape.format(n=n, t=t, pct=pct, h=h, st=st, p=p) + (" (forced)" if forced else "")


CASES = {
    "go1.18": [line()],
    "go1.6": [line(GC16)],
    "forced": [line(forced=True), line(n=2), line(n=3, forced=True)],
    "go1.6-forced": [line(GC16, forced=True)],
    "cpu-pct-254-255-256": [line(pct=254), line(pct=255), line(pct=256)],
    "procs-65534-65535-65536": [line(p=65534), line(p=65535), line(p=65536)],
    "heap-4294967294-and-on": [line(h=4294967294), line(h=4294967295), line(h=4294967296)],
    "leading-zeros": [line(n="007", h="04", p="02")],
    "fifty-days-in": [line(t="4320000.125"), line(t="4294967.295"), line(t="4294967.294")],
    "odd-durations": [line().replace("0.010+1.2+0.003", "0.1+0.7+3.3333333")],
    "float32-rounding": [line().replace("0.02+0.5/1.0/0.2+0.006", "16777217+0.1/0.30000001/1.7+0.006")],
}


def event_columns(lines: list[str]) -> GCColumns:
    p = Parser()
    events = p.feed(("\n".join(lines) + "\n").encode()) + p.close()
    cols = GCColumns()
    for e in events:
        if isinstance(e, GCCycle):
            cols.append(e, 0)
    assert len(cols) == len(lines), events
    return cols


def same_stored(a: GCColumns, b: GCColumns) -> None:
    for name in COLUMNS:
        if name not in ("line_no", "segment"):
            assert getattr(a, name).tobytes() == getattr(b, name).tobytes(), name


@pytest.mark.parametrize("lines", list(CASES.values()), ids=list(CASES))
def test_rows_convert_as_the_event_path_stores(lines: list[str]) -> None:
    rows = FAST.findall("\n".join(lines).encode())
    assert all(r[0] for r in rows)
    same_stored(convert(*row_fields(rows)), event_columns(lines))


@pytest.mark.parametrize("lines", list(CASES.values()), ids=list(CASES))
def test_strides_convert_as_the_event_path_stores(lines: list[str]) -> None:
    split = stride_fields([text.encode() for text in lines])
    assert split is not None
    same_stored(convert(*split), event_columns(lines))


def test_mixed_eras_in_one_batch() -> None:
    lines = [line(), line(GC16, n=2, forced=True), line(n=3, st=7)]
    rows = FAST.findall("\n".join(lines).encode())
    same_stored(convert(*row_fields(rows)), event_columns(lines))
    assert stride_fields([text.encode() for text in lines]) is None  # uneven: the row path's


@pytest.mark.parametrize("bad", ["1.2.3", "."], ids=["two-dots", "a-dot"])
def test_a_duration_float_refuses_is_refused(bad: str) -> None:
    text = line().replace("0.010+", bad + "+")
    split = stride_fields([text.encode()])
    if split is not None:
        with pytest.raises(ValueError):
            convert(*split)


def test_gc_text_rebuilds_the_line() -> None:
    for text in [line(), line(GC16, forced=True), line(forced=True)]:
        (row,) = FAST.findall(text.encode())
        assert gc_text(row) == text.encode() and not row[FAST_OTHER]
