"""gcpacertrace shapes: real go1.19 and Go 1.5 lines, constructed lines for the
eras the samples lack (1.5-1.9 workers, 1.26 floats, sweep), near misses."""

from __future__ import annotations

import math
from pathlib import Path

import pytest

from parsers import pacer
from kit import parse_with
from parsers.events import LineMeta, Pacer

DATA = Path(__file__).parent / "data" / "pacer"


def parse(line: str, line_no: int = 1) -> tuple[str, Pacer] | None:
    return parse_with(pacer.SHAPES, line, Pacer, line_no)  # type: ignore[return-value]


OLD_END_119 = (
    "pacer: H_m_prev=4194304 h_t=+9.500000e-001 H_T=8178892 h_a=+1.014612e+000 H_a=8449768 "
    "h_g=+1.000000e+000 H_g=8388608 u_a=+2.500000e-001 u_g=+3.000000e-001 W_a=2162688 "
    "goal\u0394=+5.000000e-002 actual\u0394=+6.461241e-002 u_a/u_g=+8.333333e-001"
)

CASES = [
    # --- real, go1.19.8 (gcpacertrace1_gctrace1.stderr.txt) ---------------------
    ("pacer: assist ratio=+1.610639e+000 (scan 1 MB in 3->4 MB) workers=0++2.500000e-001",
     "assist", dict(assist_ratio=1.610639, scan_mb=1, heap_live_mb=3, heap_goal_mb=4,
                    workers_dedicated=0, workers_fractional=0.25)),
    ("pacer: assist ratio=+6.182689e-001 (scan 1 MB in 18->22 MB) workers=0++2.500000e-001",
     "assist", dict(assist_ratio=0.6182689, heap_live_mb=18, heap_goal_mb=22)),
    ("pacer: 70% CPU (25 exp.) for 1121608+887928+224304 B work (224304 B exp.) in 3997696 B "
     "-> 5758976 B (\u2206goal 1564672, cons/mark +0.000000e+000)",
     "end", dict(cpu_pct=70, cpu_goal_pct=25, heap_scan_b=1121608, stack_scan_b=887928,
                 globals_scan_b=224304, expected_b=224304, trigger_b=3997696, live_b=5758976,
                 delta_goal_b=1564672, cons_mark=0.0, controller_reset=False)),
    ("pacer: 33% CPU (25 exp.) for 1135696+888984+224304 B work (2233840 B exp.) in 41874534 B "
     "-> 47860616 B (\u2206goal -1507024, cons/mark +5.012709e+000)",
     "end", dict(cpu_pct=33, delta_goal_b=-1507024, cons_mark=5.012709)),
    ("pacer: 26% CPU (25 exp.) for 1164640+888896+224304 B work (2278312 B exp.) in 96470976 B "
     "-> 107212344 B (\u2206goal -6268800, cons/mark -5.900189e+001)",
     "end", dict(delta_goal_b=-6268800, cons_mark=-59.00189)),
    # --- real, Go 1.5 (public 006) and go1.14 (public 058) -----------------------
    ("pacer: assist ratio=+2.820698e+001 (scan 40 MB in 55->56 MB) workers=2+0",
     "assist", dict(assist_ratio=28.20698, scan_mb=40, heap_live_mb=55, heap_goal_mb=56,
                    workers_dedicated=2, workers_fractional=0.0)),
    ("pacer: H_m_prev=30190064 h_t=+9.500000e-001 H_T=58176924 h_a=+9.478350e-001 "
     "H_a=58805264 h_g=+1.000000e+000 H_g=60380128 u_a=+4.318174e-001 u_g=+2.500000e-001 "
     "W_a=17524632 goal\u0394=+5.000000e-002 actual\u0394=-2.164977e-003 u_a/u_g=+1.727269e+000",
     "end_old", dict(assist_ratio=None, cpu_pct=None)),
    ("pacer: H_m_prev=2236962 h_t=+8.750000e-001 H_T=4194304 h_a=+2.387451e+000 H_a=7577600 "
     "h_g=+1.442627e+000 H_g=5464064 u_a=+2.652227e-001 u_g=+3.000000e-001 W_a=152832 "
     "goal\u0394=+5.676271e-001 actual\u0394=+1.512451e+000 u_a/u_g=+8.840755e-001",
     "end_old", dict()),
    # --- constructed from the format reference ---------------------------------
    ("pacer: assist ratio=+2.000000e+000 (scan 2 MB in 4->5 MB) workers=1+0",  # go1.5-1.9
     "assist", dict(assist_ratio=2.0, workers_dedicated=1, workers_fractional=0.0)),
    ("pacer: assist ratio=1.610639 (scan 1 MB in 3->4 MB) workers=0+0.25",  # go1.26
     "assist", dict(assist_ratio=1.610639, workers_fractional=0.25)),
    ("pacer: assist ratio=+Inf (scan 0 MB in 0->4 MB) workers=1++0.000000e+000",
     "assist", dict(assist_ratio=math.inf, workers_dedicated=1, workers_fractional=0.0)),
    ("pacer: 31% CPU (25 exp.) for 8421376+118784+224304 B work (8650240 B exp.) in 15728640 B "
     "-> 16187392 B (\u2206goal -589824, cons/mark 3.2517)",  # go1.26
     "end", dict(cpu_pct=31, delta_goal_b=-589824, cons_mark=3.2517)),
    ("pacer: 70% CPU (25 exp.) for 1121608+887928+224304 B work (2233840 B exp.) in 9282662 B "
     "-> 11151576 B (\u2206goal 56960, cons/mark +2.851618e+000)[controller reset]",  # 1.18-1.19
     "end", dict(controller_reset=True, cons_mark=2.851618)),
    ("pacer: 70% CPU (25 exp.) for 1+2+3 B work (6 B exp.) in 9 B -> 11 B "
     "(\u0394goal 2, cons/mark +2.851618e+000)",  # the look-alike Greek delta
     "end", dict(delta_goal_b=2)),
    (OLD_END_119, "end_old", dict()),
    ("pacer: sweep done at heap size 9MB; allocated 1MB of spans; swept 2048 pages",  # go1.6
     "sweep", dict(sweep_heap_mb=9, sweep_allocated_mb=1, sweep_pages=2048,
                   sweep_pages_per_byte=None)),
    ("pacer: sweep done at heap size 9MB; allocated 1MB of spans; swept 2048 pages "
     "at +1.024000e-004 pages/byte",  # go1.7-1.8
     "sweep", dict(sweep_pages_per_byte=1.024e-4)),
    ("pacer: sweep done at heap size 14MB; allocated 0MB during sweep; swept 3410 pages "
     "at +6.923447e-005 pages/byte",  # go1.9-1.17
     "sweep", dict(sweep_heap_mb=14, sweep_allocated_mb=0, sweep_pages=3410,
                   sweep_pages_per_byte=6.923447e-5)),
    ("pacer: sweep done at heap size 14MB; allocated 0MB during sweep; swept 3410 pages "
     "at 6.923447e-05 pages/byte",  # go1.26
     "sweep", dict(sweep_pages_per_byte=6.923447e-5)),
    ("  pacer: assist ratio=+1.610639e+000 (scan 1 MB in 3->4 MB) workers=0++2.500000e-001\r",
     "assist", dict(heap_goal_mb=4)),
]


@pytest.mark.parametrize(
    ("line", "form", "expected"),
    CASES,
    ids=[
        "go119-assist", "go119-assist-small-ratio", "go119-end-first", "go119-end-neg-delta",
        "go119-end-neg-consmark", "go15-assist-int-workers", "go15-end-old", "go114-end-old",
        "go15-assist-constructed", "go126-assist", "assist-inf", "go126-end",
        "go119-end-controller-reset", "end-greek-delta", "go117-end-old", "go16-sweep",
        "go17-sweep-rate", "go19-sweep", "go126-sweep", "spaces-and-cr",
    ],
)
def test_shapes(line: str, form: str, expected: dict[str, object]) -> None:
    assert pacer.START.match(line.strip())
    parsed = parse(line, line_no=3)
    assert parsed is not None
    name, event = parsed
    assert name == form and event.form == form
    assert event.meta == LineMeta(line_no=3, raw=line)
    for field, value in expected.items():
        got = getattr(event, field)
        if isinstance(value, float) and not math.isinf(value):
            assert got == pytest.approx(value), field
        else:
            assert got == value, field


def test_end_old_values_in_print_order() -> None:
    parsed = parse(OLD_END_119)
    assert parsed is not None
    values = parsed[1].values
    assert [name for name, _ in values] == [
        "H_m_prev", "h_t", "H_T", "h_a", "H_a", "h_g", "H_g", "u_a", "u_g", "W_a",
        "goal\u0394", "actual\u0394", "u_a/u_g",
    ]
    table = dict(values)
    assert table["H_m_prev"] == 4194304.0
    assert table["u_g"] == pytest.approx(0.3)
    assert table["actual\u0394"] == pytest.approx(0.06461241)
    assert all(isinstance(v, float) for v in table.values())


NEAR_MISSES = [
    "pacer: assist ratio=+1.610639e+000 (scan 1 MB in 3->4 MB) workers=0",
    "pacer: assist ratio=+1.610639e+000 (scan 1 MB in 3->4 MB) workers=0++2.5e-001 extra",
    "pacer: assist ratio=fast (scan 1 MB in 3->4 MB) workers=0++2.500000e-001",
    "pacer: 70% CPU (25 exp.) for 1121608+887928 B work (224304 B exp.) in 3997696 B "
    "-> 5758976 B (\u2206goal 1564672, cons/mark +0.000000e+000)",
    "pacer: 70% CPU (25 exp.) for 1+2+3 B work (6 B exp.) in 9 B -> 11 B "
    "(\u2206goal 2, cons/mark +2.851618e+000) [controller reset]",
    "pacer: 70% CPU (25 exp.) for 1+2+3 B work (6 B exp.) in 9 B -> 11 B (goal 2, cons/mark 1)",
    "pacer: sweep done at heap size 9 MB; allocated 1 MB of spans; swept 2048 pages",
    "pacer: sweep done at heap size 9MB; allocated 1MB; swept 2048 pages",
    "pacer: H_m_prev=abc h_t=+9.500000e-001",
    "pacer: h_t=+9.500000e-001 H_m_prev=4194304",
    "pacer: something new",
]


@pytest.mark.parametrize(
    "line",
    NEAR_MISSES,
    ids=[
        "assist-truncated-workers", "assist-trailing-text", "assist-non-float",
        "end-two-work-parts", "end-reset-with-space", "end-no-delta-sign", "sweep-spaced-MB",
        "sweep-no-clause", "end-old-non-float", "end-old-wrong-first-name", "unknown",
    ],
)
def test_near_misses_start_but_do_not_parse(line: str) -> None:
    assert pacer.START.match(line)
    assert parse(line) is None


@pytest.mark.parametrize(
    "line",
    ["pacer:assist ratio=1", "the pacer: assist ratio=1", "Pacer: 70% CPU", "GC forced"],
    ids=["no-space", "not-at-start", "capitalised", "gc-forced"],
)
def test_start_ignores_other_text(line: str) -> None:
    assert pacer.START.match(line) is None
    assert parse(line) is None


# (file, pacer lines, {form: count}) — counts from EXPECTED.md and grep.
FILES = [
    ("gcpacertrace1_gctrace1.stderr.txt", 398, {"assist": 200, "end": 198}),
    ("006-golang-go-issue-12228-go15-pacer.log", 7, {"assist": 4, "end_old": 3}),
    ("058-changkun-gc20q-go114-pacer-println.log", 2, {"end_old": 2}),
]


@pytest.mark.parametrize(("name", "total", "forms"), FILES, ids=["go119", "006-go15", "058-go114"])
def test_whole_files(name: str, total: int, forms: dict[str, int]) -> None:
    """Every START hit parses, nothing else does, and the counts agree."""
    lines = (DATA / name).read_text(encoding="utf-8").splitlines()
    seen: dict[str, int] = {}
    for no, line in enumerate(lines, 1):
        parsed = parse(line, no)
        if pacer.START.match(line.strip()):
            assert parsed is not None, f"{name}:{no}: {line!r}"
            seen[parsed[0]] = seen.get(parsed[0], 0) + 1
            if parsed[0] == "assist":
                goal, live = parsed[1].heap_goal_mb, parsed[1].heap_live_mb
                assert goal is not None and live is not None and goal >= live
        else:
            assert parsed is None, f"{name}:{no}: {line!r}"
    assert sum(seen.values()) == total
    assert seen == forms


def test_shapes_newest_era_first() -> None:
    assert [s.name for s in pacer.SHAPES] == ["end", "assist", "sweep", "end_old"]
    assert pacer.FAMILY == "pacer"
