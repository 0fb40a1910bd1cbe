#!/usr/bin/env python3
"""Parsing benchmark: gctui's bulk parser against a plain Go reference.

    python tests/bench/bench_parse.py [--size 1G] [--path FILE] [--check]

Generates the log with ``gen_log.py`` when it is missing (into
``--out-dir``: ``$GCTUI_BENCH_OUT``, else ``gctui-bench`` in the temporary
directory, outside the repository), builds ``goref`` (bufio.Scanner + one regexp, the way
gcvis and gcscope read gctrace) and times it, best of two runs, then times
the whole-file loader (``tui.ingest.wholefile``) over the same file and prints both side by side.
Run by hand; it is not part of the test suite. See README.md in this folder.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
# A 1 GiB log has no place in a working tree: it goes to the temporary directory.
OUT_DIR = Path(os.environ.get("GCTUI_BENCH_OUT") or Path(tempfile.gettempdir()) / "gctui-bench")
sys.path[:0] = [str(ROOT), str(HERE)]

import gen_log  # noqa: E402  (needs the path set above)


@dataclass
class Run:
    """One parser's numbers over the file."""

    name: str
    lines: int | None = None
    cycles: int | None = None
    wall_s: float | None = None
    cpu_s: float | None = None  # user + sys, the process and its children
    note: str = ""
    extra: dict = field(default_factory=dict)


def _cpu_now() -> tuple[float, float]:
    """(this process, its reaped children) CPU seconds, user + sys."""
    me = resource.getrusage(resource.RUSAGE_SELF)
    kids = resource.getrusage(resource.RUSAGE_CHILDREN)
    return me.ru_utime + me.ru_stime, kids.ru_utime + kids.ru_stime


def ensure_log(path: Path, size: int, seed: int) -> dict:
    """Counts of the generated log at ``path``; (re)generate it if stale."""
    cpath = gen_log.counts_path(path)
    if path.exists() and cpath.exists():
        counts = json.loads(cpath.read_text())
        if (counts.get("generator_version") == gen_log.GENERATOR_VERSION
                and counts.get("size_target") == size and counts.get("seed") == seed):
            return counts
    path.parent.mkdir(parents=True, exist_ok=True)
    print(f"generating {path} ({gen_log.size_label(size)}, seed {seed}) ...", flush=True)
    start = time.perf_counter()
    counts = gen_log.generate(path, size, seed)
    secs = time.perf_counter() - start
    print(f"  {counts['bytes'] / (1 << 20):,.0f} MiB in {secs:.1f} s "
          f"({counts['bytes'] / (1 << 20) / secs:.0f} MiB/s)", flush=True)
    return counts


def warm_page_cache(path: Path) -> None:
    """Read the file once so that every timed run starts from the page cache."""
    with open(path, "rb", buffering=0) as f:
        while f.read(64 << 20):
            pass


def run_go(path: Path, runs: int) -> Run:
    """Build goref and time it ``runs`` times; keep the fastest run."""
    result = Run("Go reference")
    go = shutil.which("go")
    if go is None:
        result.note = "go not found on PATH; Go reference skipped"
        return result
    with tempfile.TemporaryDirectory(prefix="goref-") as tmp:
        exe = Path(tmp) / "goref"
        # The module lives in its own folder with its own go.mod (the repo
        # root has none), so build from there.
        build = subprocess.run([go, "build", "-o", str(exe), "."], cwd=HERE / "goref",
                               capture_output=True, text=True)
        if build.returncode != 0:
            result.note = f"go build failed:\n{build.stderr}"
            return result
        best = None
        for i in range(runs):
            _, kids0 = _cpu_now()
            start = time.perf_counter()
            proc = subprocess.run([str(exe), str(path)], capture_output=True, text=True)
            wall = time.perf_counter() - start
            _, kids1 = _cpu_now()
            if proc.returncode != 0:
                result.note = f"goref failed:\n{proc.stderr}"
                return result
            report = json.loads(proc.stdout)
            print(f"  Go run {i + 1}: {wall:.2f} s wall, {kids1 - kids0:.2f} s cpu, "
                  f"{report['lines'] / wall / 1e6:.3f} M lines/s", flush=True)
            if best is None or wall < best[0]:
                best = (wall, kids1 - kids0, report)
    wall, cpu, report = best
    result.lines, result.cycles = report["lines"], report["gc"]
    result.wall_s, result.cpu_s = wall, cpu
    result.extra = {"sched": report.get("sched"), "inner_s": report.get("seconds")}
    result.note = f"best of {runs}; goref's own clock: {report.get('seconds', 0):.2f} s"
    return result


def run_gctui(path: Path, workers: int) -> Run:
    """Time the whole-file loader (``WholeFile.parse``) once over the file."""
    result = Run("gctui")
    try:
        from tui.ingest.wholefile import WholeFile
    except Exception as exc:  # a module mid-edit: report it, keep the Go numbers
        result.note = f"importing tui.ingest.wholefile failed: {type(exc).__name__}: {exc}"
        return result
    self0, kids0 = _cpu_now()
    start = time.perf_counter()
    try:
        fd = os.open(path, os.O_RDONLY)
        try:
            parsed = WholeFile(fd, str(path), workers=workers).parse()
        finally:
            os.close(fd)
        wall = time.perf_counter() - start
        self1, kids1 = _cpu_now()
        nbytes = parsed.columns.nbytes()
        result.lines, result.cycles = parsed.lines, parsed.cycles
    except Exception as exc:
        result.note = f"WholeFile.parse failed: {type(exc).__name__}: {exc}"
        return result
    result.wall_s, result.cpu_s = wall, (self1 - self0) + (kids1 - kids0)
    result.extra = {
        "counts": dict(parsed.counts),
        "nbytes": nbytes,
        "bytes_per_cycle": nbytes / parsed.cycles if parsed.cycles else None,
        "maxrss_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
    }
    result.note = f"workers={workers}"
    return result


def machine() -> str:
    """CPU model, usable cores, Python and Go versions, current load."""
    model = "unknown cpu"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    try:
        nproc = len(os.sched_getaffinity(0))
    except AttributeError:
        nproc = os.cpu_count()
    go = shutil.which("go")
    go_version = (subprocess.run([go, "version"], capture_output=True, text=True).stdout.strip()
                  if go else "go: not found")
    load = " ".join(f"{x:.2f}" for x in os.getloadavg())
    return (f"cpu: {model}; nproc: {nproc}; python {platform.python_version()}; "
            f"{go_version}; load average before the runs: {load}")


def _fmt(value, spec: str) -> str:
    return "-" if value is None else format(value, spec)


def print_table(go: Run, ours: Run) -> None:
    """Both runs side by side, then the ratio."""
    def rate(run: Run, count: int | None, scale: float = 1.0):
        if count is None or not run.wall_s:
            return None
        return count / run.wall_s / scale

    rows = [
        ("lines", go.lines, ours.lines, ",d"),
        ("gc cycles", go.cycles, ours.cycles, ",d"),
        ("seconds (wall)", go.wall_s, ours.wall_s, ".2f"),
        ("cpu seconds (user+sys)", go.cpu_s, ours.cpu_s, ".2f"),
        ("M lines/s", rate(go, go.lines, 1e6), rate(ours, ours.lines, 1e6), ".3f"),
        ("gc cycles/s", rate(go, go.cycles), rate(ours, ours.cycles), ",.0f"),
    ]
    print()
    print(f"{'':<24}{go.name:>16}{ours.name:>16}")
    for label, a, b, spec in rows:
        print(f"{label:<24}{_fmt(a, spec):>16}{_fmt(b, spec):>16}")
    if go.wall_s and ours.wall_s:
        print(f"{'ratio gctui/Go':<24}{go.wall_s / ours.wall_s:>32.2f}"
              "   (lines/s; above 1 means gctui is faster)")
    per_cycle = ours.extra.get("bytes_per_cycle")
    if per_cycle is not None:
        verdict = "ok" if per_cycle <= 100 else "OVER the target"
        print(f"{'bytes per stored cycle':<24}{per_cycle:>32.1f}   (target <= 100: {verdict}; "
              f"columns {ours.extra['nbytes'] / (1 << 20):,.1f} MiB)")
    if "maxrss_mib" in ours.extra:
        print(f"{'gctui peak RSS (MiB)':<24}{ours.extra['maxrss_mib']:>32,.0f}")
    if "counts" in ours.extra:
        kinds = ", ".join(f"{k}={v:,}" for k, v in sorted(ours.extra["counts"].items()))
        print(f"gctui line kinds: {kinds}")
    for run in (go, ours):
        if run.note:
            print(f"{run.name}: {run.note}")


def checks(counts: dict | None, go: Run, ours: Run) -> list[tuple[str, bool]]:
    """Each (description, passed) that --check holds the runs to."""
    if counts is None:
        return [("generator counts (OUT.counts.json) available", False)]
    out = [("gctui parser ran", ours.cycles is not None)]
    if ours.cycles is not None:
        out.append((f"gctui cycles {ours.cycles:,} == generated gc lines {counts['gc']:,}",
                    ours.cycles == counts["gc"]))
        out.append((f"gctui lines {ours.lines:,} == generated lines {counts['lines']:,}",
                    ours.lines == counts["lines"]))
        kinds = ours.extra["counts"]
        out.append((f"gctui line kinds sum to its lines ({sum(kinds.values()):,})",
                    sum(kinds.values()) == ours.lines))
    if go.cycles is not None:
        out.append((f"Go reference gc {go.cycles:,} == generated gc lines {counts['gc']:,}",
                    go.cycles == counts["gc"]))
        out.append((f"Go reference SCHED {go.extra['sched']:,} == generated "
                    f"{counts['sched']:,}", go.extra["sched"] == counts["sched"]))
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--size", type=gen_log.parse_size, default=gen_log.parse_size("1G"),
                    help="size of the generated log, binary suffixes (default 1G = 1 GiB)")
    ap.add_argument("--path", type=Path,
                    help="parse this file instead of a generated one (its counts are read "
                         "from FILE.counts.json when present)")
    ap.add_argument("--seed", type=int, default=gen_log.DEFAULT_SEED)
    ap.add_argument("--out-dir", type=Path, default=OUT_DIR,
                    help=f"where generated logs are kept (default $GCTUI_BENCH_OUT or {OUT_DIR})")
    ap.add_argument("--workers", type=int, default=2, help="worker processes for the whole-file load (default 2)")
    ap.add_argument("--go-runs", type=int, default=2, help="Go runs, best kept (default 2)")
    ap.add_argument("--no-go", action="store_true", help="skip the Go reference")
    ap.add_argument("--check", action="store_true",
                    help="exit non-zero unless gctui's cycle count (and line accounting) "
                         "matches the generator's counts")
    args = ap.parse_args(argv)

    if args.path is not None:
        path = args.path
        if not path.exists():
            ap.error(f"{path} does not exist")
        cpath = gen_log.counts_path(path)
        counts = json.loads(cpath.read_text()) if cpath.exists() else None
    else:
        path = args.out_dir / f"gctrace_{gen_log.size_label(args.size)}.log"
        counts = ensure_log(path, args.size, args.seed)

    print(machine())
    size = path.stat().st_size
    print(f"file: {path} ({size:,} bytes)")
    if counts:
        print(f"generated: {counts['gc']:,} gc, {counts['sched']:,} SCHED, "
              f"{counts['output']:,} output, {counts['lines']:,} lines")
    warm_page_cache(path)

    go = Run("Go reference", note="skipped (--no-go)") if args.no_go else run_go(path, args.go_runs)
    print("gctui: parsing ...", flush=True)
    ours = run_gctui(path, args.workers)
    print_table(go, ours)

    if not args.check:
        return 0
    print()
    results = checks(counts, go, ours)
    for what, ok in results:
        print(f"check: {'ok  ' if ok else 'FAIL'} {what}")
    return 0 if all(ok for _, ok in results) else 1


if __name__ == "__main__":
    sys.exit(main())
