"""Exports: every event out once, in file order; one CSV row per cycle."""

from __future__ import annotations

import csv
import io
import json
import math
from pathlib import Path

import pytest

from kit import model_of
from tui.cli import export as export_module
from tui.cli.export import CSV_FIELDS, CYCLE_FIELDS, cycle_json, cycle_rows, export_csv, export_jsonl, extras_object
from tui.ingest.runner import load
from tui.model import Model

SAMPLES = Path(__file__).resolve().parent / "data" / "samples"
ALL_SAMPLES = sorted(p for p in SAMPLES.rglob("*") if p.is_file())
KINDS = {
    "gc", "sched", "sched_detail", "scavenger", "pacer", "gc_forced", "runtime", "crash", "output",
    "malformed", "segment",
}

A = (
    "gc 10 @1.000s 6%: 0.020+10+0.010 ms clock, 0.040+2.0/5.0/1.0+0.020 ms cpu, "
    "40->44->20 MB, 42 MB goal, 2 MB stacks, 0 MB globals, 2 P"
)
B = (
    "gc 11 @1.500s 6%: 0.030+12+0.020 ms clock, 0.060+3.0/6.0/1.0+0.040 ms cpu, "
    "41->45->22 MB, 44 MB goal, 2 MB stacks, 0 MB globals, 2 P (forced)"
)
SCHED = "SCHED 1000ms: gomaxprocs=2 idleprocs=1 threads=5 spinningthreads=0 idlethreads=2 runqueue=0 [0 0]"




def jsonl(model: Model) -> list[dict[str, object]]:
    out = io.StringIO()
    written = export_jsonl(model, out)
    rows = [json.loads(line) for line in out.getvalue().splitlines()]
    assert len(rows) == written
    return rows


def stored_events(model: Model) -> int:
    """Everything the model keeps that the export should write."""
    lists = (model.sched, model.sched_detail, model.scavenger, model.pacer, model.gc_forced, model.notes,
             model.output, model.crashes, model.malformed)
    return len(model.cycles) + sum(map(len, lists)) + len(model.segments) - 1


def test_by_hand_in_file_order() -> None:
    m = model_of(f"hello\n{A}\n{SCHED}\n{B}\n" + A.replace("gc 10 @1.000s", "gc 1 @0.010s") + "\n")
    rows = jsonl(m)
    assert [r["kind"] for r in rows] == ["output", "gc", "sched", "gc", "segment", "gc"]
    assert rows[0]["text"] == "hello"
    gc = rows[3]
    assert gc["n"] == 11 and gc["t_s"] == 1.5 and gc["line_no"] == 4 and gc["forced"] is True
    assert gc["stw_ms"] == 0.05 and gc["mark_assist_cpu_ms"] == 3.0  # no float32 noise
    heap = (gc["heap_start_mb"], gc["heap_end_mb"], gc["heap_live_mb"], gc["heap_goal_mb"])
    assert heap == (41, 45, 22, 44)
    assert gc["procs"] == 2 and gc["era"] == "go1.18" and gc["segment"] == 0
    # Idle workers left out; end of the previous cycle to the end of this one.
    assert gc["interval_s"] == 0.5 and gc["gc_cpu"] == pytest.approx(9.1 / (502.02 * 2), abs=1e-6)
    assert rows[1]["interval_s"] is None  # the first cycle has no interval
    assert rows[2]["gomaxprocs"] == 2 and rows[2]["runq_per_p"] == [0, 0]
    assert rows[4]["index"] == 1 and rows[5]["segment"] == 1
    assert rows[5]["interval_s"] is None  # a restart cuts derivations


def test_csv_by_hand() -> None:
    m = model_of(f"{A}\n{B}\n")
    out = io.StringIO()
    assert export_csv(m, out) == 2
    table = list(csv.DictReader(io.StringIO(out.getvalue())))
    assert list(table[0].keys()) == list(CSV_FIELDS)
    assert table[0]["interval_s"] == "" and table[0]["forced"] == "false"
    assert table[1]["interval_s"] == "0.5" and table[1]["forced"] == "true"
    assert table[1]["stw_ms"] == "0.05" and table[1]["era"] == "go1.18"


def test_rows_agree_with_the_store_for_every_sample() -> None:
    # The fast column path against the store's own row -> event conversion.
    for path in ALL_SAMPLES:
        m = load(str(path))
        for i, row in enumerate(cycle_rows(m)):
            c = m.cycles.cycle(i)
            r = dict(zip(CYCLE_FIELDS, row))
            for name in ("n", "t_s", "heap_start_mb", "heap_end_mb", "heap_live_mb", "heap_goal_mb",
                         "stacks_mb", "globals_mb", "procs", "forced", "era", "cpu_pct",
                         "stw_sweep_term_ms", "stw_mark_term_ms", "mark_assist_cpu_ms"):
                assert r[name] == getattr(c, name), (path.name, i, name)
            assert r["line_no"] == c.meta.line_no
            assert r["stw_ms"] == (None if c.stw_ms is None and c.stw_total_ms is None else pytest.approx(
                m.cycles.cols.stw_ms[i], abs=1e-3))
            if r["interval_s"] is not None:
                assert r["interval_s"] == pytest.approx(m.cycles.interval_s[i], abs=1e-3)


RUNTIME = Path(__file__).resolve().parent / "data" / "runtime"


@pytest.mark.parametrize("path", [*ALL_SAMPLES, *sorted(RUNTIME.glob("go1.2*"))], ids=lambda p: p.name)
def test_cycle_text_is_the_encoded_object(path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """cycle_json makes each value's text once per block and fills a
    template: it must write exactly what encoding the cycle's object does
    (key order, floats, null, booleans, the Go 1.25+ keys), from any start."""
    m = load(str(path))
    encode = json.JSONEncoder(separators=(",", ":"), ensure_ascii=False, allow_nan=False).encode
    want = []
    for i, row in enumerate(cycle_rows(m)):
        obj = {"kind": "gc", **dict(zip(CYCLE_FIELDS, row)), **extras_object(m, i)}
        want.append((row[3], encode(obj)))
    assert list(cycle_json(m)) == want
    half = len(want) // 2
    assert list(cycle_json(m, half, half + 5000)) == want[half : half + 5000]
    for block in (7, 100):  # blocks end anywhere, a few rows each (no tables) or more
        monkeypatch.setattr(export_module, "_JSON_BLOCK", block)
        assert list(cycle_json(m, 3)) == want[3:]


@pytest.mark.parametrize("path", ALL_SAMPLES, ids=lambda p: str(p.relative_to(SAMPLES)))
def test_every_sample_exports_every_event_once(path: Path) -> None:
    m = load(str(path))
    rows = jsonl(m)
    assert len(rows) == stored_events(m)
    assert {r["kind"] for r in rows} <= KINDS
    assert sum(r["kind"] == "gc" for r in rows) == len(m.cycles)
    lines = [r["line_no"] for r in rows]
    assert lines == sorted(lines)
    for r in rows:
        assert all(not (isinstance(v, float) and not math.isfinite(v)) for v in r.values())
    out = io.StringIO()
    assert export_csv(m, out) == len(m.cycles)
    table = list(csv.reader(io.StringIO(out.getvalue())))
    assert table[0] == list(CSV_FIELDS)
    assert len(table) == len(m.cycles) + 1
    assert all(len(row) == len(CSV_FIELDS) for row in table)


def test_missing_values_are_null_and_empty() -> None:
    # Go 1.4 lines print no time stamp and no CPU times.
    m = load(str(SAMPLES / "public" / "005-golang-go-issue-12228-go142.log"))
    rows = jsonl(m)
    assert rows[0]["kind"] == "gc" and rows[0]["t_s"] is None and rows[0]["era"] == "go1.4"
    out = io.StringIO()
    export_csv(m, out)
    first = next(csv.DictReader(io.StringIO(out.getvalue())))
    assert first["t_s"] == "" and first["mark_assist_cpu_ms"] == ""
