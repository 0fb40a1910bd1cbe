"""Units as the Go runtime prints them, for every layer that shows a size.

The header, the escape ranking and the charts all say sizes the same way;
one formatter keeps them from drifting apart.
"""

from __future__ import annotations


def format_bytes(n: int) -> str:
    """Bytes in the runtime's units (KiB, MiB, GiB), one decimal."""
    value = float(n)
    for unit in ("B", "KiB", "MiB", "GiB"):
        if abs(value) < 1024 or unit == "GiB":
            return f"{value:.0f} {unit}" if unit == "B" else f"{value:.1f} {unit}"
        value /= 1024
    return f"{value:.1f} TiB"  # pragma: no cover
