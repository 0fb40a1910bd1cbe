"""The parser's records that span lines, and how each one ends.

A scheddetail snapshot waits for its P/M/G lines, a crash dump for its last
goroutine, and a gc record another write tore in two for its pieces
(:mod:`parsers.torn`). :class:`parsers.stream.Parser` keeps the open block;
this mixin closes it into events (kept apart so the line dispatcher stays
one readable module).
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from parsers import crash, gctrace, schedtrace
from parsers.events import Crash, Event, LineMeta, Malformed, Output, SchedDetail, SchedSnapshot
from parsers.heads import STARTS
from parsers.torn import TornRecord


class SpanningBlocks:
    """Ends the open scheddetail block, crash dump or torn gc record."""

    _out: list[Event]
    _sched: SchedSnapshot | None
    _details: list[SchedDetail]
    _crash: list[tuple[str, LineMeta]]
    _torn: TornRecord | None
    _tables: dict[str, list[Any]]

    def _count(self, kind: str) -> None:
        raise NotImplementedError

    def _logical(self, payload: str, meta: LineMeta, cut: int) -> None:
        raise NotImplementedError

    def _emit(self, event: object) -> None:
        raise NotImplementedError

    def _end_sched(self) -> None:
        if self._sched is None:
            return
        snap, details = self._sched, self._details
        self._sched, self._details = None, []
        self._out.append(schedtrace.summarize_block(snap, details))

    def _end_crash(self) -> None:
        if not self._crash:
            return
        lines = [text for text, _ in self._crash]
        metas = [meta for _, meta in self._crash]
        self._crash = []
        event: Crash = crash.build_crash(lines, metas)
        self._out.append(event)

    def _end_torn(self) -> None:
        """Give up on a torn record: keep its lines as what they look like."""
        torn, self._torn = self._torn, None
        if torn is None:
            return
        if torn.strong:
            self._out.append(Malformed(meta=torn.first, family=gctrace.FAMILY, reason="incomplete gc line"))
            self._count("malformed")
        else:
            self._out.append(Output(meta=torn.first, text=torn.first_payload))
            self._count("output")
        for payload, meta in torn.pieces:
            self._logical(payload, meta, 0)

    def _torn_step(self, payload: str, meta: LineMeta) -> bool:
        """Offer a line to the torn record; True when it was taken."""
        torn = self._torn
        assert torn is not None
        stripped = payload.strip()
        if STARTS.match(stripped) or crash.START.match(stripped) or torn.exhausted:
            self._end_torn()
            return False
        verdict = torn.offer(payload, meta, self._tables[gctrace.FAMILY])
        if verdict is True:
            return True
        if verdict is False:
            return False  # a whole program line between two pieces
        shape, m = verdict
        try:
            cycle = shape.build(m, replace(torn.first, raw=torn.raw()))
        except (ValueError, OverflowError):  # e.g. a number past int()'s digit limit
            self._end_torn()  # its lines, this one included, go back as what they are
            return True
        self._torn = None
        self._emit(cycle)
        for text, where in torn.inserted:
            self._out.append(Output(meta=where, text=text, recovered=True))
        for _ in torn.pieces:
            self._count("continuation")
        return True
