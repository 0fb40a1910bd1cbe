"""Zero-copy numpy views of the model's ``array`` columns.

The columns stay ``array.array`` (cheap appends, no numpy needed to load or
to print ``--help``); bulk arithmetic reads them through ``np.frombuffer``
views, which copy nothing. numpy is imported on first use, not at import
time: it costs ~100 ms, and ``gctui --help`` should not pay for it.

A live view pins its array: ``array.append`` raises ``BufferError`` while a
view exists. So views live only inside one function call; every result
handed out is a fresh numpy array or a Python number, never a view.
"""

from __future__ import annotations

from array import array
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import numpy as np
    import numpy.typing as npt

# array typecode -> numpy dtype name (sizes as on every platform gctui runs on).
_DTYPES = {"B": "u1", "H": "u2", "I": "u4", "f": "f4", "d": "f8"}


def numpy() -> Any:
    """The numpy module, imported on first use (see the module docstring)."""
    import numpy as np

    return np


def view(col: array, lo: int = 0, hi: int | None = None) -> npt.NDArray[Any]:  # type: ignore[type-arg]
    """Rows ``[lo, hi)`` of ``col`` as a read-only numpy view (no copy)."""
    np = numpy()
    hi = len(col) if hi is None else hi
    if hi <= lo:
        return np.empty(0, dtype=_DTYPES[col.typecode])
    return np.frombuffer(col, dtype=_DTYPES[col.typecode], count=hi)[lo:hi]


def floats(col: array, lo: int = 0, hi: int | None = None) -> npt.NDArray[np.float64]:  # type: ignore[type-arg]
    """Rows ``[lo, hi)`` as float64 with every missing value NaN (a copy).

    Unsigned columns mark "not printed" with the type's maximum
    (``MISSING_U32`` and friends); float columns already use NaN.
    """
    np = numpy()
    raw = view(col, lo, hi)
    out = raw.astype(np.float64)
    if col.typecode in "BHI":
        out[raw == np.iinfo(raw.dtype).max] = np.nan
    return out  # type: ignore[no-any-return]
