#!/usr/bin/env python3
"""Following benchmark: how late a cycle appended to a file reaches the
model, and the output of ``gctui open FILE --jsonl``.

    python tests/bench/bench_follow.py [--gc-rate 20000] [--seconds 10] [--runs 1]

A writer process (``bench_open.py --child-writer``) appends realistic lines
(85 % gc, the rest SCHED and program output) in 10 ms batches, each gc
line's ``@T`` being its write time on the system's monotonic clock (one
clock for every process on Linux), at ``--gc-rate`` gc lines a second:

1. **write -> model**: a FileSource and a Feeder in this process
   (``bench_open.latency``): when each cycle is in the model.
2. **write -> --jsonl**: the real ``python -m tui open FILE --jsonl`` in a
   child process; this process reads its standard output and notes when
   each ``gc`` record arrived (its ``t_s`` is the write time).

p50/p95/p99/max, and lost cycles (target: p95 under 250 ms, none lost).
``GCTUI_KERNEL=0`` in the environment runs without the compiled kernel.
Run by hand; not part of the test suite.
"""

from __future__ import annotations

import argparse
import json
import os
import re
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

import bench_open  # noqa: E402
import bench_parse  # noqa: E402

GC_SHARE = 0.85  # of the writer's lines
T_S = re.compile(rb'"t_s":([0-9.]+)')


def pct(values: list[float], p: float) -> float:
    """The ``p`` quantile of sorted seconds, in ms."""
    return values[min(len(values) - 1, int(p * len(values)))] * 1000 if values else float("nan")


def jsonl_latency(rate: int, seconds: float) -> dict:
    """``gctui open FILE --jsonl`` in a child; each gc record timed on arrival."""
    with tempfile.TemporaryDirectory(prefix="gctui-follow-") as tmp:
        path = Path(tmp) / "live.log"
        path.write_bytes(b"")
        env = dict(os.environ, PYTHONPATH=str(ROOT))
        gctui = subprocess.Popen([sys.executable, "-m", "tui", "open", str(path), "--jsonl"],
                                 stdout=subprocess.PIPE, cwd=ROOT, env=env)
        time.sleep(1.5)  # start-up and the watch set up
        epoch = time.monotonic()
        lat: list[float] = []
        done = threading.Event()

        def read() -> None:
            assert gctui.stdout is not None
            for line in gctui.stdout:
                now = time.monotonic() - epoch
                if line.startswith(b'{"kind":"gc"'):
                    m = T_S.search(line)  # not json.loads: this process must not steal gctui's CPU
                    if m is not None:
                        lat.append(now - float(m.group(1)))
                if done.is_set() and not line:
                    break

        reader = threading.Thread(target=read, daemon=True)
        reader.start()
        writer = subprocess.run([sys.executable, str(HERE / "bench_open.py"), "--child-writer", str(path),
                                 "--rate", str(rate), "--seconds", str(seconds), "--epoch", repr(epoch)],
                                capture_output=True, text=True, check=True)
        wrote = json.loads(writer.stdout)
        deadline = time.monotonic() + 30
        while len(lat) < wrote["gc"] and time.monotonic() < deadline:
            time.sleep(0.1)
        done.set()
        cpu = psutil.Process(gctui.pid).cpu_times()
        gctui.terminate()
        gctui.wait(10)
    lat.sort()
    return {"gc_written": wrote["gc"], "cycles": len(lat), "p50_ms": pct(lat, 0.5), "p95_ms": pct(lat, 0.95),
            "p99_ms": pct(lat, 0.99), "max_ms": pct(lat, 1.0), "cpu_s": cpu.user + cpu.system}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--gc-rate", type=int, default=20_000, help="gc lines a second")
    ap.add_argument("--seconds", type=float, default=10.0)
    ap.add_argument("--runs", type=int, default=1)
    args = ap.parse_args(argv)
    rate = round(args.gc_rate / GC_SHARE)
    print(bench_parse.machine())
    print(f"kernel: {'off' if os.environ.get('GCTUI_KERNEL') == '0' else 'on when installed'}")
    print(f"{args.gc_rate:,} gc lines/s ({rate:,} lines/s in all) for {args.seconds:.0f} s", flush=True)
    for run in range(args.runs):
        m = bench_open.latency(rate, args.seconds)
        print(f"  run {run + 1} write -> model : p50 {m['p50_ms']:.0f} ms, p95 {m['p95_ms']:.0f} ms, p99 {m['p99_ms']:.0f} ms, "
              f"max {m['max_ms']:.0f} ms; {m['cycles']:,} of {m['gc_written']:,} cycles; "
              f"{m['chunks']:,} chunks; {m['cpu_pct']:.0f}% of a core", flush=True)
        j = jsonl_latency(rate, args.seconds)
        print(f"  run {run + 1} write -> --jsonl: p50 {j['p50_ms']:.0f} ms, p95 {j['p95_ms']:.0f} ms, "
              f"p99 {j['p99_ms']:.0f} ms, max {j['max_ms']:.0f} ms; {j['cycles']:,} of {j['gc_written']:,} "
              f"cycles written; the child used {j['cpu_s']:.1f} s of CPU", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
