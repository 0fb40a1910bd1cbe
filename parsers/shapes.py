"""The row type of every table-driven line parser.

A family module (``gctrace``, ``schedtrace``, ``scavenger``, ``pacer``,
``runtime_notes``) exports ``FAMILY`` (its name, used for malformed
accounting), ``START`` (a pattern that says "this text begins a record of
mine", matched at the start of the payload and searched for inside lines
that carry a prefix) and ``SHAPES``, one :class:`Shape` per known line shape,
newest Go era first. The dispatcher in :mod:`parsers.stream` tries a family's
shapes most-recently-matched first, because a log almost always keeps to one
Go version.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Callable

from parsers.events import LineEvent, LineMeta

Builder = Callable[["re.Match[str]", LineMeta], LineEvent]


@dataclass(frozen=True, slots=True)
class Shape:
    """One known line shape: its name (Go era), full-line pattern, builder.

    ``pattern`` is matched with ``fullmatch`` against the payload (the line
    with any prefix and trailing white space removed).
    """

    name: str
    pattern: re.Pattern[str]
    build: Builder


def pairs(text: str) -> tuple[tuple[str, str], ...]:
    """Split ``a=1 b=2 c=`` into ``(("a", "1"), ("b", "2"), ("c", ""))``."""
    out: list[tuple[str, str]] = []
    for token in text.split():
        key, sep, value = token.partition("=")
        if sep:
            out.append((key, value))
    return tuple(out)
