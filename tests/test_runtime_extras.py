"""Go 1.25+ lines used, not just counted: scan statistics and finalizer
queues attached to their cycle, GOMAXPROCS changes noticed, leak-check
cycles marked, and all of it through the findings, the detail panel and
every export.

No Go 1.25+ toolchain is installed here, so the Go 1.25/1.26 lines are
constructed from the format reference (sections 2.4-2.6 and 3.1, the go1.25
and go1.26 rows) and the runtime's own print calls (``dumpScanStats`` in
mgcmark_greenteagc.go / mgcmark_nogreenteagc.go); the GC CPU under a changed
GOMAXPROCS is held against a real Go 1.19 program (tests/go/procs).
"""

from __future__ import annotations

import csv
import io
import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from textual.widgets import Static

from gorun import run_workload
from kit import model_of
from tui.analysis.findings import Finding, evaluate
from tui.cli.export import CSV_FIELDS, export_csv, export_jsonl
from tui.ingest.runner import Runner, load
from tui.model import Model
from tui.model import gccpu
from tui.model.extras import ScanCounts
from tui.sources.follow import FileSource
from tui.ui.app import GCTuiApp
from tui.ui.widgets.cycle_table import _cell
from pilotkit import settled

ROOT = Path(__file__).resolve().parent.parent
LOG = Path(__file__).parent / "data" / "runtime" / "go1.26_gctrace2_checkfinalizers.stderr.txt"


def gc(n: int, t: float, p: int = 8, leak: bool = False, forced: bool = False) -> str:
    """A Go 1.26 gc line (section 2.4's go1.26 example, numbers varied)."""
    mark = " (checking for goroutine leaks)" if leak else ""
    tail = " (forced)" if forced else ""
    return (f"gc {n} @{t:.3f}s 1%{mark}: 0.021+1.7+0.030 ms clock, 0.17+0.10/3.2/5.5+0.24 ms cpu, "
            f"19->20->11 MB, 23 MB goal, 0 MB stacks, 0 MB globals, {p} P{tail}")


def queue(f: int, c: int = 0) -> str:
    return f"checkfinalizers: queue: {f} finalizers + {c} cleanups"


def with_queues(values: list[int], cleanups: list[int] | None = None) -> list[str]:
    """One cycle every 0.5 s, each followed by its queue lengths."""
    lines: list[str] = []
    for k, v in enumerate(values):
        lines += [gc(k + 1, 0.5 * (k + 1)), queue(v, cleanups[k] if cleanups else 0)]
    return lines


def both_paths(lines: list[str], tmp_path: Path) -> list[Model]:
    """The same lines through the live (event) path and a file load (bulk)."""
    path = tmp_path / "log.txt"
    path.write_text("\n".join(lines) + "\n")
    return [model_of(lines), load(str(path))]


# -- attached to their cycle ------------------------------------------------------------

ATTACH = [
    pytest.param(
        [gc(1, 0.1), "scan: total 183204 objs", "scan: class L 12 objs", "scan: class 16B 40960 objs"],
        {0: (ScanCounts(183204), [("L", ScanCounts(12)), ("16B", ScanCounts(40960))])}, {},
        id="classic-go1.25"),
    pytest.param(
        [gc(1, 0.1), "scan: total 1200+3400+56000=60600 objs, 150+210=360 spans",
         "scan: class 32B 0+120+4096=4216 objs, 3+5=8 spans"],
        {0: (ScanCounts(60600, 1200, 3400, 56000, 150, 210, 360),
             [("32B", ScanCounts(4216, 0, 120, 4096, 3, 5, 8))])}, {},
        id="greentea-go1.26"),
    pytest.param(
        [gc(1, 0.1), queue(0), gc(2, 0.2), queue(12, 3)], {}, {0: (0, 0), 1: (12, 3)},
        id="checkfinalizers-each-cycle"),
    pytest.param(
        # Lines before any gc line belong to no cycle: counted, not attached.
        [queue(5), "scan: total 10 objs", gc(1, 0.1), queue(7)], {}, {0: (7, 0)},
        id="before-the-first-cycle"),
    pytest.param(
        # Program output between the gc line and its notes changes nothing.
        [gc(1, 0.1), "listening on :8080", "scan: total 10 objs", queue(1), gc(2, 0.2, leak=True),
         "scan: total 20 objs", queue(2)],
        {0: (ScanCounts(10), []), 1: (ScanCounts(20), [])}, {0: (1, 0), 1: (2, 0)},
        id="output-between-and-leak-check"),
]


@pytest.mark.parametrize("lines,scan,queues", ATTACH)
def test_notes_attach_to_the_cycle_before_them(lines: list[str], scan: dict[int, Any],
                                               queues: dict[int, tuple[int, int]], tmp_path: Path) -> None:
    for model in both_paths(lines, tmp_path):
        got_scan = {i: (s.total, list(s.classes)) for i, s in model.extras.scan.items()}
        assert got_scan == scan
        assert {i: (q.finalizers, q.cleanups) for i, q in model.extras.finalizers.items()} == queues
        assert model.line_counts["runtime"] == sum(1 for x in lines if x.startswith(("scan:", "checkf")))


def test_greentea_shares() -> None:
    c = ScanCounts(60600, 1200, 3400, 56000, 150, 210, 360)
    assert c.dense_span_share == pytest.approx(210 / 360)
    assert c.dense_obj_share == pytest.approx(56000 / 60600)
    assert ScanCounts(10).dense_span_share is None and ScanCounts(0, 0, 0, 0, 0, 0, 0).dense_span_share is None


def test_each_pod_keeps_its_own_notes(tmp_path: Path) -> None:
    # Two pods interleaved line by line: a note follows its own pod's gc
    # line, with the other pod's gc line between them.
    a = [gc(1, 0.1), queue(3), gc(2, 0.2), queue(4)]
    b = [gc(1, 0.15, p=2), queue(30), gc(2, 0.25, p=2), queue(40)]
    lines: list[str] = []
    for x, y in zip(a, b):
        lines += [f"api-a app {x}", f"api-b app {y}"]
    path = tmp_path / "pods.log"
    path.write_text("\n".join(lines) + "\n")
    from tui.ingest.many import load_all

    _, sources = load_all(str(path))
    assert {name: [q.finalizers for _, q in sorted(m.extras.finalizers.items())]
            for name, m in sources.items()} == {"api-a app": [3, 4], "api-b app": [30, 40]}


# -- findings -------------------------------------------------------------------------------

def found(model: Model, rule: str, full: bool = True) -> Finding | None:
    return next((f for f in evaluate(model, full=full, rules=[rule]) if f.id == rule), None)


GROWING = list(range(0, 200, 10))  # 20 cycles, +10 each
QUEUES = [
    pytest.param(GROWING, None, True, id="growing"),
    pytest.param([0, 5, 3, 9, 12, 10, 18, 21, 19, 27, 30, 29, 36], None, True, id="growing-unevenly"),
    pytest.param(None, GROWING, True, id="cleanups-growing"),
    pytest.param([40] * 20, None, False, id="flat"),
    pytest.param([0, 35, 2, 31, 5, 38, 1, 33, 4, 36, 3, 30, 6, 39, 2, 34, 5, 37, 1, 40], None, False,
                 id="fluctuating-ends-high"),
    pytest.param(list(range(0, 100, 10)) + list(range(100, 0, -10)), None, False, id="grew-then-drained"),
    pytest.param([0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 60], None, False, id="one-late-spike"),
    pytest.param(list(range(0, 70, 10)), None, False, id="too-few-cycles"),
    pytest.param([0, 1, 2, 3, 4, 5, 6, 7, 8, 9], None, False, id="rise-below-threshold"),
]


@pytest.mark.parametrize("finalizers,cleanups,fires", QUEUES)
@pytest.mark.parametrize("full", [True, False], ids=["report", "live"])
def test_finalizer_queue_growing(finalizers: list[int] | None, cleanups: list[int] | None, fires: bool,
                                 full: bool) -> None:
    n = len(finalizers or cleanups or [])
    lines = with_queues(finalizers or [0] * n, cleanups)
    f = found(model_of(lines), "finalizer-queue-growing", full)
    assert (f is not None) == fires, f
    if f is not None:
        values = finalizers or cleanups or []
        what = "finalizer" if finalizers else "cleanup"
        assert f.severity == "warning"
        assert f"The {what} queue grew from {values[0]} to {values[-1]}" in f.message
        assert f.first_cycle == 1 and f.last_cycle == n


PROCS = [
    pytest.param([gc(1, 0.1, 8), gc(2, 0.2, 8), gc(3, 0.3, 4), gc(4, 0.4, 4)], "8→4, first at gc 3",
                 id="gc-lines"),
    pytest.param([gc(1, 0.1, 2), gc(2, 0.2, 4), gc(3, 0.3, 2)], "2→4, 4→2, first at gc 2", id="up-and-down"),
    pytest.param(LOG.read_text().splitlines(), "SCHED lines' gomaxprocs went 8→4, first at SCHED 2009ms",
                 id="sched-go1.25"),
    pytest.param([gc(1, 0.1, 4), gc(2, 0.2, 4), gc(3, 0.3, 4)], None, id="steady"),
    # A restart (cycle numbers start over) with a new P count is a new run, not a change.
    pytest.param([gc(1, 0.1, 4), gc(2, 0.2, 4), gc(1, 0.1, 2), gc(2, 0.2, 2)], None, id="restart"),
    # Go <= 1.4's gcN(P) counts the helpers of one collection, not GOMAXPROCS.
    pytest.param(["gc1(1): 0+0+0+0 us, 0 -> 0 MB, 78 (78-0) objects, 2 goroutines, 18/0/0 sweeps, "
                  "0(0) handoff, 0(0) steal, 0/0/0 yields",
                  "gc2(3): 0+0+1000+0 us, 0 -> 0 MB, 316 (320-4) objects, 3 goroutines, 22/0/0 sweeps, "
                  "0(0) handoff, 0(0) steal, 0/0/0 yields"], None, id="go1.4-helpers"),
]


@pytest.mark.parametrize("lines,words", PROCS)
@pytest.mark.parametrize("full", [True, False], ids=["report", "live"])
def test_gomaxprocs_changed(lines: list[str], words: str | None, full: bool) -> None:
    f = found(model_of(lines), "gomaxprocs-changed", full)
    if words is None:
        assert f is None, f
        return
    assert f is not None and f.severity == "info"
    assert words in f.message and "container-aware GOMAXPROCS" in f.message


def test_sched_changes_are_read_incrementally() -> None:
    from parsers.stream import Parser

    lines = LOG.read_text().splitlines()
    parser, model = Parser(), Model()
    model.apply(parser.feed(("\n".join(lines[:12]) + "\n").encode()))  # up to SCHED 1006ms
    assert model.extras.sched_changes(model.sched) == []
    model.apply(parser.feed(("\n".join(lines[12:]) + "\n").encode()) + parser.close())
    assert [(c.before, c.after) for c in model.extras.sched_changes(model.sched)] == [(8, 4)]
    whole = model_of(lines)
    assert [(c.before, c.after) for c in whole.extras.sched_changes(whole.sched)] == [(8, 4)]
    assert len(whole.sched) == 3
