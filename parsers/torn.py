"""Rejoining a gc line that the program's own writes tore apart.

The runtime writes a gc line in dozens of small ``write()`` calls, one per
field and separator; a program's ``fmt.Fprintln(os.Stderr, ...)`` is a single
write. Under load the program's lines land *inside* gc lines, so a log shows

    gc 3 @0.002s 20%: chatty: writer 3 line 5
    0.16+0.28+0.003 ms clock, chatty: writer 3 line 6
    0.33+0.035/0.11/0+0.007 ms cpu, 1->1->0 MB, 4 MB goal, 0 MB stacks, 0 MB globals, 2 P

(seen for real with Go 1.19, see tests/go/chatty). Each torn line is a piece
of the record followed by a whole program line. ``TornRecord`` collects the
pieces, using the longest text that can still grow into a gc line to tell the
record from the program's text, until the record is complete.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from parsers.events import LineMeta
from parsers.gctrace import prefix_length
from parsers.shapes import Shape

# How many torn pieces, and whole program lines in a row between two of them,
# to wait through. Real runs of tests/go/chatty put up to 16 program lines
# between two pieces of one gc line. A weak head ("gc 5 items") that turns out
# to be plain output is released when the wait ends; the model puts it back
# in line order.
MAX_PIECES = 24
MAX_APART = 64


@dataclass
class TornRecord:
    """A gc record in progress. ``strong``: its head matched a record start;
    a weak head (just ``gc 1...``) may well have been program output."""

    first: LineMeta
    text: str
    strong: bool
    first_payload: str
    pieces: list[tuple[str, LineMeta]] = field(default_factory=list)
    inserted: list[tuple[str, LineMeta]] = field(default_factory=list)
    apart: int = 0

    @classmethod
    def start(cls, record: str, meta: LineMeta, payload: str, strong: bool) -> TornRecord | None:
        """Begin with a line whose record is cut short; None if it cannot be one."""
        head = prefix_length(record)
        if head < 3:  # "gc " is one write of the runtime: the shortest head
            return None
        torn = cls(first=meta, text=record[:head], strong=strong, first_payload=payload)
        if record[head:]:
            torn.inserted.append((record[head:], meta))
        return torn

    def offer(
        self, payload: str, meta: LineMeta, shapes: list[Shape]
    ) -> tuple[Shape, re.Match[str]] | bool:
        """Try the next line. Returns the completing shape and match, True if
        the line was a piece (kept), or False if it is not part of the record."""
        candidate = self.text + payload
        for shape in shapes:
            m = shape.pattern.fullmatch(candidate)
            if m is not None:
                self.pieces.append((payload, meta))
                return shape, m
        grown = prefix_length(candidate)
        if grown <= len(self.text):
            self.apart += 1
            return False
        self.apart = 0
        self.text = candidate[:grown]
        self.pieces.append((payload, meta))
        if candidate[grown:]:
            self.inserted.append((candidate[grown:], meta))
        return True

    @property
    def exhausted(self) -> bool:
        return len(self.pieces) >= MAX_PIECES or self.apart >= MAX_APART

    def raw(self) -> str:
        """Every physical line the record spans, joined."""
        return "\n".join([self.first.raw, *(meta.raw for _, meta in self.pieces)])
