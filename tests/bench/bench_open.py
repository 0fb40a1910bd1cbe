#!/usr/bin/env python3
"""Opening and following benchmark: how soon a user sees cycles, and what
following costs.

    python tests/bench/bench_open.py [--big FILE] [--small FILE] [--skip-full]

1. **First screen**: a fresh ``python`` process imports gctui, makes a
   :class:`~tui.ingest.wholefile.WholeFile` and builds the tail model; timed from the
   process start (interpreter start-up included) for the 1 GiB and 1 MiB logs.
2. **Full load**: :meth:`~tui.ingest.wholefile.WholeFile.parse` on the 1 GiB log in
   another process: wall, CPU (with its workers), when each range arrived,
   the model build after the parse, peak RSS.
3. **Quiet file**: CPU a :class:`FileSource` burns following a file nobody
   writes, for ``--quiet-s`` seconds (target under 1% of one core).
4. **Latency**: a writer process appends realistic lines at ``--rate``
   lines/s for ``--seconds`` s, each gc line's ``@T`` being its write time
   on the system's monotonic clock; a FileSource and a Feeder in this
   process note when each cycle reached the model. p50/p99/max (target
   under 250 ms), lost cycles, CPU, peak RSS.

The logs come from ``gen_log.py`` (generated when missing). Every run reads
from the page cache (the file is read once first): a cold disk adds its
read time to the full load, not to the first screen, which reads 6 MiB.
Run by hand; not part of the test suite.
"""

from __future__ import annotations

import argparse
import json
import os
import queue
import random
import re
import resource
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

import bench_parse  # noqa: E402  (machine(), ensure_log(), warm_page_cache())
import gen_log  # noqa: E402

GC_LINE = (
    "gc {n} @{t:.3f}s 2%: 0.018+{mark}+0.006 ms clock, 0.14+0.42/3.4/8.1+0.048 ms cpu, "
    "{h0}->{h1}->{h2} MB, {goal} MB goal, 1 MB stacks, 2 MB globals, 8 P\n"
)
SCHED_LINE = (
    "SCHED {ms}ms: gomaxprocs=8 idleprocs=5 threads=14 spinningthreads=1 idlethreads=4 "
    "runqueue=0 [0 1 0 0 2 0 0 0]\n"
)
_FIRST_T = re.compile(rb"^gc \d+ @(\d+\.\d+)s", re.M)
OUTPUT_LINE = "2026/11/21 10:00:00 handled request id={n} method=GET path=/api/v1/users/{n} status=200 dur=1.2ms\n"


def _rss_mib() -> float:
    """Peak resident memory of this process so far."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _rss_now_mib() -> float:
    return psutil.Process().memory_info().rss / (1 << 20)


# -- child processes ---------------------------------------------------------------


def child_tail(path: str) -> None:
    """In a fresh process: import, make the loader, build the tail model."""
    t0 = time.perf_counter()
    from tui.ingest.inputs import open_input
    from tui.ingest.wholefile import WholeFile
    from tui.model import Model

    t1 = time.perf_counter()
    with open_input(path) as log:
        assert log.fd is not None
        whole = WholeFile(log.fd, path)
        model = Model()
        model.apply_bulk(whole.tail())
        t2 = time.perf_counter()
        print(json.dumps({"import_s": t1 - t0, "tail_s": t2 - t1, "cycles": len(model.cycles),
                          "bytes": min(whole.end_offset, 6 << 20)}), flush=True)


class _Family:
    """CPU and peak RSS of this process and every descendant, sampled: the
    pool's workers are children of the forkserver, so getrusage never sees
    them (up to one sampling period of a worker's CPU can be missed)."""

    def __init__(self, period_s: float = 0.2) -> None:
        self.cpu: dict[int, float] = {}
        self.rss: dict[int, float] = {}
        t = psutil.Process().cpu_times()
        self._before = t.user + t.system  # start-up and imports are not the load
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._sample, args=(period_s,), daemon=True)
        self._thread.start()

    def _sample(self, period_s: float) -> None:
        me = psutil.Process()
        while not self._stop.is_set():
            for p in [me, *me.children(recursive=True)]:
                try:
                    t, m = p.cpu_times(), p.memory_info()
                except psutil.Error:
                    continue
                self.cpu[p.pid] = t.user + t.system
                self.rss[p.pid] = max(self.rss.get(p.pid, 0.0), m.rss / (1 << 20))
            self._stop.wait(period_s)

    def close(self) -> tuple[float, float]:
        """(CPU seconds of all, largest RSS of a descendant in MiB)."""
        self._stop.set()
        self._thread.join()
        me = os.getpid()
        return sum(self.cpu.values()) - self._before, max((v for k, v in self.rss.items() if k != me), default=0.0)


def child_full(path: str, workers: int, compare: bool) -> None:
    """In a fresh process: the whole file, with progress times; or, with
    ``compare``, what ``gctui report`` reads it with (:func:`tui.ingest.runner.load`)."""
    from tui.ingest.inputs import open_input
    from tui.ingest.wholefile import WholeFile
    from tui.model import Model

    steps: list[tuple[float, int, int]] = []
    family = _Family()
    start = time.perf_counter()
    if compare:
        from tui.ingest.runner import load

        model = load(path)
        steps.append((time.perf_counter() - start, 1, 1))
    else:
        with open_input(path) as log:
            assert log.fd is not None
            whole = WholeFile(log.fd, path, workers=workers)
            result = whole.parse(progress=lambda d, t: steps.append((time.perf_counter() - start, d, t)))
            model = Model()
            model.apply_bulk(result)
    wall = time.perf_counter() - start
    cpu, worker_rss = family.close()
    print(json.dumps({
        "wall_s": wall, "cpu_s": cpu, "steps": steps, "cycles": len(model.cycles), "lines": model.lines,
        "maxrss_mib": _rss_mib(), "worker_rss_mib": worker_rss,
    }), flush=True)


def child_writer(path: str, rate: int, seconds: float, epoch: float) -> None:
    """Append ``rate`` lines/s for ``seconds``: ~85% gc, the rest SCHED and
    program output, in 10 ms batches; ``@T`` is monotonic time - ``epoch``."""
    rnd = random.Random(1)
    fd = os.open(path, os.O_WRONLY | os.O_APPEND)
    per_batch = rate // 100
    n = sched = 0
    start = time.monotonic()
    batch = 0
    while True:
        due = start + batch * 0.01
        now = time.monotonic()
        if due - start >= seconds:
            break
        if due > now:
            time.sleep(due - now)
        t = time.monotonic() - epoch
        lines = []
        for i in range(per_batch):
            r = rnd.random()
            if r < 0.85:
                n += 1
                h2 = rnd.randint(40, 60)
                lines.append(GC_LINE.format(n=n, t=t, mark=rnd.choice(("1.9", "2.4", "11", "0.87")),
                                            h0=h2 * 2 - 3, h1=h2 * 2, h2=h2, goal=h2 * 2 + 2))
            elif r < 0.92:
                sched += 1
                lines.append(SCHED_LINE.format(ms=sched * 1000))
            else:
                lines.append(OUTPUT_LINE.format(n=n * 10 + i))
        os.write(fd, "".join(lines).encode())
        batch += 1
    os.close(fd)
    print(json.dumps({"gc": n, "lines": batch * per_batch}), flush=True)


# -- the measurements ------------------------------------------------------------------


def first_screen(path: Path) -> dict:
    start = time.perf_counter()
    out = subprocess.run([sys.executable, __file__, "--child-tail", str(path)],
                         capture_output=True, text=True, check=True)
    result = json.loads(out.stdout)
    result["process_s"] = time.perf_counter() - start
    return result


def full_load(path: Path, workers: int, compare: bool = False) -> dict:
    argv = [sys.executable, __file__, "--child-full", str(path), "--workers", str(workers)]
    out = subprocess.run(argv + (["--compare"] if compare else []), capture_output=True, text=True, check=True)
    return json.loads(out.stdout)


def quiet_cpu(seconds: float) -> dict:
    """CPU of this process (every thread, the watcher's included) while a
    FileSource follows a file nobody writes; and with no source, to compare."""
    from tui.sources.follow import FileSource

    with tempfile.TemporaryDirectory(prefix="gctui-quiet-") as tmp:
        path = Path(tmp) / "quiet.log"
        path.write_text(GC_LINE.format(n=1, t=0.0, mark="1.9", h0=4, h1=5, h2=2, goal=5))
        idle0 = time.process_time()
        time.sleep(seconds / 5)
        idle = (time.process_time() - idle0) / (seconds / 5)
        stop = threading.Event()
        items: list[object] = []
        thread = threading.Thread(target=FileSource(path).run, args=(items.append, stop))
        thread.start()
        time.sleep(0.5)  # past the start-up read
        cpu0, wall0 = time.process_time(), time.perf_counter()
        time.sleep(seconds)
        cpu, wall = time.process_time() - cpu0, time.perf_counter() - wall0
        stop.set()
        thread.join()
    return {"cpu_s": cpu, "wall_s": wall, "pct": 100 * cpu / wall, "idle_pct": 100 * idle}


def latency(rate: int, seconds: float) -> dict:
    """Write at ``rate`` lines/s from another process; time each cycle into the model."""
    from tui.ingest.feed import Feeder
    from tui.model import Model
    from tui.sources.base import Chunk
    from tui.sources.follow import FileSource

    with tempfile.TemporaryDirectory(prefix="gctui-latency-") as tmp:
        path = Path(tmp) / "live.log"
        path.write_bytes(b"")
        model = Model()
        feeder = Feeder(model)
        items: queue.Queue[tuple[float, object]] = queue.Queue()
        stop = threading.Event()

        def emit(item: object) -> None:  # stamped on arrival: the source's share of the latency
            items.put((time.monotonic(), item))

        source = threading.Thread(target=FileSource(path).run, args=(emit, stop))
        source.start()
        time.sleep(0.3)  # the watch is set up
        epoch = time.monotonic()
        rss0 = _rss_now_mib()
        cpu0 = time.process_time()
        writer = subprocess.Popen([sys.executable, __file__, "--child-writer", str(path), "--rate", str(rate),
                                   "--seconds", str(seconds), "--epoch", repr(epoch)],
                                  stdout=subprocess.PIPE, text=True)
        lat: list[float] = []
        at_source: list[float] = []  # write of a chunk's oldest gc line -> chunk emitted
        chunks = 0
        t_ms = model.cycles.cols.t_ms
        done_writing = None
        while True:
            try:
                arrived, item = items.get(timeout=0.05)
            except queue.Empty:
                item = None
            if item is not None:
                if isinstance(item, Chunk):
                    chunks += 1
                    first = _FIRST_T.search(item.data)
                    if first:
                        at_source.append(arrived - epoch - float(first.group(1)))
                before = len(model.cycles)
                feeder.feed(item)
                now = time.monotonic() - epoch
                lat.extend(now - t_ms[i] / 1000 for i in range(before, len(model.cycles)))
            if done_writing is None and writer.poll() is not None:
                done_writing = time.monotonic()
            if done_writing is not None and time.monotonic() - done_writing > 1.0 and items.empty():
                break
        stop.set()
        source.join()
        cpu = time.process_time() - cpu0
        wrote = json.loads(writer.stdout.read())  # type: ignore[union-attr]
    lat.sort()
    at_source.sort()

    def pct(values: list[float], p: float) -> float:
        return values[min(len(values) - 1, int(p * len(values)))] * 1000

    return {"gc_written": wrote["gc"], "lines_written": wrote["lines"], "cycles": len(lat),
            "lines": model.lines, "chunks": chunks, "p50_ms": pct(lat, 0.50), "p95_ms": pct(lat, 0.95), "p99_ms": pct(lat, 0.99),
            "max_ms": lat[-1] * 1000, "rss_after_mib": _rss_now_mib(), "source_p50_ms": pct(at_source, 0.5),
            "source_p99_ms": pct(at_source, 0.99), "source_max_ms": at_source[-1] * 1000, "cpu_pct": 100 * cpu / (seconds + 1), "rss_before_mib": rss0,
            "maxrss_mib": _rss_mib(), "store_mib": model.cycles.nbytes() / (1 << 20)}


# -- main ------------------------------------------------------------------------------------


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--big", type=Path, default=bench_parse.OUT_DIR / "gctrace_1G.log")
    ap.add_argument("--small", type=Path, default=bench_parse.OUT_DIR / "gctrace_1M.log")
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--rate", type=int, default=20_000, help="lines/s for the latency run")
    ap.add_argument("--seconds", type=float, default=10.0, help="length of the latency run")
    ap.add_argument("--quiet-s", type=float, default=10.0, help="length of the quiet-file run")
    ap.add_argument("--skip-full", action="store_true", help="skip the full load of --big")
    ap.add_argument("--compare", action="store_true",
                    help="also time tui.ingest.runner.load (what gctui report reads with) on --big, for reference")
    ap.add_argument("--child-tail", help=argparse.SUPPRESS)
    ap.add_argument("--child-full", help=argparse.SUPPRESS)
    ap.add_argument("--child-writer", help=argparse.SUPPRESS)
    ap.add_argument("--epoch", type=float, help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    if args.child_tail:
        child_tail(args.child_tail)
        return 0
    if args.child_full:
        child_full(args.child_full, args.workers, args.compare)
        return 0
    if args.child_writer:
        child_writer(args.child_writer, args.rate, args.seconds, args.epoch)
        return 0

    print(bench_parse.machine())
    for path, label in ((args.big, "1G"), (args.small, "1M")):
        if not path.exists():
            bench_parse.ensure_log(path, gen_log.parse_size(label), gen_log.DEFAULT_SEED)
        bench_parse.warm_page_cache(path)

    print("\nfirst screen (a fresh process: start-up + import + loader + tail model)")
    for path in (args.big, args.small):
        r = first_screen(path)
        print(f"  {path.name:<22} {path.stat().st_size / (1 << 20):>8,.0f} MiB: {r['process_s']:.2f} s "
              f"from process start (import {r['import_s']:.2f} s, tail {r['tail_s']:.2f} s: "
              f"{r['cycles']:,} cycles from {r['bytes'] / (1 << 20):.1f} MiB)", flush=True)

    print(f"\nquiet file: a FileSource following a file nobody writes, {args.quiet_s:.0f} s")
    q = quiet_cpu(args.quiet_s)
    print(f"  {q['cpu_s'] * 1000:.1f} ms CPU in {q['wall_s']:.1f} s = {q['pct']:.3f}% of one core "
          f"(target < 1%; this process idle without it: {q['idle_pct']:.3f}%)", flush=True)

    print(f"\nlatency: {args.rate:,} lines/s appended for {args.seconds:.0f} s by another process")
    lat = latency(args.rate, args.seconds)
    print(f"  write -> model: p50 {lat['p50_ms']:.1f} ms, p99 {lat['p99_ms']:.1f} ms, max {lat['max_ms']:.1f} ms "
          f"(target < 250 ms)")
    print(f"  of which write -> chunk emitted by the FileSource (a chunk's oldest gc line): "
          f"p50 {lat['source_p50_ms']:.1f} ms, p99 {lat['source_p99_ms']:.1f} ms, max {lat['source_max_ms']:.1f} ms")
    print(f"  cycles in the model {lat['cycles']:,} of {lat['gc_written']:,} written; lines "
          f"{lat['lines']:,} of {lat['lines_written']:,}; {lat['chunks']:,} chunks")
    print(f"  this process: {lat['cpu_pct']:.0f}% of one core; RSS {lat['rss_before_mib']:.0f} MiB before, "
          f"{lat['rss_after_mib']:.0f} MiB after (peak so far {lat['maxrss_mib']:.0f} MiB, from reading the "
          f"logs into the page cache); cycle store {lat['store_mib']:.1f} MiB", flush=True)

    runs = [] if args.skip_full else [False] + ([True] if args.compare else [])
    for compare in runs:
        what = "tui.ingest.runner.load" if compare else "WholeFile.parse + Model.apply_bulk"
        print(f"\nfull load of {args.big.name} ({what}, workers={args.workers})", flush=True)
        print(f"  load average before: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
        f = full_load(args.big, args.workers, compare)
        parsed_at = f["steps"][-1][0]
        print(f"  {f['wall_s']:.1f} s wall ({parsed_at:.1f} s parse, {f['wall_s'] - parsed_at:.1f} s model build), "
              f"{f['cpu_s']:.1f} s CPU (all processes); {f['cycles']:,} cycles, {f['lines']:,} lines")
        if not compare:
            print("  progress: " + ", ".join(f"{d / t:.0%}@{s:.1f}s" for s, d, t in f["steps"]))
        print(f"  peak RSS {f['maxrss_mib']:,.0f} MiB (largest worker {f['worker_rss_mib']:,.0f} MiB)", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
