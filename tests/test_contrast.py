"""Every piece of text gctui draws is readable in both built-in themes: a
WCAG contrast of at least 4.5:1 between its colour and its background, as
the compositor rendered them (issue 13: the light theme's state text was
1.08:1, its WARNING 1.32:1, its footer keys 2.26:1)."""

from __future__ import annotations

from typing import Any

import pytest

from tui.ingest.runner import Runner
from tui.ui.app import GCTuiApp
from tui.sources.follow import FileSource
from tui.ui.screens.main import MainScreen
from tui.ui.screens.runs import RunPicker

from contrast import contrast, low_contrast
from pilotkit import settled, until
from test_app_screen import TWO_RUNS
from test_snapshots import demo_app

THEMES = ["textual-dark", "textual-light"]


def test_contrast_formula_matches_wcag() -> None:
    assert contrast((0, 0, 0), (255, 255, 255)) == pytest.approx(21.0)
    assert contrast((119, 119, 119), (255, 255, 255)) == pytest.approx(4.48, abs=0.01)


async def _check(app: Any, pilot: Any, what: str, region: Any = None) -> None:
    for screen in app.screen_stack:
        if isinstance(screen, MainScreen):
            screen.redraw(True)
    await pilot.pause()
    await pilot.pause()
    bad = low_contrast(app, region=region)
    assert not bad, f"{app.theme}, {what}: " + "; ".join(f"{r}:1 {t!r} ({c})" for r, t, c in bad[:8])


@pytest.mark.parametrize("theme", THEMES)
@pytest.mark.parametrize("keys", [(), ("n",), ("2",), ("3",), ("4",), ("5",), ("6",), ("7",)],
                         ids=["main", "finding", "sched", "output", "escapes", "pauses", "mmu", "whatif"])
async def test_every_text_on_the_main_screen_is_readable(theme: str, keys: tuple[str, ...]) -> None:
    app = demo_app()
    app.theme = theme
    async with app.run_test(size=(120, 40)) as pilot:
        await settled(app, pilot)
        for key in keys:
            await pilot.press(key)
        await _check(app, pilot, "+".join(keys) or "main")


@pytest.mark.parametrize("theme", THEMES)
async def test_help_and_run_picker_are_readable(theme: str) -> None:
    app = demo_app()
    app.theme = theme
    async with app.run_test(size=(120, 40)) as pilot:
        await settled(app, pilot)
        await pilot.press("question_mark")
        await until(pilot, lambda: not isinstance(app.screen, MainScreen), "the help screen")
        await _check(app, pilot, "help", app.screen.children[0].region)
        await pilot.press("escape", "r")
        await until(pilot, lambda: isinstance(app.screen, RunPicker), "the run picker")
        await _check(app, pilot, "runs", app.screen.children[0].region)


@pytest.mark.parametrize("theme", THEMES)
async def test_a_log_with_two_runs_is_readable(theme: str) -> None:
    app = GCTuiApp(Runner(FileSource(str(TWO_RUNS), follow=False), kind="file"))
    app.theme = theme
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await settled(app, pilot)
        await pilot.press("g")
        screen.action_move(300)
        await _check(app, pilot, "the run separator")





@pytest.mark.parametrize("theme", THEMES)
async def test_a_marked_range_tinted_on_every_chart_is_readable(theme: str) -> None:
    """The range tint sits behind the pause bars, the heap lines, the GC CPU
    and goroutine bars, and the cycle table's text."""
    app = demo_app()
    app.theme = theme
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await settled(app, pilot)
        await pilot.press("colon", *"1140", "enter", "v", *("j" * 5), "v")
        await until(pilot, lambda: bool(screen.marks), "the marked range")
        await _check(app, pilot, "marked range")
