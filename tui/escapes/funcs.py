"""Which function a line of Go source belongs to, without a Go parser.

The compiler's diagnostics name a position, not a function (the ``-json``
output and ``-m`` text before Go 1.25 alike), but the panel groups hints by
function. gofmt puts every top-level ``func`` at the start of a line and
its closing brace alone at the start of a later line, so a line scan finds
the spans; code that is not gofmt'd still gets each function up to the next
top-level declaration. Closures belong to the function they are written in,
which is where the user would look for them.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Sequence
from dataclasses import dataclass

_FUNC = re.compile(r"func\s*(?:\((?P<recv>[^)]*)\)\s*)?(?P<name>[\w]+)")
_TOP_LEVEL = re.compile(r"(?:func|type|var|const|import)\b")
_TYPE_PARAMS = re.compile(r"\[[^\]]*\]")
PACKAGE_LEVEL = ""


@dataclass(frozen=True, slots=True)
class FuncSpan:
    """Lines ``start``..``end`` (1-based, inclusive) hold function ``name``,
    spelled as the compiler does: ``newUser``, ``(*Store).Add``, ``point.String``."""

    start: int
    end: int
    name: str


def receiver_type(recv: str) -> str:
    """``s *Store`` → ``*Store``; ``l *List[T]`` → ``*List``; ``point`` → ``point``."""
    parts = _TYPE_PARAMS.sub("", recv).replace("*", " * ").split()
    if not parts:
        return ""
    star = "*" in parts
    names = [p for p in parts if p != "*"]
    base = names[-1] if names else ""
    return f"*{base}" if star else base


def func_name(line: str) -> str | None:
    """The name of the function a ``func`` line declares (None: not one)."""
    match = _FUNC.match(line)
    if match is None:
        return None
    recv = match.group("recv")
    if recv is None:
        return match.group("name")
    base = receiver_type(recv)
    return f"({base}).{match.group('name')}" if base.startswith("*") else f"{base}.{match.group('name')}"


def function_spans(lines: Sequence[str]) -> list[FuncSpan]:
    """The top-level functions of one file, in order."""
    spans: list[FuncSpan] = []
    current: tuple[int, str] | None = None
    for number, line in enumerate(lines, start=1):
        if current is not None and line.startswith("}"):
            spans.append(FuncSpan(current[0], number, current[1]))
            current = None
            continue
        if not _TOP_LEVEL.match(line):
            continue
        if current is not None:  # not gofmt'd: the function ends where the next declaration starts
            spans.append(FuncSpan(current[0], number - 1, current[1]))
            current = None
        name = func_name(line) if line.startswith("func") else None
        if name is not None:
            if line.rstrip().endswith("}"):  # a one-line function
                spans.append(FuncSpan(number, number, name))
            else:
                current = (number, name)
    if current is not None:
        spans.append(FuncSpan(current[0], len(lines), current[1]))
    return spans


class FunctionIndex:
    """Looks up the function holding a line of one file."""

    def __init__(self, lines: Sequence[str]) -> None:
        self.spans = function_spans(lines)
        self._starts = [s.start for s in self.spans]

    def at(self, line: int) -> str:
        """The function holding ``line``, or :data:`PACKAGE_LEVEL`."""
        i = bisect.bisect_right(self._starts, line) - 1
        if i >= 0 and self.spans[i].start <= line <= self.spans[i].end:
            return self.spans[i].name
        return PACKAGE_LEVEL
