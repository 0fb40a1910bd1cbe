"""Headless sessions: JSON lines as events arrive, the report at the end."""

from __future__ import annotations

import io
import json
import threading
from pathlib import Path

from tui.cli.headless import run_headless
from tui.ingest.runner import Runner
from tui.sources.base import Chunk, Emit, Ended

SAMPLE = Path(__file__).parent / "data/samples/go1.19/gctrace1_schedtrace200.stderr.txt"


class BytesSource:
    """Hands a capture over in small pieces, as a pipe would."""

    description = "test capture"

    def __init__(self, data: bytes, stop_after: int | None = None) -> None:
        self.data, self.stop_after = data, stop_after

    def run(self, emit: Emit, stop: threading.Event) -> None:
        for i in range(0, len(self.data), 700):
            if stop.is_set():
                return
            emit(Chunk("stderr", self.data[i : i + 700]))
        if self.stop_after is None:
            emit(Ended("end of input", exit_status=3))
        else:
            stop.wait()


def test_jsonl_streams_every_event_and_the_end() -> None:
    out = io.StringIO()
    status = run_headless(Runner(BytesSource(SAMPLE.read_bytes())), jsonl=True, out=out)
    rows = [json.loads(line) for line in out.getvalue().splitlines()]
    assert status == 0
    kinds = [r["kind"] for r in rows]
    assert kinds.count("gc") == 307 and kinds.count("sched") == 15 and kinds[-1] == "end"
    assert rows[-1]["exit_status"] == 3
    gc = [r for r in rows if r["kind"] == "gc"]
    assert [r["n"] for r in gc] == list(range(1, 308))
    assert gc[1]["interval_s"] is not None and "heap_goal_mb" in gc[1]


def test_report_json_at_the_end() -> None:
    out = io.StringIO()
    run_headless(Runner(BytesSource(SAMPLE.read_bytes())), report=True, as_json=True, out=out)
    summary = json.loads(out.getvalue())
    assert summary["cycles"]["count"] == 307 and summary["lines"]["total"] == 322
    assert summary["ended"]["exit_status"] == 3


def test_a_stop_from_outside_flushes_and_exits_zero() -> None:
    out = io.StringIO()
    runner = Runner(BytesSource(SAMPLE.read_bytes(), stop_after=1))
    timer = threading.Timer(0.5, runner.close)
    timer.start()
    assert run_headless(runner, report=True, jsonl=True, out=out) == 0
    assert '{"kind":"end","reason":"stopped"' in out.getvalue()
    assert "GC cycles      307" in out.getvalue()


def test_jsonl_keeps_file_order_within_a_batch() -> None:
    gc = ("gc 1 @0.001s 1%: 0+0+0 ms clock, 0+0/0/0+0 ms cpu, 4->4->0 MB, 5 MB goal, "
          "0 MB stacks, 0 MB globals, 4 P")
    out = io.StringIO()
    run_headless(Runner(BytesSource(f"hello\n{gc}\nworld\n".encode())), jsonl=True, out=out)
    rows = [json.loads(line) for line in out.getvalue().splitlines()]
    assert [(r["kind"], r.get("line_no")) for r in rows[:-1]] == [("output", 1), ("gc", 2), ("output", 3)]
