"""The screen of issue 13 in a real terminal (tmux): at 200x55 the cycle
detail's explanations are whole, and a log with a restart says ``run 2``
when run 2's cycles are selected."""

from __future__ import annotations

import sys
from pathlib import Path

from test_tmux import _tmux, _wait_for, tmux_session  # noqa: F401  (the fixture)

from tui.ui.explain import DERIVED_TEXT

TWO_RUNS = Path(__file__).parent / "data" / "restart" / "two_runs.stderr.txt"


def _open(session: str, path: Path, width: int, height: int) -> None:
    command = ["env", "-u", "COLUMNS", "-u", "LINES", sys.executable, "-m", "tui", "open", "--no-follow", str(path)]
    _tmux("new-session", "-d", "-s", session, "-x", str(width), "-y", str(height),
          "-e", "TERM=xterm-256color", " ".join(f"'{c}'" for c in command))
    _tmux("resize-window", "-t", session, "-x", str(width), "-y", str(height))


def test_at_200x55_the_stw_explanation_is_whole(tmux_session: str) -> None:  # noqa: F811
    _open(tmux_session, TWO_RUNS, 200, 55)
    _wait_for(tmux_session, "run 2 · gc 200")
    # The first frames may be drawn while the terminal settles its size: wait
    # for the laid-out one.
    screen = _wait_for(tmux_session, DERIVED_TEXT["stw"])
    stw = next(line for line in screen.splitlines() if "│stw " in line)
    assert stw.split("│")[1].rstrip().endswith(DERIVED_TEXT["stw"]), stw
    assert "…" not in screen


def test_a_restart_shows_run_2_when_its_cycles_are_selected(tmux_session: str) -> None:  # noqa: F811
    _open(tmux_session, TWO_RUNS, 120, 40)
    screen = _wait_for(tmux_session, "run 2 · gc 200")
    assert "507 cycles in 2 runs" in screen
    _tmux("send-keys", "-t", tmux_session, ":")
    _wait_for(tmux_session, "Jump to cycle")
    _tmux("send-keys", "-t", tmux_session, "2/1", "Enter")
    screen = _wait_for(tmux_session, "run 2 · gc 1 ")
    assert "── run 2 · cycle went back" in screen  # the separator row above run 2's first cycle
    _tmux("send-keys", "-t", tmux_session, ":")
    _wait_for(tmux_session, "Jump to cycle")
    _tmux("send-keys", "-t", tmux_session, "1/50", "Enter")
    _wait_for(tmux_session, "run 1 · gc 50")
    _tmux("send-keys", "-t", tmux_session, "q")
