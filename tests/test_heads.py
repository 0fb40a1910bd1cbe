"""The cheap "surely output" tests, derived from the tables, let no record pass.

parsers.heads reads HEAD_CHARS and MAY_HOLD_WORDS off the start patterns.
A line of every shape of every table (one row below per Shape) must pass
both tests as a possible record, bare and behind a prefix, or the parser and
the bulk path would wave it through as program output.
"""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from parsers import crash, gctrace, runtime_notes
from parsers.heads import (
    HEAD_CHARS,
    LINE_STARTS,
    MAY_HOLD_BYTES,
    MAY_HOLD_WORDS,
    OUTPUT_FIRST_BYTES,
    SHAPE_TABLES,
    START_PATTERNS,
    STARTS,
    may_hold_record,
)

# (family, shape name) -> a line of that shape (real ones where the samples
# have one, else the spec's or a family test's).
EXAMPLES: dict[tuple[str, str], str] = {
    ("gc", "go1.18"): "gc 1 @0.003s 16%: 0.040+1.8+0.037 ms clock, 0.081+1.6/0.047/1.7+0.074 ms cpu, "
    "3->5->4 MB, 4 MB goal, 3 MB stacks, 0 MB globals, 2 P",
    ("gc", "go1.6"): "gc 1 @0.001s 5%: 0.032+0.32+0.055 ms clock, 0.38+0.068/0.053/0.11+0.67 ms cpu, "
    "4->7->3 MB, 5 MB goal, 12 P",
    ("gc", "go1.5"): "gc 336 @48.780s 34%: 0+1.0+8.0+2.0+1.0 ms clock, 0+1.0+0+16/1.0/24+8.0 ms cpu, "
    "55->56->26 MB, 56 MB goal, 8 P",
    ("gc", "go1.4"): "gc1(1): 0+0+0+0 us, 0 -> 0 MB, 78 (78-0) objects, 2 goroutines, 18/0/0 sweeps, "
    "0(0) handoff, 0(0) steal, 0/0/0 yields",
    ("gc", "future"): "gc 1 @0.001s 5%: 0.032+0.32+0.055 ms clock, 0.38+0.068/0.053/0.11+0.67 ms cpu, "
    "4->7->3 MB, 5 MB goal, 1 MB arenas, 12 P (new marker)",
    ("sched", "go1.25"): "SCHED 0ms: gomaxprocs=2 idleprocs=0 threads=4 spinningthreads=1 needspinning=0 "
    "idlethreads=0 runqueue=0 [ 0 0 ] schedticks=[ 0 2 ]",
    ("sched", "go1.20"): "SCHED 1004ms: gomaxprocs=4 idleprocs=2 threads=8 spinningthreads=1 needspinning=0 "
    "idlethreads=3 runqueue=0 [1 0 0 0]",
    ("sched", "go1.4"): "SCHED 0ms: gomaxprocs=2 idleprocs=0 threads=4 spinningthreads=0 idlethreads=1 "
    "runqueue=0 [0 0]",
    ("sched", "detail_go1.20"): "SCHED 24131ms: gomaxprocs=4 idleprocs=4 threads=8 spinningthreads=0 "
    "needspinning=0 idlethreads=4 runqueue=0 gcwaiting=false nmidlelocked=0 stopwait=0 sysmonwait=false",
    ("sched", "detail_go1.4"): "SCHED 0ms: gomaxprocs=2 idleprocs=0 threads=4 spinningthreads=1 "
    "idlethreads=0 runqueue=0 gcwaiting=0 nmidlelocked=1 stopwait=0 sysmonwait=0",
    ("sched", "future"): "SCHED 9ms: gomaxprocs=2 idleprocs=0 threads=4 spinningthreads=0 newfield=3 "
    "idlethreads=1 runqueue=0 [0 0]",
    ("sched_detail", "G"): "G1: status=1(chan receive) m=-1 lockedm=0",
    ("sched_detail", "P"): "P0: status=1 schedtick=0 syscalltick=0 m=3 runqsize=0 gfreecnt=0 timerslen=0",
    ("sched_detail", "M"): "M3: p=0 curg=-1 mallocing=0 throwing=0 preemptoff= locks=1 dying=0 "
    "spinning=true blocked=false lockedg=-1",
    ("scavenger", "scav121"): "scav 704 KiB work (bg), 0 KiB work (eager), 4112 KiB now, 8% util",
    ("scavenger", "scav114"): "scav 0 KiB work, 3120 KiB total, 49% util",
    ("scavenger", "scav115"): "scav 7 1216 KiB work, 4928 KiB total, 87% util",
    ("scavenger", "scvg_released"): "scvg: 0 MB released",
    ("scavenger", "scvg_stats"): "scvg: inuse: 4, idle: 59, sys: 63, released: 58, consumed: 4 (MB)",
    ("scavenger", "scvg_gc_forced"): "scvg1: GC forced",
    ("pacer", "end"): "pacer: 70% CPU (25 exp.) for 1121608+887928+224304 B work (224304 B exp.) in "
    "3997696 B -> 5758976 B (∆goal 1564672, cons/mark +0.000000e+000)",
    ("pacer", "assist"): "pacer: assist ratio=+2.820698e+001 (scan 40 MB in 55->56 MB) workers=2+0",
    ("pacer", "sweep"): "pacer: sweep done at heap size 9MB; allocated 1MB of spans; swept 2048 pages",
    ("pacer", "end_old"): "pacer: H_m_prev=30190064 h_t=+9.500000e-001 H_T=58176924 h_a=+9.478350e-001 "
    "H_a=58805264 h_g=+1.000000e+000 H_g=60380128 u_a=+4.318174e-001 u_g=+2.500000e-001 W_a=17524632 "
    "goalΔ=+5.000000e-002 actual=-2.165000e-003 u_a/u_g=+1.727270e+000",
    ("runtime", "gc_scan_greentea"): "scan: total 1200+3400+56000=60600 objs, 150+210=360 spans",
    ("runtime", "gc_scan"): "scan: total 5 objs",
    ("runtime", "checkfinalizers"): "checkfinalizers: queue: 0 finalizers + 0 cleanups",
    ("runtime", "inittrace"): "init runtime @0.038 ms, 0.089 ms clock, 0 bytes, 0 allocs",
}
# Matched only at the start of a payload (LINE_STARTS), so only their first
# character must be a head; the rest are also searched for behind a prefix.
AT_LINE_START_ONLY = {runtime_notes.FAMILY}
ROWS = [(family, shape.name) for family, shapes in SHAPE_TABLES.items() for shape in shapes]


def test_every_table_row_has_an_example() -> None:
    assert sorted(EXAMPLES) == sorted(ROWS)


@pytest.mark.parametrize("row", ROWS, ids=lambda r: f"{r[0]}-{r[1]}")
def test_a_line_of_every_shape_may_hold_a_record(row: tuple[str, str]) -> None:
    family, name = row
    line = EXAMPLES[row]
    shape = next(s for s in SHAPE_TABLES[family] if s.name == name)
    assert shape.pattern.fullmatch(line), "the example is of its shape"
    assert line[0] in HEAD_CHARS
    if family in AT_LINE_START_ONLY:
        assert any(p.match(line) for p in LINE_STARTS)
        return
    for text in (line, "2026-11-21T10:00:00Z pod-a " + line, "[worker] " + line):
        assert may_hold_record(text) and MAY_HOLD_BYTES.search(text.encode())
        assert STARTS.search(text)
        assert text.encode()[0] not in OUTPUT_FIRST_BYTES or may_hold_record(text)


@pytest.mark.parametrize(
    "line",
    ["GC forced", "panic: boom", "fatal error: all goroutines are asleep", "goroutine 1 [running]:",
     "SIGSEGV: segmentation violation", "Signal 5", "Exception 0xc0000005 0x8", "runtime: out of memory",
     "runtime/cgo: pthread_create failed", "unexpected fault address 0x0", "fatal: morestack on g0",
     "gc 7 @0.1s 2%: 0.01+", "gc "],
)
def test_every_other_head_is_a_head(line: str) -> None:
    assert line[0] in HEAD_CHARS
    assert any(p.match(line) for p in (STARTS, *LINE_STARTS))


@settings(max_examples=200, deadline=None)
@given(st.data())
def test_any_text_a_start_pattern_matches_passes_both_tests(data: st.DataObject) -> None:
    pattern = data.draw(st.sampled_from([*START_PATTERNS.values(), crash.START, gctrace.TORN_HEAD]))
    text = data.draw(st.from_regex(pattern, fullmatch=True))
    assert text[0] in HEAD_CHARS
    if pattern in START_PATTERNS.values():
        assert may_hold_record(text) and may_hold_record("prefix " + text)


def test_the_derived_sets() -> None:
    # What they were when they were written by hand; a new start pattern
    # may add to them (then update this), never silently drop one.
    assert HEAD_CHARS == frozenset("gSPMGsfpErui" + "c")
    assert set(MAY_HOLD_WORDS) == {"gc", "SCHED ", "scvg", "scav ", "pacer: ", "GC forced", ": status=", ": p=",
                                   "scan: ", "checkfinalizers: "}  # Go 1.25+ notes behind a pod prefix
    assert not set(OUTPUT_FIRST_BYTES.decode()) & (HEAD_CHARS | {"{", " ", "\t"})
