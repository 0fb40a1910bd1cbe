"""The what-if model and the MMU estimate on real logs (no Go needed).

The numbers come from Go 1.19 runtime output in tests/data/samples (copies
of the shared captures, so the tests run wherever the repository is); the
checks that compare against other Go settings and against `go tool trace`
are in test_whatif_go.py.
"""

from __future__ import annotations

import re

import json
import math
from pathlib import Path

import pytest

from kit import SAMPLE_LOGS, model_of
from tui.analysis.mmu import WINDOWS_MS, mmu, worst_window
from tui.analysis.whatif import Refusal, Setting, calibrate, goal_mb, predict
from tui.analysis.whatif_report import advice_quote, limit_quote, summarize
from tui.cli.main import main
from tui.ingest.runner import load

SAMPLES = Path(__file__).resolve().parent / "data" / "samples"
GO119 = SAMPLES / "go1.19"
STEADY = GO119 / "gctrace1_schedtrace200.stderr.txt"
LIMITED = GO119 / "gomemlimit64_gctrace1_gcpacertrace1.stderr.txt"
every_sample = SAMPLE_LOGS


def test_goal_follows_the_gc_guide() -> None:
    # live 10, roots 2: GOGC=100 gives 10 + 12; a 20 MiB limit with 5 MB
    # non-heap leaves 20 - 5 - 1 (Go 1.19's headroom) = 14.
    assert goal_mb(10, 2, Setting(100), 5) == (22, False)
    assert goal_mb(10, 2, Setting(100, 20), 5) == (14, True)
    assert goal_mb(10, 2, Setting(None), 5)[0] == math.inf
    assert goal_mb(0.5, 0, Setting(100), 5) == (4.0, False)  # the 4 MB heap minimum


def test_predicting_the_observed_setting_gives_back_what_was_observed() -> None:
    cal = calibrate(load(str(STEADY)))
    same = predict(cal, Setting(100))
    assert same.cycles_per_min == pytest.approx(cal.observed.cycles_per_min, rel=0.10)
    assert same.gc_cpu_pct == pytest.approx(cal.observed.gc_cpu_pct, rel=0.10)


def test_higher_gogc_means_fewer_cycles_and_a_bigger_heap() -> None:
    cal = calibrate(load(str(STEADY)))
    outcomes = [predict(cal, Setting(g)) for g in (50, 100, 200, 400)]
    assert [o.cycles for o in outcomes] == sorted((o.cycles for o in outcomes), reverse=True)
    assert [o.peak_heap_mb for o in outcomes] == sorted(o.peak_heap_mb for o in outcomes)
    assert outcomes[0].cycles / outcomes[1].cycles == pytest.approx(2, rel=0.25)


def test_a_limit_below_the_live_heap_is_refused_not_extrapolated() -> None:
    cal = calibrate(load(str(STEADY)))
    with pytest.raises(Refusal, match="live heap"):
        predict(cal, Setting(None, cal.live_max_mb))


def test_a_limit_run_measures_its_own_non_heap_memory() -> None:
    model = load(str(LIMITED))
    model.env.gomemlimit_b = 64 << 20
    cal = calibrate(model)
    assert cal.nonheap_measured and 5 < cal.nonheap_mb < 20
    assert cal.observed.limit_cycles > 0


@pytest.mark.parametrize("path", every_sample, ids=lambda p: p.name)
def test_whatif_on_every_sample_is_a_table_or_one_line(path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["whatif", str(path), "--gogc", "200", "--json"])
    out, err = capsys.readouterr()
    if code == 0:
        summary = json.loads(out)
        assert summary["predicted"]["setting"] == "GOGC=200"
        assert len(summary["sensitivity"]) == 5
    else:
        assert code == 2 and out == "" and err.count("\n") == 1 and err.startswith("gctui: whatif: ")


def test_pre_118_logs_say_why() -> None:
    with pytest.raises(Refusal, match="before Go 1.18"):
        summarize(load(str(SAMPLES / "public" / "001-davecheney-gcvis-go15-stderr.log")), Setting(200))


def test_text_table_and_the_advice_sentence(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["whatif", str(STEADY), "--gogc", "200", "--memlimit", "256MiB"]) == 0
    out = capsys.readouterr().out
    assert out.splitlines()[1].startswith("observed") and "GOGC=off GOMEMLIMIT=256MiB" in out
    assert "Assumes" in out
    quote = advice_quote(load(str(STEADY)))
    assert quote.startswith(" By gctui's what-if model, GOGC=200 would cut GC CPU from 9%")


def test_nonheap_given_replaces_the_assumption(capsys: pytest.CaptureFixture[str]) -> None:
    # The steady sample has no limit: non-heap memory is assumed (stacks + 9 MB)
    # unless the user says; what they say moves every limit prediction by as much.
    assert main(["whatif", str(STEADY), "--gogc", "off", "--memlimit", "256MiB", "--json"]) == 0
    assumed = json.loads(capsys.readouterr().out)
    assert assumed["calibration"]["nonheap_source"].startswith("assumed")
    assert main(["whatif", str(STEADY), "--gogc", "off", "--memlimit", "256MiB", "--nonheap", "40MiB", "--json"]) == 0
    given = json.loads(capsys.readouterr().out)
    cal = given["calibration"]
    assert cal["nonheap_mb"] == 40.0 and cal["nonheap_source"] == "given with --nonheap"
    assert "Non-heap memory: 40.0 MB (given with --nonheap)." in given["assumptions"]
    extra = 40.0 - assumed["calibration"]["nonheap_mb"]
    assert given["predicted"]["peak_total_mb"] == pytest.approx(
        assumed["predicted"]["peak_total_mb"] - assumed["predicted"]["peak_heap_mb"]
        + given["predicted"]["peak_heap_mb"] + extra, abs=0.05)
    # The heap gets what the limit leaves: less room, an earlier goal.
    assert given["predicted"]["goal_mb"] == pytest.approx(assumed["predicted"]["goal_mb"] - extra, abs=0.05)
    assert main(["whatif", str(STEADY), "--gogc", "100", "--nonheap", "40MiB"]) == 0
    assert "40 MB non-heap memory (given with --nonheap)" in capsys.readouterr().out
    # It also wins over what limit-bound cycles measured.
    model = load(str(LIMITED))
    model.env.gomemlimit_b = 64 << 20
    assert calibrate(model, nonheap_mb=20.0).nonheap_mb == 20.0


def test_nonheap_must_be_a_size(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        main(["whatif", str(STEADY), "--gogc", "100", "--nonheap", "lots"])
    assert "not a memory size" in capsys.readouterr().err


def test_the_memory_limit_finding_quotes_a_higher_limit() -> None:
    from tui.analysis.findings import evaluate

    model = load(str(LIMITED))
    model.env.gogc, model.env.gomemlimit_b = "100", 64 << 20
    found = {f.id: f for f in evaluate(model, full=True)}
    advice = found["memory-limit-bound"].advice
    cal = calibrate(model)
    higher = predict(cal, Setting(100, 96))
    assert f"GOMEMLIMIT=96MiB would cut GC CPU from {cal.observed.gc_cpu_pct:.0f}% to about {higher.gc_cpu_pct:.0f}%" in advice
    assert higher.gc_cpu_pct < cal.observed.gc_cpu_pct and higher.limit_cycles < cal.observed.limit_cycles
    assert "(gctui whatif LOG --gogc 100 --memlimit 96MiB)" in advice
    # A saved log does not say its limit: the quote estimates it as the
    # typical goal plus non-heap memory, says so, and lands near the real one.
    model.env.gogc, model.env.gomemlimit_b = None, None
    quote = limit_quote(model)
    m = re.search(r"if the limit is about (\d+) MiB \(the typical goal plus \d+ MB of non-heap memory\) "
                  r"and GOGC=100, GOMEMLIMIT=(\d+)MiB would cut GC CPU", quote)
    assert m, quote
    estimate, target = int(m.group(1)), int(m.group(2))
    assert 0.8 * 64 <= estimate <= 1.2 * 64, quote  # the program ran with GOMEMLIMIT=64MiB
    assert abs(target - 1.5 * estimate) <= 1.5, quote
    assert "limit-driven" not in quote  # none can be counted with the limit unknown
    found = {f.id: f for f in evaluate(model, full=True)}
    assert quote in found["memory-limit-bound"].advice


def test_mark_assist_advice_quotes_a_higher_gogc() -> None:
    from tui.analysis.findings import evaluate

    model = load(str(GO119 / "gomemlimit48_gogcoff_gctrace1.stderr.txt"))
    found = {f.id: f for f in evaluate(model, full=True)}
    advice = found["mark-assist-heavy"].advice
    assert "By gctui's what-if model, GOGC=200 would cut GC CPU from" in advice
    assert advice.endswith("(gctui whatif LOG --gogc 200).")
    # Started with GOGC=off under a limit, there is no higher GOGC to suggest.
    model.env.gogc, model.env.gomemlimit_b = "off", 48 << 20
    assert advice_quote(model) == ""


def test_bad_settings_are_usage_errors(capsys: pytest.CaptureFixture[str]) -> None:
    for argv in (["--gogc", "-5"], ["--gogc", "100", "--memlimit", "lots"], ["--gogc", "off"]):
        with pytest.raises(SystemExit) if argv[1] != "off" else _nothing():
            code = main(["whatif", str(STEADY), *argv])
            assert code == 2
    assert capsys.readouterr().out == ""


class _nothing:
    def __enter__(self) -> None:
        return None

    def __exit__(self, *exc: object) -> None:
        return None


def test_mmu_is_a_falling_curve_of_shares() -> None:
    model = load(str(STEADY))
    curve = mmu(model.cycles, range(len(model.cycles)))
    present = [v for v in curve if v is not None]
    assert len(present) >= 10 and all(0 <= v <= 1 for v in present)
    assert present == sorted(present)  # longer windows average more mutator time in
    assert curve[WINDOWS_MS.index(10)] == worst_window(model.cycles, 10)


def test_report_quotes_the_worst_10ms_window(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["report", str(STEADY), "--json"]) == 0
    value = json.loads(capsys.readouterr().out)["mmu_10ms_pct"]
    assert 0 < value < 100
    assert main(["report", str(STEADY)]) == 0
    assert f"worst 10 ms window: mutator got {value:g}%" in capsys.readouterr().out


def test_no_mmu_without_clock_phases() -> None:
    model = load(str(SAMPLES / "public" / "005-golang-go-issue-12228-go142.log"))
    assert worst_window(model.cycles) is None


def test_dedicated_workers_are_no_burst_on_many_ps() -> None:
    """From 4 Ps up the pacer gives a quarter of the Ps to dedicated mark
    workers for the whole mark (Go 1.18+ startCycle: 40 Ps get ten). A
    296 ms mark on 40 Ps with 1,788 ms of GC CPU (golang/go#18896's log)
    left the program about 85 % of the CPU; as a burst of half that CPU on
    every P it read as a 22 ms stop (MMU 0 % at 10 ms)."""
    import numpy as np

    from tui.analysis.mmu import dedicated_workers

    assert dedicated_workers(np.array([1.0, 2, 3, 4, 6, 8, 40])).tolist() == [0, 0, 0, 1, 1, 2, 10]
    line = b"gc 1 @8.371s 0%: 0.10+296+0.30 ms clock, 4.0+7.0/1781/0+12 ms cpu, 140->142->120 MB, 160 MB goal, 40 P\n"
    model = model_of(line)
    worst = mmu(model.cycles, range(1), [10.0])[0]
    assert worst is not None and 0.8 <= worst <= 0.9, worst
    # On 2 Ps there is no dedicated worker: the fractional worker and the
    # assists still come as the opening burst, as go tool trace shows it.
    model = model_of(line.replace(b"40 P", b"2 P").replace(b"/1781/", b"/150/"))
    two = mmu(model.cycles, range(1), [10.0])[0]
    assert two is not None and two < 0.1, two


def test_unreported_gc_is_the_trace_windows_gc_beyond_what_gctrace_printed() -> None:
    """The MMU test's allowance (tests/whatif_runs.py): a trace window's GC
    time, (1 - utilisation) x window x P, beyond the GC CPU gctrace printed
    for the cycles the window touches; here 2 + 4 ms of assist and
    background work plus 0.01 + 0.01 ms of stop-the-world on 2 Ps."""
    from whatif_runs import unreported_gc

    line = b"gc 1 @1.000s 5%: 0.010+10+0.010 ms clock, 0.020+2.0/4.0/10+0.020 ms cpu, 8->9->4 MB, 9 MB goal, 2 P\n"
    model = model_of(line)
    reported = 2.0 + 4.0 + (0.010 + 0.010) * 2
    assert unreported_gc(model, 1000.0, 10.0, 0.5) == pytest.approx((0.5 * 10 * 2 - reported) / 20)
    assert unreported_gc(model, 1000.0, 10.0, 0.8) == 0.0  # 4 ms of GC: less than gctrace printed
    assert unreported_gc(model, 2000.0, 10.0, 0.9) == pytest.approx(0.1)  # no cycle near: all of it
