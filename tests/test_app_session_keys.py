"""``q`` asks before it stops a program gctui started; ``y`` copies the
selected raw line or finding (issue 13)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tui.demo.replay import bundled_capture
from tui.ingest.runner import Runner
from tui.sources.follow import FileSource
from tui.ui.app import GCTuiApp
from tui.ui.screens.confirm import Confirm
from tui.ui.screens.main import MainScreen
from tui.ui.screens.session_keys import quit_question
from tui.ui.widgets.cycle_table import CycleTable

from pilotkit import settled, until

SAMPLE = Path(__file__).parent / "data" / "samples" / "go1.19" / "gctrace1_schedtrace200.stderr.txt"


@pytest.mark.parametrize(("kind", "running", "asks"), [
    ("process", True, True), ("process", False, False), ("attach", True, False), ("file", True, False),
    ("stdin", True, False),
])
def test_only_a_running_program_gctui_started_is_asked_about(kind: str, running: bool, asks: bool) -> None:
    question = quit_question(kind, "./server", running)
    assert (question == "Stop ./server? y/n") if asks else question is None


async def test_q_on_a_live_program_asks_once_and_n_keeps_watching() -> None:
    # A followed file never ends: it stands in for a program still running.
    runner = Runner(FileSource(str(SAMPLE), follow=True), kind="process")
    app = GCTuiApp(runner)
    async with app.run_test(size=(120, 40)) as pilot:
        await until(pilot, lambda: len(runner.model.cycles) > 0, "the first cycles")
        await pilot.press("q")
        await until(pilot, lambda: isinstance(app.screen, Confirm), "the question")
        assert app.screen.query_one("#confirm-question").render().plain.startswith("Stop ")  # type: ignore[attr-defined]
        await pilot.press("n")
        await until(pilot, lambda: isinstance(app.screen, MainScreen), "the main screen back")
        assert app.is_running
        await pilot.press("q")
        await until(pilot, lambda: isinstance(app.screen, Confirm), "the question again")
        await pilot.press("y")
        await until(pilot, lambda: not app.is_running, "the app to end")
    assert app.return_code == 0


async def test_q_on_a_file_quits_at_once() -> None:
    app = GCTuiApp(Runner(FileSource(str(SAMPLE), follow=False), kind="file"))
    async with app.run_test(size=(120, 40)) as pilot:
        await settled(app, pilot)
        await pilot.press("q")
        await until(pilot, lambda: not app.is_running, "the app to end")


async def test_y_copies_the_selected_raw_line_then_the_chosen_finding() -> None:
    app = GCTuiApp(Runner(FileSource(str(bundled_capture()), follow=False), kind="file"))
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await settled(app, pilot)
        await pilot.press("y")
        await until(pilot, lambda: "gc 1152 @" in app.clipboard, "the selected cycle's line copied")
        assert app.clipboard == app.session.raw_line(screen.cursor.selected)  # type: ignore[arg-type]
        await pilot.press("n")  # the worst finding chosen
        await pilot.press("y")
        await until(pilot, lambda: "gc 1152 @" not in app.clipboard, "the finding copied")
        assert screen.query_one(CycleTable) is not None
        from tui.ui.widgets.findings_panel import FindingsPanel

        panel = screen.query_one(FindingsPanel)
        assert panel.chosen is not None
        assert app.clipboard.startswith(panel.findings[panel.chosen].title)
