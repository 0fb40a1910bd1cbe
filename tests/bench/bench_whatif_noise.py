"""The what-if's GC CPU noise floor: the same settings run again and again.

Runs tests/go/pacer (as tests/whatif_runs.py: 4 s, 2 Ps, 8 MiB live,
160 MiB/s in 2 ms bursts) ``--repeat`` times per setting, one run at a time,
and prints two Markdown tables (tests/bench/WHATIF.md has them):

* per setting, the measured GC CPU % (the observed outcome of the steady
  cycles, as tests/test_whatif_go.py takes it) over the runs: mean, min,
  max, coefficient of variation; the non-idle GC CPU per cycle (assist +
  background ms) and its parts; the share of mark CPU idle workers did;
  how long the machine stalled the program (median) and the load average;
* the GC CPU the what-if predicts from each GOGC=100 run for every other
  run, over what that run measured (at the base run's allocation rate, as
  whatif_runs.cross_predict does): median, extremes, share within 25 %.

If identical runs differ by more than the target among themselves, no
predictor from one run can meet it on this workload.

    .venv/bin/python tests/bench/bench_whatif_noise.py [--repeat 6] [--logs DIR]
"""

from __future__ import annotations

import argparse
import math
import os
import statistics as st
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))

from gorun import build_workload  # noqa: E402
from whatif_runs import SETTINGS, Run, run_pacer, steady_rows  # noqa: E402
from tui.analysis.whatif import calibrate, predict  # noqa: E402


@dataclass
class Measured:
    run: Run
    load: float  # 1-minute load average when the run started
    gc_cpu_pct: float
    assist_ms: float  # per steady cycle
    bg_ms: float
    idle_share: float  # idle-worker CPU over all mark CPU


def measure(run: Run, load: float) -> Measured:
    rows = steady_rows(run.model)
    c = run.model.cycles.cols
    idx = list(rows)[1:]
    assist = sum(float(c.mark_assist_cpu_ms[i]) for i in idx)
    bg = sum(float(c.mark_bg_cpu_ms[i]) for i in idx)
    idle = sum(float(c.mark_idle_cpu_ms[i]) for i in idx)
    return Measured(run, load, calibrate(run.model, rows).observed.gc_cpu_pct, assist / len(idx), bg / len(idx),
                    idle / (assist + bg + idle))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=6, help="runs per setting")
    parser.add_argument("--logs", type=Path, help="keep the gctrace logs here (default: a temporary directory)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        out = args.logs or Path(tmp)
        binary = build_workload("pacer", out)
        runs: dict[str, list[Measured]] = {label: [] for label in SETTINGS}
        for r in range(args.repeat):  # rounds of every setting, so load drifts hit them all
            for label in SETTINGS:
                (out / f"r{r}").mkdir(parents=True, exist_ok=True)
                load = os.getloadavg()[0]
                runs[label].append(measure(run_pacer(binary, label, out / f"r{r}"), load))
    print("| setting | runs | GC CPU % mean | min | max | CV | assist + bg ms/cycle mean | min | max "
          "| assist ms/cycle | bg ms/cycle | idle share of mark CPU | stalled ms (median) | load avg |")
    print("|---|" + "---:|" * 13)
    for label, ms in runs.items():
        cpu = [m.gc_cpu_pct for m in ms]
        nonidle = [m.assist_ms + m.bg_ms for m in ms]
        print(f"| {label} | {len(ms)} | {st.mean(cpu):.2f} | {min(cpu):.2f} | {max(cpu):.2f} "
              f"| {st.pstdev(cpu) / st.mean(cpu):.0%} | {st.mean(nonidle):.1f} | {min(nonidle):.1f} | {max(nonidle):.1f} "
              f"| {st.mean(m.assist_ms for m in ms):.1f} | {st.mean(m.bg_ms for m in ms):.1f} "
              f"| {st.mean(m.idle_share for m in ms):.0%} | {st.median(m.run.stalled_ms for m in ms):.0f} "
              f"| {min(m.load for m in ms):.1f}-{max(m.load for m in ms):.1f} |")
    print("\nGC CPU predicted from each GOGC=100 run over what every other run measured\n")
    print("| setting | pairs | median | min | max | median abs log error | within 25 % |")
    print("|---|" + "---:|" * 6)
    for label, ms in runs.items():
        ratios = []
        for base in runs["GOGC=100"]:
            cal = calibrate(base.run.model, steady_rows(base.run.model))
            for m in ms:
                if m is not base:
                    measured = m.gc_cpu_pct * base.run.alloc_rate / m.run.alloc_rate
                    ratios.append(predict(cal, m.run.setting).gc_cpu_pct / measured)
        if not ratios:  # GOGC=100 run once: no other run of it to predict
            continue
        print(f"| {label} | {len(ratios)} | {st.median(ratios):.2f} | {min(ratios):.2f} | {max(ratios):.2f} "
              f"| {st.median(abs(math.log(x)) for x in ratios):.2f} | {sum(abs(x - 1) <= 0.25 for x in ratios) / len(ratios):.0%} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
