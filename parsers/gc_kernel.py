"""The optional compiled gc-line kernel (``pip install gctui[fast]``, numba).

The pure bulk path (:mod:`parsers.bulk_stride`) costs about 3 us a gc line:
a validating regex, two splits, 18 number objects. A gc line is a fixed
grammar of ASCII digits and literals, so one compiled pass over a chunk can
check it and convert its numbers with no Python object per line: about
0.2 s of CPU per 100 MB instead of 2-3 s.

Exactly the plain lines the stride path accepts, no more: a Go 1.6+ gc line
(with or without ``MB stacks, MB globals``, with or without ``(forced)``),
no prefix, no marker, no CR, whole numbers of 1-9 digits, durations
``\\d+(\\.\\d+)?`` of at most 15 digits. Anything else (another era, a
prefix, a torn or over-long line, an open block, non-ASCII) is simply not
marked, and the caller hands that line to the exact existing path.

Numbers are converted exactly as ``float()`` and ``int()`` read them: a
duration of mantissa ``m`` (< 10**15 < 2**53) and ``k`` decimals is
``m / 10.0**k`` in float64, one correctly rounded division of two exact
doubles, which is what ``float()``'s correctly rounded decimal conversion
gives; it is then stored as float32 as ``array('f')`` stores it. ``t_ms``
is ``round(float("S.FFF") * 1000.0)`` with round-half-even, as Python's
``round``. tests/test_gc_kernel.py holds the kernel's columns bit-equal to
the pure path's.

Loaded lazily (numba and numpy cost ~0.3 s to import, which ``--help`` and
the first screen of a small file never pay) and only when importable:
:func:`kernel` returns None without numba, or when ``GCTUI_KERNEL=0``.
Compiled code is cached in ``$XDG_CACHE_HOME/gctui/numba`` (else
``~/.cache/gctui/numba``); where that cannot be written the kernel is
compiled in memory on each run (a second or two) instead.
"""

from __future__ import annotations

import os
import threading
from typing import Any, Callable

# Below this many bytes a chunk goes the pure way: the kernel's gain on a
# few lines is smaller than the numba import a live session would pay.
MIN_BYTES = 64 << 10

Scan = Callable[..., int]
_lock = threading.Lock()
_state: dict[str, Any] = {}


def enabled() -> bool:
    """Whether the kernel may be used (``GCTUI_KERNEL=0`` turns it off)."""
    return os.environ.get("GCTUI_KERNEL", "1") not in ("0", "no", "off", "false")


def available() -> bool:
    """Whether numba can be imported, without importing it."""
    if "available" not in _state:
        from importlib.util import find_spec

        _state["available"] = find_spec("numba") is not None and find_spec("numpy") is not None
    return bool(_state["available"])


def kernel(*, load: bool = True) -> Scan | None:
    """The compiled scan (compiled or loaded from the cache on first call),
    or None when numba is missing, disabled, or failed to compile;
    ``load=False``: None unless it is loaded already."""
    if not enabled() or not available():
        return None
    if not load and "scan" not in _state:
        return None
    with _lock:
        if "scan" not in _state:
            _state["scan"] = _build()
    scan: Scan | None = _state["scan"]
    return scan


def cache_dir() -> str | None:
    """A writable directory for numba's cache, or None."""
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    path = os.path.join(base, "gctui", "numba")
    try:
        os.makedirs(path, exist_ok=True)
    except OSError:
        return None
    return path if os.access(path, os.W_OK | os.X_OK) else None


def _build() -> Scan | None:
    # numba reads NUMBA_CACHE_DIR once, when first imported.
    cache = os.environ.get("NUMBA_CACHE_DIR") or cache_dir()
    if cache is not None:
        os.environ.setdefault("NUMBA_CACHE_DIR", cache)
    try:
        from parsers import gc_kernel_jit

        return gc_kernel_jit.compiled(cache=cache is not None)
    except Exception:  # numba present but broken (an LLVM mismatch): the pure path serves
        return None


def gc_rows(framed: bytes, scan: Scan) -> tuple[list[int], list[int], int, Any]:
    """Run ``scan`` over ``framed`` (whole lines, a newline in front): the
    indexes of its plain gc lines and of its other lines, how many lines,
    and the gc lines' columns (a :class:`~parsers.columns.GCColumns` whose
    ``line_no`` and ``segment`` are the caller's)."""
    import numpy as np

    from parsers.columns import GCColumns
    from parsers.gc_kernel_jit import F32, U32

    buf = np.frombuffer(framed, dtype=np.uint8)
    lines = framed.count(b"\n") - 1
    gc_line = np.empty(lines, np.int64)
    u32 = np.empty((len(U32), lines), np.uint32)
    f32 = np.empty((len(F32), lines), np.float32)
    cpu = np.empty(lines, np.uint8)
    procs = np.empty(lines, np.uint16)
    flags = np.empty(lines, np.uint8)
    g = scan(buf, 1, gc_line, u32, f32, cpu, procs, flags)
    c = GCColumns()
    for rows, names in ((u32, U32), (f32, F32)):
        for row, name in zip(rows, names):
            getattr(c, name).frombytes(row[:g].view(np.uint8).data)
    c.cpu_pct.frombytes(cpu[:g].view(np.uint8).data)
    c.procs.frombytes(procs[:g].view(np.uint8).data)
    c.flags.frombytes(flags[:g].view(np.uint8).data)
    other = np.ones(lines, np.bool_)
    gc_idx = gc_line[:g]
    other[gc_idx] = False
    return gc_idx.tolist(), np.flatnonzero(other).tolist(), lines, c
