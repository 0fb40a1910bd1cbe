#!/usr/bin/env python3
"""End-to-end benchmark: ``gctui report`` and the app's full-history load
against the Go reference, with and without the compiled kernel.

    python tests/bench/bench_report.py [--size 1G] [--runs 3] [--only report,tui,go]

Per round, alternating so shared load on the machine hits every variant
alike: the Go reference (``goref``), the real ``python -m tui report LOG``
with ``GCTUI_KERNEL=1`` (the ``[fast]`` install) and ``GCTUI_KERNEL=0`` (the
plain install), and the app's load (a child process runs
``tui.ingest.runner.Runner(log=open_input(path), tail_first=True,
follow=False)`` to ``runner.done``, no screen) both ways. Each is a fresh
process, sampled every 0.1 s for its CPU and the summed RSS of it and
every descendant (the plain install's forkserver workers included): peak
RSS is that sum's maximum. The app's load also prints the model's bytes
per stored cycle. Medians of ``--runs`` rounds. Run by hand; not part of
the test suite.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import psutil

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
sys.path[:0] = [str(ROOT), str(HERE)]

import bench_parse  # noqa: E402
import gen_log  # noqa: E402


def measure(argv: list[str], env: dict[str, str] | None = None) -> dict:
    """Run ``argv``; wall seconds, CPU seconds and peak summed RSS (MiB) of
    it and its descendants, and its standard output."""
    start = time.perf_counter()
    proc = subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE, cwd=ROOT,
                            env={**os.environ, "PYTHONPATH": str(ROOT), **(env or {})})
    cpu: dict[int, float] = {}
    peak = 0.0
    out: list[bytes] = []
    reader = threading.Thread(target=lambda: out.append(proc.stdout.read()), daemon=True)  # type: ignore[union-attr]
    reader.start()
    try:
        root = psutil.Process(proc.pid)
        while proc.poll() is None:
            total = 0.0
            for p in [root, *root.children(recursive=True)]:
                try:
                    t, m = p.cpu_times(), p.memory_info()
                except psutil.Error:
                    continue
                # Own time only: a reaped worker's is also in its parent's
                # children_* times, and it was sampled while it ran.
                cpu[p.pid] = t.user + t.system
                total += m.rss
            peak = max(peak, total / (1 << 20))
            time.sleep(0.1)
    except psutil.Error:
        pass
    proc.wait()
    wall = time.perf_counter() - start
    reader.join()
    if proc.returncode != 0:
        raise SystemExit(f"{argv} failed: {proc.stderr.read().decode()[-2000:]}")  # type: ignore[union-attr]
    return {"wall_s": wall, "cpu_s": sum(cpu.values()), "peak_mib": peak, "stdout": out[0].decode()}


def child_tui(path: str) -> None:
    """In a fresh process: the app's runner over the whole file, no screen."""
    start = time.perf_counter()
    from tui.ingest.inputs import open_input
    from tui.ingest.runner import Runner

    runner = Runner(log=open_input(path), kind="file", tail_first=True, follow=False)
    first: list[float] = []

    def watch() -> None:
        while not runner.done.is_set():
            if not first and len(runner.model.cycles):
                first.append(time.perf_counter() - start)
            time.sleep(0.01)

    threading.Thread(target=watch, daemon=True).start()
    thread = threading.Thread(target=runner.run)
    thread.start()
    runner.done.wait()
    wall = time.perf_counter() - start
    thread.join()
    model = runner.model
    print(json.dumps({"done_s": wall, "first_screen_s": first[0] if first else None, "cycles": len(model.cycles),
                      "bytes_per_cycle": model.cycles.nbytes() / max(len(model.cycles), 1),
                      "failure": runner.error}))


def build_go(tmp: str) -> Path | None:
    go = shutil.which("go")
    if go is None:
        return None
    exe = Path(tmp) / "goref"
    subprocess.run([go, "build", "-o", str(exe), "."], cwd=HERE / "goref", check=True)
    return exe


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--size", default="1G")
    ap.add_argument("--path", type=Path)
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--only", default="go,report,tui")
    ap.add_argument("--child-tui", help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    if args.child_tui:
        child_tui(args.child_tui)
        return 0
    size = gen_log.parse_size(args.size)
    path = args.path or bench_parse.OUT_DIR / f"gctrace_{args.size}.log"
    if args.path is None:
        bench_parse.ensure_log(path, size, gen_log.DEFAULT_SEED)
    bench_parse.warm_page_cache(path)
    print(bench_parse.machine())
    print(f"log: {path} ({path.stat().st_size / (1 << 20):,.0f} MiB), {args.runs} rounds", flush=True)
    only = set(args.only.split(","))
    py = sys.executable
    variants: list[tuple[str, list[str], dict[str, str]]] = []
    with tempfile.TemporaryDirectory(prefix="bench-report-") as tmp:
        exe = build_go(tmp) if "go" in only else None
        if exe is not None:
            variants.append(("Go reference (goref)", [str(exe), str(path)], {}))
        for kernel, label in (("1", "[fast]"), ("0", "plain")):
            if "report" in only:
                variants.append((f"gctui report, {label}", [py, "-m", "tui", "report", str(path)],
                                 {"GCTUI_KERNEL": kernel}))
            if "tui" in only:
                variants.append((f"app full load, {label}", [py, __file__, "--child-tui", str(path)],
                                 {"GCTUI_KERNEL": kernel}))
        results: dict[str, list[dict]] = {name: [] for name, _, _ in variants}
        for r in range(args.runs):
            for name, cmd, env in variants:
                m = measure(cmd, env)
                if "--child-tui" in cmd:
                    m.update(json.loads(m["stdout"].strip().splitlines()[-1]))
                m.pop("stdout")
                results[name].append(m)
                extra = (f", done at {m['done_s']:.1f} s, first cycles at {m['first_screen_s']:.2f} s, "
                         f"{m['bytes_per_cycle']:.1f} B/cycle" if "done_s" in m else "")
                print(f"  round {r + 1} {name}: {m['wall_s']:.1f} s wall, {m['cpu_s']:.1f} s CPU, "
                      f"peak RSS {m['peak_mib']:,.0f} MiB{extra}", flush=True)
    go = results.get("Go reference (goref)")
    go_wall = statistics.median(m["wall_s"] for m in go) if go else None
    print("\n| what | wall (median) | runs | CPU (median) | peak RSS, with children (median) | vs Go wall |")
    print("|---|---:|---|---:|---:|---:|")
    for name, runs in results.items():
        wall = statistics.median(m["wall_s"] for m in runs)
        ratio = f"{wall / go_wall:.2f}x" if go_wall else "-"
        each = " / ".join(f"{m['wall_s']:.1f}" for m in runs)
        print(f"| {name} | {wall:.1f} s | {each} | "
              f"{statistics.median(m['cpu_s'] for m in runs):.1f} s | "
              f"{statistics.median(m['peak_mib'] for m in runs):,.0f} MiB | {ratio} |")
    print(f"load average after: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
