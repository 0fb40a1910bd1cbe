"""inittrace, gctrace=2 scan statistics, checkfinalizers and ``GC forced``.

inittrace lines are real (go1.19.8); the Go 1.25+ lines are constructed from
the format reference (no real sample exists)."""

from __future__ import annotations

from pathlib import Path

import pytest

from parsers import runtime_notes
from kit import parse_with
from parsers.events import LineMeta, RuntimeNote

DATA = Path(__file__).parent / "data" / "runtime"


def parse(line: str, line_no: int = 1) -> tuple[str, RuntimeNote] | None:
    return parse_with(runtime_notes.SHAPES, line, RuntimeNote, line_no)  # type: ignore[return-value]


CASES = [
    # --- real, go1.19.8 inittrace -----------------------------------------------
    ("init internal/bytealg @0.007 ms, 0 ms clock, 0 bytes, 0 allocs", "inittrace",
     (("pkg", "internal/bytealg"), ("start_ms", "0.007"), ("clock_ms", "0"), ("bytes", "0"),
      ("allocs", "0"))),
    ("init runtime @0.038 ms, 0.089 ms clock, 0 bytes, 0 allocs", "inittrace",
     (("pkg", "runtime"), ("start_ms", "0.038"), ("clock_ms", "0.089"), ("bytes", "0"),
      ("allocs", "0"))),
    ("init unicode @0.71 ms, 0.043 ms clock, 12456 bytes, 11 allocs", "inittrace",
     (("pkg", "unicode"), ("start_ms", "0.71"), ("clock_ms", "0.043"), ("bytes", "12456"),
      ("allocs", "11"))),
    ("init internal/profile @2.3 ms, 0.25 ms clock, 98760 bytes, 758 allocs", "inittrace",
     (("pkg", "internal/profile"), ("start_ms", "2.3"), ("clock_ms", "0.25"),
      ("bytes", "98760"), ("allocs", "758"))),
    # --- constructed ---------------------------------------------------------------
    ("init github.com/acme/app/config @12 ms, 1.4 ms clock, 4096 bytes, 31 allocs", "inittrace",
     (("pkg", "github.com/acme/app/config"), ("start_ms", "12"), ("clock_ms", "1.4"),
      ("bytes", "4096"), ("allocs", "31"))),
    ("scan: total 183204 objs", "gc_scan",
     (("text", "total 183204 objs"), ("scope", "total"), ("objs", "183204"))),
    ("scan: class L 12 objs", "gc_scan",
     (("text", "class L 12 objs"), ("scope", "class"), ("size_class", "L"), ("objs", "12"))),
    ("scan: class 16B 40960 objs", "gc_scan",
     (("text", "class 16B 40960 objs"), ("scope", "class"), ("size_class", "16B"),
      ("objs", "40960"))),
    ("scan: total 1200+3400+56000=60600 objs, 150+210=360 spans", "gc_scan_greentea",
     (("text", "total 1200+3400+56000=60600 objs, 150+210=360 spans"), ("scope", "total"),
      ("objs", "60600"), ("sparse_objs", "1200"), ("sparse_span_objs", "3400"),
      ("dense_span_objs", "56000"), ("sparse_spans", "150"), ("dense_spans", "210"),
      ("spans", "360"))),
    ("scan: class 32B 0+120+4096=4216 objs, 3+5=8 spans", "gc_scan_greentea",
     (("text", "class 32B 0+120+4096=4216 objs, 3+5=8 spans"), ("scope", "class"),
      ("size_class", "32B"), ("objs", "4216"), ("sparse_objs", "0"), ("sparse_span_objs", "120"),
      ("dense_span_objs", "4096"), ("sparse_spans", "3"), ("dense_spans", "5"),
      ("spans", "8"))),
    ("checkfinalizers: queue: 0 finalizers + 0 cleanups", "checkfinalizers",
     (("finalizers", "0"), ("cleanups", "0"))),
    ("checkfinalizers: queue: 12 finalizers + 3 cleanups", "checkfinalizers",
     (("finalizers", "12"), ("cleanups", "3"))),
    ("\tinit runtime @0.038 ms, 0.089 ms clock, 0 bytes, 0 allocs \r", "inittrace",
     (("pkg", "runtime"), ("start_ms", "0.038"), ("clock_ms", "0.089"), ("bytes", "0"),
      ("allocs", "0"))),
]

TOPICS = {
    "inittrace": "inittrace",
    "gc_scan": "gc_scan",
    "gc_scan_greentea": "gc_scan",
    "checkfinalizers": "checkfinalizers",
}


@pytest.mark.parametrize(
    ("line", "shape", "fields"),
    CASES,
    ids=[
        "go119-init-zero-clock", "go119-init-runtime", "go119-init-bytes", "go119-init-ms",
        "init-10ms-and-module-path", "scan-classic-total", "scan-classic-large",
        "scan-classic-class", "scan-greentea-total", "scan-greentea-class",
        "checkfinalizers-empty", "checkfinalizers-backlog", "tab-and-cr",
    ],
)
def test_shapes(line: str, shape: str, fields: tuple[tuple[str, str], ...]) -> None:
    assert runtime_notes.START.match(line.strip())
    parsed = parse(line, line_no=9)
    assert parsed is not None
    name, event = parsed
    assert name == shape
    assert event.topic == TOPICS[shape]
    assert event.fields == fields
    assert event.meta == LineMeta(line_no=9, raw=line)


NEAR_MISSES = [
    "init runtime @0.038 ms, 0.089 ms clock, 0 bytes",
    "init runtime @0.038ms, 0.089 ms clock, 0 bytes, 0 allocs",
    "init runtime @-1 ms, 0.089 ms clock, 0 bytes, 0 allocs",
    "scan: total objs",
    "scan: class 16 40960 objs",
    "scan: total 1200+3400=4600 objs, 1+2=3 spans",
    "scan: total 60600 objs, 360 spans",
    "checkfinalizers: queue: 1 finalizers",
    "checkfinalizers: queue: -1 finalizers + 0 cleanups",
]


@pytest.mark.parametrize(
    "line",
    NEAR_MISSES,
    ids=[
        "init-truncated", "init-no-space-ms", "init-negative", "scan-no-number",
        "scan-class-no-B", "scan-two-part-sum", "scan-spans-without-parts",
        "checkfinalizers-no-cleanups", "checkfinalizers-negative",
    ],
)
def test_near_misses_start_but_do_not_parse(line: str) -> None:
    assert runtime_notes.START.match(line)
    assert parse(line) is None


@pytest.mark.parametrize(
    "line",
    [
        "init done",
        "initializing cache @ startup",
        "scan: done",
        "scanning 12 objs",
        "checkfinalizers: enabled",
        "GC forced",
        "pacer: assist ratio=+1.610639e+000 (scan 1 MB in 3->4 MB) workers=0++2.500000e-001",
    ],
    ids=["init-word", "initializing", "scan-word", "scanning", "checkfinalizers-other",
         "gc-forced", "pacer-line-mentions-scan"],
)
def test_start_ignores_other_text(line: str) -> None:
    assert runtime_notes.START.match(line) is None
    assert parse(line) is None


@pytest.mark.parametrize(
    ("payload", "matches"),
    [
        ("GC forced", True),
        ("GC forced now", False),
        ("gc forced", False),
        ("scvg1: GC forced", False),
        ("GC forced\n", False),
    ],
    ids=["exact", "trailing-text", "lower-case", "old-scvg-form", "newline-not-stripped"],
)
def test_gc_forced(payload: str, matches: bool) -> None:
    assert (runtime_notes.GC_FORCED_RE.fullmatch(payload) is not None) == matches
    # A plain match() is exact too, thanks to the \Z anchor.
    assert (runtime_notes.GC_FORCED_RE.match(payload) is not None) == matches


def test_whole_inittrace_file() -> None:
    """All 78 lines of the go1.19 HTTP server's inittrace parse, in order."""
    lines = (DATA / "inittrace1_server.stderr.txt").read_text(encoding="utf-8").splitlines()
    assert len(lines) == 78
    pkgs = []
    for no, line in enumerate(lines, 1):
        assert runtime_notes.START.match(line.strip()), line
        parsed = parse(line, no)
        assert parsed is not None, f"{no}: {line!r}"
        assert parsed[0] == "inittrace"
        pkgs.append(dict(parsed[1].fields)["pkg"])
    assert pkgs[:2] == ["internal/bytealg", "runtime"]
    assert pkgs[-1] == "net/http/pprof"
    starts = [float(dict(p[1].fields)["start_ms"]) for p in map(parse, lines) if p]
    assert starts == sorted(starts)


def test_shapes_and_family() -> None:
    assert [s.name for s in runtime_notes.SHAPES] == [
        "gc_scan_greentea", "gc_scan", "checkfinalizers", "inittrace",
    ]
    assert runtime_notes.FAMILY == "runtime"
