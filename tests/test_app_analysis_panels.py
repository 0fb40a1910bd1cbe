"""Lower panels 5, 6, 7 on the bundled demo: each key shows its panel, and
the numbers drawn are the analysis modules' own for the rows it covers
(the cycles charted, or the marked range)."""

from __future__ import annotations

import math

import numpy as np

from tui.analysis.mmu import mmu
from tui.analysis.pause_hist import EDGES_MS
from tui.analysis.whatif import Refusal, Setting, calibrate, predict
from tui.ui.widgets.mmu_panel import WINDOWS_MS, MMUPanel
from tui.ui.widgets.pause_hist_panel import PauseHistogramPanel, bucket_label
from tui.ui.widgets.rows_panel import RowsPanel
from tui.ui.widgets.whatif_panel import WhatIfPanel, cells

from pilotkit import settled, until
from test_snapshots import demo_app


async def _shown(pilot, screen, key: str, kind: type[RowsPanel]) -> RowsPanel:  # type: ignore[no-untyped-def]
    await pilot.press(key)
    panel = screen.query_one(kind)
    await until(pilot, lambda: panel.display and panel.result is not None, f"panel {key}'s numbers")
    await pilot.pause()
    return panel


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


async def test_new_cycles_recompute_at_a_bounded_rate_and_catch_up() -> None:
    """A costly panel skips changes that only add cycles until it is due,
    then asks the screen to draw again, so it ends with the newest numbers."""
    from time import monotonic

    app = demo_app()
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await settled(app, pilot)
        panel = await _shown(pilot, screen, "6", MMUPanel)
        calls = []
        analyse = panel.analyse
        panel.analyse = lambda model, rows: calls.append(rows) or analyse(model, rows)  # type: ignore[method-assign]
        panel._due = monotonic() + 0.5  # as if the last run had cost 50 ms
        with app.session.lock:
            app.session.model.version += 1  # as a live source's next batch would
        screen.redraw(True)
        assert calls == []  # skipped: only new cycles, and not yet due
        version = app.session.model.version
        await until(pilot, lambda: panel._key is not None and panel._key[1] == version, "the catch-up redraw")
        assert len(calls) == 1
