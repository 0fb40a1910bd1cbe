"""Findings for a screen that stays open: what is wrong now, and what was.

The live engine only looks at the newest window, so a GC storm that ended a
minute ago vanishes from it. The user still wants to walk to it, so every
finding seen is remembered (the newest version of each rule per run) and
shown as *earlier* once it is no longer active. When the source has ended,
or a whole file was loaded, the full scan (every window of every run)
replaces the guesswork; it runs once, off the UI thread.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Callable, Mapping

from tui.analysis.findings import Finding, FindingsEngine, evaluate, sort_findings
from tui.model import Model
from tui.analysis.thresholds import Thresholds

Key = tuple[str, int, "str | None"]


def of_source(name: str, f: Finding) -> Finding:
    """A pod's finding, shown in the whole stream of many pods: it names the
    pod, and its cycle indices (the pod's own model's) are dropped."""
    return replace(f, title=f"{name}: {f.title}", source=name, first_index=None, last_index=None)


def per_source(sources: Mapping[str, Model], thresholds: Thresholds, *, full: bool = False,
               stop: Callable[[], bool] | None = None) -> list[Finding]:
    """Every pod's own findings (the full scan), as :func:`of_source` shows them.

    An interleaved stream read as one process gives findings no process
    has (cycles 2 ms apart that are three pods' 6 ms); ``report`` lists the
    pods' own too (:func:`tui.analysis.sources.pool`)."""
    return [of_source(name, f) for name, model in sources.items()
            for f in evaluate(model, thresholds, full=full, stop=stop)]


class LiveFindings:
    """Active findings plus remembered ones, in the findings panel's order."""

    def __init__(self, thresholds: Thresholds | None = None) -> None:
        self.engine = FindingsEngine(thresholds)
        self.engines: dict[str, FindingsEngine] = {}  # one per pod of a multi-pod stream
        self.seen: dict[Key, Finding] = {}
        self.full: list[Finding] | None = None
        self._listed: list[Finding] = []
        self._earlier: set[int] = set()
        self._version: tuple[int, int] = (0, -1)

    @property
    def thresholds(self) -> Thresholds:
        return self.engine.thresholds

    def update(self, model: Model, *, ended: bool = False,
               sources: Mapping[str, Model] | None = None) -> tuple[list[Finding], set[int]]:
        """The list to show and which of its indices are no longer active.

        ``sources``: the pods, when ``model`` is the whole stream of several
        (each pod's own engine then runs, see :func:`of_source`). Cheap when
        nothing changed; O(window) otherwise (call under the model lock)."""
        if (id(model), model.version) == self._version:
            return self._listed, self._earlier
        self._version = (id(model), model.version)
        if sources is not None and len(sources) > 1:
            active = [of_source(name, f) for name, m in sources.items()
                      for f in self.engines.setdefault(name, FindingsEngine(self.thresholds)).update(m)]
        else:
            active = self.engine.update(model)
        active_keys = {_key(f) for f in active}
        for f in active:
            self.seen[_key(f)] = f
        known = dict(self.seen)
        for f in self.full or ():  # the full scan's worst window, unless the rule is active now
            if _key(f) not in active_keys:
                known[_key(f)] = f
        listed = sort_findings(list(known.values()))
        self._listed = listed
        self._earlier = set() if ended and self.full is not None else {
            i for i, f in enumerate(listed) if _key(f) not in active_keys}
        return self._listed, self._earlier

    def forget(self) -> None:
        """Drop what was remembered: the model shown was replaced."""
        self.seen.clear()
        self.engines.clear()
        self.full = None
        self._version = (0, -1)

    def set_full(self, findings: list[Finding]) -> None:
        """The full scan's result (computed in a worker)."""
        self.full = findings
        self._version = (0, -1)


def _key(f: Finding) -> Key:
    return (f.id, f.segment, f.source)
