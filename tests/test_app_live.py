"""The app on a real GC storm: a Go program doing thousands of cycles a
second under GOGC=10, launched by gctui as `gctui run` does.

"Keeps up" is checked by what reached the model, not by timing: when the
program exits, every gc line it wrote must be in the model (nothing queued
behind the UI), and keys pressed while it runs must take effect.
"""

from __future__ import annotations

import os

import pytest

from tui.ui.app import GCTuiApp
from tui.ui.screens.main import MainScreen
from tui.ingest.runner import Runner
from tui.sources.process import ProcessSource
from tui.ui.widgets.detail import CycleDetail

from pilotkit import source_done, until

pytestmark = pytest.mark.go


async def test_a_gc_storm_is_followed_live_and_keys_still_work(go_build, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setenv("GOGC", "10")
    binary = go_build("hotloop")
    source = ProcessSource([os.fspath(binary), "-duration", "3s"], schedtrace_ms=200)
    app = GCTuiApp(Runner(source, kind="process"))
    async with app.run_test(size=(120, 40)) as pilot:
        await until(pilot, lambda: len(app.session.model.cycles) > 100, "a hundred cycles of the storm")
        screen = app.screen
        assert isinstance(screen, MainScreen)
        live_count = len(app.session.model.cycles)
        assert "live" in str(screen.query_one("#status").render())  # type: ignore[attr-defined]
        # Keys act while cycles pour in: k pauses on the cycle before the newest.
        await pilot.press("k")
        selected = screen.cursor.selected
        assert selected is not None and not screen.cursor.following
        title = str(screen.query_one(CycleDetail).border_title)
        arrived = len(app.session.model.cycles)
        await until(pilot, lambda: len(app.session.model.cycles) > arrived or app.session.done.is_set(),
                    "more cycles (or the program's end)")
        screen.redraw()
        await pilot.pause()
        assert str(screen.query_one(CycleDetail).border_title) == title  # paused: it stays
        await pilot.press("f")
        assert screen.cursor.following
        await source_done(app)  # the program exits after 3 s
        model = app.session.model
        gc_lines = model.line_counts["gc"]
        # Every gc line the program printed reached the model: no backlog.
        assert len(model.cycles) == gc_lines
        assert len(model.cycles) > live_count
        assert model.cycles.cols.n[-1] == len(model.cycles)  # gc 1..N, none lost
        screen.redraw(True)
        await pilot.pause()
        assert str(screen.query_one(CycleDetail).border_title) == f"gc {len(model.cycles)}"
        assert "ended (exit 0)" in str(screen.query_one("#status").render())  # type: ignore[attr-defined]
