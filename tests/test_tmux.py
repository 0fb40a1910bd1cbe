"""gctui in a real terminal: tmux runs `gctui open` on a capture, keys go in
with send-keys, and the screen comes back with capture-pane.

This is the one test that goes through the real terminal driver (raw mode,
escape sequences, resize), so it checks what Pilot cannot: that the command a
user types opens the app and that keys typed at a terminal move it.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
import uuid
from pathlib import Path

import psutil
import pytest

SAMPLE = Path(__file__).parent / "data" / "samples" / "go1.19" / "gctrace1_schedtrace200.stderr.txt"


def _tmux(*args: str) -> str:
    return subprocess.run(["tmux", *args], capture_output=True, text=True, check=True).stdout


def _screen(session: str) -> str:
    return _tmux("capture-pane", "-p", "-t", session)


def _wait_for(session: str, text: str, timeout: float = 20.0) -> str:
    deadline = time.monotonic() + timeout
    screen = ""
    while time.monotonic() < deadline:
        screen = _screen(session)
        if text in screen:
            return screen
        time.sleep(0.2)
    raise AssertionError(f"{text!r} never appeared; the screen was:\n{screen}")


@pytest.fixture
def tmux_session():  # type: ignore[no-untyped-def]
    """A session name; at teardown the session is killed, as closing the
    terminal would, and every process it ran must be gone 3 s later. Twice a
    gctui left behind here spun on a dead terminal for most of an hour."""
    if shutil.which("tmux") is None:
        if os.environ.get("CI"):
            pytest.fail("CI is set but tmux is missing (.ci/run installs it)", pytrace=False)
        pytest.skip("tmux is not installed")
    name = f"gctui-test-{uuid.uuid4().hex[:8]}"
    yield name
    tree: list[psutil.Process] = []
    pane = subprocess.run(["tmux", "display-message", "-p", "-t", name, "#{pane_pid}"],
                          capture_output=True, text=True)
    if pane.returncode == 0 and pane.stdout.strip().isdigit():
        try:
            root = psutil.Process(int(pane.stdout))
            tree = [root, *root.children(recursive=True)]
        except psutil.Error:
            pass
    subprocess.run(["tmux", "kill-session", "-t", name], capture_output=True)
    _, alive = psutil.wait_procs(tree, timeout=3)
    left = []
    for proc in alive:
        try:
            if proc.status() != psutil.STATUS_ZOMBIE:
                left.append(f"{proc.pid}: {' '.join(proc.cmdline())}")
                proc.kill()
        except psutil.Error:
            pass
    if left:
        pytest.fail(f"kill-session left {left} running", pytrace=False)


def test_open_in_a_real_terminal_walks_cycles_with_keys(tmux_session: str, tmp_path: Path) -> None:
    # COLUMNS/LINES inherited from the test runner would override the pane's
    # real size: the app must find the size from the terminal.
    command = ["env", "-u", "COLUMNS", "-u", "LINES", sys.executable, "-m", "tui", "open", "--no-follow",
               str(SAMPLE)]
    env = {"TERM": "xterm-256color", "COLUMNS": "120", "LINES": "40"}
    _tmux("new-session", "-d", "-s", tmux_session, "-x", "120", "-y", "40",
          "-e", f"TERM={env['TERM']}", " ".join(f"'{c}'" for c in command))
    _tmux("resize-window", "-t", tmux_session, "-x", "120", "-y", "40")
    _wait_for(tmux_session, "gc 307")
    # The loaded file is shown before its follower reads the end: wait for it.
    screen = _wait_for(tmux_session, "ended")
    assert "307 cycles" in screen and "gc 307" in screen
    _tmux("send-keys", "-t", tmux_session, "k", "k")
    screen = _wait_for(tmux_session, "gc 305")
    assert "paused" in screen
    _tmux("send-keys", "-t", tmux_session, ":")
    _wait_for(tmux_session, "Jump to cycle")
    _tmux("send-keys", "-t", tmux_session, "42", "Enter")
    _wait_for(tmux_session, "gc 42")
    _tmux("send-keys", "-t", tmux_session, "?")
    _wait_for(tmux_session, "Go's collector runs in cycles")
    _tmux("send-keys", "-t", tmux_session, "End")  # the help scrolls to its field table
    _wait_for(tmux_session, "Numbers gctui derives")
    _tmux("send-keys", "-t", tmux_session, "Escape")
    time.sleep(0.5)
    _tmux("send-keys", "-t", tmux_session, "q")
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        alive = subprocess.run(["tmux", "has-session", "-t", tmux_session], capture_output=True)
        if alive.returncode != 0 or "gc 42" not in _screen(tmux_session):
            break
        time.sleep(0.2)
    else:
        raise AssertionError("q did not quit:\n" + _screen(tmux_session))


def test_a_pipe_brings_the_log_and_the_terminal_brings_the_keys(tmux_session: str) -> None:
    """`kubectl logs -f pod | gctui -`: stdin is the log, so keys must come
    from the terminal itself."""
    shell = f"cat '{SAMPLE}' | env -u COLUMNS -u LINES '{sys.executable}' -m tui -"
    _tmux("new-session", "-d", "-s", tmux_session, "-x", "120", "-y", "40",
          "-e", "TERM=xterm-256color", shell)
    _tmux("resize-window", "-t", tmux_session, "-x", "120", "-y", "40")
    _wait_for(tmux_session, "gc 307")
    _tmux("send-keys", "-t", tmux_session, "g")
    screen = _wait_for(tmux_session, "gc 1 ")
    assert "paused" in screen
    _tmux("send-keys", "-t", tmux_session, "q")


def test_kill_session_ends_the_app(tmux_session: str) -> None:
    """The way the leaked copies were made: the app open on a finished file,
    its terminal killed under it. The fixture's teardown kills the session
    and fails if anything of it is still running 3 s later."""
    command = ["env", "-u", "COLUMNS", "-u", "LINES", sys.executable, "-m", "tui", "open", "--no-follow",
               str(SAMPLE)]
    _tmux("new-session", "-d", "-s", tmux_session, "-x", "120", "-y", "40",
          "-e", "TERM=xterm-256color", " ".join(f"'{c}'" for c in command))
    _wait_for(tmux_session, "gc 307")
