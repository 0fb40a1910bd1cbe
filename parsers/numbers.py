"""Number formats of the Go runtime's own printer (it does not use fmt)."""

from __future__ import annotations

import math

# Before Go 1.26 the runtime printed every float as +d.dddddde+ddd; from 1.26
# on it prints the shortest round-trip form (``0.25``). Both, and the
# specials, go through ``go_float``.
FLOAT_RE = r"(?:[+-]?\d+(?:\.\d+)?(?:e[+-]?\d+)?|NaN|[+-]Inf)"


def go_float(text: str) -> float:
    """Parse a runtime-printed float (``+1.610639e+000``, ``0.25``, ``+Inf``)."""
    if text == "NaN":
        return math.nan
    if text.endswith("Inf"):
        return -math.inf if text.startswith("-") else math.inf
    return float(text)
