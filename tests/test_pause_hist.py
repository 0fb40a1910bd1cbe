"""The pause histogram's buckets: 1-2-5 per decade, sweep and mark
termination apart, a pause on an edge in the bucket above it, the ends open."""

from __future__ import annotations

import pytest

from tui.analysis.pause_hist import pause_histogram

from kit import model_of


def _line(n: int, sweep: str, mark: str) -> str:
    return (f"gc {n} @{n * 0.1:.3f}s 1%: {sweep}+1.2+{mark} ms clock, 0.07+0.1/0.5/1.0+0.01 ms cpu, "
            "4->4->0 MB, 5 MB goal, 8 P")


@pytest.mark.parametrize(
    ("pauses", "edges", "sweep", "mark"),
    [
        ([("0.018", "0.003")], (0.002, 0.005, 0.01, 0.02), (0, 0, 1), (1, 0, 0)),
        ([("0.05", "0.05")], (0.05, 0.1), (1,), (1,)),  # on an edge: the bucket above
        ([("0", "0")], (0.001, 0.002), (1,), (1,)),  # gctrace's 0: the first bucket
        ([("20000", "1")], (1.0, 2.0, 5.0, 10.0, 20.0, 50.0, 100.0, 200.0, 500.0, 1000.0, 2000.0, 5000.0,
                            10000.0), (0,) * 11 + (1,), (1,) + (0,) * 11),  # past 10 s: the last
        ([("1", "2"), ("1.5", "2")], (1.0, 2.0, 5.0), (2, 0), (0, 2)),
    ],
    ids=["apart", "edge", "zero", "huge", "two-cycles"],
)
def test_buckets(pauses: list[tuple[str, str]], edges: tuple[float, ...], sweep: tuple[int, ...],
                 mark: tuple[int, ...]) -> None:
    model = model_of([_line(i + 1, s, m) for i, (s, m) in enumerate(pauses)])
    hist = pause_histogram(model.cycles, range(len(pauses)))
    assert hist.edges_ms == pytest.approx(edges)
    assert (hist.sweep_term, hist.mark_term, hist.cycles) == (sweep, mark, len(pauses))


def test_no_rows_no_buckets() -> None:
    model = model_of([_line(1, "0.1", "0.1")])
    hist = pause_histogram(model.cycles, range(0))
    assert hist.edges_ms == () and hist.cycles == 0
