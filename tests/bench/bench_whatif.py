"""Predicted vs measured: gctui's what-if and MMU against real Go runs.

Runs tests/go/pacer (an 8 MiB graph of small objects live, 160 MiB/s of
garbage, 4 s, GOMAXPROCS=2) under each setting in tests/whatif_runs.SETTINGS,
then from each base run predicts every other and prints the errors; then
runs it with an execution trace and compares gctui's MMU (from gctrace
alone) with ``go tool trace``'s worst windows, ``--mmu-repeat`` times per
setting, with the share of each worst window's CPU that the trace counts as
GC beyond all that gctrace reports for the cycles it touches (whatif_runs.
unreported_gc). ``--pacer-args`` gives the traced runs another workload
shape (pacer's flags, e.g. "-live 16 -rate 60"). Prints Markdown (the
tables in tests/bench/WHATIF.md).

    .venv/bin/python tests/bench/bench_whatif.py [--base GOGC=100 ...] [--mmu-repeat 3] [--pacer-args "..."]
"""

from __future__ import annotations

import argparse
import platform
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))

from gorun import build_workload  # noqa: E402
from whatif_runs import PACER_ARGS, SETTINGS, cross_predict, error, run_pacer, trace_mmu, unreported_gc  # noqa: E402
from tui.analysis.mmu import mmu  # noqa: E402

MMU_WINDOWS = [1.0, 10.0, 100.0, 1000.0]


def _pct(p: float, m: float) -> str:
    return f"{error(p, m) * 100:+.0f} %"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--base", action="append", help="base setting(s) (default: GOGC=100 and the GOGC=off limit run)")
    parser.add_argument("--mmu", nargs="*", default=["GOGC=50", "GOGC=100", "GOGC=off GOMEMLIMIT=28MiB"])
    parser.add_argument("--mmu-repeat", type=int, default=1, help="traced runs per MMU setting")
    parser.add_argument("--pacer-args", default=" ".join(PACER_ARGS), help="pacer's flags for the traced runs")
    args = parser.parse_args()
    bases = args.base or ["GOGC=100", "GOGC=off GOMEMLIMIT=28MiB"]
    go = subprocess.run(["go", "version"], capture_output=True, text=True).stdout.strip()
    print(f"{go}, {platform.machine()}, Python {platform.python_version()}\n")
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp)
        binary = build_workload("pacer", out)
        runs = {label: run_pacer(binary, label, out) for label in SETTINGS}
        for base in bases:
            print(f"### Predicted from the {base} run\n")
            print("| setting | cycles/min pred | meas | err | GC CPU % pred | meas | err "
                  "| goal MB pred | meas | err | peak heap MB pred | meas | err | limit-driven pred | meas |")
            print("|---|" + "---:|" * 14)
            for label, p, m in cross_predict(runs, base):
                print(f"| {label}{' (base)' if label == base else ''} | {p.cycles_per_min:.0f} | {m.cycles_per_min:.0f} "
                      f"| {_pct(p.cycles_per_min, m.cycles_per_min)} | {p.gc_cpu_pct:.2f} | {m.gc_cpu_pct:.2f} "
                      f"| {_pct(p.gc_cpu_pct, m.gc_cpu_pct)} | {p.goal_mb:.1f} | {m.goal_mb:.1f} "
                      f"| {_pct(p.goal_mb, m.goal_mb)} | {p.peak_heap_mb:.1f} | {m.peak_heap_mb:.1f} "
                      f"| {_pct(p.peak_heap_mb, m.peak_heap_mb)} | {p.limit_cycles:.0f} | {m.limit_cycles:.0f} |")
            print()
        print("### MMU: gctui (gctrace alone) vs go tool trace (execution trace of the same run)\n")
        print(f"pacer {args.pacer_args}; trace: its worst window's utilisation; unreported: GC in it "
              "beyond what gctrace reports\n")
        print("| setting | " + " | ".join(f"{w:g} ms gctui | trace | unreported" for w in MMU_WINDOWS) + " |")
        print("|---|" + "---:|---:|---:|" * len(MMU_WINDOWS))
        for label in [m for m in args.mmu for _ in range(args.mmu_repeat)]:
            run = run_pacer(binary, label, out, trace=True, pacer_args=tuple(args.pacer_args.split()))
            assert run.trace is not None
            est = mmu(run.model.cycles, range(len(run.model.cycles)), MMU_WINDOWS)
            trace = trace_mmu(run.trace, MMU_WINDOWS)
            cells = []
            for w, e in zip(MMU_WINDOWS, est):
                start, util = trace.worst[w][0]
                extra = unreported_gc(run.model, start, w, util)
                cells.append(f"{(e or 0) * 100:.0f} % | {util * 100:.0f} % | {extra * 100:.0f} %")
            print(f"| {label} | {' | '.join(cells)} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
