"""Which lines may start a record: derived once from the family tables.

Most lines of a log are program output, and both parsing paths want to wave
them through without trying a dozen patterns. Two cheap tests decide that a
line is *surely* output:

* its first non-blank character is not in :data:`HEAD_CHARS`, the first
  characters of every pattern that is matched at the start of a payload (a
  family's ``START``, a crash dump's, a runtime note's, a torn gc head);
* it contains none of :data:`MAY_HOLD_WORDS`, words that every match of
  :data:`STARTS` contains, so a record behind a prefix cannot hide there.

Both sets used to be written out by hand in two modules (and went stale
when a pattern changed); here they are read off the patterns themselves,
with the regex parser the ``re`` module compiles them with. A pattern this
walk cannot read (a start that may begin with any character, say) fails
loudly at import rather than quietly letting records pass as output.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any, Callable, Iterable

from parsers import crash, gctrace, pacer, runtime_notes, scavenger, schedtrace
from parsers.shapes import Shape

if TYPE_CHECKING:  # the stubs know these modules by their pre-3.11 names
    import sre_constants as _c
    import sre_parse as _sre
else:
    from re import _constants as _c
    from re import _parser as _sre

# family name -> its shapes, tried most recently matched first.
SHAPE_TABLES: dict[str, tuple[Shape, ...]] = {
    gctrace.FAMILY: gctrace.SHAPES,
    schedtrace.FAMILY: schedtrace.SHAPES,
    schedtrace.DETAIL_FAMILY: schedtrace.DETAIL_SHAPES,
    scavenger.FAMILY: scavenger.SHAPES,
    pacer.FAMILY: pacer.SHAPES,
    runtime_notes.FAMILY: runtime_notes.SHAPES,
}
# family name -> its start pattern, in the order STARTS tries them. Each is
# also searched for inside a line (a record behind a prefix or another write).
START_PATTERNS: dict[str, re.Pattern[str]] = {
    gctrace.FAMILY: gctrace.START,
    schedtrace.FAMILY: schedtrace.START,
    schedtrace.DETAIL_FAMILY: schedtrace.DETAIL_START,
    scavenger.FAMILY: scavenger.START,
    pacer.FAMILY: pacer.START,
    "gc_forced": runtime_notes.GC_FORCED_RE,
}
STARTS = re.compile("|".join(f"(?P<{name}>{p.pattern})" for name, p in START_PATTERNS.items()))
# Matched only at the start of a payload: these words are too common inside output.
LINE_STARTS: tuple[re.Pattern[str], ...] = (crash.START, runtime_notes.START, gctrace.TORN_HEAD)


def family_of(m: re.Match[str]) -> str:
    """The family whose start a match of STARTS found."""
    # The family patterns have no capturing groups of their own (a test holds
    # them to it), so the last group is the family's named one.
    return m.lastgroup  # type: ignore[return-value]


class UnreadablePattern(ValueError):
    """A start pattern this module cannot derive a head or a word from."""


_ZERO_WIDTH = (_c.AT, _c.ASSERT, _c.ASSERT_NOT)
_REPEATS = (_c.MAX_REPEAT, _c.MIN_REPEAT, getattr(_c, "POSSESSIVE_REPEAT", _c.MAX_REPEAT))


def _first_chars(items: Iterable[tuple[Any, Any]]) -> tuple[set[str], bool]:
    """The characters a match of ``items`` can begin with, and whether it
    can be empty (then what follows ``items`` counts too)."""
    out: set[str] = set()
    for op, av in items:
        if op is _c.LITERAL:
            return out | {chr(av)}, False
        if op is _c.IN and all(o in (_c.LITERAL, _c.RANGE) for o, _ in av):
            for o, a in av:
                out |= {chr(a)} if o is _c.LITERAL else {chr(x) for x in range(a[0], a[1] + 1)}
            return out, False
        if op is _c.BRANCH:
            nullable = False
            for branch in av[1]:
                chars, empty = _first_chars(branch)
                out |= chars
                nullable = nullable or empty
            if not nullable:
                return out, False
        elif op is _c.SUBPATTERN:
            chars, empty = _first_chars(av[-1])
            out |= chars
            if not empty:
                return out, False
        elif op in _REPEATS:
            chars, empty = _first_chars(av[2])
            out |= chars
            if av[0] > 0 and not empty:
                return out, False
        elif op not in _ZERO_WIDTH:
            raise UnreadablePattern(f"a start may begin with any character ({op})")
    return out, True


def _words(items: list[tuple[Any, Any]]) -> set[str]:
    """Words of which every match of ``items`` contains at least one.

    The first run of two or more literal characters, else the words of an
    alternation all of whose branches have some: one character (``P`` of
    ``P0: status=``) would match far too much program output to filter on.
    """
    runs: list[str] = []
    run = ""
    branches: set[str] | None = None
    for op, av in [*items, (None, None)]:
        if op is _c.LITERAL:
            run += chr(av)
            continue
        if len(run) >= 2:
            return {run}
        runs.append(run)
        run = ""
        if op is _c.BRANCH and branches is None:
            alternatives = [_words(branch) for branch in av[1]]
            if all(alternatives):
                branches = set().union(*alternatives)
        elif op is _c.SUBPATTERN and branches is None and (inner := _words(list(av[-1]))):
            branches = inner
    if branches:
        return branches
    if any(runs):
        return {max(runs, key=len)}
    return set()


def _minimal(words: set[str]) -> tuple[str, ...]:
    """Drop a word that holds another: where it is, the shorter one is too."""
    return tuple(sorted(w for w in words if not any(v != w and v in w for v in words)))


def _parse(pattern: re.Pattern[str]) -> list[tuple[Any, Any]]:
    """``pattern`` as the ``re`` module parses it: (opcode, argument) pairs."""
    return list(_sre.parse(pattern.pattern, pattern.flags).data)


def _derive() -> tuple[frozenset[str], tuple[str, ...]]:
    heads: set[str] = set()
    words: set[str] = set()
    for pattern in (*START_PATTERNS.values(), *LINE_STARTS):
        if pattern.flags & re.IGNORECASE:
            raise UnreadablePattern(f"{pattern.pattern!r}: case-insensitive starts are not read here")
        chars, empty = _first_chars(_parse(pattern))
        if empty:
            raise UnreadablePattern(f"{pattern.pattern!r} can match an empty line")
        heads |= chars
    for pattern in START_PATTERNS.values():
        found = _words(_parse(pattern))
        if not found:
            raise UnreadablePattern(f"{pattern.pattern!r} has no word to search for")
        words |= found
    # Go 1.25+ notes behind a pod's prefix (Parser._prefixed_note): a line
    # holding these words must reach the parser, not pass as plain output.
    words |= set(PREFIXED_NOTE_WORDS)
    return frozenset(heads), _minimal(words)


PREFIXED_NOTE_WORDS = ("scan: ", "checkfinalizers: ")


HEAD_CHARS, MAY_HOLD_WORDS = _derive()
MAY_HOLD = re.compile("|".join(map(re.escape, MAY_HOLD_WORDS)))
MAY_HOLD_BYTES = re.compile(MAY_HOLD.pattern.encode())

# First bytes of a line that is program output unless it holds one of the
# words: printable ASCII but no white space (the parser strips it, so the
# next character counts), no head character and no "{" (a Docker json-file
# record). A digit may open a CRI record: the bulk path looks for its
# "stdout "/"stderr " before it takes such a line as output.
OUTPUT_FIRST_BYTES = bytes(c for c in range(0x21, 0x7F) if chr(c) not in HEAD_CHARS and c != ord("{"))
OUTPUT_FIRST = frozenset(OUTPUT_FIRST_BYTES)
# What the CRI format writes after its time stamp (see parsers.prefixes).
CRI_STREAMS = (b"stdout ", b"stderr ")


def _contains_any(words: tuple[str, ...]) -> Callable[[str], bool]:
    # "w1 in text or w2 in text ...", compiled from the words: this runs for
    # every line of program output, and the chain of scans takes half the
    # time of any(...) over the words or a search for the alternation.
    test: Callable[[str], bool] = eval("lambda text: " + " or ".join(f"{w!r} in text" for w in words))
    return test


may_hold_record = _contains_any(MAY_HOLD_WORDS)
may_hold_record.__doc__ = """Whether a record can start anywhere in ``text`` (STARTS.search may hit)."""
