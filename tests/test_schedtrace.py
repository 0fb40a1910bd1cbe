"""schedtrace / scheddetail shapes and the block aggregator.

Lines marked "real" are copied verbatim from shared/samples (or from the files
under tests/data/sched, which say where they came from); "probe" lines are
real go1.19.8 output captured while writing this parser (GC in a loop over
3000 goroutines, ReadMemStats in a loop); "spec" lines are the constructed
examples of the format reference for runtimes we cannot run here.
"""

from __future__ import annotations

import re
import time
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

from parsers import schedtrace as st
from parsers.events import LineEvent, LineMeta, SchedDetail, SchedSnapshot
from parsers.shapes import Shape

DATA = Path(__file__).parent / "data" / "sched"


def matches(shapes: tuple[Shape, ...], line: str, line_no: int = 1) -> list[tuple[str, LineEvent]]:
    """Every row that fullmatches the stripped payload, with what it builds."""
    payload = line.strip()
    meta = LineMeta(line_no=line_no, raw=line)
    out = []
    for shape in shapes:
        m = shape.pattern.fullmatch(payload)
        if m:
            out.append((shape.name, shape.build(m, meta)))
    return out


def first(shapes: tuple[Shape, ...], line: str, line_no: int = 1) -> tuple[str, Any] | None:
    found = matches(shapes, line, line_no)
    return found[0] if found else None


# --- SCHED lines -------------------------------------------------------------

CORE = ("t_ms", "gomaxprocs", "idleprocs", "threads", "spinningthreads", "idlethreads", "runqueue")


def core(*values: int) -> dict[str, int]:
    return dict(zip(CORE, values, strict=True))


P128_125 = (
    "SCHED 3001ms: gomaxprocs=128 idleprocs=120 threads=140 spinningthreads=2 needspinning=1"
    " idlethreads=100 runqueue=9 [ " + "1 " * 128 + "] schedticks=[ " + "23314 " * 128 + "]"
)

SCHED_CASES = [
    pytest.param(
        "SCHED 0ms: gomaxprocs=2 idleprocs=0 threads=4 spinningthreads=0 idlethreads=1"
        " runqueue=0 [0 0]",
        "go1.4",
        {
            **core(0, 2, 0, 4, 0, 1, 0),
            "runq_per_p": (0, 0),
            "needspinning": None,
            "schedticks": None,
            "detail": False,
            "gcwaiting": None,
            "extra": (),
        },
        id="real-go1.19-2p",
    ),
    pytest.param(
        "SCHED 840ms: gomaxprocs=4 idleprocs=2 threads=7 spinningthreads=1 idlethreads=3"
        " runqueue=1 [0 0 0 2]",
        "go1.4",
        {**core(840, 4, 2, 7, 1, 3, 1), "runq_per_p": (0, 0, 0, 2)},
        id="real-go1.19-4p-queued",
    ),
    pytest.param(
        "\t\tSCHED 8047ms: gomaxprocs=1 idleprocs=0 threads=4 spinningthreads=0 idlethreads=1"
        " runqueue=0 [62]",
        "go1.4",
        {**core(8047, 1, 0, 4, 0, 1, 0), "runq_per_p": (62,)},
        id="real-1p-tab-indented",
    ),
    pytest.param(
        "SCHED 657070ms: gomaxprocs=48 idleprocs=41 threads=141 spinningthreads=1 idlethreads=80"
        " runqueue=0 [" + " ".join(["0"] * 48) + "]",
        "go1.4",
        {**core(657070, 48, 41, 141, 1, 80, 0), "runq_per_p": (0,) * 48},
        id="real-48p",
    ),
    pytest.param(
        "SCHED 0ms: gomaxprocs=4 idleprocs=1 threads=4 spinningthreads=1 idlethreads=0"
        " runqueue=0 [1 0 0 0]",
        "go1.4",
        {**core(0, 4, 1, 4, 1, 0, 0), "runq_per_p": (1, 0, 0, 0)},
        id="real-go-run",
    ),
    pytest.param(
        "SCHED 0ms: gomaxprocs=2 idleprocs=0 threads=4 spinningthreads=1 idlethreads=0 runqueue=0"
        " gcwaiting=0 nmidlelocked=1 stopwait=0 sysmonwait=0",
        "detail_go1.4",
        {
            **core(0, 2, 0, 4, 1, 0, 0),
            "detail": True,
            "runq_per_p": None,
            "gcwaiting": 0,
            "nmidlelocked": 1,
            "stopwait": 0,
            "sysmonwait": 0,
            "needspinning": None,
        },
        id="real-go1.19-detail",
    ),
    pytest.param(
        "SCHED 0ms: gomaxprocs=128 idleprocs=126 threads=4 spinningthreads=1 idlethreads=0"
        " runqueue=0 gcwaiting=0 nmidlelocked=0 stopwait=0 sysmonwait=0",
        "detail_go1.4",
        {**core(0, 128, 126, 4, 1, 0, 0), "detail": True},
        id="real-go1.13-detail-128p",
    ),
    pytest.param(
        "SCHED 1295ms: gomaxprocs=2 idleprocs=0 threads=4 spinningthreads=0 idlethreads=0"
        " runqueue=0 gcwaiting=1 nmidlelocked=0 stopwait=1 sysmonwait=0",
        "detail_go1.4",
        {**core(1295, 2, 0, 4, 0, 0, 0), "gcwaiting": 1, "stopwait": 1},
        id="probe-go1.19-stw-in-progress",
    ),
    pytest.param(
        "SCHED 0ms: gomaxprocs=2 idleprocs=1 threads=4 spinningthreads=0 idlethreads=2 runqueue=0"
        " gcwaiting=1 nmidlelocked=0 stopwait=2147483647 sysmonwait=0",
        "detail_go1.4",
        {"gcwaiting": 1, "stopwait": 2147483647, "detail": True},
        id="real-crash-dump-freezestopwait",
    ),
    pytest.param(
        "\t\t\t\tSCHED 24131ms: gomaxprocs=4 idleprocs=4 threads=8 spinningthreads=0 needspinning=0"
        " idlethreads=4 runqueue=0 gcwaiting=false nmidlelocked=0 stopwait=0 sysmonwait=false",
        "detail_go1.20",
        {
            **core(24131, 4, 4, 8, 0, 4, 0),
            "needspinning": 0,
            "detail": True,
            "gcwaiting": 0,
            "sysmonwait": 0,
            "runq_per_p": None,
        },
        id="real-go1.21-detail-bools",
    ),
    pytest.param(
        "SCHED 207ms: gomaxprocs=2 idleprocs=0 threads=5 spinningthreads=1 needspinning=0"
        " idlethreads=2 runqueue=1 gcwaiting=true nmidlelocked=0 stopwait=0 sysmonwait=true",
        "detail_go1.20",
        {"gcwaiting": 1, "sysmonwait": 1, "needspinning": 0},
        id="spec-go1.20-detail-true",
    ),
    pytest.param(
        "SCHED 1004ms: gomaxprocs=4 idleprocs=2 threads=8 spinningthreads=1 needspinning=0"
        " idlethreads=3 runqueue=0 [1 0 0 0]",
        "go1.20",
        {
            **core(1004, 4, 2, 8, 1, 3, 0),
            "needspinning": 0,
            "runq_per_p": (1, 0, 0, 0),
            "schedticks": None,
        },
        id="spec-go1.20",
    ),
    pytest.param(
        "SCHED 2009ms: gomaxprocs=8 idleprocs=0 threads=12 spinningthreads=0 needspinning=1"
        " idlethreads=2 runqueue=17 [3 0 5 1 0 0 2 4]",
        "go1.20",
        {"needspinning": 1, "runqueue": 17, "runq_per_p": (3, 0, 5, 1, 0, 0, 2, 4)},
        id="spec-go1.20-needspinning",
    ),
    pytest.param(
        "SCHED 0ms: gomaxprocs=2 idleprocs=0 threads=4 spinningthreads=1 needspinning=0"
        " idlethreads=0 runqueue=0 [ 0 0 ] schedticks=[ 0 2 ]",
        "go1.25",
        {**core(0, 2, 0, 4, 1, 0, 0), "runq_per_p": (0, 0), "schedticks": (0, 2)},
        id="spec-go1.25",
    ),
    pytest.param(
        "SCHED 1006ms: gomaxprocs=4 idleprocs=1 threads=9 spinningthreads=1 needspinning=0"
        " idlethreads=4 runqueue=2 [ 1 0 0 3 ] schedticks=[ 51207 49877 1530 44 ]",
        "go1.25",
        {"runq_per_p": (1, 0, 0, 3), "schedticks": (51207, 49877, 1530, 44)},
        id="spec-go1.25-4p",
    ),
    pytest.param(
        P128_125,
        "go1.25",
        {"gomaxprocs": 128, "runq_per_p": (1,) * 128, "schedticks": (23314,) * 128},
        id="constructed-go1.25-128p",
    ),
    pytest.param(
        "SCHED 1004ms: gomaxprocs=4 idleprocs=2 threads=8 spinningthreads=1 needspinning=0"
        " stealing=3 idlethreads=3 runqueue=0 [1 0 0 0]",
        "future",
        {
            **core(1004, 4, 2, 8, 1, 3, 0),
            "needspinning": 0,
            "runq_per_p": (1, 0, 0, 0),
            "detail": False,
            "extra": (("stealing", "3"),),
        },
        id="unknown-key-in-middle",
    ),
    pytest.param(
        "SCHED 5ms: phase=idle gomaxprocs=2 idleprocs=0 threads=4 spinningthreads=1 idlethreads=0"
        " runqueue=0 [0 0]",
        "future",
        {**core(5, 2, 0, 4, 1, 0, 0), "runq_per_p": (0, 0), "extra": (("phase", "idle"),)},
        id="unknown-key-first",
    ),
    pytest.param(
        "SCHED 1006ms: gomaxprocs=2 idleprocs=1 threads=9 spinningthreads=1 needspinning=0"
        " idlethreads=4 runqueue=2 [ 1 0 ] schedticks=[ 5 6 ] steals=[ 7 8 ] note=",
        "future",
        {"runq_per_p": (1, 0), "schedticks": (5, 6), "extra": (("steals", "7 8"), ("note", ""))},
        id="unknown-list-and-empty-value-at-end",
    ),
    pytest.param(
        "SCHED 207ms: gomaxprocs=2 idleprocs=0 threads=5 spinningthreads=1 needspinning=0"
        " idlethreads=2 runqueue=1 gcwaiting=false nmidlelocked=0 stopwait=0 sysmonwait=false"
        " gcstopping=true",
        "future",
        {
            "detail": True,
            "gcwaiting": 0,
            "sysmonwait": 0,
            "runq_per_p": None,
            "extra": (("gcstopping", "true"),),
        },
        id="unknown-key-after-detail-tail",
    ),
    pytest.param(
        "SCHED 9ms: gomaxprocs=2 idleprocs=0 threads=5 spinningthreads=1 needspinning=maybe"
        " idlethreads=2 runqueue=1 [0 0]",
        "future",
        {"needspinning": None, "extra": (("needspinning", "maybe"),)},
        id="known-flag-unreadable-kept-in-extra",
    ),
    pytest.param(
        "SCHED 9ms: gomaxprocs=2 idleprocs=0 threads=5 spinningthreads=1 idlethreads=2 runqueue=1"
        " [0 0] [3 4]",
        "future",
        {"runq_per_p": (0, 0), "extra": (("list", "3 4"),)},
        id="second-bare-list-kept",
    ),
]


@pytest.mark.parametrize(("line", "shape", "expected"), SCHED_CASES)
def test_sched_line(line: str, shape: str, expected: dict[str, Any]) -> None:
    assert st.START.match(line.strip())
    found = first(st.SHAPES, line, 7)
    assert found is not None, line
    name, event = found
    assert name == shape
    assert isinstance(event, SchedSnapshot)
    assert event.meta == LineMeta(line_no=7, raw=line)
    assert {k: getattr(event, k) for k in expected} == expected


@pytest.mark.parametrize(("line", "shape", "expected"), SCHED_CASES)
def test_every_matching_row_builds_the_same(
    line: str, shape: str, expected: dict[str, Any]
) -> None:
    """The dispatcher tries the last-matched row first: the row must not matter."""
    events = [event for _, event in matches(st.SHAPES, line)]
    assert all(event == events[0] for event in events)
    if shape != "future":
        assert len(events) == 2  # the exact era row and the fallback


SCHED_BAD = [
    pytest.param("SCHED 5ms: gomaxprocs=2 idlepr", id="truncated-mid-key"),
    pytest.param(
        "SCHED 5ms: gomaxprocs=2 idleprocs=0 threads=4 spinningthreads=1 idlethreads=0 runqueue=0",
        id="truncated-before-list",
    ),
    pytest.param(
        "SCHED 5ms: gomaxprocs=2 idleprocs=0 threads=4 spinningthreads=1 idlethreads=0"
        " runqueue=0 [0 0",
        id="truncated-mid-list",
    ),
    pytest.param(
        "SCHED 5ms: gomaxprocs=2 idleprocs=0 threads=4 spinningthreads=1 idlethreads=0 runqueue=0"
        " gcwaiting=0 nmidlelocked=0 stopw",
        id="truncated-detail-tail",
    ),
    pytest.param(
        "SCHED 5ms: gomaxprocs=2 idleprocs=0 threads=4 idlethreads=0 runqueue=0 [0 0]",
        id="core-key-missing",
    ),
    pytest.param(
        "SCHED 5ms: gomaxprocs=two idleprocs=0 threads=4 spinningthreads=1 idlethreads=0"
        " runqueue=0 [0 0]",
        id="core-value-not-a-number",
    ),
    pytest.param(
        "SCHED 5ms: gomaxprocs=2 idleprocs=0 threads=4 spinningthreads=1 idlethreads=0"
        " runqueue=0 [0 x]",
        id="list-not-numbers",
    ),
    pytest.param(
        "SCHED 5ms: gomaxprocs=2 idleprocs=0 threads=4 spinningthreads=1 idlethreads=0 runqueue=0"
        " [0 0]hello from the program",
        id="program-output-glued-on",
    ),
    pytest.param("SCHED 5ms:", id="head-only"),
    pytest.param(
        "SCHED 5ms: gomaxprocs=2 idleprocs=0 threads=4 spinningthreads=1 idlethreads=0 runqueue=0"
        " [" + " ".join(["12345"] * 128),
        id="128p-list-unterminated",
    ),
]


@pytest.mark.parametrize("line", SCHED_BAD)
def test_sched_malformed(line: str) -> None:
    assert st.START.match(line)  # starts like a record: it will count as malformed
    started = time.perf_counter()
    assert matches(st.SHAPES, line) == []
    assert time.perf_counter() - started < 0.5  # no catastrophic backtracking


@pytest.mark.parametrize(
    ("payload", "starts"),
    [
        pytest.param("SCHED 0ms: gomaxprocs=1", True, id="sched"),
        pytest.param("SCHED 657070ms:", True, id="sched-large"),
        pytest.param("SCHEDULE 0ms:", False, id="word"),
        pytest.param("SCHED ms:", False, id="no-number"),
        pytest.param("sched 0ms:", False, id="lower-case"),
    ],
)
def test_start(payload: str, starts: bool) -> None:
    assert bool(st.START.match(payload)) is starts


# --- P/M/G lines -------------------------------------------------------------

DETAIL_CASES = [
    pytest.param(
        "  P0: status=1 schedtick=23314 syscalltick=1 m=3 runqsize=0 gfreecnt=0 timerslen=10",
        {
            "entity": "P",
            "ident": 0,
            "status": 1,
            "wait_reason": None,
            "fields": (
                ("status", "1"),
                ("schedtick", "23314"),
                ("syscalltick", "1"),
                ("m", "3"),
                ("runqsize", "0"),
                ("gfreecnt", "0"),
                ("timerslen", "10"),
            ),
        },
        id="real-go1.19-p",
    ),
    pytest.param(
        "  P16: status=0 schedtick=0 syscalltick=0 m=-1 runqsize=0 gfreecnt=0",
        {
            "entity": "P",
            "ident": 16,
            "status": 0,
            "fields": (
                ("status", "0"),
                ("schedtick", "0"),
                ("syscalltick", "0"),
                ("m", "-1"),
                ("runqsize", "0"),
                ("gfreecnt", "0"),
            ),
        },
        id="real-go1.13-p-no-timerslen",
    ),
    pytest.param(
        "\t\t\t  P1: status=0 schedtick=76 syscalltick=281 m=nil runqsize=0 gfreecnt=0 timerslen=1",
        {"entity": "P", "ident": 1, "status": 0},
        id="real-go1.21-p-nil",
    ),
    pytest.param(
        "  P0: status=3 schedtick=1652 syscalltick=1 m=2 runqsize=0 gfreecnt=0 timerslen=0",
        {"entity": "P", "status": 3},
        id="probe-p-gcstop",
    ),
    pytest.param(
        "  M3: p=0 curg=5 mallocing=0 throwing=0 preemptoff= locks=1 dying=0 spinning=false"
        " blocked=false lockedg=-1",
        {
            "entity": "M",
            "ident": 3,
            "status": None,
            "wait_reason": None,
            "fields": (
                ("p", "0"),
                ("curg", "5"),
                ("mallocing", "0"),
                ("throwing", "0"),
                ("preemptoff", ""),
                ("locks", "1"),
                ("dying", "0"),
                ("spinning", "false"),
                ("blocked", "false"),
                ("lockedg", "-1"),
            ),
        },
        id="real-go1.19-m",
    ),
    pytest.param(
        "\t\t\t  M1: p=nil curg=17 mallocing=0 throwing=0 preemptoff= locks=0 dying=0"
        " spinning=false"
        " blocked=false lockedg=17",
        {"entity": "M", "ident": 1},
        id="real-go1.21-m-nil",
    ),
    pytest.param(
        "  M2: p=0 curg=2011 mallocing=0 throwing=0 preemptoff=read mem stats locks=1 dying=0"
        " spinning=false blocked=false lockedg=-1",
        {
            "entity": "M",
            "ident": 2,
            "fields": (
                ("p", "0"),
                ("curg", "2011"),
                ("mallocing", "0"),
                ("throwing", "0"),
                ("preemptoff", "read mem stats"),
                ("locks", "1"),
                ("dying", "0"),
                ("spinning", "false"),
                ("blocked", "false"),
                ("lockedg", "-1"),
            ),
        },
        id="probe-m-preemptoff-with-spaces",
    ),
    pytest.param(
        "  M2: p=1 curg=2003 mallocing=0 throwing=0 preemptoff=gcing locks=0 dying=0 spinning=false"
        " blocked=true lockedg=-1",
        {"entity": "M", "ident": 2},
        id="probe-m-preemptoff-word",
    ),
    pytest.param(
        "  M2: p=1 curg=18 mallocing=0 throwing=0 preemptoff= locks=0 dying=0 helpgc=0"
        " spinning=false blocked=false lockedg=-1",
        {"entity": "M", "ident": 2},
        id="spec-go1.5-m-helpgc",
    ),
    pytest.param(
        # go1.4 proc.c: "  M%d: p=%D curg=%D mallocing=%d throwing=%d gcing=%d locks=%d
        # dying=%d helpgc=%d spinning=%d blocked=%d lockedg=%D"
        "  M2: p=1 curg=18 mallocing=0 throwing=0 gcing=0 locks=0 dying=0 helpgc=0 spinning=0"
        " blocked=0 lockedg=-1",
        {
            "entity": "M",
            "ident": 2,
            "fields": (
                ("p", "1"),
                ("curg", "18"),
                ("mallocing", "0"),
                ("throwing", "0"),
                ("gcing", "0"),
                ("locks", "0"),
                ("dying", "0"),
                ("helpgc", "0"),
                ("spinning", "0"),
                ("blocked", "0"),
                ("lockedg", "-1"),
            ),
        },
        id="constructed-go1.4-m-helpgc-gcing",
    ),
    pytest.param(
        "  G1: status=4(select) m=-1 lockedm=-1",
        {
            "entity": "G",
            "ident": 1,
            "status": 4,
            "wait_reason": "select",
            "fields": (("status", "4(select)"), ("m", "-1"), ("lockedm", "-1")),
        },
        id="real-go1.19-g",
    ),
    pytest.param(
        "  G1: status=1(chan receive) m=-1 lockedm=0",
        {"status": 1, "wait_reason": "chan receive"},
        id="real-runnable-keeps-last-reason",
    ),
    pytest.param(
        "  G2: status=4(force gc (idle)) m=-1 lockedm=-1",
        {"status": 4, "wait_reason": "force gc (idle)"},
        id="real-reason-with-parens",
    ),
    pytest.param(
        "\t\t\t  G19: status=4(trace reader (blocked)) m=nil lockedm=nil",
        {
            "ident": 19,
            "status": 4,
            "wait_reason": "trace reader (blocked)",
            "fields": (("status", "4(trace reader (blocked))"), ("m", "nil"), ("lockedm", "nil")),
        },
        id="real-go1.21-reason-nested-parens-nil",
    ),
    pytest.param(
        "  G1: status=1() m=-1 lockedm=0",
        {
            "status": 1,
            "wait_reason": "",
            "fields": (("status", "1()"), ("m", "-1"), ("lockedm", "0")),
        },
        id="real-never-waited",
    ),
    pytest.param(
        "  G17: status=6() m=1 lockedm=1",
        {"ident": 17, "status": 6, "wait_reason": ""},
        id="real-dead-locked-to-m",
    ),
    pytest.param(
        "  G2535: status=4100(chan receive) m=-1 lockedm=-1",
        {"ident": 2535, "status": 4100, "wait_reason": "chan receive"},
        id="probe-scan-bit",
    ),
    pytest.param(
        "  G227: status=8() m=0 lockedm=-1",
        {"status": 8, "wait_reason": ""},
        id="probe-copystack",
    ),
    pytest.param(
        "  G21: status=4(sync.Mutex.Lock) m=nil lockedm=nil",
        {"status": 4, "wait_reason": "sync.Mutex.Lock"},
        id="spec-go1.20-mutex",
    ),
    pytest.param(
        "  G9: status=4(select (no cases)) m=-1 lockedm=-1 newfield=x",
        {
            "wait_reason": "select (no cases)",
            "fields": (
                ("status", "4(select (no cases))"),
                ("m", "-1"),
                ("lockedm", "-1"),
                ("newfield", "x"),
            ),
        },
        id="unknown-g-field-kept",
    ),
]


@pytest.mark.parametrize(("line", "expected"), DETAIL_CASES)
def test_detail_line(line: str, expected: dict[str, Any]) -> None:
    payload = line.strip()
    assert st.DETAIL_START.match(payload)
    found = matches(st.DETAIL_SHAPES, line, 3)
    assert len(found) == 1, found
    name, event = found[0]
    assert isinstance(event, SchedDetail)
    assert name == event.entity
    assert event.meta == LineMeta(line_no=3, raw=line)
    assert {k: getattr(event, k) for k in expected} == expected


DETAIL_BAD = [
    pytest.param("M3: p=0 curg=5 mall", id="m-truncated-mid-key"),
    pytest.param("M3: p=0", id="m-head-only"),
    pytest.param("G1: status=4(sel", id="g-truncated-in-reason"),
    pytest.param("G1: status=4 m=-1 lockedm=-1", id="g-without-reason"),
    pytest.param("P0: status=1 schedtick=23314 sys", id="p-truncated-mid-key"),
    pytest.param("P0: status=", id="p-no-status"),
    # probe: the crash-time dump started while sysmon's block was mid-line.
    pytest.param(
        "G2: status=4(force gc (idle)) m=-1 lockedm=-1SCHED 0ms: gomaxprocs=2 idleprocs=1 threads=4"
        " spinningthreads=0 idlethreads=2 runqueue=0 gcwaiting=0 nmidlelocked=0 stopwait=0"
        " sysmonwait=0",
        id="probe-g-with-sched-glued-on",
    ),
]


@pytest.mark.parametrize("payload", DETAIL_BAD)
def test_detail_malformed(payload: str) -> None:
    assert st.DETAIL_START.match(payload)
    assert matches(st.DETAIL_SHAPES, payload) == []


@pytest.mark.parametrize(
    "payload",
    [
        pytest.param("P1: hello", id="p-colon-text"),
        pytest.param("M1: p", id="m-no-equals"),
        pytest.param("G1: running", id="g-text"),
        pytest.param("GC forced", id="gc-forced"),
        pytest.param("goroutine 1 [running]:", id="goroutine-header"),
        pytest.param("MSG1: status=ok", id="inside-a-word"),
    ],
)
def test_detail_start_rejects_program_text(payload: str) -> None:
    assert not st.DETAIL_START.search(payload)


# --- whole sample files --------------------------------------------------------

# (SCHED lines, P/M/G lines) per file; the public ones from samples/public/EXPECTED.md.
FILE_COUNTS = {
    "go1.19_schedtrace200_scheddetail1.stderr.txt": (3, 68),
    "go1.19_schedtrace100_gomaxprocs4.stderr.txt": (10, 0),
    "go1.19_panic_schedtrace1000_scheddetail1.stderr.txt": (2, 20),
    "public-008-golang-go-issue-33927-sched-idle.log": (6, 0),
    "public-011-golang-go-issue-34933-scheddetail-128p.log": (1, 17),
    "public-012-golang-go-issue-30957-scheddetail-a.log": (1, 13),
    "public-026-zqlpaopao-testCode-schedtrace-go-run.log": (4, 0),
    "public-027-zqlpaopao-testCode-scheddetail-go-run.log": (4, 37),
    "public-054-ardanlabs-gotraining-schedtrace-1p-tabbed.log": (4, 0),
    "public-063-yuhen-notes-go121plus-forced-stacks-and-scheddetail-nil.log": (1, 37),
}


def read_lines(name: str) -> list[str]:
    return (DATA / name).read_text(encoding="utf-8").splitlines()


@pytest.mark.parametrize(("name", "counts"), list(FILE_COUNTS.items()), ids=list(FILE_COUNTS))
def test_sample_file_every_record_parses(name: str, counts: tuple[int, int]) -> None:
    sched = detail = 0
    for i, line in enumerate(read_lines(name), 1):
        payload = line.strip()
        if st.START.match(payload):
            assert first(st.SHAPES, line, i) is not None, line
            sched += 1
        elif st.DETAIL_START.match(payload):
            assert first(st.DETAIL_SHAPES, line, i) is not None, line
            detail += 1
    assert (sched, detail) == counts


# --- the aggregator ------------------------------------------------------------

Block = tuple[SchedSnapshot, list[SchedDetail], list[str]]


def blocks(name: str) -> list[Block]:
    """Group a file the way the dispatcher will: a SCHED line and its P/M/G lines."""
    out: list[Block] = []
    for i, line in enumerate(read_lines(name), 1):
        sched = first(st.SHAPES, line, i)
        if sched is not None:
            out.append((sched[1], [], []))
            continue
        detail = first(st.DETAIL_SHAPES, line, i)
        if detail is not None and out:
            out[-1][1].append(detail[1])
            out[-1][2].append(line)
    return out


G_RE = re.compile(r"^\s*G\d+: status=(\d+)\((.*)\) m=")


def independent_counts(lines: list[str]) -> tuple[int, Counter[int], Counter[str]]:
    """Count the block's G lines without the parser: live, by status, by reason."""
    statuses: Counter[int] = Counter()
    reasons: Counter[str] = Counter()
    for line in lines:
        m = G_RE.match(line)
        if m:
            status = int(m.group(1)) % 4096
            statuses[status] += 1
            if status == 4:
                reasons[m.group(2) or "(none)"] += 1
    live = sum(n for s, n in statuses.items() if s not in (6, 11))
    return live, statuses, reasons


@pytest.mark.parametrize(
    "name",
    [
        "go1.19_schedtrace200_scheddetail1.stderr.txt",
        "go1.19_panic_schedtrace1000_scheddetail1.stderr.txt",
        "public-027-zqlpaopao-testCode-scheddetail-go-run.log",
        "public-063-yuhen-notes-go121plus-forced-stacks-and-scheddetail-nil.log",
    ],
)
def test_summarize_block_matches_independent_count(name: str) -> None:
    found = [b for b in blocks(name) if b[0].detail]
    assert found
    for snapshot, details, lines in found:
        summary = st.summarize_block(snapshot, details)
        live, statuses, reasons = independent_counts(lines)
        assert summary.goroutines == live
        assert dict(summary.g_by_status) == {st.STATUS_NAMES[s]: n for s, n in statuses.items()}
        assert dict(summary.g_by_wait_reason) == dict(reasons)
        assert summary.p_lines == sum(1 for ln in lines if ln.strip().startswith("P"))
        assert summary.m_lines == sum(1 for ln in lines if ln.strip().startswith("M"))
        counts = [n for _, n in summary.g_by_status]
        assert counts == sorted(counts, reverse=True)


def test_summarize_block_real_values() -> None:
    (first_block, second, third) = blocks("go1.19_schedtrace200_scheddetail1.stderr.txt")
    s0 = st.summarize_block(first_block[0], first_block[1])
    assert (s0.goroutines, s0.p_lines, s0.m_lines) == (4, 2, 4)
    assert s0.g_by_status == (("waiting", 3), ("runnable", 1))
    assert s0.g_by_wait_reason == (
        ("GC scavenge wait", 1),
        ("GC sweep wait", 1),
        ("force gc (idle)", 1),
    )
    s1 = st.summarize_block(second[0], second[1])
    assert s1.t_ms == 207 and s1.goroutines == 22 and (s1.p_lines, s1.m_lines) == (2, 5)
    assert s1.g_by_status == (("waiting", 20), ("runnable", 1), ("running", 1))
    assert s1.g_by_wait_reason[:3] == (("select", 4), ("semacquire", 4), ("sleep", 4))
    s2 = st.summarize_block(third[0], third[1])
    assert s2.g_by_status == (("waiting", 19), ("running", 2), ("runnable", 1))


def test_summarize_block_dead_and_nil() -> None:
    """Go 1.21: ten dead Gs kept for reuse are not goroutines."""
    ((snapshot, details, _),) = blocks(
        "public-063-yuhen-notes-go121plus-forced-stacks-and-scheddetail-nil.log"
    )
    summary = st.summarize_block(snapshot, details)
    assert dict(summary.g_by_status) == {"waiting": 15, "dead": 10}
    assert summary.goroutines == 15
    assert dict(summary.g_by_wait_reason)["GC worker (idle)"] == 4
    assert (summary.p_lines, summary.m_lines) == (4, 8)


def detail(
    entity: str, ident: int, status: int | None = None, reason: str | None = None
) -> SchedDetail:
    return SchedDetail(
        meta=LineMeta(line_no=ident, raw=""),
        entity=entity,
        ident=ident,
        status=status,
        wait_reason=reason,
    )


def test_summarize_block_scan_bit_and_copy() -> None:
    snapshot = SchedSnapshot(
        meta=LineMeta(line_no=1, raw="SCHED"),
        t_ms=1,
        gomaxprocs=1,
        idleprocs=0,
        threads=3,
        spinningthreads=0,
        idlethreads=1,
        runqueue=0,
        detail=True,
    )
    details = [
        detail("P", 0, 1),
        detail("M", 0),
        detail("G", 1, 4100, "chan receive"),  # scanned while waiting
        detail("G", 2, 4, "chan receive"),
        detail("G", 3, 4, ""),
        detail("G", 4, 6, ""),
        detail("G", 5, 11, ""),  # Go 1.26 deadextra
        detail("G", 6, 4098, "sleep"),  # scanned while running
        detail("G", 7, 12, ""),  # a status this table does not know
    ]
    summary = st.summarize_block(snapshot, details)
    assert summary.goroutines == 5
    assert summary.g_by_status == (
        ("waiting", 3),
        ("dead", 1),
        ("deadextra", 1),
        ("running", 1),
        ("status 12", 1),
    )
    assert summary.g_by_wait_reason == (("chan receive", 2), ("(none)", 1))
    assert (summary.p_lines, summary.m_lines) == (1, 1)
    assert summary.t_ms == 1 and summary.detail and summary.meta == snapshot.meta
    assert snapshot.goroutines is None and snapshot.g_by_status == ()  # a copy


def test_summarize_block_without_g_lines() -> None:
    """011 is cut off after P16: how many goroutines there were is unknown."""
    ((snapshot, details, _),) = blocks("public-011-golang-go-issue-34933-scheddetail-128p.log")
    summary = st.summarize_block(snapshot, details)
    assert summary.goroutines is None
    assert (summary.p_lines, summary.m_lines) == (17, 0)
    assert summary.g_by_status == () and summary.g_by_wait_reason == ()


@pytest.mark.parametrize(
    ("status", "name"),
    [
        pytest.param(0, "idle", id="idle"),
        pytest.param(4, "waiting", id="waiting"),
        pytest.param(4100, "waiting", id="scan-waiting"),
        pytest.param(9, "preempted", id="preempted"),
        pytest.param(11, "deadextra", id="deadextra"),
        pytest.param(4108, "status 12", id="unknown-scan"),
    ],
)
def test_status_name(status: int, name: str) -> None:
    assert st.status_name(status) == name


def test_status_names_cover_the_runtime_table() -> None:
    assert list(st.STATUS_NAMES) == list(range(12))
    assert st.P_STATUS_NAMES[3] == "gcstop"


def test_detail_block_fills_per_p_run_queues_from_p_lines() -> None:
    from parsers.stream import parse_bytes

    text = (
        "SCHED 10ms: gomaxprocs=2 idleprocs=0 threads=5 spinningthreads=0 idlethreads=2 runqueue=3 "
        "gcwaiting=0 nmidlelocked=0 stopwait=0 sysmonwait=0\n"
        "  P0: status=1 schedtick=5 syscalltick=1 m=0 runqsize=4 gfreecnt=0 timerslen=1\n"
        "  P1: status=1 schedtick=5 syscalltick=1 m=2 runqsize=7 gfreecnt=0 timerslen=0\n"
    )
    events, _ = parse_bytes(text.encode())
    (snap,) = [e for e in events if isinstance(e, SchedSnapshot)]
    assert snap.runq_per_p == (4, 7) and snap.runqueue == 3
