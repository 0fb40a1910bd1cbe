"""Lower panels 5, 6, 7 on the bundled demo: each key shows its panel, and
the numbers drawn are the analysis modules' own for the rows it covers
(the cycles charted, or the marked range)."""

from __future__ import annotations

import math
import threading
from time import monotonic

import numpy as np

from tui.analysis.mmu import mmu
from tui.analysis.pause_hist import EDGES_MS, pause_histogram
from tui.analysis.whatif import Refusal, Setting, calibrate, predict
from tui.model import Model
from tui.ui.view import View
from tui.ui.widgets.mmu_panel import WINDOWS_MS, MMUPanel
from tui.ui.widgets.pause_hist_panel import PauseHistogramPanel, bucket_label
from tui.ui.widgets.rows_panel import RowsPanel
from tui.ui.widgets.whatif_panel import WhatIfPanel, cells

from pilotkit import DEADLINE_S, settled, until
from test_snapshots import demo_app


async def _shown(pilot, screen, key: str, kind: type[RowsPanel]) -> RowsPanel:  # type: ignore[no-untyped-def]
    await pilot.press(key)
    panel = screen.query_one(kind)
    await until(pilot, lambda: _idle(panel), f"panel {key}'s numbers")
    await pilot.pause()  # a redraw the landing asked for may start another run: wait that out too
    await until(pilot, lambda: _idle(panel), f"panel {key}'s numbers, after the redraw")
    return panel


def _idle(panel: RowsPanel) -> bool:
    """Shown with numbers, and nothing in flight or owed: a test's own
    show() is then taken as it is (one asked for while a run is in flight
    only marks the panel behind, and the screen's next redraw asks for the
    screen's rows instead)."""
    return bool(panel.display and panel.result is not None and panel._inflight is None
                and not panel._behind and not panel._stale_pending)


def _text(panel: RowsPanel) -> str:
    return str(panel.render())


async def test_5_shows_the_pause_histogram_of_the_charted_cycles() -> None:
    app = demo_app()
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await settled(app, pilot)
        panel = await _shown(pilot, screen, "5", PauseHistogramPanel)
        rows = panel.rows
        assert len(rows) > 10 and not panel.marked
        # Following the end: the charted window ends at the newest cycle, the selected one.
        assert rows.stop == len(app.session.model.cycles) and screen.cursor.selected in rows
        cols = app.session.model.cycles.cols
        hist = panel.result
        assert hist is not None
        for phase, counts in (("sweep", hist.sweep_term), ("mark", hist.mark_term)):
            column = cols.stw_sweep_term_ms if phase == "sweep" else cols.stw_mark_term_ms
            values = np.asarray(column[rows.start:rows.stop], dtype=np.float64)
            values = values[~np.isnan(values)]
            assert sum(counts) == len(values)  # every pause counted once
            # Each bucket by hand: the pauses in [lo, hi).
            for i, n in enumerate(counts):
                lo, hi = hist.edges_ms[i], hist.edges_ms[i + 1]
                first, last = lo == EDGES_MS[0], hi == EDGES_MS[-1]
                expected = ((values >= lo) | first) & ((values < hi) | last)
                assert n == int(expected.sum()), (phase, lo, hi)
        text = _text(panel)
        assert "5 pauses" in str(screen.query_one("#panel-tabs").render())
        assert "sweep term." in text and "mark term." in text
        for i, (s, m) in enumerate(zip(hist.sweep_term, hist.mark_term)):
            line = next(x for x in text.splitlines() if bucket_label(hist.edges_ms[i], hist.edges_ms[i + 1]) in x)
            assert line.split()[2] == str(s) and str(m) in line.split()[3:]


async def test_6_shows_the_mmu_and_the_worst_10ms_window() -> None:
    app = demo_app()
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await settled(app, pilot)
        panel = await _shown(pilot, screen, "6", MMUPanel)
        expected = mmu(app.session.model.cycles, panel.rows, WINDOWS_MS)
        assert panel.result == expected
        text = _text(panel)
        worst = expected[WINDOWS_MS.index(10)]
        assert worst is not None and 0 < worst < 1
        assert f"worst 10 ms window: mutator got {worst * 100:.1f} %" in text
        for window, value in zip(WINDOWS_MS, expected):
            label = f"{window / 1000:g} s" if window >= 1000 else f"{window:g} ms"
            line = next(x for x in text.splitlines() if x.strip().startswith(label + " "))
            assert line.endswith("–" if value is None else f"{value * 100:.1f} %"), line


async def test_7_shows_the_what_if_table_with_its_assumptions() -> None:
    app = demo_app()
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await settled(app, pilot)
        panel = await _shown(pilot, screen, "7", WhatIfPanel)
        model = app.session.model
        cal = calibrate(model, panel.rows)
        text = " ".join(_text(panel).split())
        assert "Assumes the observed allocation" in text
        assert f"Non-heap memory: {cal.nonheap_mb:.1f} MB (" in text  # the figure the rows used
        limit = cal.setting.memlimit_mb if cal.setting and cal.setting.memlimit_mb else math.ceil(
            cal.observed.peak_total_mb)
        for setting in (Setting(50.0), Setting(100.0), Setting(200.0), Setting(400.0), Setting(None, limit)):
            row = " ".join(cells(predict(cal, setting)))
            assert row in text, (setting, row)
        assert "observed " + " ".join(cells(cal.observed)) in text


async def test_a_marked_range_is_what_the_panels_cover_and_a_short_one_is_refused() -> None:
    app = demo_app()
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await settled(app, pilot)
        await pilot.press("colon", *"10", "enter", "v", *("j" * 30), "v")
        marked = screen.marks[-1]
        panel = await _shown(pilot, screen, "6", MMUPanel)
        assert panel.rows == marked and panel.marked
        assert panel.result == mmu(app.session.model.cycles, marked, WINDOWS_MS)
        assert "marked range, 31 cycles" in _text(panel)
        await pilot.press("V", "colon", *"10", "enter", "v", "j", "v")  # two cycles: too few to calibrate
        panel = await _shown(pilot, screen, "7", WhatIfPanel)
        await until(pilot, lambda: len(panel.rows) == 2, "the two-cycle range")
        try:
            calibrate(app.session.model, panel.rows)
        except Refusal as r:
            reason = str(r)
        else:
            raise AssertionError("two cycles should be refused")
        assert f"No prediction: {reason}" in " ".join(_text(panel).split())


async def test_the_panels_run_from_the_command_palette() -> None:
    app = demo_app()
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await settled(app, pilot)
        commands = {c.title: c for c in app.get_system_commands(screen)}
        for title, kind in (("Pause histogram", PauseHistogramPanel), ("MMU (least CPU left to the program)", MMUPanel),
                            ("What-if GOGC / GOMEMLIMIT", WhatIfPanel)):
            await commands[title].callback()  # type: ignore[misc]
            panel = screen.query_one(kind)
            await until(pilot, lambda: panel.display and panel.result is not None, title)


def _calls(panel: RowsPanel) -> list[tuple[range, int]]:
    """Each analysis the panel runs from now on: its rows and the thread it ran on."""
    calls: list[tuple[range, int]] = []
    analyse = panel.analyse

    def counted(model, rows):  # type: ignore[no-untyped-def]
        calls.append((rows, threading.get_ident()))
        return analyse(model, rows)

    panel.analyse = counted  # type: ignore[method-assign]
    return calls


def _view(model: Model, rows: range, marks: tuple[range, ...] = ()) -> View:
    return View(model, rows, rows.stop - 1, rows.stop, marks=marks)


async def test_new_cycles_recompute_at_a_bounded_rate_and_catch_up() -> None:
    """A costly panel skips changes that only add cycles until it is due,
    then asks the screen to draw again, so it ends with the newest numbers."""
    app = demo_app()
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await settled(app, pilot)
        panel = await _shown(pilot, screen, "6", MMUPanel)
        model = app.session.model
        start, stop = panel.rows.start, panel.rows.stop
        assert stop == len(model.cycles) and stop - start > 20
        panel._due = 0.0  # whatever the first run cost (a loaded machine: a second), this one is due
        with app.session.lock:
            panel.show(_view(model, range(start, stop - 10)))  # due, nothing in flight: analysed at once
        await until(pilot, lambda: panel.rows == range(start, stop - 10), "the first rows' numbers")
        calls = _calls(panel)
        panel._due = monotonic() + 0.5  # as if the last run had cost 50 ms
        with app.session.lock:
            panel.show(_view(model, range(start, stop - 9)))  # as a live source's next cycle would
        assert calls == [] and panel.rows == range(start, stop - 10)  # skipped: only a new cycle, and not yet due
        await until(pilot, lambda: panel.rows == range(start, stop), "the catch-up redraw")
        assert len(calls) == 1
        # The window slides on (following): the last numbers stay until the new ones land.
        panel._due = 0.0
        with app.session.lock:
            panel.show(_view(model, range(start + 1, stop)))
        assert not panel.computing and panel.rows == range(start, stop) and panel.result is not None
        await until(pilot, lambda: panel.rows == range(start + 1, stop), "the slid window's numbers")


async def test_the_analysis_runs_off_the_ui_thread_and_says_it_is_computing() -> None:
    """While a slow analysis runs the screen keeps drawing and moving (keys
    work), the panel says it is computing, and the numbers land after."""
    app = demo_app()
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await settled(app, pilot)
        panel = await _shown(pilot, screen, "7", WhatIfPanel)
        started: list[tuple[range, int]] = []  # each analysis as it starts: its rows and thread
        release = threading.Event()
        analyse = panel.analyse

        def slow(model, rows):  # type: ignore[no-untyped-def]
            started.append((rows, threading.get_ident()))
            release.wait(DEADLINE_S)
            return analyse(model, rows)

        panel.analyse = slow  # type: ignore[method-assign]
        await pilot.press("colon", *"10", "enter", "v", *("j" * 30), "v")
        await until(pilot, lambda: any(len(rows) == 31 for rows, _ in started), "the marked range's analysis")
        assert all(thread != threading.get_ident() for _, thread in started)  # never the UI thread
        await until(pilot, lambda: "computing…" in _text(panel), "the computing line")
        assert panel.computing and not release.is_set()
        selected = screen.cursor.selected
        await pilot.press("j")  # the screen answers while the analysis runs
        await until(pilot, lambda: screen.cursor.selected == (selected or 0) + 1, "the key's move")
        release.set()
        await until(pilot, lambda: not panel.computing, "the marked range's numbers")
        assert panel.rows == screen.marks[-1] and panel.marked
        assert "marked range, 31 cycles" in _text(panel) and "computing" not in _text(panel)


async def test_a_marked_range_is_analysed_once_however_many_cycles_arrive() -> None:
    """Cycles arriving after a marked range change nothing in it: no
    recompute. Another model with the same rows (a reload, another pod) does."""
    app = demo_app()
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await settled(app, pilot)
        await pilot.press("colon", *"10", "enter", "v", *("j" * 30), "v")
        panel = await _shown(pilot, screen, "5", PauseHistogramPanel)
        marked = screen.marks[-1]
        assert panel.rows == marked
        calls = _calls(panel)
        model = app.session.model
        with app.session.lock:
            model.apply([model.cycles.cycle(len(model.cycles) - 1)])  # a real cycle arrives
        for _ in range(3):
            screen.redraw(True)
            await pilot.pause()
        assert screen.drawn_key is not None and screen.drawn_key[0] == model.version
        await app.workers.wait_for_complete()
        assert calls == []
        other = Model(cycles=model.cycles.copy_rows(0, len(model.cycles)), env=model.env)
        with app.session.lock:
            panel.show(_view(other, range(marked.stop), (marked,)))
        await until(pilot, lambda: len(calls) == 1 and not panel.computing, "the other model's numbers")
        assert calls[0][0] == range(len(marked))  # the copy's rows start at 0
        assert panel.result == pause_histogram(model.cycles, marked)


async def test_an_analysis_that_fails_says_so_and_the_app_goes_on() -> None:
    app = demo_app()
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await settled(app, pilot)
        panel = await _shown(pilot, screen, "6", MMUPanel)

        def broken(model, rows):  # type: ignore[no-untyped-def]
            raise ValueError("no such window")

        panel.analyse = broken  # type: ignore[method-assign]
        await pilot.press("colon", *"10", "enter", "v", *("j" * 5), "v")
        await until(pilot, lambda: panel.failed, "the failure")
        assert "failed for these 6 cycles" in _text(panel) and not panel.computing
        await until(pilot, lambda: any("no such window" in str(n.message) for n in app._notifications), "the notice")
        assert app.is_running


def test_a_cancelled_what_if_stops_between_predictions() -> None:
    """The app cancels the panels' workers when it quits: the what-if asks
    before each prediction, so the process does not wait seconds for a
    table nobody will read."""
    from pathlib import Path

    from tui.ingest.runner import load
    from tui.ui.widgets.whatif_panel import what_if

    model = load(str(Path(__file__).parent / "data" / "samples" / "go1.19" / "gctrace1_schedtrace200.stderr.txt"))
    rows = range(len(model.cycles))
    whole = what_if(model, rows)
    assert whole.observed is not None and len(whole.rows) >= 5
    asked: list[int] = []
    stopped = what_if(model, rows, stop=lambda: asked.append(1) is None and len(asked) > 2)
    assert stopped.observed == whole.observed and stopped.rows == whole.rows[:2]
