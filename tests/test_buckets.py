"""Chart columns from cycle columns: bucketing, block cache, percentiles."""

from __future__ import annotations

import math
from array import array

import pytest

from tui.ui import buckets
from tui.ui.buckets import Bucket, ColumnBuckets, Share, WeightedBuckets

NAN = math.nan
MISSING = 0xFFFFFFFF


def _brute(values: list[float], edges: list[int], missing: object = None) -> list[tuple]:
    """What a bucket should hold, computed the slow obvious way."""
    out = []
    for a, b in zip(edges, edges[1:]):
        vals = [(v, i) for i, v in enumerate(values[a:b], a) if v == v and v != missing]
        if not vals:
            out.append((a, b, 0))
            continue
        hi = max(v for v, _ in vals)
        row = min(i for v, i in vals if v == hi)
        out.append((a, b, len(vals), min(v for v, _ in vals), hi, row, sum(v for v, _ in vals) / len(vals)))
    return out


def _shape(got: list[Bucket]) -> list[tuple]:
    out = []
    for b in got:
        if not b.count:
            out.append((b.first, b.stop, 0))
        else:
            out.append((b.first, b.stop, b.count, b.lo, b.hi, b.hi_row, pytest.approx(b.mean)))
    return out


@pytest.mark.parametrize(
    ("start", "stop", "width", "align", "edges"),
    [
        (0, 10, 5, 1, [0, 2, 4, 6, 8, 10]),
        (0, 3, 10, 1, [0, 1, 2, 3]),  # fewer rows than columns: one row each
        (5, 12, 3, 1, [5, 7, 9, 12]),
        (0, 0, 10, 1, []),
        (0, 10, 0, 1, []),
        (0, 4096, 4, 256, [0, 1024, 2048, 3072, 4096]),
        (100, 5000, 3, 256, [100, 1792, 3328, 5000]),  # inner edges on the block grid
    ],
    ids=["even", "few-rows", "offset", "no-rows", "no-width", "aligned", "aligned-offset"],
)
def test_bucket_bounds(start: int, stop: int, width: int, align: int, edges: list[int]) -> None:
    assert buckets.bucket_bounds(start, stop, width, align) == edges


@pytest.mark.parametrize(
    ("typecode", "values", "rows", "width"),
    [
        ("f", [1.0, 5.0, 2.0, 4.0, 3.0, 0.5], range(0, 6), 3),
        ("f", [1.0, NAN, NAN, 4.0, NAN, NAN], range(0, 6), 3),  # NaN skipped, a bucket all NaN is a gap
        ("I", [10, MISSING, 30, 20, MISSING, MISSING], range(0, 6), 3),  # sentinel skipped
        ("I", [3, 1, 4, 1, 5, 9, 2, 6], range(2, 7), 10),  # offset range, one row per column
        ("f", [2.0, 2.0, 1.0], range(0, 3), 1),  # ties: the first row holding the max
    ],
    ids=["floats", "nan-gaps", "u32-sentinel", "one-per-column", "max-tie"],
)
def test_column_buckets_direct(typecode: str, values: list[float], rows: range, width: int) -> None:
    col = array(typecode, values)
    got = ColumnBuckets(col).over(rows, width)
    edges = buckets.bucket_bounds(rows.start, rows.stop, width)
    assert _shape(got) == _brute(list(col), edges, buckets.missing_of(col))


@pytest.mark.parametrize("typecode", ["f", "I"], ids=["float", "u32"])
@pytest.mark.parametrize(
    ("rows", "width"),
    [(range(0, 20_000), 7), (range(333, 19_001), 5), (range(0, 16_384), 16)],
    ids=["whole", "unaligned-ends", "exact-blocks"],
)
def test_column_buckets_blocked_matches_direct(typecode: str, rows: range, width: int) -> None:
    """Over a big range the cached block path gives what a plain pass gives."""
    values: list[float] = [(i * 7919) % 1000 for i in range(20_000)]
    for i in range(0, 20_000, 97):
        values[i] = NAN if typecode == "f" else MISSING
    values[12_345] = 5000
    col = array(typecode, values)
    cb = ColumnBuckets(col, block=64)
    got = cb.over(rows, width)
    edges = [b.first for b in got] + [got[-1].stop]
    assert edges[0] == rows.start and edges[-1] == rows.stop
    assert all(e % 64 == 0 for e in edges[1:-1])
    assert _shape(got) == _brute(list(col), edges, buckets.missing_of(col))
    # A second call reuses the blocks and still agrees after the column grows.
    col.extend(array(typecode, [1] * 1000))
    again = cb.over(range(rows.start, rows.stop + 1000), width)
    edges = [b.first for b in again] + [again[-1].stop]
    assert _shape(again) == _brute(list(col), edges, buckets.missing_of(col))


@pytest.mark.parametrize(
    ("values", "weights", "width", "expected"),
    [
        ([0.1, 0.3], [1.0, 1.0], 1, [0.2]),
        ([0.1, 0.3], [3.0, 1.0], 1, [0.15]),  # a long interval counts for more
        ([NAN, 0.3, 0.5], [1.0, NAN, 1.0], 1, [0.5]),  # a pair missing either half is left out
        ([NAN, 0.2], [NAN, 1.0], 2, [NAN, 0.2]),  # a window with no weight is a gap
    ],
    ids=["equal-weights", "weighted", "nan-pairs", "gap"],
)
def test_weighted_buckets(
    values: list[float], weights: list[float], width: int, expected: list[float]
) -> None:
    got = WeightedBuckets(array("f", values), array("f", weights)).over(range(len(values)), width)
    assert [s.value for s in got] == [pytest.approx(v, nan_ok=True) for v in expected]


def test_weighted_buckets_blocked_matches_direct() -> None:
    n = 30_000
    values = array("f", [((i * 31) % 100) / 100 for i in range(n)])
    weights = array("f", [0.5 + (i % 7) / 10 for i in range(n)])
    for i in range(0, n, 101):
        values[i] = NAN
    rows = range(17, n - 5)
    blocked = WeightedBuckets(values, weights, block=64).over(rows, 6)
    for s in blocked:
        direct = WeightedBuckets(values, weights).over(range(s.first, s.stop), 1)[0]
        assert s.value == pytest.approx(direct.value)
        assert s.weight == pytest.approx(direct.weight)


@pytest.mark.parametrize(
    ("values", "qs", "limit", "expected", "exact"),
    [
        ([float(i) for i in range(1, 101)], (50, 99, 100), 1000, [50.0, 99.0, 100.0], True),
        ([1.0, NAN, 3.0, NAN], (50,), 1000, [1.0], True),
        ([NAN, NAN], (50,), 1000, [None], True),
        ([float(i) for i in range(1000)], (50,), 100, [490.0], False),  # every 10th row
    ],
    ids=["nearest-rank", "nan-skipped", "all-missing", "sampled"],
)
def test_percentiles(values: list[float], qs: tuple, limit: int, expected: list, exact: bool) -> None:
    got, was_exact = buckets.percentiles(array("f", values), range(len(values)), qs, limit)
    assert got == expected
    assert was_exact is exact


@pytest.mark.parametrize(
    ("widths", "to", "expected"),
    [
        ([1, 2, 3, 4], 2, [(0, 2, 2.0, 1), (2, 4, 4.0, 3)]),
        ([1, 2, 3], 5, [(0, 1, 1.0, 0), (1, 2, 2.0, 1), (2, 3, 3.0, 2)]),
    ],
    ids=["folded", "already-fits"],
)
def test_regroup_buckets(widths: list[float], to: int, expected: list) -> None:
    items = [Bucket(i, i + 1, v, v, v, 1, i) for i, v in enumerate(widths)]
    got = buckets.regroup(items, to, buckets.merge_buckets)
    assert [(b.first, b.stop, b.hi, b.hi_row) for b in got] == expected


def test_regroup_shares_weighted() -> None:
    items = [Share(0, 1, 0.1, 3.0), Share(1, 2, 0.5, 1.0), Share(2, 3, NAN, 0.0)]
    (one,) = buckets.regroup(items, 1, buckets.merge_shares)
    assert (one.first, one.stop, one.value, one.weight) == (0, 3, pytest.approx(0.2), 4.0)


@pytest.mark.parametrize(
    ("n", "width", "index"),
    [(3, 6, [0, 0, 1, 1, 2, 2]), (2, 3, [0, 0, 1]), (4, 4, [0, 1, 2, 3]), (0, 4, []), (3, 0, [])],
    ids=["double", "uneven", "fits", "no-items", "no-room"],
)
def test_stretch(n: int, width: int, index: list[int]) -> None:
    assert buckets.stretch(n, width) == index


@pytest.mark.parametrize(
    ("firsts", "row", "col"),
    [([0, 5, 10], 7, 1), ([0, 5, 10], 10, 2), ([0, 5, 10], 99, 2), ([3, 5], 1, None), ([0, 5], None, None)],
    ids=["middle", "edge", "past-end", "before", "none"],
)
def test_column_of(firsts: list[int], row: int | None, col: int | None) -> None:
    assert buckets.column_of(firsts, row) == col
