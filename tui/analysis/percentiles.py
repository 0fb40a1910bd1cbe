"""Nearest-rank percentiles of a column, as the report gives them.

The report, the per-source rows and the picker read the same pause and
interval columns; one sort and one rounding rule keep their figures equal.
"""

from __future__ import annotations

import math
from array import array
from typing import Any

from tui.model.arrays import floats, numpy, view


def rounded(value: float, digits: int = 3) -> float:
    """Undo float32 storage noise: the runtime prints at most 3 decimals."""
    return round(float(value), digits)


class Distribution:
    """Nearest-rank percentiles of a column (an ``array`` or a numpy array),
    NaN and sentinels left out; sorted once with numpy."""

    def __init__(self, col: Any, owned: bool = False) -> None:
        """``owned``: ``col`` is a NaN-free float64 array nobody else
        reads, sorted in place (six million intervals: no copy)."""
        np = numpy()
        if owned:
            col.sort()
            self.values, self.count = col, len(col)
            return
        if isinstance(col, array) and col.typecode == "f":
            # float32 sorts as its float64 would (the widening is exact and
            # keeps the order): half the memory for six million values.
            values = view(col)
        else:
            values = floats(col) if isinstance(col, array) else np.asarray(col, dtype=np.float64)
        self.values = values[~np.isnan(values)]  # a copy
        self.values.sort()
        self.count = len(self.values)

    def percentile(self, q: float, digits: int = 3) -> float | None:
        if not self.count:
            return None
        rank = max(1, math.ceil(q / 100.0 * self.count))
        return rounded(self.values[min(rank, self.count) - 1], digits)

    def max(self) -> float | None:
        return rounded(self.values[-1]) if self.count else None
