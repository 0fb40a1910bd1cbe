"""The compiled kernel (gctui[fast]) gives exactly what the pure path gives.

The kernel marks plain gc lines and converts their numbers in one compiled
pass; every other line takes the pure path. Its columns must be the pure
path's bit for bit (float32 bits included), and a parse through it must
equal the event path on any input, as the pure bulk path does.
"""

from __future__ import annotations

import struct
from pathlib import Path
from typing import Iterator

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

pytest.importorskip("numba")

from parsers import gc_kernel  # noqa: E402
from parsers.bulk import parse_chunks  # noqa: E402
from test_bulk import GC, OTHER, PIECES, same  # noqa: E402
from test_bulk_edges import CASES as EDGE_CASES  # noqa: E402
from test_gc_columns import CASES, event_columns, line, same_stored  # noqa: E402


@pytest.fixture(autouse=True)
def kernel_on_every_chunk(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Small test chunks go through the kernel too."""
    monkeypatch.setenv("GCTUI_KERNEL", "1")
    monkeypatch.setattr(gc_kernel, "MIN_BYTES", 0)
    assert gc_kernel.kernel() is not None
    yield


def kernel_columns(lines: list[str]):  # type: ignore[no-untyped-def]
    scan = gc_kernel.kernel()
    assert scan is not None
    framed = ("\n" + "\n".join(lines) + "\n").encode()
    gc_idx, other_idx, count, cols = gc_kernel.gc_rows(framed, scan)
    return gc_idx, other_idx, count, cols


# A 10-digit heap is not the kernel's (nor VALID's): those rows go to the parser.
PLAIN = {k: v for k, v in CASES.items() if k != "heap-4294967294-and-on"}


@pytest.mark.parametrize("lines", list(PLAIN.values()), ids=list(PLAIN))
def test_kernel_stores_what_the_event_path_stores(lines: list[str]) -> None:
    gc_idx, other_idx, count, cols = kernel_columns(lines)
    assert gc_idx == list(range(len(lines))) and other_idx == [] and count == len(lines)
    same_stored(cols, event_columns(lines))


def test_mixed_eras_in_one_chunk() -> None:
    lines = [line(), line(n=2, forced=True).replace(" 0 MB stacks, 0 MB globals,", ""), line(n=3, st=7)]
    _, _, _, cols = kernel_columns(lines)
    same_stored(cols, event_columns(lines))


NOT_PLAIN = {
    "two-dots": line().replace("0.010+", "1.2.3+"),
    "dot-first": line().replace("0.010+", ".5+"),
    "dot-last": line().replace("0.010+", "5.+"),
    "16-digit-duration": line().replace("0.010+", "1234567890.123456+"),
    "10-digit-heap": line(h=4294967296),
    "8-digit-seconds": line(t="12345678.000"),
    "two-decimals": line(t="1.00"),
    "cr": line() + "\r",
    "prefix": "2024/01/01 " + line(),
    "trailing-space": line() + " ",
    "non-ascii-digit": line().replace("4->", "\u0664->"),
    "torn": line()[:-5],
    "go1.5": "gc #1 @0.017s 1%: 0+0+0+0+0 ms clock, 0+0+0+0/0/0+0 ms cpu, 4->4->0 MB, 4 MB goal, 4 P",
    "forced-twice": line(forced=True) + " (forced)",
}


@pytest.mark.parametrize("text", list(NOT_PLAIN.values()), ids=list(NOT_PLAIN))
def test_anything_unusual_is_left_to_the_exact_path(text: str) -> None:
    gc_idx, other_idx, count, _ = kernel_columns([line(), text, line(n=2)])
    assert gc_idx == [0, 2] and other_idx == [1] and count == 3
    data = "\n".join([line(), text, line(n=2)]).encode() + b"\n"
    same(parse_chunks([data]), data)


DIGITS = st.text("0123456789", min_size=1, max_size=16)


@settings(max_examples=300, deadline=None)
@given(whole=DIGITS, frac=st.one_of(st.none(), DIGITS))
def test_durations_convert_exactly_as_float(whole: str, frac: str | None) -> None:
    token = whole if frac is None else f"{whole}.{frac}"
    text = line().replace("0.02+0.5/", f"{token}+0.5/")
    gc_idx, _, _, cols = kernel_columns([text])
    if len(whole) + len(frac or "") > 15:
        assert gc_idx == []  # past an exact double: the pure path converts it
        return
    assert cols.sweep_term_cpu_ms.tobytes() == struct.pack("f", float(token))


@settings(max_examples=300, deadline=None)
@given(sec=st.integers(0, 9_999_999), ms=st.integers(0, 999))
def test_clock_stamps_round_as_the_event_path(sec: int, ms: int) -> None:
    text = line(t=f"{sec}.{ms:03d}")
    _, _, _, cols = kernel_columns([text])
    same_stored(cols, event_columns([text]))


@settings(max_examples=150, deadline=None)
@given(
    parts=st.lists(st.one_of(PIECES, st.integers(1, 40).map(lambda n: GC % (n, n // 10, n))), max_size=40),
    crlf=st.booleans(),
    forced=st.booleans(),
    chunk=st.one_of(st.integers(1, 300), st.just(1 << 30)),
)
def test_kernel_path_equals_event_path(parts: list[bytes], crlf: bool, forced: bool, chunk: int) -> None:
    if forced:
        parts = [p + b" (forced)" if p.startswith(b"gc ") and p.endswith(b" P") else p for p in parts]
    data = (b"\r\n" if crlf else b"\n").join(parts) + b"\n"
    same(parse_chunks(data[i : i + chunk] for i in range(0, len(data), chunk)), data)


@pytest.mark.parametrize("text", list(EDGE_CASES.values()), ids=list(EDGE_CASES))
def test_edge_inputs_through_the_kernel(text: str) -> None:
    data = text.encode()
    same(parse_chunks([data]), data)


def test_kernel_equals_pure_path_bit_for_bit(monkeypatch: pytest.MonkeyPatch) -> None:
    data = b"\n".join(
        [GC % (n, n // 10, n % 1000) if n % 7 else OTHER[n % len(OTHER)] for n in range(1, 3000)]
    ) + b"\n"
    fast = parse_chunks([data[:40000], data[40000:]])
    monkeypatch.setenv("GCTUI_KERNEL", "0")
    pure = parse_chunks([data[:40000], data[40000:]])
    for a, b in zip(fast.columns.arrays(), pure.columns.arrays()):
        assert a.tobytes() == b.tobytes()
    assert fast.events == pure.events and fast.counts == pure.counts and fast.lines == pure.lines


def test_cache_dir_falls_back_when_unwritable(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("")
    monkeypatch.setenv("XDG_CACHE_HOME", str(blocker))  # a file: no directory can be made under it
    assert gc_kernel.cache_dir() is None
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    assert gc_kernel.cache_dir() == str(tmp_path / "gctui" / "numba")


def test_disabled_by_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GCTUI_KERNEL", "0")
    assert gc_kernel.kernel() is None
