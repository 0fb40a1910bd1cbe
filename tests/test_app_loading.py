"""A file being loaded says what it is doing, and the line moves (issue 13):
the bytes read and their share once per range, a spinner and the seconds
between ranges, then "summarising" while the findings scan runs.

The loader is the real one on a generated log of many small ranges; a gate
holds it after each range until the screen has shown that range, so the
test sees every step however fast or slow the machine is."""

from __future__ import annotations

import re
import threading
from pathlib import Path
from typing import Any

import pytest

from tui.ingest import wholefile
from tui.ingest.inputs import open_input
from tui.ingest.runner import Runner
from tui.ui import loading
from tui.ui.app import GCTuiApp
from tui.ui.screens.main import MainScreen
from tui.ui.widgets.status import StatusBar
from tui.units import format_bytes

from kit import gen_log
from pilotkit import settled, until


class Gate:
    """Wraps the runner's progress callback: after each range it waits for
    the test to let it go (the loader's thread, not the app's, waits)."""

    def __init__(self, progress: Any) -> None:
        self.progress = progress
        self.calls: list[tuple[int, int]] = []
        self.go = threading.Semaphore(0)

    def __call__(self, done: int, total: int) -> None:
        self.progress(done, total)
        self.calls.append((done, total))
        if not self.go.acquire(timeout=60):
            raise TimeoutError("the test never let the load go on")


def test_the_lines_say_what_is_done_and_turn() -> None:
    line = loading.reading(412 << 20, 1 << 30, 4.1)
    assert line == f"{loading.SPINNER[16 % 10]} reading 412.0 MiB of 1.0 GiB · 40% · 4s"
    frames = {loading.reading(0, 100, t * loading.FRAME_S)[0] for t in range(len(loading.SPINNER))}
    assert frames == set(loading.SPINNER)  # a new frame each FRAME_S, never faster
    assert loading.reading(5, 10, 0.2) == loading.reading(5, 10, 0.0)
    assert loading.summarising(1152, 75.0).endswith("summarising the findings of 1,152 cycles · 1m15s")


async def test_a_loading_file_shows_its_bytes_move_then_says_it_summarises(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "ranges.log"
    gen_log().generate(path, 2 << 20, 7)
    size = path.stat().st_size
    monkeypatch.setattr(wholefile, "PART_BYTES", 256 << 10)  # a small file, many ranges
    monkeypatch.setattr(wholefile, "MIN_SPLIT", 256 << 10)
    session = Runner(log=open_input(str(path)), kind="file", follow=False)
    gate = Gate(session._progress)
    session._progress = gate  # type: ignore[method-assign]
    app = GCTuiApp(session, full_scan=True)
    async with app.run_test(size=(120, 40)) as pilot:
        await until(pilot, lambda: isinstance(app.screen, MainScreen), "the main screen")
        status = app.screen.query_one(StatusBar)
        given: list[str] = []
        set_state = status.set_state

        def record(state: str) -> None:
            given.append(state)
            set_state(state)

        status.set_state = record  # type: ignore[method-assign]
        seen: list[str] = []
        while True:
            step = len(seen)

            def shown() -> bool:
                if len(gate.calls) <= step:
                    return False
                done, total = gate.calls[step]
                return f"reading {format_bytes(done)} of {format_bytes(total)}" in status.state

            await until(pilot, shown, f"range {step + 1} on the screen")
            seen.append(status.state)
            if step == 0:  # between ranges the line still moves: the spinner and the seconds
                first = status.state
                await until(pilot, lambda: status.state != first, "the line to turn while a range loads")
                assert status.state[2:].split(" · ")[:2] == first[2:].split(" · ")[:2]  # the same bytes
            gate.go.release()
            if gate.calls[step][0] == size:  # the last range: the load ends
                break
        await settled(app, pilot)

        assert len(seen) >= 4  # a 2 MiB file in 256 KiB ranges: the text changed at every range
        assert all(total == size for _, total in gate.calls)
        figures = [re.search(r"reading (.+) of (.+) · (\d+)%", text) for text in seen]
        assert all(figures)
        shares = [int(m.group(3)) for m in figures if m]
        assert shares == sorted(shares) and len(set(shares)) == len(shares) and shares[-1] == 100
        for (done, total), share in zip(gate.calls, shares):
            assert share == round(100 * done / total)
        cycles = len(session.model.cycles)
        assert cycles > 100
        assert any(f"summarising the findings of {cycles:,} cycles" in text for text in given)
        assert not re.search("reading|summarising", status.state)  # the end is said, not a stale step
