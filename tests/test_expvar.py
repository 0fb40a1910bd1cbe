"""``/debug/vars``: memstats fields, pause-ring recovery, clear errors."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from parsers.expvar import RING, ExpvarError, cycles_to_emit, parse_expvar

BODY = (Path(__file__).parent / "data" / "http" / "expvar_debug_vars.json").read_bytes()
END0 = 1_795_301_400_000_000_000  # ns since the epoch


def _memstats(num_gc: int, **extra: Any) -> dict[str, Any]:
    """A MemStats whose ring holds cycle n's pause as n µs, ending at END0 + n s."""
    pause_ns, pause_end = [0] * RING, [0] * RING
    for n in range(max(1, num_gc - RING + 1), num_gc + 1):
        pause_ns[(n + RING - 1) % RING] = n * 1000
        pause_end[(n + RING - 1) % RING] = END0 + n * 1_000_000_000
    doc = json.loads(BODY)["memstats"]
    doc.update(NumGC=num_gc, PauseNs=pause_ns, PauseEnd=pause_end)
    doc.update(extra)
    return doc


def _body(memstats: dict[str, Any], **vars_: Any) -> str:
    return json.dumps({"cmdline": ["/bin/app"], "memstats": memstats, **vars_})


def test_real_body() -> None:
    sample = parse_expvar(BODY)
    assert (sample.num_gc, sample.num_forced_gc) == (13, 2)
    assert (sample.heap_alloc_b, sample.heap_sys_b) == (8445776, 24772608)
    assert (sample.heap_idle_b, sample.heap_inuse_b) == (15663104, 9109504)
    assert (sample.heap_released_b, sample.heap_objects) == (14925824, 3053)
    assert (sample.next_gc_b, sample.sys_b, sample.stack_inuse_b) == (17051848, 36287752, 393216)
    assert (sample.total_alloc_b, sample.mallocs, sample.frees) == (82382304, 21675, 18622)
    assert sample.pause_total_ns == 1098332
    assert sample.last_gc_unix_s == pytest.approx(1795301408.960494948)
    assert sample.gc_cpu_fraction == pytest.approx(0.08501554114631611)
    assert sample.cmdline == ("/home/dev/bin/server", "http")
    assert [p.n for p in sample.pauses] == list(range(1, 14))
    assert sample.pauses[0].pause_ms == pytest.approx(0.007601)
    assert sample.pauses[-1].pause_ms == pytest.approx(0.178165)
    assert sample.pauses[-1].end_unix_s == sample.last_gc_unix_s
    assert sample.missed == 0
    # The ring's pauses add up to PauseTotalNs while nothing fell out of it.
    assert sum(p.pause_ms for p in sample.pauses) == pytest.approx(1098332 / 1e6)


def test_str_body_and_previous_poll() -> None:
    sample = parse_expvar(BODY.decode(), previous_num_gc=10)
    assert [p.n for p in sample.pauses] == [11, 12, 13]
    assert parse_expvar(BODY, previous_num_gc=13).pauses == ()


@pytest.mark.parametrize(("num_gc", "previous", "first", "last", "missed"), [
    pytest.param(300, None, 45, 300, 0, id="first-poll-wrapped-ring"),
    pytest.param(300, 10, 45, 300, 34, id="lost-34-cycles"),
    pytest.param(300, 43, 45, 300, 1, id="lost-one"),
    pytest.param(300, 44, 45, 300, 0, id="exactly-256-new"),
    pytest.param(300, 45, 46, 300, 0, id="255-new"),
    pytest.param(300, 299, 300, 300, 0, id="one-new-at-wrapped-index"),
    pytest.param(256, None, 1, 256, 0, id="ring-just-full"),
    pytest.param(257, None, 2, 257, 0, id="ring-overwrote-cycle-1"),
    pytest.param(300, 500, 45, 300, 0, id="counter-went-back-restart"),
])
def test_ring_wraparound(num_gc: int, previous: int | None, first: int, last: int,
                         missed: int) -> None:
    sample = parse_expvar(_body(_memstats(num_gc)), previous_num_gc=previous)
    assert [p.n for p in sample.pauses] == list(range(first, last + 1))
    assert sample.missed == missed
    for pause in sample.pauses:
        assert pause.pause_ms == pytest.approx(pause.n / 1000)
        assert pause.end_unix_s == pytest.approx(END0 / 1e9 + pause.n)


def test_most_recent_cycle_index() -> None:
    # Cycle 300 lives at (300 + 255) % 256 == 43.
    memstats = _memstats(300)
    assert memstats["PauseNs"][43] == 300_000
    assert parse_expvar(_body(memstats), previous_num_gc=299).pauses[0].pause_ms == 0.3


def test_cycles_to_emit_no_cycles_yet() -> None:
    assert cycles_to_emit(0, None) == (range(1, 1), 0)
    sample = parse_expvar(_body(_memstats(0, LastGC=0)))
    assert (sample.pauses, sample.last_gc_unix_s) == ((), None)


def test_extra_published_vars_are_ignored() -> None:
    body = _body(_memstats(5), requests={"GET": 12}, uptime=3.5, version="1.2.3")
    assert parse_expvar(body).num_gc == 5


def test_old_go_without_forced_count_or_cpu_fraction() -> None:
    memstats = _memstats(3)
    del memstats["NumForcedGC"], memstats["GCCPUFraction"]
    sample = parse_expvar(json.dumps({"memstats": memstats}))
    assert (sample.num_forced_gc, sample.gc_cpu_fraction, sample.cmdline) == (None, None, ())


def test_exponent_cpu_fraction() -> None:
    text = _body(_memstats(3)).replace('"GCCPUFraction": 0.08501554114631611',
                                       '"GCCPUFraction": 1.2e-07')
    assert parse_expvar(text).gc_cpu_fraction == pytest.approx(1.2e-7)


def test_malformed_rings_give_no_pauses() -> None:
    memstats = _memstats(3, PauseNs=[1, 2, 3])
    sample = parse_expvar(_body(memstats))
    assert (sample.num_gc, sample.pauses) == (3, ())


@pytest.mark.parametrize(("body", "says"), [
    pytest.param(b"<html><body>404 page not found</body></html>", "not JSON", id="html"),
    pytest.param(b"404 page not found\n", "not JSON", id="plain-404"),
    pytest.param(b"", "empty", id="empty"),
    pytest.param(b"\xff\xfe{}", "UTF-8", id="not-utf8"),
    pytest.param(b"[1, 2]", "not a JSON object", id="array"),
    pytest.param(b'{"cmdline": ["x"]}', "no memstats", id="no-memstats"),
    pytest.param(b'{"memstats": 3}', "no memstats", id="memstats-not-object"),
    pytest.param(b'{"memstats": {"NumGC": 1}}', "memstats.HeapAlloc", id="missing-field"),
    pytest.param(json.dumps({"memstats": _memstats(2, HeapAlloc="12")}).encode(),
                 "memstats.HeapAlloc", id="wrong-type"),
])
def test_errors_are_one_line(body: bytes, says: str) -> None:
    with pytest.raises(ExpvarError) as info:
        parse_expvar(body)
    assert says in str(info.value)
    assert "\n" not in str(info.value)
    assert isinstance(info.value, ValueError)


@settings(max_examples=200, deadline=None)
@given(st.binary(max_size=64))
def test_any_bytes_give_a_sample_or_the_declared_error(body: bytes) -> None:
    try:
        parse_expvar(body)
    except ExpvarError as exc:
        assert "\n" not in str(exc)


@settings(max_examples=100, deadline=None)
@given(st.dictionaries(st.sampled_from(["NumGC", "HeapAlloc", "PauseNs", "PauseEnd", "LastGC",
                                        "GCCPUFraction", "NumForcedGC"]),
                       st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False)
                       | st.lists(st.integers(min_value=0), max_size=3)),
       st.none() | st.integers(min_value=-5, max_value=400))
def test_odd_memstats_values(overrides: dict[str, Any], previous: int | None) -> None:
    memstats = _memstats(300)
    memstats.update(overrides)
    try:
        sample = parse_expvar(_body(memstats), previous_num_gc=previous)
    except ExpvarError:
        return
    assert len(sample.pauses) <= RING
