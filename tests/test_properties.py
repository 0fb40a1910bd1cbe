"""Properties of the parser over any input: it never raises, loses no line,
and the way bytes are chunked never changes what comes out."""

from __future__ import annotations

from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from parsers.stream import Parser, parse_bytes

SAMPLES = Path(__file__).parent / "data" / "samples"
MIXED = b"".join(
    (SAMPLES / name).read_bytes()
    for name in (
        "go1.19/gctrace1_schedtrace200.stderr.txt",
        "go1.19/schedtrace200_scheddetail1.stderr.txt",
        "go1.19/gcpacertrace1_gctrace1.stderr.txt",
        "go1.19/crash/goroutinepanic.stderr.txt",
        "public/035-istio-istio-issue-14095-stern-pod-prefix.log",
        "public/044-cuixin-go-experiment-go12-goroutine-leak.log",
    )
)


def physical_lines(data: bytes) -> int:
    return data.count(b"\n") + (0 if data.endswith(b"\n") or not data else 1)


def run(chunks: list[bytes]) -> tuple[list[object], Parser]:
    p = Parser(max_line=512)
    events: list[object] = []
    for chunk in chunks:
        events += p.feed(chunk)
    events += p.close()
    return events, p


# Bytes that look like the runtime's, so that random input reaches deep paths.
ALPHABET = st.sampled_from(
    [b"gc ", b"1", b"@0.0s ", b"%: ", b"+", b"/", b"->", b" MB", b", ", b" P", b"\n", b"\r",
     b"SCHED ", b"ms: ", b"=", b"[0 1]", b"  P0: status=", b"G1: ", b"(", b")", b"panic: ",
     b"goroutine 1 [running]:", b"\t", b"{\"log\":\"", b"\"}", b"\\n", b"\x00", b"\xff", b"x",
     b"2026-11-21T10:00:00Z stderr P ", b"scav ", b"pacer: ", b"GC forced"]
)


@settings(max_examples=300, deadline=None)
@given(st.lists(st.one_of(ALPHABET, st.binary(max_size=30)), max_size=60), st.integers(1, 64))
def test_any_bytes_never_raise_and_every_line_is_counted(parts: list[bytes], chunk: int) -> None:
    data = b"".join(parts)
    _, p = run([data[i : i + chunk] for i in range(0, len(data), chunk)])
    assert p.lines == physical_lines(data)
    assert sum(p.counts.values()) == p.lines


@settings(max_examples=60, deadline=None)
@given(st.lists(st.integers(0, len(MIXED)), max_size=12))
def test_a_real_trace_split_anywhere_gives_the_same_events(cuts: list[int]) -> None:
    whole, p_whole = parse_bytes(MIXED)
    bounds = [0, *sorted(cuts), len(MIXED)]
    chunks = [MIXED[a:b] for a, b in zip(bounds, bounds[1:])]
    p = Parser()
    events: list[object] = []
    for chunk in chunks:
        events += p.feed(chunk)
    events += p.close()
    assert events == whole
    assert p.counts == p_whole.counts


def test_a_ten_megabyte_line_is_one_bounded_output_line() -> None:
    p = Parser()
    events: list[object] = []
    for _ in range(160):
        events += p.feed(b"y" * 65536)
    events += p.feed(b"\nGC forced\n") + p.close()
    assert p.counts["output"] == 1 and p.counts["gc_forced"] == 1 and p.lines == 2
    out = events[0]
    assert len(out.text) == 64 * 1024 and out.cut_bytes == 160 * 65536 - 64 * 1024  # type: ignore[attr-defined]
