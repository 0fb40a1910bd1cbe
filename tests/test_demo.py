"""The demo: the bundled capture replays at its pace and tells its story."""

from __future__ import annotations

import io
import json
import threading
import time
from pathlib import Path

import pytest

from tui.demo.replay import ReplaySource, bundled_capture
from tui.ingest.feed import Feeder
from tui.analysis.findings import evaluate
from tui.cli.headless import run_headless
from tui.ingest.runner import Runner
from tui.model import Model
from tui.sources.base import Ended, SourceError


def test_the_capture_is_bundled_and_tells_the_story() -> None:
    assert bundled_capture().is_file()
    model = Model()
    feeder = Feeder(model)
    ReplaySource(speed=1e9).run(feeder.feed, threading.Event())
    assert isinstance(feeder.ended, Ended)
    assert len(model.cycles) > 1000 and model.line_counts["malformed"] == 0
    assert [o.text.split("demo: ")[1] for o in model.output][0] == "act 1: steady traffic"
    ids = {f.id for f in evaluate(model)}
    assert {"gc-frequent", "goroutines-growing"} <= ids


def test_replay_keeps_the_recorded_pace(tmp_path: Path) -> None:
    capture = tmp_path / "c.log"
    gc = "gc {} @0.00{}s 1%: 0.01+1.0+0.01 ms clock, 0.02+0.1/1.0/0.5+0.02 ms cpu, 4->5->2 MB, 5 MB goal, 2 P"
    capture.write_text(
        f"2026-11-21T10:00:00.000000000Z stderr F {gc.format(1, 1)}\n"
        f"2026-11-21T10:00:00.400000000Z stdout F hello\n"
        f"2026-11-21T10:00:00.800000000Z stderr F {gc.format(2, 8)}\n"
    )
    arrivals: list[tuple[float, object]] = []
    start = time.monotonic()
    ReplaySource(capture, speed=2.0).run(lambda item: arrivals.append((time.monotonic() - start, item)),
                                         threading.Event())
    chunks = [(t, item) for t, item in arrivals if type(item).__name__ == "Chunk"]
    assert [c.stream for _, c in chunks] == ["stderr", "stdout", "stderr"]  # type: ignore[attr-defined]
    assert chunks[1][0] == pytest.approx(0.2, abs=0.1) and chunks[2][0] == pytest.approx(0.4, abs=0.1)


def test_stop_ends_the_replay_at_once() -> None:
    stop = threading.Event()
    threading.Timer(0.3, stop.set).start()
    start = time.monotonic()
    ReplaySource().run(lambda item: None, stop)
    assert time.monotonic() - start < 2


def test_bad_captures_are_one_line_errors(tmp_path: Path) -> None:
    empty = tmp_path / "empty.log"
    empty.write_text("not a capture\n")
    with pytest.raises(SourceError, match="no recorded lines"):
        ReplaySource(empty).run(lambda item: None, threading.Event())
    with pytest.raises(SourceError, match="--speed"):
        ReplaySource(speed=0)


def test_headless_demo_report() -> None:
    out = io.StringIO()
    run_headless(Runner(ReplaySource(speed=1e9), kind="demo"), report=True, as_json=True, out=out)
    summary = json.loads(out.getvalue())
    assert summary["goroutines"]["max"] > 1000 and summary["ended"]["exit_status"] == 0


def test_the_steady_first_act_raises_no_warning() -> None:
    """Live, as ``gctui demo`` shows it: the first act (flat live heap after a
    start-up ramp) must not warn of a leak or anything else at any point,
    warm-up cycles included; the leak of act 2 must still be found."""
    import gzip

    from parsers.stream import Parser
    from tui.analysis.findings import FindingsEngine

    with gzip.open(bundled_capture(), "rt") as f:
        lines = f.read().splitlines(keepends=True)
    act2 = next(i for i, line in enumerate(lines) if "act 2:" in line)
    parser, model, engine = Parser(), Model(), FindingsEngine()
    warned: list[str] = []
    for k in range(0, act2, 20):
        model.apply(parser.feed("".join(lines[k : min(k + 20, act2)]).encode()))
        warned += [f"{f.id}: {f.message}" for f in engine.update(model) if f.severity != "info"]
    assert warned == []
    assert [f.id for f in evaluate(model) if f.severity != "info"] == []
    model.apply(parser.feed("".join(lines[act2:]).encode()))
    model.apply(parser.close())
    assert "live-heap-growing" in {f.id for f in evaluate(model)}
