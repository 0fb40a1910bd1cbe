"""Smaller runtime diagnostics that should not be mistaken for program output.

``inittrace`` (package initialisation cost, Go 1.16+), the ``gctrace=2``
per-size-class scan statistics (Go 1.25+) and the ``checkfinalizers`` queue
report (Go 1.25+) are few and simple, so they share one family and one event
type, :class:`~parsers.events.RuntimeNote`, with the numbers kept as printed
in ``fields``: the UI mostly lists them, and a reader comparing them with the
raw log should see the same text.

Also here: :data:`GC_FORCED_RE`, for the bare ``GC forced`` line. The
stream builds :class:`~parsers.events.GCForced` from it itself, because that
event has no fields to fill.
"""

from __future__ import annotations

import re

from parsers.events import LineMeta, RuntimeNote
from parsers.shapes import Shape

FAMILY = "runtime"

# Narrow on purpose: "init", "scan:" and "checkfinalizers:" are ordinary words
# a program may print, and a START hit that no shape then matches would be
# reported as a malformed runtime line. Each alternative therefore includes
# the next fixed token of its shape.
START = re.compile(r"(?:init \S+ @|scan: (?:total|class) |checkfinalizers: queue: )")

# The forcegc helper's announcement of the 2-minute periodic GC (Go 1.5+).
# Meant for ``fullmatch`` on the payload like every Shape pattern; the ``\Z``
# keeps a plain ``match`` exact as well.
GC_FORCED_RE = re.compile(r"GC forced\Z")

# fmtNSAsMS output: ``0``, ``0.005``, ``0.89``, ``1.4``, ``13``.
_MS = r"\d+(?:\.\d+)?"


# --- inittrace (Go 1.16+) -----------------------------------------------------
# ``init <pkg> @<start> ms, <clock> ms clock, <bytes> bytes, <allocs> allocs``;
# the start is measured from runtime initialisation. Package paths never hold
# spaces, so ``\S+`` is exact.
_INIT = re.compile(
    r"init (?P<pkg>\S+) @(?P<start>" + _MS + r") ms, (?P<clock>" + _MS + r") ms clock, "
    r"(?P<bytes>\d+) bytes, (?P<allocs>\d+) allocs"
)


def _build_init(match: re.Match[str], meta: LineMeta) -> RuntimeNote:
    """One package's init: when it began, how long it ran, what it allocated."""
    return RuntimeNote(
        meta=meta,
        topic="inittrace",
        fields=(
            ("pkg", match.group("pkg")),
            ("start_ms", match.group("start")),
            ("clock_ms", match.group("clock")),
            ("bytes", match.group("bytes")),
            ("allocs", match.group("allocs")),
        ),
    )


# --- gctrace=2 scan statistics (Go 1.25+) --------------------------------------
# One ``total`` line, then one ``class`` line per non-empty size class: ``L``
# for large objects, otherwise the object size with a ``B`` suffix.
_SCOPE = r"(?:(?P<scope>total)|(?P<class_scope>class) (?P<size_class>L|\d+B))"

# Green Tea GC (opt-in 1.25, default 1.26): objects are sparse objects +
# objects in sparse spans + objects in dense spans = total, spans are sparse +
# dense = total. The runtime prints the sums, so we keep them as printed.
_SCAN_GREENTEA = re.compile(
    r"scan: (?P<text>" + _SCOPE + r" (?P<sparse_objs>\d+)\+(?P<sparse_span_objs>\d+)"
    r"\+(?P<dense_span_objs>\d+)=(?P<objs>\d+) objs, (?P<sparse_spans>\d+)"
    r"\+(?P<dense_spans>\d+)=(?P<spans>\d+) spans)"
)

# Classic mark (default 1.25, GOEXPERIMENT=nogreenteagc in 1.26): a count only.
_SCAN_CLASSIC = re.compile(r"scan: (?P<text>" + _SCOPE + r" (?P<objs>\d+) objs)")

_GREENTEA_PARTS = (
    "sparse_objs",
    "sparse_span_objs",
    "dense_span_objs",
    "sparse_spans",
    "dense_spans",
    "spans",
)


def _scan_fields(match: re.Match[str], names: tuple[str, ...]) -> tuple[tuple[str, str], ...]:
    """Fields common to both scan shapes, then the shape's own numbers."""
    fields: list[tuple[str, str]] = [("text", match.group("text"))]
    if match.group("scope") is not None:
        fields.append(("scope", "total"))
    else:
        fields.append(("scope", "class"))
        fields.append(("size_class", match.group("size_class")))
    fields.append(("objs", match.group("objs")))
    fields.extend((name, match.group(name)) for name in names)
    return tuple(fields)


def _build_scan_greentea(match: re.Match[str], meta: LineMeta) -> RuntimeNote:
    """Green Tea scan statistics: objects and spans, split sparse/dense."""
    return RuntimeNote(meta=meta, topic="gc_scan", fields=_scan_fields(match, _GREENTEA_PARTS))


def _build_scan_classic(match: re.Match[str], meta: LineMeta) -> RuntimeNote:
    """Classic-mark scan statistics: objects scanned in the last cycle."""
    return RuntimeNote(meta=meta, topic="gc_scan", fields=_scan_fields(match, ()))


# --- checkfinalizers=1 (Go 1.25+) ---------------------------------------------
# Once per cycle: the lengths of the finalizer and cleanup queues.
_CHECKFINALIZERS = re.compile(
    r"checkfinalizers: queue: (?P<finalizers>\d+) finalizers \+ (?P<cleanups>\d+) cleanups"
)


def _build_checkfinalizers(match: re.Match[str], meta: LineMeta) -> RuntimeNote:
    """Queue lengths; a queue that keeps growing means finalizers fall behind."""
    return RuntimeNote(
        meta=meta,
        topic="checkfinalizers",
        fields=(
            ("finalizers", match.group("finalizers")),
            ("cleanups", match.group("cleanups")),
        ),
    )


SHAPES: tuple[Shape, ...] = (
    Shape("gc_scan_greentea", _SCAN_GREENTEA, _build_scan_greentea),  # go1.25+
    Shape("gc_scan", _SCAN_CLASSIC, _build_scan_classic),  # go1.25+
    Shape("checkfinalizers", _CHECKFINALIZERS, _build_checkfinalizers),  # go1.25+
    Shape("inittrace", _INIT, _build_init),  # go1.16+
)
