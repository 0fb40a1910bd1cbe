"""Which pod each row of a multi-pod stream's cycle table came from.

The whole stream of ``stern api`` interleaves pods' cycles, and the numbers
a row derives from the row before it (the interval since the previous
cycle, GC CPU since the previous cycle's end) jump between pods' clocks
there. Each pod's own model (:mod:`tui.ingest.by_source`) holds the same
cycle, read from the same line of the stream, with those numbers derived
from that pod's previous cycle. So the table finds a row's pod by its line
number (one stream: line numbers are unique, and rise in every pod's
model), shows the pod's short name, and takes the row's numbers from the
pod's model.

Kept apart from the widget so it is testable without Textual.
"""

from __future__ import annotations

import os
from bisect import bisect_left
from typing import Mapping

from parsers.columns import MISSING_U32
from tui.model import Model
from tui.model.cycles import CycleStore

# What separates the parts of a pod's name as tailers write it:
# ``api-7d9f8-abcde app`` (stern), ``pod/api-7d9f8-abcde/app`` (kubectl), ``api-1  |`` (compose).
SEPARATORS = frozenset("-_/.: |[]")
CACHE_ROWS = 4096  # rows looked up and remembered (a screen shows a few dozen)


def short_names(names: list[str]) -> dict[str, str]:
    """Each name without the parts every name shares: a deployment's pods
    differ in their last few characters (``api-7d9f8-abcde app`` and
    ``api-7d9f8-fghij app`` are ``abcde`` and ``fghij``). Cut at separators
    only, so no name loses half a word; the full names when the cut ones
    would be empty or alike."""
    if len(names) < 2:
        return {name: name for name in names}
    prefix = os.path.commonprefix(names)
    head = max((i + 1 for i, ch in enumerate(prefix) if ch in SEPARATORS), default=0)
    suffix = os.path.commonprefix([name[::-1] for name in names])[::-1]
    seps = [i for i, ch in enumerate(suffix) if ch in SEPARATORS]
    tail = len(suffix) - seps[0] if seps else 0
    short = {}
    for name in names:
        cut = name[head:len(name) - tail] if len(name) - tail > head else ""
        short[name] = cut.strip("".join(SEPARATORS))
    if any(not s for s in short.values()) or len(set(short.values())) < len(names):
        return {name: name for name in names}
    return short


def pod_row(model: Model, sources: Mapping[str, Model], i: int) -> tuple[str, CycleStore, int] | None:
    """Row ``i`` of the whole stream ``model`` as ``(pod, pod's store, pod's
    row)``: the pod whose committed rows hold a cycle read from the same
    line. None when none does (a line the parser could not name)."""
    line = model.cycles.cols.line_no[i]
    if line == MISSING_U32:
        return None
    for name, pod in sources.items():
        store = pod.cycles
        col, n = store.cols.line_no, len(store.assist_share)  # committed: every column written
        j = bisect_left(col, line, 0, n)
        if j < n and col[j] == line:
            return name, store, j
    return None


class PodRows:
    """The pod of each whole-stream row, and its row in that pod's model."""

    def __init__(self, model: Model, sources: Mapping[str, Model]) -> None:
        self.model = model
        self.sources = dict(sources)
        self.short = short_names(list(self.sources))
        self.width = max((len(s) for s in self.short.values()), default=0)
        self._found: dict[int, tuple[str, CycleStore, int] | None] = {}

    def find(self, i: int) -> tuple[str, CycleStore, int] | None:
        """Row ``i`` of the whole stream as ``(short pod name, pod's store,
        pod's row)``; None when no pod's committed rows hold its line (a
        source the parser could not name, or one not derived yet)."""
        if i in self._found:
            return self._found[i]
        hit = pod_row(self.model, self.sources, i)
        found = None if hit is None else (self.short[hit[0]], hit[1], hit[2])
        if found is not None:  # a miss may be a row not committed to its pod yet: looked up again
            if len(self._found) >= CACHE_ROWS:
                self._found.clear()
            self._found[i] = found
        return found
