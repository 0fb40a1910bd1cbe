"""What a bulk parse gives: gc cycles in columns, plain lines as rows, events for the rest.

:class:`BulkResult` is what :class:`~parsers.bulk.BulkParser` returns and
what crosses a process boundary when :mod:`tui.ingest.wholefile` spreads a file over
cores: columns and rows pickle in a few large buffers, where millions of
events would each cost microseconds. :attr:`BulkResult.events` puts rows
back among the events in the parser's order, for a reader that needs that.
"""

from __future__ import annotations

from array import array
from dataclasses import dataclass, field

from parsers.columns import GCColumns
from parsers.events import Event, GCCycle, Output, SchedSnapshot
from parsers.rows import OutputLines, SchedLines


@dataclass
class BulkResult:
    """What a bulk parse produced: columns for cycles, rows for plain
    program output and SCHED lines, events for the rest.

    ``records`` are the events that are not rows; ``output_pos[i]`` (and
    ``sched_pos[i]``) is how many records the parser gave before output row
    ``i``, so :attr:`events` can put everything back in the parser's order.
    """

    columns: GCColumns
    records: list[Event] = field(default_factory=list)
    output: OutputLines = field(default_factory=OutputLines)
    sched: SchedLines = field(default_factory=SchedLines)
    output_pos: array = field(default_factory=lambda: array("Q"))  # type: ignore[type-arg]
    sched_pos: array = field(default_factory=lambda: array("Q"))  # type: ignore[type-arg]
    counts: dict[str, int] = field(default_factory=dict)
    lines: int = 0
    segments: int = 1
    # Where the input started and the parser's run-detection state at its
    # end: what a reader continuing after it (or a range after it) needs.
    first_line: int = 1
    last_gc_n: int | None = None
    last_sched_ms: int | None = None
    # The cycles of named sources (pods of a stern stream), which are in
    # ``columns`` too: columns keep no source, the per-source models need it.
    sourced: list[GCCycle] = field(default_factory=list)

    @property
    def cycles(self) -> int:
        return len(self.columns)

    @property
    def events(self) -> list[Event]:
        """Every event but the cycles, in the order the parser gave them
        (rows made into events: slow, for tests and small inputs)."""
        out: list[Event] = []
        rows = sorted(
            [(pos, self.output.line_no[i], 0, i) for i, pos in enumerate(self.output_pos)]
            + [(pos, self.sched.line_no[i], 1, i) for i, pos in enumerate(self.sched_pos)]
        )
        r = 0
        for j in range(len(self.records) + 1):
            while r < len(rows) and rows[r][0] == j:
                _, _, kind, i = rows[r]
                out.append(self.output[i] if kind == 0 else self.sched[i])
                r += 1
            if j < len(self.records):
                out.append(self.records[j])
        return out

    def has_rows(self) -> bool:
        return bool(self.output) or bool(self.sched)

    def without_rows(self) -> None:
        """Make every row an event in ``records`` (for a caller that must
        reorder events, which rows cannot follow)."""
        if self.has_rows():
            self.records = self.events
            self.output, self.sched = OutputLines(self.output.stream), SchedLines(self.sched.stream)
            self.output_pos, self.sched_pos = array("Q"), array("Q")

    def plain_rows(self) -> bool:
        """Whether every Output and SchedSnapshot is a row (none in
        ``records``), so a reader may take the rows as they are."""
        return not any(isinstance(e, (Output, SchedSnapshot)) for e in self.records)
