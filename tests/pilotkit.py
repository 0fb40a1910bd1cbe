"""Waiting in Pilot tests for what the app does, never for a guessed time.

A test that sleeps "long enough" fails on a loaded machine and wastes time
on an idle one. These helpers wait for the thing itself: the runner's
thread finished (awaited off the event loop, so the app keeps running),
the end-of-input findings scan is shown, a condition on the screen holds.
Each has a deadline, so a hang fails with what was awaited.
"""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any, Callable

from tui.ui.app import GCTuiApp
from tui.ui.screens.main import MainScreen

DEADLINE_S = 30.0


async def until(pilot: Any, condition: Callable[[], object], what: str, timeout: float = DEADLINE_S) -> None:
    """Let the app run until ``condition()`` holds."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while not condition():
        assert loop.time() < deadline, f"timed out after {timeout:.0f} s waiting for {what}"
        await pilot.pause(0.02)


async def source_done(app: GCTuiApp, timeout: float = DEADLINE_S) -> None:
    """The runner's thread has finished (the input ended or was stopped)."""
    finished = await asyncio.to_thread(app.session.done.wait, timeout)
    assert finished, "the source did not finish"


async def settled(app: GCTuiApp, pilot: Any) -> MainScreen:
    """The input ended, its findings scan is shown, and the screen drew the end."""
    await source_done(app)
    await until(pilot, lambda: app.settled, "the end-of-input findings scan")
    screen = app.screen
    assert isinstance(screen, MainScreen)
    screen.redraw(True)
    await pilot.pause()
    return screen


def stern_log(tmp_path: Path) -> Path:
    """Three pods' real captures interleaved as ``stern`` writes them
    (tests/interleave.py), saved as ``stern.log`` under ``tmp_path``."""
    from interleave import interleaved

    log = tmp_path / "stern.log"
    log.write_bytes(interleaved("stern"))
    return log


def stern_app(tmp_path: Path, description: str | None = None) -> GCTuiApp:
    """The app on :func:`stern_log`, read whole and not followed;
    ``description`` replaces the temporary path in the header (snapshots)."""
    from tui.ingest.inputs import open_input
    from tui.ingest.runner import Runner

    session = Runner(log=open_input(str(stern_log(tmp_path))), kind="file", follow=False)
    if description is not None:
        session.model.env.description = description
    return GCTuiApp(session)
