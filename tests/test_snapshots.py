"""Pictures of the screen at 120x40 from a canned capture (the bundled demo),
compared with accepted SVG snapshots (pytest-textual-snapshot; update with
``pytest --snapshot-update`` after checking the change by eye)."""

from __future__ import annotations

from typing import Any

import pytest

from tui.ui.app import GCTuiApp
from tui.ui.screens.main import MainScreen
from tui.ui.screens.prompt import Prompt
from tui.demo.replay import bundled_capture
from tui.ingest.runner import Runner
from tui.sources.follow import FileSource

from pilotkit import settled, source_done, stern_app, until

SIZE = (120, 40)


def demo_app() -> GCTuiApp:
    session = Runner(FileSource(str(bundled_capture()), follow=False), kind="file")
    session.model.env.description = "story.log.gz"  # not the checkout's path: the same picture anywhere
    return GCTuiApp(session)


async def settle(pilot: Any) -> None:
    """Wait for the whole capture, the full findings scan, and a redraw."""
    await settled(pilot.app, pilot)
    await pilot.app.workers.wait_for_complete()


async def drawn_by_its_own_tick(pilot: Any) -> None:
    """The end of input and its findings, drawn by the screen's timer alone."""
    app = pilot.app
    await source_done(app)
    await until(pilot, lambda: app.settled, "the end-of-input findings scan")
    screen = app.screen
    assert isinstance(screen, MainScreen)
    # The scan invalidated what was drawn; the next tick draws it again.
    await until(pilot, lambda: screen.drawn_key is not None, "a tick that draws the findings")
    await pilot.pause()


@pytest.mark.parametrize(
    "keys",
    [
        (),
        ("n",),  # the worst finding chosen: its text opened, its first cycle selected
        ("2",),
        ("3",),
        ("4",),
        ("colon", "5", "0", "0", "enter"),
        ("question_mark",),
        ("z",),  # the whole run: pauses as mean bars with whiskers, heap as envelopes
        ("t",),  # cycle numbers on the x-axis
        ("0",),  # the heap from zero
        # Two ranges compared: gc 10–30 against gc 500–520.
        ("colon", "1", "0", "enter", "v", *("j" * 20), "v", "colon", "5", "0", "0", "enter", "v", *("j" * 20), "v"),
    ],
    ids=["main", "findings", "scheduler", "output", "escapes", "jump-500", "help", "zoomed-out", "cycle-axis",
         "heap-from-zero", "ranges"],
)
def test_screen(snap_compare: Any, keys: tuple[str, ...]) -> None:
    assert snap_compare(demo_app(), terminal_size=SIZE, run_before=_typed(keys))


def _typed(keys: tuple[str, ...]) -> Any:
    """Settle, type ``keys`` (a prompt up before it is typed into), draw."""

    async def run_before(pilot: Any) -> None:
        await settle(pilot)
        for key in keys:  # one at a time: a prompt must be up before it is typed into
            await pilot.press(key)
            await pilot.pause()
            if key == "colon":
                await until(pilot, lambda: isinstance(pilot.app.screen, Prompt), "the jump prompt")
        # What the next tick would draw, drawn now: a loaded machine may not
        # have run the tick that follows the last layout change.
        for screen in pilot.app.screen_stack:
            if isinstance(screen, MainScreen):
                screen.redraw(True)
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()

    return run_before


# gc 1120–1135 marked and compared with the 16 cycles before it (c), in the
# window the screen opens on: tinted on every chart, the numbers beside.
RANGE_KEYS = ("colon", "1", "1", "2", "0", "enter", "v", *("j" * 15), "v", "c")


@pytest.mark.parametrize("size", [(80, 24), (120, 40), (200, 55)], ids=["80x24", "120x40", "200x55"])
def test_a_compared_range_at_each_size(snap_compare: Any, size: tuple[int, int]) -> None:
    """The range tint on the pause, heap, GC CPU and goroutine charts, and the
    comparison whole at 80x24 (ranges named A and B above narrow columns)."""
    assert snap_compare(demo_app(), terminal_size=size, run_before=_typed(RANGE_KEYS))


def test_main_screen_as_its_own_timer_draws_it(snap_compare: Any) -> None:
    """No forced redraw: the picture the user gets from the app's own tick."""
    assert snap_compare(demo_app(), terminal_size=SIZE, run_before=drawn_by_its_own_tick)


def two_runs_app() -> GCTuiApp:
    from test_app_screen import TWO_RUNS

    session = Runner(FileSource(str(TWO_RUNS), follow=False), kind="file")
    session.model.env.description = "two_runs.stderr.txt"
    return GCTuiApp(session)


def _settle_then(keys: tuple[str, ...], theme: str | None = None) -> Any:
    async def run_before(pilot: Any) -> None:
        if theme:
            pilot.app.theme = theme
        await settle(pilot)
        for key in keys:
            await pilot.press(key)
            await pilot.pause()
        for screen in pilot.app.screen_stack:
            if isinstance(screen, MainScreen):
                screen.redraw(True)
        await pilot.pause()
        await pilot.pause()

    return run_before


@pytest.mark.parametrize("size", [(80, 24), (200, 55)], ids=["80x24", "200x55"])
def test_main_screen_at_the_small_and_the_large_size(snap_compare: Any, size: tuple[int, int]) -> None:
    """At 80x24 help, quit and one-line small charts; at 200x55 whole explanations."""
    assert snap_compare(demo_app(), terminal_size=size, run_before=_settle_then(()))


@pytest.mark.parametrize("size", [(80, 24), (120, 40), (200, 55)], ids=["80x24", "120x40", "200x55"])
def test_maximised_output_panel(snap_compare: Any, size: tuple[int, int]) -> None:
    assert snap_compare(demo_app(), terminal_size=size, run_before=_settle_then(("3", "m")))


def test_light_theme(snap_compare: Any) -> None:
    assert snap_compare(demo_app(), terminal_size=SIZE, run_before=_settle_then((), theme="textual-light"))


@pytest.mark.parametrize("size", [(80, 24), (120, 40), (200, 55)], ids=["80x24", "120x40", "200x55"])
def test_a_log_with_two_runs(snap_compare: Any, size: tuple[int, int]) -> None:
    """The restart's separator row in the table, 'run 2 · gc N' in the detail."""
    keys = ("colon", "2", "slash", "1", "enter")  # run 2's gc 1: the separator just above it
    assert snap_compare(two_runs_app(), terminal_size=size, run_before=_settle_then(keys))


@pytest.mark.parametrize("size", [(80, 24), (120, 40)], ids=["80x24", "120x40"])
def test_a_stern_stream_of_three_pods(snap_compare: Any, size: tuple[int, int], tmp_path: Any) -> None:
    """The whole stream of three pods: the table's pod column (short names)
    and each row's interval to its own pod's previous cycle, from the start
    where all three interleave."""
    assert snap_compare(stern_app(tmp_path, "stern.log"), terminal_size=size, run_before=_settle_then(("g",)))
