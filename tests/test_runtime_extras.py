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


# -- round trips: export and the detail panel --------------------------------------------------

def test_export_round_trip_keeps_scan_queues_and_procs(tmp_path: Path) -> None:
    model = load(str(LOG))
    out = io.StringIO()
    export_jsonl(model, out)
    gcs = [o for o in map(json.loads, out.getvalue().splitlines()) if o["kind"] == "gc"]
    assert [g["n"] for g in gcs] == [1, 2, 3, 4]
    assert gcs[0]["scan"]["total"] == {"objs": 60600, "sparse_objs": 1200, "sparse_span_objs": 3400,
                                       "dense_span_objs": 56000, "sparse_spans": 150, "dense_spans": 210,
                                       "spans": 360}
    assert list(gcs[0]["scan"]["classes"]) == ["L", "16B", "32B"]
    assert gcs[0]["scan"]["classes"]["32B"]["dense_spans"] == 5
    assert gcs[2]["scan"] == {"total": {"objs": 183204}, "classes": {"L": {"objs": 12}, "16B": {"objs": 40960}}}
    assert [(g.get("finalizer_queue"), g.get("cleanup_queue")) for g in gcs] == [(0, 0), (12, 3), (30, 3),
                                                                                 (None, None)]
    assert [g["procs"] for g in gcs] == [8, 8, 4, 4] and [g["leak_check"] for g in gcs] == [False, False,
                                                                                           True, False]
    assert "scan" not in gcs[3]
    # CSV: the totals in their own columns, empty where the cycle had none.
    text = io.StringIO()
    export_csv(model, text)
    rows = list(csv.DictReader(io.StringIO(text.getvalue())))
    assert list(rows[0]) == list(CSV_FIELDS)
    assert [(r["scan_objs"], r["scan_spans"], r["scan_dense_spans"], r["finalizer_queue"]) for r in rows] == [
        ("60600", "360", "210", "0"), ("61800", "380", "220", "12"), ("183204", "", "", "30"), ("", "", "", "")]
    # OpenMetrics, read back with prometheus_client's parser: the newest values.
    r = subprocess.run([sys.executable, "-m", "tui", "export", str(LOG), "--format", "openmetrics"], cwd=ROOT,
                       capture_output=True, text=True, check=True)
    from prometheus_client.openmetrics.parser import text_string_to_metric_families

    samples = {(s.name, tuple(sorted(s.labels.items()))): s.value
               for fam in text_string_to_metric_families(r.stdout) for s in fam.samples}
    src = (("source", str(LOG)),)
    assert samples[("gctui_gomaxprocs", src)] == 4
    assert samples[("gctui_finalizer_queue_length", (("queue", "finalizers"),) + src)] == 30
    assert samples[("gctui_finalizer_queue_length", (("queue", "cleanups"),) + src)] == 3
    assert samples[("gctui_gc_scanned_objects", src)] == 183204
    assert samples[("gctui_finding", (("id", "gomaxprocs-changed"), ("severity", "info")) + src)] == 1
    # report --json: the summary of all of it, beside every key it had.
    r = subprocess.run([sys.executable, "-m", "tui", "report", "--json", str(LOG)], cwd=ROOT,
                       capture_output=True, text=True, check=True)
    assert json.loads(r.stdout)["runtime"] == {
        "leak_check_cycles": 1, "scan_stats_cycles": 3,
        "finalizer_queue": {"cycles": 3, "max": 30, "last": 30},
        "cleanup_queue": {"cycles": 3, "max": 3, "last": 3},
        "gomaxprocs_changes": [{"cycle": 3, "segment": 0, "t_s": 2.305, "from": 8, "to": 4}],
        "sched_gomaxprocs_changes": [{"sched_ms": 2009.0, "from": 8, "to": 4}],
    }


def _plain(static: Static) -> str:
    body: Any = static.content
    return "\n".join(getattr(r, "plain", str(r)) for r in getattr(body, "renderables", [body]))


async def test_detail_panel_shows_what_came_after_the_line() -> None:
    app = GCTuiApp(Runner(FileSource(str(LOG), follow=False), kind="file"))
    async with app.run_test(size=(120, 60)) as pilot:
        screen = await settled(app, pilot)
        await pilot.press("colon", "1", "enter")
        await pilot.pause()
        detail = screen.query_one("#detail-body", Static)
        text = _plain(detail)
        assert "printed after the line (Go 1.25+)" in text
        assert "60,600 objs" in text and "1,200+3,400+56,000" in text and "150+210=360" in text
        assert "class 16B" in text and "21,380 objs, 100 spans, 60% dense" in text
        assert "finalizer queue" in text and " P changed" not in text and "→ 4 P" not in text
        await pilot.press("colon", "3", "enter")
        await pilot.pause()
        text = _plain(screen.query_one("#detail-body", Static))
        assert "8 → 4 P" in text  # the P count changed at gc 3
        assert "SCHED gomaxprocs" in text and "(2009ms)" in text  # and a SCHED line between said so
        assert "(leak check)" in text and "183,204 objs" in text
        assert "finalizer queue" in text and " 30 " in text
        # The table marks the leak-check cycle.
        model = app.session.model
        assert [_cell(model.cycles, "forced", i) for i in range(4)] == ["", "", "L", ""]
        # The header's GOMAXPROCS is the runtime's own, after the change.
        from tui.ui.widgets.status import StatusBar

        bar = screen.query_one(StatusBar)
        assert "GOMAXPROCS 4" in bar._lines[0].plain
        model.env.gomaxprocs = 8  # as run/attach know it from the environment
        screen.redraw(True)
        assert "GOMAXPROCS 4 (started 8)" in bar._lines[0].plain


# -- GC CPU with a GOMAXPROCS that changes: a real Go program ------------------------------------

def _close(pct: float, fraction: float) -> bool:
    """Within 1 point, or 8 % of the runtime's figure (CPU terms are printed
    truncated to two digits), as tests/test_ground_truth.py holds it."""
    truth = fraction * 100.0
    return abs(pct - truth) <= 1.0 or abs(pct - truth) <= 0.08 * truth


@pytest.mark.go
def test_gc_cpu_charges_each_cycle_its_own_p_count(go_build: Any, tmp_path: Path) -> None:
    # GOMAXPROCS 1, then 4, then 1 again (runtime.GOMAXPROCS), allocating
    # throughout over a pointer-heavy live heap (GOGC=25: real mark work).
    result = run_workload(go_build("procs"), ("-procs", "1,4,1"), gogc=25, timeout=60)
    assert result.returncode == 0, result.stderr_text[-2000:]
    line = next(x for x in result.stdout_text.splitlines() if x.startswith("procs: "))
    truth = json.loads(line[len("procs: "):])
    assert truth["gomaxprocs"] == [1, 4, 1]
    log = tmp_path / "procs.log"
    log.write_bytes(result.stderr)
    model = load(str(log))
    n = len(model.cycles)
    assert truth["num_gc"] <= n <= truth["num_gc"] + 1
    procs = set(model.cycles.cols.procs[:n])
    assert {1, 4} <= procs, procs  # the gc lines saw both counts
    pct = gccpu.span(model.cycles, range(truth["num_gc"])).share * 100.0  # type: ignore[operator]
    assert _close(pct, truth["gc_cpu_fraction"]), (pct, truth)
    # The test can fail: the same sum over one P count for the whole run (the
    # last one, as a single GOMAXPROCS would have it) is far off.
    rows = gccpu.charged(model.cycles, 0, truth["num_gc"])
    one_p = rows["gc"].sum() / rows["elapsed"].sum() * 100.0
    assert not _close(one_p, truth["gc_cpu_fraction"]), (one_p, truth)
    # The report and the chart use the same figure; the change is a finding.
    r = subprocess.run([sys.executable, "-m", "tui", "report", "--json", str(log)], cwd=ROOT,
                       capture_output=True, text=True, check=True)
    summary = json.loads(r.stdout)
    if summary["cycles"]["count"] == truth["num_gc"]:
        assert _close(summary["gc_cpu_pct"]["overall"], truth["gc_cpu_fraction"]), summary["gc_cpu_pct"]
    f = next(f for f in summary["findings"] if f["id"] == "gomaxprocs-changed")
    assert "1→4, 4→1" in f["message"] and f["severity"] == "info"


def test_gc_cpu_high_names_the_p_counts_of_its_window() -> None:
    """Over a GOMAXPROCS change the CPU offered is each cycle's own Ps (the
    figure); the message says so instead of naming the last cycle's count."""
    from tui.analysis.findings import evaluate

    lines = []
    for i in range(60):
        procs = 1 if i < 30 else 4
        lines.append(f"gc {i + 1} @{0.010 * (i + 1):.3f}s 40%: 0.10+5.0+0.10 ms clock, 0.10+2.0/3.0/0+0.10 ms cpu, "
                     f"4->4->2 MB, 5 MB goal, 0 MB stacks, 0 MB globals, {procs} P")
    found = {f.id: f for f in evaluate(model_of(lines), full=True)}
    assert "of the CPU offered by 1 to 4 Ps over" in found["gc-cpu-high"].message
