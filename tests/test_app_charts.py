"""The charts' axes and marked ranges, driven by Pilot on the demo capture
(issue 13): time or cycles on the x-axis, a heap axis that fits, envelopes
when zoomed out, ranges read and compared beside the charts."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from rich.style import Style

from tui.demo.replay import bundled_capture
from tui.ingest.runner import Runner
from tui.sources.follow import FileSource
from tui.ui import plot
from tui.ui.app import GCTuiApp
from tui.ui.ranges import change
from tui.ui.screens.main import MainScreen
from tui.ui.widgets.cpu import GCCPUChart
from tui.ui.widgets.goroutines import GoroutineChart
from tui.ui.widgets.heap import HeapChart
from tui.ui.widgets.pause import PauseChart
from tui.ui.widgets.range_panel import RangePanel

from pilotkit import settled, until


def _app(path: Path | str | None = None) -> GCTuiApp:
    return GCTuiApp(Runner(FileSource(str(path or bundled_capture()), follow=False), kind="file"))


def _lines(widget: object) -> list[str]:
    return widget.render().plain.splitlines()  # type: ignore[attr-defined]


async def test_time_is_the_x_axis_and_t_goes_back_to_cycle_numbers() -> None:
    app = _app()
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await settled(app, pilot)
        heap, pause = screen.query_one(HeapChart), screen.query_one(PauseChart)
        assert re.match(r"\s+0:00:\d\d(\.\d)?\s", _lines(heap)[-1])  # h:m:s at the left end
        assert re.search(r"STW in [\d.]+s", pause.render().plain)  # the stats say what they cover
        await pilot.press("t")
        await until(pilot, lambda: _lines(heap)[-1].split()[:1] == ["gc"], "cycle numbers on the x-axis")
        assert re.search(r"STW \d+ cycles", pause.render().plain)
        await pilot.press("t")
        await until(pilot, lambda: ":" in _lines(heap)[-1].split()[0], "time back on the x-axis")


async def test_the_heap_axis_fits_the_heap_and_0_starts_it_at_zero() -> None:
    app = _app()
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await settled(app, pilot)
        heap = screen.query_one(HeapChart)

        def bottom() -> str:
            return _lines(heap)[-2][:6].strip()

        assert bottom() != "0M"  # the demo's heap is 20–50 MB: no rows wasted under it
        await pilot.press("0")
        await until(pilot, lambda: bottom() == "0M", "a zero-based heap axis")
        await pilot.press("0")
        await until(pilot, lambda: bottom() != "0M", "the fitted axis again")


async def test_zoomed_out_pauses_are_an_envelope_not_a_solid_block() -> None:
    app = _app()
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await settled(app, pilot)
        pause = screen.query_one(PauseChart)
        await pilot.press("z")
        await until(pilot, lambda: "│" in pause.render().plain, "a whisker to a column's worst pause")
        top_row = pause.render().plain.splitlines()[0][:90]
        assert top_row.count("█") < len(top_row) // 4  # the worst pauses stand out; the rest do not


async def test_v_marks_a_range_and_its_numbers_appear_beside_the_charts() -> None:
    app = _app()
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await settled(app, pilot)
        panel = screen.query_one(RangePanel)
        assert not panel.display  # nothing marked: no room taken
        await pilot.press("k", "k", "k", "k", "k", "v")
        await until(pilot, lambda: panel.display and "Marking a range" in panel.render().plain, "the range begun")
        await pilot.press("G", "v")
        await until(pilot, lambda: len(panel.stats) == 1, "the range's numbers")
        text = panel.render().plain
        assert "gc 1147–1152" in text
        for name in ("STW p50", "STW p99", "STW max", "GC CPU", "cycles/min", "alloc rate", "live slope"):
            assert name in text
        assert "change" not in text  # one range: nothing to compare yet
        await pilot.press("c")  # with the six cycles before it
        await until(pilot, lambda: len(panel.stats) == 2, "a comparison")
        text = panel.render().plain
        assert "gc 1141–1146" in text and "change" in text
        await pilot.press("V")
        await until(pilot, lambda: not panel.display, "the ranges cleared")


async def test_a_second_range_is_compared_with_the_first() -> None:
    app = _app()
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await settled(app, pilot)
        assert isinstance(screen, MainScreen)
        panel = screen.query_one(RangePanel)
        await pilot.press("colon", *"10", "enter", "v", *("j" * 20), "v")
        await until(pilot, lambda: len(panel.stats) == 1, "the first range")
        await pilot.press("colon", *"500", "enter", "v", *("j" * 20), "v")
        await until(pilot, lambda: len(panel.stats) == 2, "the second range")
        assert [(s.first_n, s.last_n) for s in panel.stats] == [(10, 30), (500, 520)]
        assert "change" in panel.render().plain
        pause = screen.query_one(PauseChart)
        assert any(pause.marked)  # the range is tinted on the pause chart


def _tinted(flags: list[bool] | set[int], width: int) -> tuple[float, float]:
    """Where a chart's tinted columns begin and end, as shares of its width."""
    cols = sorted(flags) if isinstance(flags, set) else [i for i, f in enumerate(flags) if f]
    assert cols, "no column tinted"
    assert cols == list(range(cols[0], cols[-1] + 1)), "the tint is one unbroken stretch"
    return cols[0] / width, (cols[-1] + 1) / width


async def test_a_marked_range_is_tinted_on_every_chart_at_the_same_place() -> None:
    """gc 500–520 in a window of gc 480–540-ish: the pause, heap, GC CPU and
    goroutine charts tint the same stretch of their width, on the time axis
    (where it is the range's share of the window's seconds) and by cycle
    number (its share of the window's cycles)."""
    app = _app()
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await settled(app, pilot)
        assert isinstance(screen, MainScreen)
        pause, heap = screen.query_one(PauseChart), screen.query_one(HeapChart)
        cpu, gor = screen.query_one(GCCPUChart), screen.query_one(GoroutineChart)
        await pilot.press("colon", *"500", "enter", "v", *("j" * 20), "v")
        await until(pilot, lambda: len(screen.query_one(RangePanel).stats) == 1, "the range")
        t = app.session.model.cycles.cols.t_ms
        for by_time in (True, False):
            if not by_time:
                await pilot.press("t")
            await until(pilot, lambda: screen.by_time == by_time and screen.drawn_key is not None, "a redraw")
            screen.redraw(True)
            rows = screen.cursor.window(app.session.model.cycles, 1152, pause.capacity)
            mark = screen.marks[0]
            if by_time:
                span = t[rows.stop - 1] - t[rows.start]
                want = ((t[mark.start] - t[rows.start]) / span, (t[mark.stop - 1] - t[rows.start]) / span)
            else:
                want = ((mark.start - rows.start) / len(rows), (mark.stop - rows.start) / len(rows))
            plot_w = heap.size.width - 6
            got = {
                "pause": _tinted(_drawn(pause).marked, len(pause.marked)),
                "heap": _tinted(_drawn(heap).marked_cells, plot_w),
                "cpu": _tinted(_drawn(cpu).marked, len(cpu.marked)),
                "goroutines": _tinted(_drawn(gor).marked, len(gor.marked)),
            }
            for name, (a, b) in got.items():
                # Within two columns of the narrowest chart (its columns are cells of ~1/50).
                assert abs(a - want[0]) < 0.05 and abs(b - want[1]) < 0.05, (name, by_time, (a, b), want)
        # The tint is drawn: a heap cell in the range has the marked background.
        row = heap.render().spans
        assert any(s.style.bgcolor is not None for s in row if isinstance(s.style, Style))
        await pilot.press("V")
        await until(pilot, lambda: not any(_drawn(gor).marked) and not _drawn(heap).marked_cells, "the tint gone")


def _drawn(widget: Any) -> Any:
    widget.render()  # the columns last drawn are noted while drawing
    return widget


async def test_the_goroutine_chart_shares_the_time_axis_and_the_window() -> None:
    """The demo's goroutines pile up from 36.2 s (57, then +250 a second),
    just after the window's first cycle (35.6 s, of 47.8 s): on the time
    axis the rise is in the chart's first few columns, where by snapshot
    number (the old chart) it was three quarters along. By cycle number it
    moves to where the cycle before it is. Jumping back to gc 500 (29.5 s)
    shows the counts of then: 7, not the pile-up."""
    app = _app()
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await settled(app, pilot)
        gor = screen.query_one(GoroutineChart)
        model = app.session.model
        t = model.cycles.cols.t_ms
        rise_ms = next(s.t_ms for s in model.sched if (s.goroutines or 0) > 7)
        assert rise_ms == 36197
        rows = screen.cursor.window(model.cycles, len(model.cycles), screen.query_one(PauseChart).capacity)

        def first_risen() -> float:
            counts = gor._columns.counts
            return next(i for i, c in enumerate(counts) if c is not None and c > 7) / len(counts)

        share = (rise_ms - t[rows.start]) / (t[rows.stop - 1] - t[rows.start])
        assert abs(first_risen() - share) < 2 / len(gor._columns.counts), (first_risen(), share)
        await pilot.press("t")
        await until(pilot, lambda: not screen.by_time and screen.drawn_key is not None, "the cycle axis")
        screen.redraw(True)
        before = max(i for i in rows if t[i] <= rise_ms)  # the cycle the first risen count follows
        cycle_share = (before - rows.start) / len(rows)
        assert abs(first_risen() - cycle_share) < 2 / len(gor._columns.counts) + 1 / len(rows)
        assert abs(cycle_share - share) > 0.1  # the two axes put it in different places
        await pilot.press("colon", *"500", "enter")
        await until(pilot, lambda: model.cycles.cols.n[screen.cursor.selected or 0] == 500, "gc 500")
        screen.redraw(True)
        counts = [c for c in gor._columns.counts if c is not None]
        assert counts and max(counts) == 7  # the window's time, before the pile-up


@pytest.mark.parametrize("size", [(80, 24), (100, 30), (120, 40), (200, 55)], ids=["80x24", "100x30", "120x40",
                                                                                   "200x55"])
async def test_the_range_comparison_is_whole_at_every_size(size: tuple[int, int]) -> None:
    """Below ~110 columns the two-range table was cut at its right edge (the
    panel is 31 columns at 80, 39 at 100): there the ranges are named A and B
    above narrower columns, and every line fits, every number whole."""
    app = _app()
    async with app.run_test(size=size) as pilot:
        screen = await settled(app, pilot)
        panel = screen.query_one(RangePanel)
        await pilot.press("colon", *"10", "enter", "v")
        await until(pilot, lambda: "Marking" in panel.render().plain, "the range begun")
        assert len(panel.render().plain) <= panel.content_size.width  # what to do next, whole
        await pilot.press(*("j" * 20), "v")
        await until(pilot, lambda: len(panel.stats) == 1, "the first range")
        await pilot.press("colon", *"500", "enter", "v", *("j" * 20), "v")
        await until(pilot, lambda: len(panel.stats) == 2
                    and panel.size.height == len(panel.render().plain.splitlines()), "the comparison laid out")
        lines = panel.render().plain.splitlines()
        width = panel.content_size.width
        assert all(len(line) <= width for line in lines), (width, lines)
        assert panel.size.height == len(lines)  # no line cut off below
        a, b = panel.stats
        text = "\n".join(lines)
        for s in (a, b):
            assert f"gc {s.first_n}–{s.last_n}" in text
            for v in (s.stw_p50_ms, s.stw_p99_ms, s.stw_max_ms):
                assert plot.fmt_stw(v) in text
            assert plot.fmt_pct(s.gc_cpu) in text
        assert change(a.gc_cpu, b.gc_cpu) in text and change(a.stw_p99_ms, b.stw_p99_ms) in text
        assert ("change" in text) and (("A gc 10–30" in text) == (width < 45))
