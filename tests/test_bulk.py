"""The bulk path gives exactly what the event path gives, on any input."""

from __future__ import annotations

import math
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kit import SAMPLE_LOGS
from parsers.bulk import BulkResult, parse_chunks
from parsers.columns import GCColumns
from parsers.events import GCCycle, Segment
from parsers.stream import parse_bytes

FILES = SAMPLE_LOGS


def event_path(data: bytes) -> tuple[GCColumns, list[object], dict[str, int], int]:
    events, p = parse_bytes(data)
    cols = GCColumns()
    segment = 0
    others: list[object] = []
    for e in events:
        if isinstance(e, GCCycle):
            cols.append(e, segment)
        else:
            if isinstance(e, Segment):
                segment = e.index
            others.append(e)
    return cols, others, p.counts, p.lines


def same(bulk: BulkResult, data: bytes) -> None:
    cols, others, counts, lines = event_path(data)
    assert bulk.lines == lines and bulk.counts == counts
    assert len(bulk.columns) == len(cols)
    for a, b in zip(bulk.columns.arrays(), cols.arrays()):
        assert [x if not (isinstance(x, float) and math.isnan(x)) else "nan" for x in a] == [
            x if not (isinstance(x, float) and math.isnan(x)) else "nan" for x in b
        ]
    assert bulk.events == others


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.name)
@pytest.mark.parametrize("chunk", [1 << 20, 97])
def test_bulk_equals_event_path_on_samples(path: Path, chunk: int) -> None:
    data = path.read_bytes()
    bulk = parse_chunks(data[i : i + chunk] for i in range(0, len(data), chunk))
    same(bulk, data)


GC = (
    b"gc %d @%d.%03ds 5%%: 0.010+1.2+0.003 ms clock, 0.02+0.5/1.0/0.2+0.006 ms cpu, "
    b"4->5->2 MB, 5 MB goal, 0 MB stacks, 0 MB globals, 2 P"
)
OTHER = [
        b"SCHED 0ms: gomaxprocs=2 idleprocs=0 threads=4 spinningthreads=0 idlethreads=0 runqueue=0 [0 0]",
        b"SCHED 10ms: gomaxprocs=2 idleprocs=0 threads=5 spinningthreads=1 idlethreads=2 runqueue=1 gcwaiting=0 nmidlelocked=0 stopwait=0 sysmonwait=0",
        # Go 1.20+ (needspinning=) and 1.25+ (padded list, schedticks=): rows too.
        b"SCHED 20ms: gomaxprocs=4 idleprocs=2 threads=8 spinningthreads=1 needspinning=0 idlethreads=3 runqueue=0 [1 0 0 0]",
        b"SCHED 30ms: gomaxprocs=2 idleprocs=0 threads=4 spinningthreads=1 needspinning=1 idlethreads=0 runqueue=2 [ 0 3 ] schedticks=[ 17 2 ]",
        b"SCHED 5ms: gomaxprocs=2 idleprocs=0 threads=4 spinningthreads=0 needspinning=1 idlethreads=0 runqueue=0 [ ] schedticks=[ ]",
        b"SCHED 40ms: gomaxprocs=4 idleprocs=4 threads=8 spinningthreads=0 needspinning=0 idlethreads=4 runqueue=0 gcwaiting=false nmidlelocked=0 stopwait=0 sysmonwait=false",
        b"SCHED 50ms: gomaxprocs=2 idleprocs=0 threads=4 spinningthreads=0 needspinning=01 idlethreads=0 runqueue=0 [0 0]",
        b"  P0: status=1 schedtick=1 syscalltick=1 m=3 runqsize=0 gfreecnt=0 timerslen=1",
        b"  G1: status=4(chan receive) m=-1 lockedm=-1",
        b"panic: boom",
        b"goroutine 1 [running]:",
        b"\tmain.go:1 +0x1",
        b"",
        b"hello \xff world",
        b"GC forced",
        b"gc 9 @1.0s 1%: 0.01+",
        b"scav 12864 KiB work, 14784 KiB total, 63% util",
        b"gc 7 @0.1s 2%: 0.01+1.2+0.003 ms clock, 0.02+0.5/1.0/0.2+0.006 ms cpu, 4->5->",
        b"2 MB, 5 MB goal, 0 MB stacks, 0 MB globals, 2 P",
        b"\x00gc\x00",
]
GO16 = b"gc 1 @0.001s 1%: 0+0+0 ms clock, 0+0/0/0+0 ms cpu, 4->4->0 MB, 5 MB goal, 4 P (forced)"
# With a Go 1.6 line among 1.18 ones a chunk takes the row-tuple path; without
# it, the stride path. Both must equal the event path.
PIECES = st.sampled_from([GO16, *OTHER])
PIECES_ONE_SHAPE = st.sampled_from(OTHER)


@settings(max_examples=150, deadline=None)
@given(
    parts=st.lists(st.one_of(PIECES, st.integers(1, 40).map(lambda n: GC % (n, n // 10, n))), max_size=40),
    crlf=st.booleans(),
    chunk=st.one_of(st.integers(1, 300), st.just(1 << 30)),
)
def test_bulk_equals_event_path_on_mixtures(parts: list[bytes], crlf: bool, chunk: int) -> None:
    data = (b"\r\n" if crlf else b"\n").join(parts)
    bulk = parse_chunks(data[i : i + chunk] for i in range(0, len(data), chunk))
    same(bulk, data)


@settings(max_examples=200, deadline=None)
@given(
    parts=st.lists(
        st.one_of(PIECES_ONE_SHAPE, st.integers(1, 40).map(lambda n: GC % (n, n // 10, n))), max_size=60
    ),
    forced=st.booleans(),
    chunk=st.one_of(st.integers(200, 2000), st.just(1 << 30)),
)
def test_bulk_stride_path_equals_event_path(parts: list[bytes], forced: bool, chunk: int) -> None:
    if forced:
        parts = [p + b" (forced)" if p.startswith(b"gc ") and p.endswith(b" P") else p for p in parts]
    data = b"\n".join(parts) + b"\n"
    bulk = parse_chunks(data[i : i + chunk] for i in range(0, len(data), chunk))
    same(bulk, data)


def test_columns_cost_under_100_bytes_per_cycle() -> None:
    data = b"\n".join(GC % (n, n, 1) for n in range(1, 5001)) + b"\n"
    bulk = parse_chunks([data])
    assert bulk.cycles == 5000
    assert bulk.columns.nbytes() / bulk.cycles <= 100
