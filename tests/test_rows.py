"""Output and SCHED lines kept as rows read back as the parser's events, and
a model loaded in bulk holds what the event path gives it."""

from __future__ import annotations

import pickle
from pathlib import Path

import pytest

from parsers.bulk import parse_chunks
from parsers.events import LineMeta, Output
from parsers.rows import OutputLines, SchedLines
from kit import SAMPLE_LOGS, model_of
from parsers.stream import parse_bytes
from tui.model import Model

FILES = SAMPLE_LOGS
GC = (
    "gc {n} @{n}.000s 5%: 0.010+1.2+0.003 ms clock, 0.02+0.5/1.0/0.2+0.006 ms cpu, "
    "4->5->2 MB, 5 MB goal, 0 MB stacks, 0 MB globals, 2 P"
)
SCHED = "SCHED {t}ms: gomaxprocs=2 idleprocs=0 threads=4 spinningthreads=0 idlethreads=0 runqueue=1 [0 3]"
SCHED120 = (
    "SCHED {t}ms: gomaxprocs=2 idleprocs=0 threads=4 spinningthreads=0 needspinning=1 idlethreads=0 runqueue=1 [0 3]"
)
SCHED125 = (
    "SCHED {t}ms: gomaxprocs=2 idleprocs=0 threads=4 spinningthreads=0 needspinning=0 idlethreads=0 runqueue=1 "
    "[ 0 3 ] schedticks=[ 120 77 ]"
)


def restarts(sched: str = SCHED) -> str:
    """Output and SCHED lines around restarts seen by either clock."""
    lines: list[str] = []
    for run in range(3):
        for n in range(1, 30):
            lines.append(GC.format(n=n))
            if n % 3 == 0:
                lines.append(sched.format(t=n * 100 - run))
            if n % 4 == 0:
                lines.append(f"2026/11/21 10:00:0{run} handled request id={n}")
        lines.append(SCHED.format(t=1))  # the SCHED clock goes back first
    return "\n".join(lines) + "\n"


def bulk_model(data: bytes, chunk: int = 1 << 20) -> Model:
    model = Model()
    model.apply_bulk(parse_chunks(data[i : i + chunk] for i in range(0, len(data), chunk)))
    return model


def assert_same_model(bulk: Model, live: Model) -> None:
    assert list(bulk.sched) == list(live.sched)
    assert list(bulk.sched_segment) == list(live.sched_segment)
    assert list(bulk.output) == list(live.output)
    assert bulk.segments == live.segments
    assert bulk.line_counts == live.line_counts and bulk.lines == live.lines


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.name)
def test_bulk_model_equals_event_model_on_samples(path: Path) -> None:
    data = path.read_bytes()
    assert_same_model(bulk_model(data), model_of(data))


@pytest.mark.parametrize("sched", [SCHED, SCHED120, SCHED125], ids=["go1.19", "go1.20", "go1.25"])
@pytest.mark.parametrize("chunk", [1 << 20, 333])
def test_rows_across_restarts(chunk: int, sched: str) -> None:
    data = restarts(sched).encode()
    result = parse_chunks([data])
    assert len(result.sched) and len(result.output) and result.plain_rows()
    assert not result.sched.objects, "every SCHED line is a row"
    assert_same_model(bulk_model(data, chunk), model_of(data))


@pytest.mark.parametrize("sched", [SCHED, SCHED120, SCHED125], ids=["go1.19", "go1.20", "go1.25"])
def test_rows_read_back_as_the_parsers_events(sched: str) -> None:
    data = restarts(sched).encode()
    events, _ = parse_bytes(data)
    result = parse_chunks([data])
    assert result.events == [e for e in events if e.kind != "gc"]  # type: ignore[union-attr]
    # Rows survive the trip to another process.
    again = pickle.loads(pickle.dumps(result))
    assert list(again.sched) == list(result.sched) and list(again.output) == list(result.output)


def test_output_lines_is_a_sequence_of_output() -> None:
    rows = OutputLines()
    rows.add_line(3, b"hello")
    rows.add_line(5, b"caf\xc3\xa9 \xff")
    late = Output(meta=LineMeta(line_no=4, raw="late", stream="stderr"), text="late")
    rows.insert(1, late)
    rows.append(Output(meta=LineMeta(line_no=9, raw="x"), text="x"))
    assert len(rows) == 4 and bool(rows)
    assert [o.text for o in rows] == ["hello", "late", "café \ufffd", "x"]
    assert rows[0] == Output(meta=LineMeta(line_no=3, raw="hello"), text="hello")
    assert rows[-2].meta.line_no == 5 and rows[1] is late
    assert [o.text for o in reversed(rows)] == ["x", "café \ufffd", "late", "hello"]
    assert rows[1:3] == [late, rows[2]] and rows == list(rows)
    with pytest.raises(IndexError):
        rows[4]
    both = OutputLines()
    both.add_line(1, b"first")
    both.extend(rows)
    assert [o.text for o in both] == ["first", "hello", "late", "café \ufffd", "x"]
    assert both.line_bytes(3) == b"caf\xc3\xa9 \xff"


def test_sched_lines_build_each_snapshot_once() -> None:
    rows = SchedLines()
    rows.add_line(7, SCHED.format(t=200).encode())
    snap = rows[0]
    assert snap is rows[0] and snap.t_ms == 200 and snap.runq_per_p == (0, 3) and snap.meta.line_no == 7
    events, _ = parse_bytes(b"\n" * 6 + SCHED.format(t=200).encode() + b"\n")
    assert [snap] == events[-1:]
