"""The time axis, the fitted heap axis, the pause envelope and marked ranges,
without Textual (issue 13)."""

from __future__ import annotations

import gzip
import math
from array import array
from pathlib import Path

import pytest

from kit import model_of
from tui.demo.replay import bundled_capture
from tui.model import Model
from tui.model.gccpu import span
from tui.ui import plot
from tui.ui.axis import carried, column_times, fmt_hms, fmt_span, marked_columns, time_edges
from tui.ui.buckets import Bucket
from tui.ui.ranges import change, clip_to_run, previous_range, range_stats
from tui.ui.widgets.heap import fitted_range


@pytest.fixture(scope="module")
def story() -> Model:
    with gzip.open(bundled_capture(), "rt") as f:
        return model_of(f.read())


@pytest.fixture(scope="module")
def two_runs() -> Model:
    return model_of((Path(__file__).parent / "data" / "restart" / "two_runs.stderr.txt").read_text())


def test_a_storm_and_a_leak_get_the_width_their_seconds_earn() -> None:
    # 20 cycles one a second (a leak), then 200 in 2 s (a storm).
    t = array("I", [i * 1000 for i in range(20)] + [20000 + i * 10 for i in range(200)])
    edges = time_edges(t, range(len(t)), 22)
    assert len(edges) == 23 and edges[0] == 0 and edges[-1] == len(t)
    sizes = [b - a for a, b in zip(edges, edges[1:])]
    assert sum(sizes[:19]) <= 20  # the 20-second leak takes most of the columns
    assert sum(sizes[-2:]) >= 150  # the 2-second storm two of them
    assert edges == sorted(edges)


def test_time_edges_fall_back_to_counts_when_no_time_passes() -> None:
    t = array("I", [5] * 10)
    assert time_edges(t, range(10), 5) == [0, 2, 4, 6, 8, 10]


def test_a_gap_on_a_time_axis_holds_the_line() -> None:
    nan = float("nan")
    buckets = [Bucket(0, 1, 5, 5, 5, 1, 0), Bucket(1, 1, nan, nan, nan, 0, 1), Bucket(1, 3, 4, 9, 6, 2, 2)]
    assert carried(buckets) == ([5, 5, 4], [5, 5, 9])


@pytest.mark.parametrize(("s", "text"), [(0, "0:00:00"), (7.9, "0:00:07"), (3723, "1:02:03")])
def test_hms(s: float, text: str) -> None:
    assert fmt_hms(s) == text


def test_a_short_axis_shows_fractions_of_a_second() -> None:
    assert fmt_hms(29.456, 2) == "0:00:29.46"
    assert fmt_hms(29.456, 1) == "0:00:29.5"


@pytest.mark.parametrize(("s", "text"), [(0.25, "250ms"), (12.2, "12.2s"), (750, "12m30s"), (11100, "3h05m")])
def test_span(s: float, text: str) -> None:
    assert fmt_span(s) == text


@pytest.mark.parametrize(("low", "high", "bottom", "top"), [
    (480, 520, 480, 520),  # a storm: the lines come apart
    (0.5, 3, 0, 3),  # near zero: from zero
    (10, 1000, 0, 1000),
    (0, 50, 0, 50),
])
def test_the_heap_axis_fits_the_heap(low: float, high: float, bottom: float, top: float) -> None:
    assert fitted_range(low, high, 8) == (bottom, top)


def test_a_zoomed_out_column_is_a_mean_bar_with_a_whisker_to_the_worst() -> None:
    rows = plot.envelope_rows([1, 0.5, None], [1, 3.9, None], 4, 4)
    assert [r[0] for r in rows] == [" ", " ", " ", "█"]  # one cycle: a plain bar
    assert [r[1] for r in rows] == ["│", "│", "│", "▄"]  # many: mean bar, whisker to the max
    assert [r[2] for r in rows] == [" "] * 4


def test_a_range_says_what_its_cycles_did(story: Model) -> None:
    store = story.cycles
    rows = range(100, 400)
    stats = range_stats(store, rows)
    assert stats is not None
    assert (stats.first_n, stats.last_n) == (store.cols.n[100], store.cols.n[399])
    stw = sorted(store.cols.stw_ms[100:400])
    assert stats.stw_max_ms == stw[-1]
    assert stats.stw_p50_ms == stw[149]
    assert stats.gc_cpu == span(store, rows).share  # the runtime's accounting, as everywhere
    span_s = (store.cols.t_ms[399] - store.cols.t_ms[100]) / 1000
    assert stats.cycles_per_min == pytest.approx(299 / span_s * 60)
    assert stats.alloc_mb_s is not None and stats.alloc_mb_s > 0
    assert stats.live_slope_mb_min is not None


def test_a_range_stays_in_its_run_and_compares_with_what_came_before(two_runs: Model) -> None:
    store = two_runs.cycles
    lo, hi = store.segment_range(1)
    assert clip_to_run(store, lo + 5, lo - 20) == range(lo, lo + 6)  # the earlier run is cut off
    assert previous_range(store, range(lo + 10, lo + 30)) == range(lo, lo + 10)  # only as far as the run
    assert previous_range(store, range(lo, lo + 5)) is None


@pytest.mark.parametrize(("before", "after", "text"), [
    (1.0, 1.05, "+5.0%"), (1.0, 1.5, "+50%"), (1.0, 4.2, "×4.2"), (4.0, 1.0, "÷4"), (0, 0, ""), (0, 1, "new"),
    (None, 1.0, ""),
])
def test_change(before: float | None, after: float | None, text: str) -> None:
    assert change(before, after) == text


def test_a_marked_range_tints_its_columns_and_the_gaps_inside_it() -> None:
    # Columns of rows [first, stop); (5, 5) and (9, 9) are empty: quiet
    # stretches of a time axis, one inside the range 3..7, one outside it.
    spans = [(0, 3), (3, 5), (5, 5), (5, 8), (8, 9), (9, 9), (9, 12)]
    assert marked_columns(spans, [range(3, 8)]) == [False, True, True, True, False, False, False]
    assert marked_columns(spans, [range(0, 1), range(11, 12)]) == [True] + [False] * 5 + [True]
    assert marked_columns(spans, []) == [False] * 7
    # A gap at the range's very edge is outside it: nothing marked on its left.
    assert marked_columns([(4, 4), (4, 6)], [range(4, 6)]) == [False, True]


def test_column_times_are_the_cycle_charts_stretches() -> None:
    t = array("d", [0, 100, 200, 900, 1000, 1100])
    run = range(0, 6)
    # Time axis: equal stretches from the first cycle's @T (+1 ms, as time_edges).
    edges = time_edges(t, range(1, 5), 3)
    cuts = column_times(t, range(1, 5), edges, True, run)
    assert cuts == pytest.approx([100, 100 + 901 / 3, 100 + 2 * 901 / 3, 1001])
    # Cycle axis: a column runs from its first cycle's start to the next one's.
    cuts = column_times(t, range(1, 5), [1, 3, 5], False, run)
    assert cuts == [100, 900, 1100]
    # A window reaching its run's start and end also takes what lies beyond them.
    cuts = column_times(t, run, [0, 3, 6], False, run)
    assert cuts[0] == -math.inf and cuts[1] == 900 and cuts[-1] == math.inf
