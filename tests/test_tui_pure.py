"""The Textual-free pieces behind the screen: raw line store, safe text,
the cycle explained, live findings, the session thread."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest

from kit import model_of
from tui.ui.explain import FIELDS, cycle_rows, derived_rows, reconstruct_line
from tui.analysis.live_findings import LiveFindings
from tui.model.rawlines import BLOCK, RawLines
from tui.ingest.runner import Runner
from tui.sources.base import Chunk, Ended, Emit
from tui.sanitize import visible

DATA = Path(__file__).parent / "data"
LINE = ("gc 7 @1.230s 4%: 0.011+1.2+0.020 ms clock, 0.044+0.30/1.1/2.0+0.080 ms cpu, "
        "4->5->2 MB, 5 MB goal, 0 MB stacks, 0 MB globals, 8 P")


def test_raw_lines_round_trip_across_compressed_blocks() -> None:
    raw = RawLines()
    lines = [f"gc {i} line ü" for i in range(BLOCK * 3 + 7)]
    for i, line in enumerate(lines):
        raw.append(i + 10, line)
    assert raw.get(9) is None
    for row in (10, 11, 10 + BLOCK, 10 + 2 * BLOCK + 5, 10 + 3 * BLOCK + 6):
        assert raw.get(row) == lines[row - 10]
    assert raw.get(10 + len(lines)) is None
    assert raw.nbytes() < sum(len(s) for s in lines) / 3


def test_raw_lines_refuse_a_row_out_of_order() -> None:
    raw = RawLines()
    raw.append(0, "a")
    raw.append(5, "skipped ahead")
    assert raw.get(1) is None and len(raw) == 1


def test_model_keeps_the_raw_line_of_each_live_cycle() -> None:
    model = model_of([LINE, LINE.replace("gc 7 @1.230s", "gc 8 @1.300s")])
    assert model.raw_lines.get(0) == LINE
    assert model.raw_lines.get(1).startswith("gc 8 @1.300s")  # type: ignore[union-attr]


@pytest.mark.parametrize(
    "text, shown",
    [
        ("[bold]red[/bold]", "[bold]red[/bold]"),
        ("\x1b[31mred\x1b[0m", "^[[31mred^[[0m"),
        ("bell\x07", "bell^G"),
        ("cr\rlf", "cr^Mlf"),
        ("csi\x9b2J", "csi\\x9b2J"),
        ("del\x7f", "del^?"),
        ("a\tb", "a   b"),
        ("ünïcode ✓", "ünïcode ✓"),
    ],
    ids=["markup", "ansi", "bell", "cr", "c1", "del", "tab", "unicode"],
)
def test_program_text_shows_its_characters(text: str, shown: str) -> None:
    assert visible(text) == shown


def test_every_printed_field_is_explained_once() -> None:
    model = model_of([LINE])
    cycle = model.cycles.cycle(0)
    rows = cycle_rows(cycle)
    labels = [r.label for r in rows]
    assert labels[:3] == ["gc", "@", "GC CPU so far"]
    assert {"heap goal", "live heap", "assist CPU", "stacks", "globals", "P"} <= set(labels)
    assert all(r.explanation for r in rows)
    assert len({f[1] for f in FIELDS}) == len(FIELDS)
    derived = {r.label: r.value for r in derived_rows(model.cycles, 0)}
    assert derived["stw"] == "0.031 ms"
    assert "overshoot" in derived  # 5 MB at end against a 5 MB goal: +0
    assert reconstruct_line(cycle) == (  # the same numbers, written shortest
        "gc 7 @1.23s 4%: 0.011+1.2+0.02 ms clock, 0.044+0.3/1.1/2+0.08 ms cpu, "
        "4->5->2 MB, 5 MB goal, 0 MB stacks, 0 MB globals, 8 P")


def test_live_findings_remember_what_is_no_longer_active() -> None:
    live = LiveFindings()
    storm = [f"gc {n} @{n * 0.002:.3f}s 30%: 0.010+1.0+0.010 ms clock, 0.02+0.5/1.0/0+0.02 ms cpu, "
             f"4->5->2 MB, 5 MB goal, 0 MB stacks, 0 MB globals, 2 P" for n in range(1, 200)]
    model = model_of(storm)
    found, earlier = live.update(model)
    assert "gc-frequent" in {f.id for f in found}
    assert not earlier
    calm = [f"gc {n} @{n:.3f}s 1%: 0.010+1.0+0.010 ms clock, 0.02+0.5/1.0/0+0.02 ms cpu, "
            f"4->5->2 MB, 5 MB goal, 0 MB stacks, 0 MB globals, 2 P" for n in range(200, 260)]
    model2 = model_of(storm + calm)
    found2, earlier2 = live.update(model2)
    ids = [f.id for f in found2]
    assert "gc-frequent" in ids
    assert ids.index("gc-frequent") in earlier2


class _Lines:
    description = "two lines"

    def __init__(self, data: bytes) -> None:
        self.data = data

    def run(self, emit: Emit, stop: threading.Event) -> None:
        emit(Chunk("log", self.data))
        emit(Ended("input ended"))


def test_session_parses_on_the_source_thread_and_ends() -> None:
    session = Runner(_Lines((LINE + "\nhello [bold]\n").encode()), kind="file")
    assert session.state() == "waiting"
    thread = threading.Thread(target=session.run)
    thread.start()
    thread.join(5)
    assert session.done.is_set()
    assert len(session.model.cycles) == 1
    assert session.model.output[0].text == "hello [bold]"
    assert session.state() == "ended"


def test_session_turns_a_failing_source_into_a_message() -> None:
    class Broken:
        description = "broken"

        def run(self, emit: Emit, stop: threading.Event) -> None:
            raise OSError("gctui: cannot read broken: permission denied")

    session = Runner(Broken(), kind="file")
    session.run()
    assert session.state() == "failed"
    assert session.error == "gctui: cannot read broken: permission denied"
