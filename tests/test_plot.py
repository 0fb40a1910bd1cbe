"""The chart drawing helpers: block bars, braille, runs and axis labels."""

from __future__ import annotations

import math

import pytest

from tui.ui import plot
from tui.ui.plot import Braille

NAN = math.nan


@pytest.mark.parametrize(
    ("values", "height", "top", "rows"),
    [
        ([0.0, 0.5, 1.0], 1, 1.0, ["▁▄█"]),
        ([None, NAN, 0.001], 1, 1.0, ["  ▁"]),  # gaps are blank, a tiny value still shows
        ([1.0, 0.5, 0.25], 2, 1.0, ["█  ", "██▄"]),
        ([0.75], 2, 1.0, ["▄", "█"]),
        ([2.0], 1, 1.0, ["█"]),  # over the top is clamped
        ([3.0], 1, 0.0, ["▁"]),  # no scale: present, lowest
    ],
    ids=["levels", "gaps", "two-rows", "two-rows-partial", "clamped", "zero-top"],
)
def test_bar_rows(values: list, height: int, top: float, rows: list[str]) -> None:
    assert plot.bar_rows(values, height, top) == rows


@pytest.mark.parametrize(
    ("value", "top", "width", "text"),
    [
        (10.0, 10.0, 4, "████"),
        (5.0, 10.0, 4, "██  "),
        (0.1, 10.0, 4, "▏   "),  # tiny but present
        (0.0, 10.0, 3, "   "),
        (3.0, 10.0, 1, "▎"),
        (1.0, 0.0, 2, "  "),
        (5.0, 10.0, 0, ""),
    ],
    ids=["full", "half", "tiny", "zero", "eighths", "no-scale", "no-room"],
)
def test_hbar(value: float, top: float, width: int, text: str) -> None:
    assert plot.hbar(value, top, width) == text


def test_braille_dots_and_owners() -> None:
    c = Braille(2, 1, 0.0, 3.0)
    c.line(0, [0.0, 1.0, 2.0, 3.0], [0.0, 1.0, 2.0, 3.0])
    # A rising diagonal: dots bottom-left to top-right, one per dot column.
    assert c.rows() == [chr(0x2800 + 0x40 + 0x20) + chr(0x2800 + 0x02 + 0x08)]
    assert c.owners(0) == [0, 0]


@pytest.mark.parametrize(
    ("lows", "highs", "expected_dots"),
    [
        ([0.0, 7.0], [0.0, 7.0], {(0, 0), *((1, d) for d in range(1, 8))}),  # a jump is bridged
        ([0.0, None, 7.0], [0.0, None, 7.0], {(0, 0), (2, 7)}),  # a gap is not
        ([2.0], [5.0], {(0, d) for d in range(2, 6)}),  # a bucket's range is a span
    ],
    ids=["bridged", "gap", "span"],
)
def test_braille_line(lows: list, highs: list, expected_dots: set) -> None:
    c = Braille(2, 2, 0.0, 7.0)
    c.line(1, lows, highs)
    on = set()
    for x in range(c.dots_x):
        for d in range(c.dots_y):
            from_top = c.dots_y - 1 - d
            if c._bits[(from_top // 4) * c.width + x // 2] & plot._DOT[x % 2][from_top % 4]:
                on.add((x, d))
    assert on == expected_dots


def test_braille_hline_and_last_writer_owns() -> None:
    c = Braille(3, 2, 0.0, 7.0)
    c.hline(5, 7.0)
    c.line(2, [7.0, 7.0], [7.0, 7.0])
    assert c.rows()[0] == chr(0x2800 + 0x01 + 0x08) + chr(0x2800 + 0x01) * 2
    assert c.owners(0) == [2, 5, 5]
    assert c.rows()[1] == "   "


@pytest.mark.parametrize(
    ("keys", "expected"),
    [
        ([], []),
        ([1, 1, 2, 1], [(0, 2, 1), (2, 3, 2), (3, 4, 1)]),
        (["a"], [(0, 1, "a")]),
    ],
    ids=["empty", "mixed", "single"],
)
def test_runs(keys: list, expected: list) -> None:
    assert plot.runs(keys) == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [(0.0, 1.0), (1.0, 1.0), (101.0, 120.0), (7.0, 8.0), (0.031, 0.04), (2500.0, 2500.0), (9.5, 10.0)],
    ids=["zero", "one", "just-over", "eight", "small", "exact", "ten"],
)
def test_nice_ceil(value: float, expected: float) -> None:
    assert plot.nice_ceil(value) == pytest.approx(expected)


@pytest.mark.parametrize(
    ("fmt", "value", "text"),
    [
        (plot.fmt_mb, 0, "0M"),
        (plot.fmt_mb, 512, "512M"),
        (plot.fmt_mb, 1536, "1.5G"),
        (plot.fmt_mb, 2.5, "2.5M"),
        (plot.fmt_ms, 0.04, "40µs"),
        (plot.fmt_ms, 1.2, "1.2ms"),
        (plot.fmt_ms, 12.34, "12.3ms"),
        (plot.fmt_ms, 0, "0ms"),
        (plot.fmt_ms, 2500, "2.5s"),
        (plot.fmt_pct, 0.034, "3.4%"),
        (plot.fmt_pct, 0.25, "25%"),
        (plot.fmt_pct, 0.0012, "0.12%"),
        (plot.fmt_count, 950, "950"),
        (plot.fmt_count, 12_345, "12.3k"),
        (plot.fmt_count, 1_200_000, "1.2M"),
    ],
    ids=[
        "mb-zero", "mb", "gb", "mb-fraction", "us", "ms", "ms-tens", "ms-zero", "s",
        "pct", "pct-whole", "pct-small", "count", "count-k", "count-m",
    ],
)
def test_formats(fmt: object, value: float, text: str) -> None:
    assert fmt(value) == text  # type: ignore[operator]


@pytest.mark.parametrize(
    ("top", "height", "labels"),
    [
        (100.0, 1, ["100M"]),
        (100.0, 3, ["100M", "    ", "  0M"]),
        (100.0, 5, ["100M", "    ", " 50M", "    ", "  0M"]),
    ],
    ids=["one-row", "top-bottom", "with-middle"],
)
def test_axis_labels(top: float, height: int, labels: list[str]) -> None:
    assert plot.axis_labels(top, height, plot.fmt_mb) == labels
