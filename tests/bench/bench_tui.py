"""The app with a million cycles: key-press latency, redraw cost, and frame
time while following a source that adds thousands of cycles a second.

    python tests/bench/bench_tui.py [--cycles 1000000] [--rate 5000] [--seconds 10]

Run by hand and reported (issue 5's closing note, tests/bench/README.md);
never asserted in the test suite. Times are wall clock on this machine:

* key: the key's action (selection move, model copy into every widget under
  the lock) plus a full render of the screen: what stands between a key and
  the new picture, without Pilot's own waits;
* redraw: ``MainScreen.redraw`` alone (the model lock held, widgets' show);
* frame: a full render of the screen by the compositor (every visible line
  of every widget), what a terminal refresh costs;
* pilot: Pilot's press-to-idle time, with its fixed waits, for comparison
  with the same keys on a 307-cycle model (``pilot-small``);
* follow: redraw + frame per refresh tick while a thread appends cycles
  under the model lock at ``--rate`` cycles per second.
"""

from __future__ import annotations

import argparse
import asyncio
import platform
import statistics
import sys
import threading
import time
from array import array
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from parsers.columns import COLUMNS, GCColumns  # noqa: E402
from parsers.stream import parse_bytes  # noqa: E402
from tui.ui.app import GCTuiApp  # noqa: E402
from tui.model import Model  # noqa: E402
from tui.ui.screens.main import MainScreen  # noqa: E402
from tui.ingest.runner import Runner  # noqa: E402

SAMPLE = ROOT / "tests" / "data" / "samples" / "go1.19" / "gctrace1_schedtrace200.stderr.txt"


def big_columns(count: int, start_n: int = 1, start_ms: int = 0) -> GCColumns:
    """``count`` cycles made by repeating a real capture's rows, renumbered
    and re-timed so the run reads as one long program."""
    events, _ = parse_bytes(SAMPLE.read_bytes())
    base = Model()
    base.apply(events)
    src = base.cycles.cols
    k = len(src)
    out = GCColumns()
    reps, extra = divmod(count, k)
    for name in COLUMNS:
        col = getattr(src, name)
        target = getattr(out, name)
        target.extend(col * reps)
        target.extend(col[:extra])
    out.n = array(out.n.typecode, range(start_n, start_n + count))
    out.t_ms = array(out.t_ms.typecode, range(start_ms, start_ms + 7 * count, 7))
    out.segment = array(out.segment.typecode, bytes(out.segment.itemsize * count))
    out.line_no = array(out.line_no.typecode, range(1, count + 1))
    return out


class Idle:
    description = "benchmark"

    def __init__(self, rate: int = 0, seconds: float = 0, session: list[Runner] | None = None) -> None:
        self.rate, self.seconds, self.session = rate, seconds, session

    def run(self, emit, stop: threading.Event) -> None:  # type: ignore[no-untyped-def]
        if not self.rate or not self.session:
            stop.wait()
            return
        session = self.session[0]
        store = session.model.cycles
        batch = max(1, self.rate // 50)
        end = time.monotonic() + self.seconds
        while time.monotonic() < end and not stop.is_set():
            with session.lock:
                n, t = store.cols.n[-1] + 1, store.cols.t_ms[-1] + 1
                store.extend(big_columns(batch, n, t))
                session.model.version += 1
            time.sleep(0.02)
        stop.wait()


def make_session(cycles: int, rate: int = 0, seconds: float = 0) -> Runner:
    holder: list[Runner] = []
    session = Runner(Idle(rate, seconds, holder), kind="process")
    session.model.cycles.extend(big_columns(cycles))
    session.model.lines = cycles
    holder.append(session)
    return session


def _stats(name: str, values: list[float]) -> str:
    values = sorted(v * 1000 for v in values)
    p95 = values[min(len(values) - 1, int(len(values) * 0.95))]
    return (f"{name:8} n={len(values):4}  p50 {statistics.median(values):6.1f} ms  "
            f"p95 {p95:6.1f} ms  max {values[-1]:6.1f} ms")


async def keys(cycles: int) -> None:
    t0 = time.perf_counter()
    session = make_session(cycles)
    print(f"built {cycles:,} cycles in {time.perf_counter() - t0:.1f} s "
          f"({session.model.cycles.nbytes() / cycles:.0f} bytes/cycle)")
    app = GCTuiApp(session)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause(0.5)
        screen = app.screen
        assert isinstance(screen, MainScreen)
        timings: dict[str, list[float]] = {"key": [], "redraw": [], "frame": [], "pilot": []}
        plan = [("k", "move(-1)")] * 100 + [("pagedown", "page(1)")] * 20 + [("pageup", "page(-1)")] * 20
        plan += [("g", "first"), ("G", "last"), ("z", "zoom"), ("z", "zoom")] * 10 + [("j", "move(1)")] * 50
        per_key: dict[str, list[float]] = {}
        for key, action in plan:
            t = time.perf_counter()
            await screen.run_action(action)
            screen._compositor.render_update(full=True)
            timings["key"].append(time.perf_counter() - t)
            per_key.setdefault(key, []).append(time.perf_counter() - t)
            t = time.perf_counter()
            await pilot.press(key)
            timings["pilot"].append(time.perf_counter() - t)
            t = time.perf_counter()
            screen.redraw(True)
            timings["redraw"].append(time.perf_counter() - t)
            t = time.perf_counter()
            screen._compositor.render_update(full=True)
            timings["frame"].append(time.perf_counter() - t)
        for name, values in timings.items():
            print(_stats(name, values))
        for key, values in per_key.items():
            print(_stats(f"  {key}", values))
        session.close()
    small = make_session(307)
    app = GCTuiApp(small)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause(0.5)
        values = []
        for key, _ in plan:
            t = time.perf_counter()
            await pilot.press(key)
            values.append(time.perf_counter() - t)
        print(_stats("pilot-small", values))
        small.close()


async def follow(cycles: int, rate: int, seconds: float) -> None:
    session = make_session(cycles, rate, seconds)
    app = GCTuiApp(session)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause(0.3)
        screen = app.screen
        assert isinstance(screen, MainScreen)
        frames: list[float] = []
        before = len(session.model.cycles)
        end = time.monotonic() + seconds
        while time.monotonic() < end:
            t = time.perf_counter()
            screen.redraw()
            screen._compositor.render_update(full=True)
            frames.append(time.perf_counter() - t)
            await pilot.pause(0.1)
        added = len(session.model.cycles) - before
        print(f"following: {added:,} cycles added in {seconds:.0f} s ({added / seconds:,.0f}/s), "
              f"selection on gc {session.model.cycles.cols.n[screen.cursor.selected or 0]:,} "
              f"of {session.model.cycles.cols.n[-1]:,}")
        print(_stats("follow", frames))
        session.close()


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--cycles", type=int, default=1_000_000)
    ap.add_argument("--rate", type=int, default=5000, help="cycles per second added while following")
    ap.add_argument("--seconds", type=float, default=10.0)
    args = ap.parse_args()
    print(f"{platform.processor() or platform.machine()}, {platform.python_implementation()} "
          f"{platform.python_version()}, 120x40")
    asyncio.run(keys(args.cycles))
    asyncio.run(follow(args.cycles, args.rate, args.seconds))


if __name__ == "__main__":
    main()
