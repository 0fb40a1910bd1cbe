"""Findings for a screen that stays open: what is wrong now, and what was.

The live engine only looks at the newest window, so a GC storm that ended a
minute ago vanishes from it. The user still wants to walk to it, so every
finding seen is remembered (the newest version of each rule per run) and
shown as *earlier* once it is no longer active. When the source has ended,
or a whole file was loaded, the full scan (every window of every run)
replaces the guesswork; it runs once, off the UI thread.
"""

from __future__ import annotations

from tui.analysis.findings import Finding, FindingsEngine, sort_findings
from tui.model import Model
from tui.analysis.thresholds import Thresholds


class LiveFindings:
    """Active findings plus remembered ones, in the findings panel's order."""

    def __init__(self, thresholds: Thresholds | None = None) -> None:
        self.engine = FindingsEngine(thresholds)
        self.seen: dict[tuple[str, int], Finding] = {}
        self.full: list[Finding] | None = None
        self._listed: list[Finding] = []
        self._earlier: set[int] = set()
        self._version: tuple[int, int] = (0, -1)

    @property
    def thresholds(self) -> Thresholds:
        return self.engine.thresholds

    def update(self, model: Model, *, ended: bool = False) -> tuple[list[Finding], set[int]]:
        """The list to show and which of its indices are no longer active.

        Cheap when nothing changed; O(window) otherwise (call under the
        model lock)."""
        if (id(model), model.version) == self._version:
            return self._listed, self._earlier
        self._version = (id(model), model.version)
        active = self.engine.update(model)
        active_keys = {(f.id, f.segment) for f in active}
        for f in active:
            self.seen[(f.id, f.segment)] = f
        known = dict(self.seen)
        for f in self.full or ():  # the full scan's worst window, unless the rule is active now
            if (f.id, f.segment) not in active_keys:
                known[(f.id, f.segment)] = f
        listed = sort_findings(list(known.values()))
        self._listed = listed
        self._earlier = set() if ended and self.full is not None else {
            i for i, f in enumerate(listed) if (f.id, f.segment) not in active_keys}
        return self._listed, self._earlier

    def forget(self) -> None:
        """Drop what was remembered: the model shown was replaced."""
        self.seen.clear()
        self.full = None
        self._version = (0, -1)

    def set_full(self, findings: list[Finding]) -> None:
        """The full scan's result (computed in a worker)."""
        self.full = findings
        self._version = (0, -1)
