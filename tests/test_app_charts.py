"""The charts' axes and marked ranges, driven by Pilot on the demo capture
(issue 13): time or cycles on the x-axis, a heap axis that fits, envelopes
when zoomed out, ranges read and compared beside the charts."""

from __future__ import annotations

import re
from pathlib import Path

from tui.demo.replay import bundled_capture
from tui.ingest.runner import Runner
from tui.sources.follow import FileSource
from tui.ui.app import GCTuiApp
from tui.ui.screens.main import MainScreen
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
        assert any(pause._marked)  # the range is tinted on the pause chart
