"""Chaos: gctui in every mode, ended every way, at a random moment.

Each of the 20 rounds is one (mode, way of ending) pair, in a shuffled
order, with the end sent at a random moment once gctui is running: a Go
program under `gctui run` in a GC storm, a big file that may still be
showing its tail, starting its workers or building its model, the demo, a
log from a pipe, headless `run --report`; SIGINT, SIGTERM, SIGHUP, or the
terminal closed under it. After every round no process of gctui's tree may
be left 3 s later and nothing may have printed a traceback.

The seed is printed; GCTUI_CHAOS_SEED replays a failing order and timing.
"""

from __future__ import annotations

import itertools
import os
import random
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from ptyrun import ENDS, GCTUI, PtyRun, gctui_env

SAMPLE = Path(__file__).parent / "data" / "samples" / "go1.19" / "gctrace1_schedtrace200.stderr.txt"
MODES = ("storm", "load", "demo", "pipe", "headless")
LATEST_S = 2.0  # the end comes at a moment up to this long after gctui is up

pytestmark = [pytest.mark.chaos, pytest.mark.go,
              pytest.mark.skipif(sys.platform != "linux", reason="pty and /proc: Linux")]


def _launch(mode: str, hotloop: str, big_log: Path) -> tuple[PtyRun, Callable[[], int | None]]:
    """Start ``mode``; returns the run and how to find gctui's pid once it is up
    (None until then: gctui must be past its imports, or a SIGINT is only
    Python's KeyboardInterrupt before gctui has any say)."""
    if mode in ("storm", "headless"):
        report = ["--report"] if mode == "headless" else []
        run = PtyRun([*GCTUI, "run", *report, "--", hotloop, "-duration", "10m"], env=gctui_env(GOGC="10"))
        return run, lambda: run.pid if run.find(hotloop) is not None else None
    if mode == "pipe":
        shell = f"(cat '{SAMPLE}'; while sleep 0.2; do echo || break; done) | {' '.join(GCTUI)} -"
        run = PtyRun(["sh", "-c", shell])

        def piped() -> int | None:
            gctui = run.find("gctui")
            return gctui.pid if gctui is not None and "\x1b[?1049h" in run.output else None

        return run, piped
    argv = [*GCTUI, "open", str(big_log)] if mode == "load" else [*GCTUI, "demo"]
    run = PtyRun(argv)
    return run, lambda: run.pid if "\x1b[?1049h" in run.output else None


def test_every_mode_ended_every_way_at_a_random_moment(go_build: Callable[[str], Path], big_log: Path) -> None:
    seed = int(os.environ.get("GCTUI_CHAOS_SEED", time.time_ns() % 1_000_000))
    print(f"chaos seed {seed} (GCTUI_CHAOS_SEED={seed} replays it)")
    rng = random.Random(seed)
    hotloop = str(go_build("hotloop"))
    rounds = list(itertools.product(MODES, ENDS))
    rng.shuffle(rounds)
    failures: list[str] = []
    for mode, how in rounds:
        run, gctui = _launch(mode, hotloop, big_log)
        try:
            run.wait_until(lambda: gctui() is not None, 30, f"got {mode} going")
            target = gctui()
            moment = rng.uniform(0, LATEST_S)
            time.sleep(moment)
            run.end(how, target)
            left = run.survivors()
            what = f"{mode} ended by {how} {moment:.2f} s in"
            if left:
                failures.append(f"{what}: still running 3 s later:\n  " + "\n  ".join(left))
            if "Traceback" in run.output:
                failures.append(f"{what}: a traceback:\n{run.output[run.output.index('Traceback'):][:2000]}")
        finally:
            run.cleanup()
    assert not failures, f"seed {seed}:\n" + "\n".join(failures)
