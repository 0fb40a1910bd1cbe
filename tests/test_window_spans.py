"""The report's one-pass window sums are the per-window figures, exactly.

``gccpu.window_spans`` (GC CPU, assist and mark CPU of every window of a
report, from chunks of per-row terms) must give bit for bit what
``gccpu.span(rows, window=True)`` and the plain sums give window by window:
the findings' thresholds compare those numbers, and a report must not say
something different from the live view. Checked on real captures with
several runs, missing terms and Go 1.4-1.5 lines, with chunks small enough
that windows straddle them.
"""

from __future__ import annotations


import pytest

from kit import SAMPLE_LOGS, model_of
from tui.analysis import windows as windows_module
from tui.analysis.windows import windows
from tui.ingest.runner import load
from tui.model import gccpu
from tui.model.arrays import floats, numpy

LOGS = SAMPLE_LOGS


def _expected(store, rows):  # type: ignore[no-untyped-def]
    np = numpy()
    c = store.cols
    lo, hi = rows[0], rows[-1] + 1
    assist = floats(c.mark_assist_cpu_ms, lo, hi)
    mark = assist + floats(c.mark_bg_cpu_ms, lo, hi) + floats(c.mark_idle_cpu_ms, lo, hi)
    known = ~np.isnan(mark)
    return gccpu.span(store, rows, window=True), float(assist[known].sum()), float(mark[known].sum())


@pytest.mark.parametrize("chunk", [3, 65_536])
def test_window_spans_equal_span_per_window(monkeypatch: pytest.MonkeyPatch, chunk: int) -> None:
    monkeypatch.setattr(gccpu, "WINDOW_CHUNK", chunk)
    checked = 0
    for path in LOGS:
        store = load(str(path)).cycles
        if len(store) < 2:
            continue
        for seg in sorted(set(store.cols.segment)):
            rows = range(*store.segment_range(seg))
            for seconds, max_rows in ((0.05, 2), (1.0, 7), (10.0, 1000)):
                wins = list(windows(store.cols.t_ms, rows, seconds, max_rows, False, True))
                got = list(gccpu.window_spans(store, wins))
                want = [_expected(store, w) for w in wins]
                assert repr(got) == repr(want), f"{path.name} segment {seg}"
                checked += len(wins)
    assert checked > 1000


@pytest.mark.parametrize("block", [5, 1 << 20])
def test_window_intervals_equal_window_interval(monkeypatch: pytest.MonkeyPatch, block: int) -> None:
    """The block-sorted medians of a report's windows are window_interval's."""
    from tui.analysis import intervals

    monkeypatch.setattr(windows_module, "BLOCK_ROWS", block)
    checked = coarse = 0
    storm = [  # a GC storm: three cycles a millisecond, most intervals read 0
        f"gc {n} @{n * 0.0003:.3f}s 9%: 0.01+0.2+0.01 ms clock, 0.02+0.1/0.2/0+0.02 ms cpu, "
        f"9->9->4 MB, 9 MB goal, 0 MB stacks, 0 MB globals, 2 P"
        for n in range(1, 400)
    ]
    for store in [model_of(storm).cycles, *(load(str(p)).cycles for p in LOGS)]:
        for seg in sorted(set(store.cols.segment)):
            rows = range(*store.segment_range(seg))
            for seconds, max_rows in ((0.05, 3), (1.0, 9), (10.0, 1000)):
                wins = [w for w in windows(store.cols.t_ms, rows, seconds, max_rows, False, True) if len(w) > 1]
                got = intervals.window_intervals(store, wins)
                want = [intervals.window_interval(store, w) for w in wins]
                assert repr(got) == repr(want), f"segment {seg}"
                checked += len(wins)
                coarse += sum(e is not None for _, _, e in got)
    assert checked > 1000 and coarse > 10


@pytest.mark.parametrize("limit_known", [False, True])
@pytest.mark.parametrize("block", [7, 1 << 20])
def test_paced_windows_equal_the_rule_per_window(monkeypatch: pytest.MonkeyPatch, block: int,
                                                 limit_known: bool) -> None:
    """memory-limit-bound's block-computed verdicts are its per-window ones."""
    from tui.analysis import paced
    from tui.analysis.findings import Scope
    from tui.analysis.paced import goal_holds
    from tui.analysis.rules_heap import _paced_cycles
    from tui.analysis.thresholds import Thresholds
    from tui.analysis.windows import median

    monkeypatch.setattr(windows_module, "BLOCK_ROWS", block)
    th = Thresholds()
    checked = fired = 0
    for path in LOGS:
        model = load(str(path))
        store = model.cycles
        for seg in sorted(set(store.cols.segment)):
            rows = range(*store.segment_range(seg))
            for gogc in (100.0, 30.0, float("inf")):
                for seconds, max_rows in ((0.05, 12), (1.0, 40), (10.0, 1000)):
                    scope = Scope(model, th, seg, True, rows)
                    wins = list(windows(store.cols.t_ms, rows, seconds, max_rows, False, True))
                    got = paced.paced_windows(store, wins, th, gogc, limit_known)
                    for w, (n, fires, score) in zip(wins, got):
                        eff, goals, _ = _paced_cycles(scope, w)
                        assert n == len(eff)
                        if not eff:
                            continue
                        med = median(eff)
                        if limit_known:
                            bound = sum(e < gogc * th.memory_limit_bound_gogc_ratio for e in eff)
                            want = (bound / len(eff) * 100.0, bound / len(eff) * 100.0 >= th.memory_limit_bound_share_pct)
                        else:
                            tol = max(1.0, median(goals) * th.memory_limit_bound_flat_pct / 100.0)
                            want = (-med, goal_holds(goals, tol) and med < gogc * th.memory_limit_bound_infer_ratio)
                        assert (score, fires) == want, f"{path.name} {w}"
                        checked += 1
                        fired += fires
    assert checked > 1000 and fired > 20


def _sequential(store):  # type: ignore[no-untyped-def]
    r = gccpu.charged(store, 0, len(store))
    return gccpu.CPUSpan(*(sum(r[k].tolist()) for k in ("gc", "idle", "offered", "elapsed")), int(r["ok"].sum()))


def test_a_long_span_summed_in_pieces_is_the_whole_sum(monkeypatch: pytest.MonkeyPatch) -> None:
    """gccpu.span of a long run, charged a piece at a time, bit for bit."""
    import random

    rnd, t, lines = random.Random(5), 0.0, []
    for n in range(1, 3001):  # CPU terms of every magnitude: sums that depend on their order
        t += 10 ** rnd.uniform(-3, 3)
        cpu = "+".join(f"{10 ** rnd.uniform(-3, 4):.3f}" for _ in range(2)) + "/" + "/".join(
            f"{10 ** rnd.uniform(-3, 4):.3f}" for _ in range(2)) + f"+{10 ** rnd.uniform(-3, 3):.3f}"
        lines.append(f"gc {n} @{t:.3f}s 9%: {rnd.uniform(0.01, 9):.3f}+{rnd.uniform(0.1, 99):.3f}+"
                     f"{rnd.uniform(0.01, 9):.3f} ms clock, {cpu} ms cpu, 9->9->4 MB, 9 MB goal, "
                     f"0 MB stacks, 0 MB globals, {rnd.choice((1, 2, 8, 64))} P")
    store = model_of(lines).cycles
    rows = range(len(store))
    assert len(rows) == 3000
    whole = gccpu._sums(gccpu.charged(store, rows.start, rows.stop))
    assert repr(whole) != repr(_sequential(store))  # the order of the sums shows in these numbers
    for leaf in (128, 200, 1000):  # numpy sums 128 values or fewer in one go
        monkeypatch.setattr(gccpu, "SPAN_LEAF", leaf)
        assert repr(gccpu.span(store, rows)) == repr(whole), leaf
        for lo in (1, 37):
            part = range(lo, len(store) - 3)
            assert repr(gccpu.span(store, part)) == repr(gccpu._sums(gccpu.charged(store, part.start, part.stop)))
