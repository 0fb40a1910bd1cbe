"""Issue 12: every way gctui ends is clean, in every state it can be in.

Each test runs the real command in a real terminal (:mod:`ptyrun`), puts it
in a state (a GC storm under `gctui run`, a big file loading in worker
processes, the findings scan of a loaded file, the demo, a log from a pipe,
headless `run --report`), ends it, and asserts that no process of the tree
taken just before the end (gctui, its forkserver and pool workers, the Go
program) is left after 3 s, and that nothing printed a traceback.
"""

from __future__ import annotations

import os
import signal
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import psutil
import pytest

from ptyrun import GCTUI, PtyRun, gctui_env, start

SAMPLE = Path(__file__).parent / "data" / "samples" / "go1.19" / "gctrace1_schedtrace200.stderr.txt"

pytestmark = pytest.mark.skipif(sys.platform != "linux", reason="pty and /proc: Linux")


@pytest.fixture
def runs() -> Iterator[list[PtyRun]]:
    """Every run a test starts is killed, with its tree, when the test ends."""
    started: list[PtyRun] = []
    yield started
    for run in started:
        run.cleanup()


@pytest.fixture
def hotloop(go_build: Callable[[str], Path]) -> str:
    return str(go_build("hotloop"))


def _started(runs: list[PtyRun], mode: str, hotloop: str, big_log: Path) -> tuple[PtyRun, int]:
    run, target = start(mode, hotloop=hotloop, big_log=str(big_log), sample=str(SAMPLE))
    runs.append(run)
    return run, target


def _assert_clean_end(run: PtyRun) -> None:
    left = run.survivors()
    assert not left, "still running 3 s after the end:\n" + "\n".join(left)
    assert "Traceback" not in run.output, run.output[-3000:]


@pytest.mark.go
@pytest.mark.parametrize("mode", ["storm", "load", "scan", "demo", "pipe"])
def test_closing_the_terminal_ends_gctui_and_all_it_started(mode: str, runs: list[PtyRun], hotloop: str,
                                                             big_log: Path) -> None:
    run, _ = _started(runs, mode, hotloop, big_log)
    tree = [p.pid for p in run.family()]
    run.end("close")
    _assert_clean_end(run)
    assert len(tree) >= {"storm": 2, "load": 4, "scan": 2, "demo": 1, "pipe": 2}[mode], tree


@pytest.mark.go
@pytest.mark.parametrize("how", ["SIGTERM", "SIGHUP", "SIGINT"])
def test_a_signal_ends_the_app_during_a_gc_storm(how: str, runs: list[PtyRun], hotloop: str,
                                                 big_log: Path) -> None:
    run, target = _started(runs, "storm", hotloop, big_log)
    run.end(how, target)
    _assert_clean_end(run)
    assert run.exit_status() == 0  # a stop the user asked for is a clean end
    assert "\x1b[?1049l" in run.output  # and the terminal got its screen back


@pytest.mark.parametrize("how", ["SIGTERM", "SIGHUP"])
def test_a_signal_during_a_big_load_terminates_the_workers(how: str, runs: list[PtyRun], hotloop: str,
                                                           big_log: Path) -> None:
    run, target = _started(runs, "load", hotloop, big_log)
    run.end(how, target)
    _assert_clean_end(run)
    assert run.exit_status() == 0


@pytest.mark.go
@pytest.mark.parametrize("how", ["SIGTERM", "SIGHUP", "SIGINT"])
def test_headless_run_report_stops_the_program_and_prints_the_report(how: str, runs: list[PtyRun],
                                                                    hotloop: str, big_log: Path) -> None:
    run, target = _started(runs, "headless", hotloop, big_log)
    program = run.find(hotloop)
    assert program is not None
    run.end(how, target)
    _assert_clean_end(run)
    assert not program.is_running()
    assert "Ended          stopped by gctui" in run.output
    assert "GC cycles" in run.output or "cycles" in run.output
    assert run.exit_status() == 0  # Ctrl-C or SIGTERM is the user's stop, not the program's failure


@pytest.mark.go
def test_headless_report_to_a_file_survives_a_closed_terminal(runs: list[PtyRun], hotloop: str,
                                                              tmp_path: Path) -> None:
    """`gctui run --report -- ./bench > report.txt` over ssh, and the link drops."""
    report, jsonl = tmp_path / "report.txt", tmp_path / "out.jsonl"
    gctui = " ".join(GCTUI)
    shell = (f"{gctui} run --report -- {hotloop} -duration 10m > {report}; "
             f"exec {gctui} run --jsonl -- {hotloop} -duration 10m > {jsonl}")
    # `exec`: the second gctui leads the session, as the first did not: the
    # shell did. Both must end on the hangup, each in its own way.
    run = PtyRun(["sh", "-c", shell], env=gctui_env(GOGC="10"))
    runs.append(run)
    run.wait_until(lambda: run.find(hotloop) is not None, 20, "started the Go program")
    time.sleep(0.5)
    run.end("close")
    _assert_clean_end(run)
    assert "Ended          stopped by gctui" in report.read_text()
    assert not jsonl.exists() or '"end"' in jsonl.read_text() or jsonl.read_text() == ""


@pytest.mark.go
def test_a_killed_gctui_takes_its_program_with_it(runs: list[PtyRun], hotloop: str, big_log: Path) -> None:
    """SIGKILL leaves gctui no time to clean up: the kernel ends the program
    (PR_SET_PDEATHSIG), so it is not left running under PID 1."""
    run, target = _started(runs, "storm", hotloop, big_log)
    program = run.find(hotloop)
    assert program is not None
    run.end("SIGKILL", target)
    psutil.wait_procs([program], timeout=3)
    assert not program.is_running() or program.status() == psutil.STATUS_ZOMBIE


def test_the_ending_restores_signal_handlers_after_a_quiet_session() -> None:
    """A front end that ended by itself leaves the process as it found it."""
    from tui.ingest.ending import Ending

    before = {sig: signal.getsignal(sig) for sig in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP)}
    r, w = os.pipe()
    try:
        with Ending(lambda: None, tty_fd=r):
            pass
    finally:
        os.close(r)
        os.close(w)
    assert {sig: signal.getsignal(sig) for sig in before} == before
