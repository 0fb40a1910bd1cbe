#!/usr/bin/env python3
"""Write a deterministic, realistic ``GODEBUG=gctrace=1,schedtrace=N`` log.

The log is what one long-running Go 1.19 server with GOMAXPROCS=8 would leave
on stderr: ``gc`` lines exactly as ``runtime.gcMarkTermination`` prints them
(go1.18+ shape, with stacks and globals), about one ``SCHED`` summary line and
one line of the program's own ``log`` output per ten gc lines, all in time
order. Heap sizes follow a story told in regimes: steady state, a slow grow
(a cache filling up), a release (the cache dropped), and GC storms (a
GOMEMLIMIT squeeze: goal just above the live heap, back-to-back cycles, heavy
mark assists). Every run with the same seed and size writes the same bytes.

Usage::

    python tests/bench/gen_log.py OUT --size 1G [--seed N]

Sizes take binary suffixes (``1G`` is 1 GiB = 1073741824 bytes); the file is
cut at the last whole line that fits. The line counts are printed and written
next to the file as ``OUT.counts.json``.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import math
import os
import random
import sys
import time
from pathlib import Path

# Bump when the output for a given seed and size changes, so that benchmarks
# regenerate stale files instead of comparing against old counts.
GENERATOR_VERSION = 2
DEFAULT_SEED = 20261121

GOMAXPROCS = 8
GOGC = 100
GLOBALS_MB = 2
# The program's log.LstdFlags clock at process start.
WALL_START = dt.datetime(2026, 11, 21, 10, 0, 0)

_UNITS = {"": 1, "K": 1 << 10, "M": 1 << 20, "G": 1 << 30, "T": 1 << 40}


def parse_size(text: str) -> int:
    """Bytes for ``1G``, ``100M``, ``512K``, ``1.5G`` or a plain byte count."""
    s = text.strip().upper()
    for suffix in ("IB", "B"):
        if s.endswith(suffix) and len(s) > len(suffix):
            s = s[: -len(suffix)]
            break
    unit = s[-1] if s and s[-1] in _UNITS else ""
    number = s[:-1] if unit else s
    try:
        value = int(float(number) * _UNITS[unit])
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a size: {text!r}") from None
    if value <= 0:
        raise argparse.ArgumentTypeError(f"size must be positive: {text!r}")
    return value


def size_label(nbytes: int) -> str:
    """``1G`` for 1 GiB, ``100M`` for 100 MiB; plain bytes when not round."""
    for unit in ("T", "G", "M", "K"):
        if nbytes % _UNITS[unit] == 0:
            return f"{nbytes // _UNITS[unit]}{unit}"
    return str(nbytes)


def fmt_us_as_ms(us: int) -> str:
    """The runtime's ``fmtNSAsMS`` for a duration already truncated to µs.

    At least 10 ms prints whole (truncated) milliseconds; below that two
    significant digits, truncated, with at most three decimals: ``0.0dd``,
    ``0.dd``, ``d.d``; zero prints ``0``.
    """
    if us >= 10_000:
        return str(us // 1000)
    if us == 0:
        return "0"
    x, dec = us, 3
    while x >= 100:
        x //= 10
        dec -= 1
    digits = str(x).rjust(dec + 1, "0")  # itoaDiv pads with leading zeros
    return f"{digits[:-dec]}.{digits[-dec:]}"


# Every duration below 10 ms, indexed by µs, so the hot loop does a lookup.
_DUR_US = [fmt_us_as_ms(us) for us in range(10_000)]


def _regimes(rnd: random.Random):
    """Yield (name, cycles, target, alloc rate in MB per µs) forever.

    ``target`` is the live heap the regime heads for (MB); growing regimes
    reach it over their whole length, releases within a few cycles. The
    program has a home size (its working set without the cache) that
    releases fall back to, so the heap wanders between tens of MB and a few
    GB instead of drifting off.
    """
    home = 150.0 + 250.0 * rnd.random()
    base = home
    rate = (300 + 700 * rnd.random()) / 1e6
    yield "growing", 30, base, rate  # start-up: the heap fills from nothing
    yield "steady", 300, base, rate
    while True:
        pick = rnd.random()
        rate = (300 + 5_700 * rnd.random()) / 1e6  # 300-6000 MB/s
        if pick < 0.50:
            yield "steady", rnd.randint(2_000, 30_000), base, rate
        elif pick < 0.72:
            base = min(base * (1.5 + 2.5 * rnd.random()), 6_000.0)
            yield "growing", rnd.randint(1_000, 12_000), base, rate
        elif pick < 0.90:
            base = home * (0.4 + 0.8 * rnd.random())
            yield "release", rnd.randint(5, 60), base, rate
        else:
            # A memory limit squeeze: live heap stays put, goal hugs it.
            yield "storm", rnd.randint(100, 3_000), base, rate
            # Afterwards the program sheds load and the live heap drops.
            base = max(base * (0.5 + 0.3 * rnd.random()), home * 0.5)
            yield "release", rnd.randint(5, 40), base, rate


def _sched_runqueues(rnd: random.Random, n: int) -> list[str]:
    """A pool of per-P local run queue lists, ``[0 0 1 0 0 0 2 0]``."""
    pool = []
    for _ in range(n):
        qs = []
        for _ in range(GOMAXPROCS):
            r = rnd.random()
            qs.append(0 if r < 0.7 else 1 if r < 0.85 else rnd.randint(2, 9))
        pool.append("[" + " ".join(map(str, qs)) + "]")
    return pool


_OCTAVES = 15  # live heaps up to 16 GiB; larger ones reuse the top octave
_MARK_VARIANTS = 256  # per octave and storm flag
_STW_VARIANTS = 1024


def _stw_pool(rnd: random.Random, base_us: int, spread_us: int, outlier_p: float,
              outlier_us: int) -> list[tuple[str, str, int, int]]:
    """Pre-formatted stop-the-world phases: (clock, cpu, wall µs, cpu µs).

    Mostly a few to tens of µs, skewed; now and then a long one (a goroutine
    slow to reach a safe point). The runtime charges an STW phase its wall
    time times GOMAXPROCS.
    """
    d = fmt_us_as_ms
    pool = []
    for _ in range(_STW_VARIANTS):
        r = rnd.random
        wall = base_us + int(spread_us * r() * r() * r())
        if r() < outlier_p:
            wall += int(outlier_us * r())
        cpu = wall * GOMAXPROCS
        pool.append((d(wall), d(cpu), wall, cpu))
    return pool


def _mark_pool(rnd: random.Random) -> list[list[tuple[str, str, int, int]]]:
    """Pre-formatted concurrent mark phases, indexed by ``octave * 2 + storm``.

    Each entry is (clock, ``assist/background/idle`` cpu, wall µs, GC CPU µs
    without idle marking, which is what the runtime counts towards the
    cumulative percentage). ``octave`` is ``int(live_mb).bit_length()``: mark
    time grows with the live heap. The hot loop combines one entry with a
    sweep termination and a mark termination from their own pools, so the
    clock and cpu sections of consecutive lines rarely repeat.
    """
    P = GOMAXPROCS
    quarter = P // 4  # dedicated mark workers: 25% of GOMAXPROCS
    d = fmt_us_as_ms
    pool: list[list[tuple[str, str, int, int]]] = []
    for octave in range(_OCTAVES):
        for storm in (False, True):
            variants = []
            lo = 2 ** (octave - 1) if octave else 0.5
            for _ in range(_MARK_VARIANTS):
                r = rnd.random
                live = lo * (1 + r())
                mark = 150 + int(live * (12.0 + 25.0 * r()))
                if storm:
                    mark += mark // 2
                bg = int(mark * quarter * (0.9 + 0.1 * r()))
                if storm:  # the mutators pay for marking themselves
                    assist = int(mark * quarter * (0.5 + 1.5 * r()))
                    idle = 0
                else:
                    assist = 0 if r() < 0.3 else int(mark * 0.3 * r() * r())
                    idle = 0 if r() < 0.2 else int(mark * (P - quarter) * 0.5 * r() * r())
                variants.append((d(mark), f"{d(assist)}/{d(bg)}/{d(idle)}", mark, assist + bg))
            pool.append(variants)
    return pool


def generate(path: str | os.PathLike, size: int, seed: int = DEFAULT_SEED) -> dict:
    """Write the log to ``path`` (via a temporary file) and return its counts."""
    path = Path(path)
    rnd = random.Random(seed)
    r = rnd.random
    P = GOMAXPROCS
    runqueues = _sched_runqueues(rnd, 1024)
    nrq = len(runqueues)
    sweep_terms = _stw_pool(rnd, 6, 50, 0.003, 3_000)
    mark_terms = _stw_pool(rnd, 1, 80, 0.002, 1_500)
    marks = _mark_pool(rnd)
    top_octave = _OCTAVES - 1
    nmark = _MARK_VARIANTS
    nstw = _STW_VARIANTS
    methods = ("GET", "GET", "GET", "POST", "PUT", "DELETE")
    resources = ("orders", "users", "items", "carts", "sessions", "invoices")
    req_durs = _DUR_US

    n_gc = n_sched = n_out = n_forced = 0
    written = 0
    buf: list[str] = []
    append = buf.append
    chunk_lines = 20_000

    regimes = _regimes(rnd)
    regime, left, target, rate = "", 0, 0.0, 1.0  # the loop starts the first regime
    grow_step = trend = 1.0
    storm = False

    t_us = 0  # start of the current cycle, µs since process start
    t_end = 0  # end of the previous cycle (when its gc line was printed)
    live = 0.5  # marked live heap after the previous cycle, MB
    prev_h2 = 0.5
    stacks_now = 1.5
    stacks_max = 1  # go1.19 prints the largest stack size seen so far
    tail = f" MB goal, {stacks_max} MB stacks, {GLOBALS_MB} MB globals, {P} P\n"
    gc_cpu_us = 0  # cumulative GC CPU (idle marking excluded), µs
    threads = 10
    req_id = 100_000
    wall_sec = -1
    wall_text = ""

    tmp = path.with_name(path.name + ".tmp")
    stop = False
    with open(tmp, "wb") as f:
        append("SCHED 0ms: gomaxprocs=8 idleprocs=5 threads=5 spinningthreads=1 "
               "idlethreads=0 runqueue=0 [0 0 0 0 0 0 0 0]\n")
        n_sched += 1
        while not stop:
            for _ in range(chunk_lines):
                # --- the story: where the live heap is heading --------------
                if left <= 0:
                    regime, left, target, rate = next(regimes)
                    storm = regime == "storm"
                    if regime == "growing":
                        trend = live
                        grow_step = math.exp(math.log(target / live) / left)
                left -= 1
                if regime == "growing":
                    trend *= grow_step
                    live_next = trend * (0.98 + 0.04 * r())
                elif regime == "release":
                    live_next = live + (target - live) * (0.3 + 0.4 * r())
                else:
                    live_next = live + (target - live) * 0.2 + target * 0.04 * (r() - 0.5)
                if live_next < 1.0:
                    live_next = 1.0 + r()

                # --- this cycle's goal (set when the previous one ended) -----
                if storm:
                    goal = live * (1.02 + 0.06 * r()) + 1.0
                else:
                    goal = live + (live + stacks_max + GLOBALS_MB) * GOGC / 100
                    if goal < 4.0:
                        goal = 4.0
                u = r()
                if u < 0.0015:  # runtime.GC(): any time, whatever the heap
                    forced = True
                    h0 = live + (goal - live) * r()
                else:
                    forced = False
                    h0 = goal * ((0.96 + 0.035 * r()) if storm else (0.82 + 0.14 * r()))
                    if h0 < live:
                        h0 = live
                # The mutator allocated h0 - prev_h2 since the previous cycle.
                gap = int((h0 - prev_h2) / rate)
                t_us = t_end + (gap if gap > 50 else 50 + int(200 * r()))

                # --- lines that landed between the previous cycle and this one
                if r() < 0.1:
                    ms = (t_end + int((t_us - t_end) * r())) // 1000
                    idle = 0 if storm else int(P * r() * r())
                    if r() < 0.002 and threads < 40:
                        threads += 1
                    spinning = 1 if r() < 0.3 else 0
                    idlethreads = threads - (P - idle) - 2
                    if idlethreads < 0:
                        idlethreads = 0
                    rq = int(60 * r()) if storm else (0 if r() < 0.6 else int(6 * r()))
                    append(f"SCHED {ms}ms: gomaxprocs={P} idleprocs={idle} threads={threads} "
                           f"spinningthreads={spinning} idlethreads={idlethreads} "
                           f"runqueue={rq} {runqueues[int(nrq * r())]}\n")
                    n_sched += 1
                    # Goroutine stacks follow the load (here: the heap) with
                    # some noise; go1.19 prints the largest size seen so far.
                    stacks_now += (2.0 + live * 0.01 - stacks_now) * 0.1 + (r() - 0.5)
                    if stacks_now >= stacks_max + 1:
                        stacks_max = int(stacks_now)
                        tail = f" MB goal, {stacks_max} MB stacks, {GLOBALS_MB} MB globals, {P} P\n"
                if r() < 0.1:
                    sec = (t_end + int((t_us - t_end) * r())) // 1_000_000
                    if sec != wall_sec:
                        wall_sec = sec
                        wall_text = (WALL_START + dt.timedelta(seconds=sec)).strftime(
                            "%Y/%m/%d %H:%M:%S")
                    pick = r()
                    req_id += 1 + int(40 * r())
                    if pick < 0.7:
                        status = 200 if r() < 0.96 else (404 if r() < 0.7 else 500)
                        append(f"{wall_text} handled request id={req_id} "
                               f"method={methods[int(6 * r())]} "
                               f"path=/api/v1/{resources[int(6 * r())]}/{int(100_000 * r())} "
                               f"status={status} bytes={int(20_000 * r())} "
                               f"dur={req_durs[int(9_000 * r() * r()) + 100]}ms\n")
                    elif pick < 0.85:
                        append(f"{wall_text} worker {int(16 * r())}: processed batch of "
                               f"{1 + int(500 * r())} jobs in {int(2_000 * r())}ms\n")
                    elif pick < 0.95:
                        append(f"{wall_text} cache: evicted {int(5_000 * r())} entries, "
                               f"{int(live * 900)} remaining ({int(live * 0.6)} MB)\n")
                    else:
                        append(f"{wall_text} conn 10.{int(256 * r())}.{int(256 * r())}."
                               f"{int(256 * r())}:{30_000 + int(30_000 * r())} closed: "
                               f"read: connection reset by peer (req id={req_id})\n")
                    n_out += 1

                # --- the cycle itself ----------------------------------------
                octave = int(live_next).bit_length()
                if octave > top_octave:
                    octave = top_octave
                s_clock, s_cpu, s_wall_us, s_cpu_us = sweep_terms[int(nstw * r())]
                m_clock, m_cpu, m_wall_us, m_cpu_us = marks[octave * 2 + storm][int(nmark * r())]
                t_clock, t_cpu, t_wall_us, t_cpu_us = mark_terms[int(nstw * r())]
                wall_us = s_wall_us + m_wall_us + t_wall_us
                t_end = t_us + wall_us
                gc_cpu_us += s_cpu_us + m_cpu_us + t_cpu_us
                # Heap at mark end: what the mutators allocated while marking.
                h1 = h0 + rate * wall_us * (0.2 + 0.5 * r())
                h2 = live_next if live_next < h1 else h1

                n_gc += 1
                ms = t_us // 1000
                append(f"gc {n_gc} @{ms // 1000}.{ms % 1000:03d}s "
                       f"{gc_cpu_us * 100 // (t_end * P)}%: "
                       f"{s_clock}+{m_clock}+{t_clock} ms clock, {s_cpu}+{m_cpu}+{t_cpu} ms cpu, "
                       f"{int(h0)}->{int(h1)}->{int(h2)} MB, {int(goal)}"
                       f"{tail[:-1] + ' (forced)' + chr(10) if forced else tail}")
                if forced:
                    n_forced += 1
                live = live_next
                prev_h2 = h2

            chunk = "".join(buf).encode("ascii")
            buf.clear()
            if written + len(chunk) <= size:
                f.write(chunk)
                written += len(chunk)
                continue
            # Last chunk: keep whole lines up to the size, and recount them.
            room = size - written
            cut = chunk.rfind(b"\n", 0, room) + 1
            for line in chunk[cut:].splitlines():
                if line.startswith(b"gc "):
                    n_gc -= 1
                    if line.endswith(b" (forced)"):
                        n_forced -= 1
                elif line.startswith(b"SCHED "):
                    n_sched -= 1
                else:
                    n_out -= 1
            f.write(chunk[:cut])
            written += cut
            stop = True
    os.replace(tmp, path)

    counts = {
        "generator_version": GENERATOR_VERSION,
        "seed": seed,
        "size_target": size,
        "bytes": written,
        "gc": n_gc,
        "sched": n_sched,
        "output": n_out,
        "lines": n_gc + n_sched + n_out,
        "forced": n_forced,
        "gomaxprocs": GOMAXPROCS,
    }
    counts_path(path).write_text(json.dumps(counts, indent=2) + "\n")
    return counts


def counts_path(path: str | os.PathLike) -> Path:
    """Where the counts for a generated log live: ``OUT.counts.json``."""
    path = Path(path)
    return path.with_name(path.name + ".counts.json")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("out", help="file to write (its counts go to OUT.counts.json)")
    ap.add_argument("--size", type=parse_size, default=parse_size("100M"),
                    help="target size with binary suffix: 1M, 100M, 1G (default 100M)")
    ap.add_argument("--seed", type=int, default=DEFAULT_SEED,
                    help=f"random seed (default {DEFAULT_SEED})")
    args = ap.parse_args(argv)

    Path(args.out).parent.mkdir(parents=True, exist_ok=True)
    start = time.perf_counter()
    counts = generate(args.out, args.size, args.seed)
    secs = time.perf_counter() - start
    mib = counts["bytes"] / (1 << 20)
    print(f"wrote {args.out}: {counts['bytes']:,} bytes in {secs:.1f} s ({mib / secs:.0f} MiB/s)")
    print(f"  gc lines     {counts['gc']:>12,}  ({counts['forced']:,} forced)")
    print(f"  SCHED lines  {counts['sched']:>12,}")
    print(f"  output lines {counts['output']:>12,}")
    print(f"  total lines  {counts['lines']:>12,}")
    print(f"  counts in {counts_path(args.out)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
