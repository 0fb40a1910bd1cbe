"""Many pods in one stream: a model per source, beside the whole stream's.

``stern api`` or ``kubectl logs -l app=api --prefix -f`` interleave the
lines of several pods; the parser names each record's pod (or compose
service, or file) in ``LineMeta.source`` and tells runs apart within a
source only (:meth:`parsers.stream.Parser._run_clock`). Here the records are
sorted out by that name into one :class:`~tui.model.Model` each, so every
statistic (pauses, GC CPU, the heap's trend, findings) is one process's.

Fed the same events the whole-stream model gets (the live path), or a bulk
parse's result (``BulkResult.sourced`` holds its named cycles, since the
columns keep no source). A source's segments are numbered within it: the
parser numbers them across the stream.

Program output is not sorted out: only records name their source (the
prefix is read where a record starts), and a pod's output still shows in
the whole stream.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Iterable

from parsers.bulk import BulkResult
from parsers.events import Event, Segment
from tui.model import Model

# A log whose "pod names" are really program text must not grow without end.
MAX_SOURCES = 256
OTHER = "(other sources)"


class SourceModels:
    """One model per named source, in the order the sources first appeared."""

    def __init__(self, max_sources: int = MAX_SOURCES) -> None:
        self.models: dict[str, Model] = {}
        self.max_sources = max_sources

    def __len__(self) -> int:
        return len(self.models)

    def names(self) -> list[str]:
        return list(self.models)

    def apply(self, events: Iterable[Event]) -> None:
        """Route every event that names its source to that source's model."""
        batches: dict[str, list[Event]] = {}
        for event in events:
            source = _source_of(event)
            if source is not None:
                batches.setdefault(self._name(source), []).append(event)
        for name, batch in batches.items():
            self._store(name, batch)

    def apply_bulk(self, result: BulkResult) -> None:
        """A whole input's parse: its named cycles and records, in line order."""
        named = [e for e in result.records if _source_of(e) is not None]
        if not result.sourced and not named:
            return
        merged = sorted([*result.sourced, *named], key=_order)
        self.apply(merged)

    def _name(self, source: str) -> str:
        if source in self.models or len(self.models) < self.max_sources:
            return source
        return OTHER

    def _store(self, name: str, events: list[Event]) -> None:
        model = self.models.get(name)
        if model is None:
            model = self.models[name] = Model()
            model.env.description = name
        renumbered: list[Event] = []
        seg = model.segment
        counts = dict(model.line_counts)
        lines = model.lines
        for event in events:
            if isinstance(event, Segment):
                seg += 1
                event = replace(event, index=seg)
            else:  # a record's line: the source's own accounting
                kind = event.kind
                counts[kind] = counts.get(kind, 0) + 1
                lines += 1
            renumbered.append(event)
        model.apply(renumbered)
        model.set_counts(counts, lines)


def _source_of(event: Event) -> str | None:
    if isinstance(event, Segment):
        return event.source
    meta = getattr(event, "meta", None)
    return getattr(meta, "source", None)


def _order(event: Event) -> tuple[int, int]:
    """Line order; a segment comes before the record on its line."""
    if isinstance(event, Segment):
        return (event.line_no, 0)
    meta = getattr(event, "meta", None)
    return (getattr(meta, "line_no", 0), 1)
