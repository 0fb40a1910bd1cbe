"""Ranking escape hints by the bytes the running program allocates at them.

The allocation profile (``/debug/pprof/allocs``) counts, for every sampled
allocation, its stack and the bytes (``alloc_space``, already scaled up from
the sampling rate by the runtime). An allocation belongs to the line of the
function the code was compiled into: the last frame of the leaf location,
because inlined frames come first within a location, and the compiler
reports an escape inside inlined code at the call site in the function
being compiled. Runtime frames are already hidden by ``runtime/pprof``; a
leaf that is still in the runtime (``runtime.malg``) is left as is, so its
bytes count towards the total and to no hint.

Two measures: ``alloc_space``, every byte allocated since the program
started (what makes the collector run often), and ``inuse_space``, the
bytes still live at the last collection (what a leak grows: a line that
allocates little garbage but keeps all of it tops this one).

Only ``moved to heap`` and ``escapes to heap`` allocate at their line; when
several share one line, the line's bytes cannot be split between them and
each shows the line's share, saying it is shared.
"""

from __future__ import annotations

import os
import time
from collections.abc import Mapping
from dataclasses import dataclass, field

from tui.escapes.analyze import Analysis
from tui.escapes.kinds import ALLOCATING_KINDS
from tui.escapes.pprof import Profile
from tui.units import format_bytes

SAMPLE = "alloc_space"
INUSE = "inuse_space"
MEASURE_WORDS = {SAMPLE: "allocated bytes", INUSE: "bytes in use"}


class RankingError(Exception):
    """The profile cannot be had or read; the message is one line."""


@dataclass(frozen=True, slots=True)
class AllocSites:
    """Bytes per ``(file, line)`` as the binary names files, and the
    program's total, for ``alloc_space`` (``by_line``, ``total``) and, when
    the profile has it, ``inuse_space``; ``url`` and ``fetched_at`` (wall
    time) say whence."""

    by_line: Mapping[tuple[str, int], int]
    functions: Mapping[tuple[str, int], str] = field(default_factory=dict)
    total: int = 0
    url: str = ""
    fetched_at: float = 0.0
    inuse_by_line: Mapping[tuple[str, int], int] = field(default_factory=dict)
    inuse_total: int = 0

    def measure(self, name: str) -> tuple[Mapping[tuple[str, int], int], int]:
        """``(bytes per line, total)`` of ``alloc_space`` or ``inuse_space``."""
        return (self.inuse_by_line, self.inuse_total) if name == INUSE else (self.by_line, self.total)


@dataclass(frozen=True, slots=True)
class Ranking:
    """Per hint of an analysis (same indexes): the bytes at its line by
    ``measure`` (0 for kinds that do not allocate there) and how many
    allocating hints share that line; ``order`` the hints with bytes, most
    first."""

    bytes: tuple[int, ...]
    sharing: tuple[int, ...]
    total: int
    order: tuple[int, ...]
    measure: str = SAMPLE

    def share(self, index: int) -> float:
        """The hint's fraction of all bytes of the measure (0..1)."""
        return self.bytes[index] / self.total if self.total else 0.0

    def describe(self, index: int) -> str:
        """The sentence the panel shows, e.g. "this escape accounts for 41 %
        of allocated bytes (12.0 MiB)"."""
        words = MEASURE_WORDS.get(self.measure, self.measure)
        if not self.bytes[index]:
            return f"no {words} at this line in the profile"
        pct = f"{self.share(index) * 100:.0f} %" if self.share(index) >= 0.01 else "under 1 %"
        amount = format_bytes(self.bytes[index])
        if self.sharing[index] > 1:
            return (f"this line accounts for {pct} of {words} ({amount}), "
                    f"shared by {self.sharing[index]} escapes on it")
        return f"this escape accounts for {pct} of {words} ({amount})"


def alloc_sites(profile: Profile, sample: str = SAMPLE, url: str = "") -> AllocSites:
    """Sum ``sample`` (and ``inuse_space`` when there) per allocating line;
    RankingError when the profile lacks ``sample``."""
    index = profile.value_index(sample)
    if index is None:
        kinds = ", ".join(k for k, _ in profile.sample_types) or "none"
        raise RankingError(f"the profile has no {sample} values (it has: {kinds})")
    inuse = profile.value_index(INUSE)
    by_line: dict[tuple[str, int], int] = {}
    inuse_by_line: dict[tuple[str, int], int] = {}
    functions: dict[tuple[str, int], str] = {}
    total = inuse_total = 0
    for ids, values in profile.samples:
        if index >= len(values):
            continue
        amount = values[index]
        live = values[inuse] if inuse is not None and inuse < len(values) else 0
        total += amount
        inuse_total += live
        frames = profile.locations.get(ids[0]) if ids else None
        if not frames:
            continue
        site = frames[-1]
        key = (site.file, site.line)
        by_line[key] = by_line.get(key, 0) + amount
        if live:
            inuse_by_line[key] = inuse_by_line.get(key, 0) + live
        functions.setdefault(key, site.function)
    return AllocSites(by_line, functions, total, url, time.time(), inuse_by_line, inuse_total)


def rank(analysis: Analysis, sites: AllocSites, measure: str = SAMPLE) -> Ranking:
    """The bytes behind each hint of ``analysis`` by ``measure``
    (``alloc_space`` or ``inuse_space``)."""
    by_line, total = sites.measure(measure)
    matcher = _Matcher(analysis, sites)
    lines: list[tuple[str, int] | None] = []
    for placed in analysis.hints:
        key = matcher.site(placed.path, placed.hint.line) if placed.hint.hint in ALLOCATING_KINDS else None
        lines.append(key)
    counts: dict[tuple[str, int], int] = {}
    for key in lines:
        if key is not None:
            counts[key] = counts.get(key, 0) + 1
    amounts = tuple(by_line.get(key, 0) if key else 0 for key in lines)
    sharing = tuple(counts.get(key, 0) if key else 0 for key in lines)
    order = sorted((i for i, b in enumerate(amounts) if b > 0), key=lambda i: (-amounts[i], i))
    return Ranking(amounts, sharing, total, tuple(order), measure)


class _Matcher:
    """Finds the profile's name for a source file: the same absolute path,
    the module-relative name of a ``-trimpath`` build, or (for a binary built
    in another checkout) the same path below the module root, if the
    profile's function there belongs to this package."""

    def __init__(self, analysis: Analysis, sites: AllocSites) -> None:
        self.analysis = analysis
        self.sites = sites
        self.files: dict[str, list[str]] = {}
        for file, _line in sites.by_line:
            self.files.setdefault(os.path.basename(file.replace("\\", "/")), []).append(file)
        self.cache: dict[str, str | None] = {}
        root, module = analysis.module_root, analysis.module_path
        rel_dir = os.path.relpath(analysis.directory, root) if root else "."
        package = module if rel_dir == "." else f"{module}/{rel_dir}" if module else None
        self.prefixes = tuple(p + "." for p in ("main", package) if p)

    def site(self, path: str | None, line: int) -> tuple[str, int] | None:
        if path is None:
            return None
        if path not in self.cache:
            self.cache[path] = self._profile_file(path)
        file = self.cache[path]
        return (file, line) if file is not None else None

    def _profile_file(self, path: str) -> str | None:
        candidates = self.files.get(os.path.basename(path), [])
        if path in candidates:
            return path
        root, module = self.analysis.module_root, self.analysis.module_path
        if root is None:
            return None
        rel = os.path.relpath(path, root).replace(os.sep, "/")
        if module and f"{module}/{rel}" in candidates:
            return f"{module}/{rel}"
        for file in candidates:
            if file.replace("\\", "/").endswith("/" + rel) and self._ours(file):
                return file
        return None

    def _ours(self, file: str) -> bool:
        return any(fn.startswith(self.prefixes)
                   for (f, _), fn in self.sites.functions.items() if f == file)
