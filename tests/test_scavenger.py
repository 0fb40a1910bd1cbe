"""Scavenger shapes: one row per edge case, real lines first, then the eras
the samples lack (built from the format reference), then near misses."""

from __future__ import annotations

from pathlib import Path

import pytest

from parsers import scavenger
from kit import parse_with
from parsers.events import LineMeta, Scavenge

DATA = Path(__file__).parent / "data" / "scavenger"


def parse(line: str, line_no: int = 1) -> tuple[str, Scavenge] | None:
    return parse_with(scavenger.SHAPES, line, Scavenge, line_no)  # type: ignore[return-value]


CASES = [
    # --- real, go1.19.8 (scavtrace1*.stderr.txt) -------------------------------
    ("scav 0 KiB work, 1312 KiB total, 94% util", "scav114",
     dict(work_kib=0, total_kib=1312, util_pct=94, forced=False, gen=None)),
    ("scav 12864 KiB work, 14784 KiB total, 63% util", "scav114",
     dict(work_kib=12864, total_kib=14784, util_pct=63)),
    ("scav 0 KiB work, 48 KiB total, 100% util", "scav114",
     dict(util_pct=100)),
    ("scav 66328 KiB work, 79312 KiB total, 99% util (forced)", "scav114",
     dict(work_kib=66328, total_kib=79312, util_pct=99, forced=True, controller_reset=False)),
    ("scav 704 KiB work, 4112 KiB total, 8% util", "scav114",
     dict(work_kib=704, total_kib=4112, util_pct=8)),
    # --- real, old gctrace scvg lines (public samples 033, 043, 044, 057) -------
    ("scvg: 8 KB released", "scvg_released",
     dict(run=None, forced=False, released_kib=8)),
    ("scvg: inuse: 3, idle: 60, sys: 63, released: 57, consumed: 6 (MB)", "scvg_stats",
     dict(run=None, inuse_mb=3, idle_mb=60, sys_mb=63, released_mb=57, consumed_mb=6)),
    ("scvg: 0 MB released", "scvg_released",
     dict(run=None, released_kib=0)),
    ("scvg0: inuse: 426, idle: 0, sys: 427, released: 0, consumed: 427 (MB)", "scvg_stats",
     dict(run=0, forced=False, inuse_mb=426, sys_mb=427, consumed_mb=427)),
    ("scvg1: inuse: 331, idle: 175, sys: 507, released: 0, consumed: 507 (MB)", "scvg_stats",
     dict(run=1, idle_mb=175)),
    ("scvg-1: 10 MB released", "scvg_released",
     dict(run=-1, forced=True, released_kib=10 * 1024)),
    ("scvg-1: inuse: 116, idle: 10, sys: 127, released: 10, consumed: 116 (MB)", "scvg_stats",
     dict(run=-1, forced=True, inuse_mb=116, released_mb=10)),
    # --- constructed from the format reference ---------------------------------
    ("scav 0 KiB work, 2048 KiB total, 96% util", "scav114",  # go1.14
     dict(work_kib=0, total_kib=2048, util_pct=96)),
    ("scav 1216 KiB work, 4928 KiB total, 87% util [controller reset]", "scav114",  # go1.19
     dict(controller_reset=True, forced=False)),
    ("scav 7 1216 KiB work, 4928 KiB total, 87% util", "scav115",  # go1.15-1.17
     dict(gen=7, work_kib=1216, total_kib=4928, util_pct=87)),
    ("scav 8 0 KiB work, 4928 KiB total, 91% util [controller reset]", "scav115",  # go1.18
     dict(gen=8, work_kib=0, controller_reset=True)),
    ("scav 9 66328 KiB work, 79312 KiB total, 99% util (forced)", "scav115",
     dict(gen=9, forced=True)),
    ("scav 704 KiB work (bg), 0 KiB work (eager), 4112 KiB now, 8% util", "scav121",
     dict(work_kib=704, work_eager_kib=0, total_kib=4112, util_pct=8, forced=False)),
    ("scav 0 KiB work (bg), 61112 KiB work (eager), 94960 KiB now, 99% util (forced)", "scav121",
     dict(work_kib=0, work_eager_kib=61112, total_kib=94960, forced=True)),
    ("scav 96 KiB work (bg), 0 KiB work (eager), 4112 KiB now, 8% util [controller reset]",
     "scav121", dict(controller_reset=True)),
    ("scvg1: 12 MB released", "scvg_released",
     dict(run=1, forced=False, released_kib=12 * 1024)),
    ("forced scvg: 1 MB released", "scvg_released",  # go1.13 FreeOSMemory
     dict(run=None, forced=True, released_kib=1024)),
    ("forced scvg: inuse: 2, idle: 1, sys: 4, released: 1, consumed: 3 (MB)", "scvg_stats",
     dict(run=None, forced=True, consumed_mb=3)),
    ("scvg1: GC forced", "scvg_gc_forced",  # go1.1-1.4: periodic GC, not FreeOSMemory
     dict(run=1, forced=False, released_kib=None)),
    ("scvg0: 0xa MB released", "scvg_released",  # Go 1.1-era C printf %p
     dict(run=0, released_kib=10 * 1024)),
    # --- surroundings the dispatcher strips --------------------------------------
    ("\t\tscav 0 KiB work, 48 KiB total, 100% util  \r", "scav114", dict(total_kib=48)),
]


@pytest.mark.parametrize(
    ("line", "form", "expected"),
    CASES,
    ids=[
        "go119-idle", "go119-work", "go119-util100", "go119-forced", "go119-after-gc-forced",
        "scvg-KB-057", "scvg-stats-unnumbered-057", "scvg-0MB-033", "scvg0-stats-043",
        "scvg1-stats-043", "scvg-1-released-044", "scvg-1-stats-044",
        "go114", "go119-controller-reset", "go115-gen", "go118-gen-reset", "go115-forced",
        "go121", "go121-forced", "go121-reset", "scvg1-released-MB", "go113-forced-released",
        "go113-forced-stats", "scvg-gc-forced", "scvg-hex-go11", "tabs-and-cr",
    ],
)
def test_shapes(line: str, form: str, expected: dict[str, object]) -> None:
    assert scavenger.START.match(line.strip())
    parsed = parse(line, line_no=7)
    assert parsed is not None
    name, event = parsed
    assert name == form and event.form == form
    assert event.meta == LineMeta(line_no=7, raw=line)
    for field, value in expected.items():
        assert getattr(event, field) == value, field


NEAR_MISSES = [
    "scav 0 KiB work, 1312 KiB total, 94% util (forced) [controller reset]",
    "scav 0 KiB work, 1312 KiB total, 94%",
    "scav 0 KiB work (bg), 1312 KiB total, 94% util",
    "scav 0 KiB work (bg), 0 KiB work (eager), 4112 KiB total, 8% util",
    "scav 0 KiB work, 1312 KiB total, 94% util [forced]",
    "scav 1 2 3 KiB work, 1312 KiB total, 94% util",
    "scvg: 8 GB released",
    "scvg: inuse: 3, idle: 60, sys: 63, released: 57 (MB)",
    "scvg: GC forced",
    "scvg1: GC forced now",
]


@pytest.mark.parametrize(
    "line",
    NEAR_MISSES,
    ids=[
        "both-suffixes", "truncated", "mixed-eras", "go121-doc-spelling-total",
        "forced-in-brackets", "three-leading-numbers", "GB-unit", "stats-missing-consumed",
        "gc-forced-unnumbered", "gc-forced-trailing",
    ],
)
def test_near_misses_start_but_do_not_parse(line: str) -> None:
    """Each starts like a scavenger record (so it would count as malformed)."""
    assert scavenger.START.match(line)
    assert parse(line) is None


@pytest.mark.parametrize(
    "line",
    [
        "scavenger started",
        "scav: 5",
        "scav done",
        "rescav 1 KiB work, 2 KiB total, 3% util",
        "scvgx: inuse: 1",
        "scav -1 KiB work, 1312 KiB total, 94% util",
        "forced scvg-1: 1 MB released",
        "scvg-2: 1 MB released",
        "gc 1 @0.000s 2%: 0.009+0.23+0.004 ms clock, 0.11+0.083/0.019/0.14+0.049 ms cpu, "
        "4->6->2 MB, 5 MB goal, 12 P",
        "GC forced",
    ],
    ids=["word-scavenger", "scav-colon", "scav-word", "not-at-start", "scvg-letter",
         "scav-negative", "forced-with-run", "run-minus-2", "gc-line", "gc-forced"],
)
def test_start_ignores_other_text(line: str) -> None:
    assert scavenger.START.match(line) is None
    assert parse(line) is None


# (file, scavenger lines, {form: count}, lines with forced=True) — counts from
# the samples' EXPECTED.md and from grep over the go1.19 captures.
FILES = [
    ("scavtrace1.stderr.txt", 317, {"scav114": 317}, 1),
    ("idle_gcforced_gctrace1_scavtrace1.stderr.txt", 6, {"scav114": 6}, 0),
    ("033-istio-istio-issue-21643-scvg-go113.log", 11, {"scvg_released": 3, "scvg_stats": 8}, 0),
    ("043-vogo-learning-go-gctrace-scvgN.log", 2, {"scvg_stats": 2}, 0),
    ("044-cuixin-go-experiment-go12-goroutine-leak.log", 20,
     {"scvg_released": 10, "scvg_stats": 10}, 20),
    ("057-changkun-gc20q-go114-scvg-KB.log", 12, {"scvg_released": 5, "scvg_stats": 7}, 0),
]


@pytest.mark.parametrize(
    ("name", "total", "forms", "forced"),
    FILES,
    ids=["go119-scavtrace", "go119-idle", "033-go113", "043-scvgN", "044-go12-scvg-1", "057-KB"],
)
def test_whole_files(name: str, total: int, forms: dict[str, int], forced: int) -> None:
    """Every START hit parses, nothing else does, and the counts agree."""
    lines = (DATA / name).read_text(encoding="utf-8").splitlines()
    seen: dict[str, int] = {}
    forced_seen = 0
    for no, line in enumerate(lines, 1):
        parsed = parse(line, no)
        if scavenger.START.match(line.strip()):
            assert parsed is not None, f"{name}:{no}: {line!r}"
            seen[parsed[0]] = seen.get(parsed[0], 0) + 1
            forced_seen += parsed[1].forced
        else:
            assert parsed is None, f"{name}:{no}: {line!r}"
    assert sum(seen.values()) == total
    assert seen == forms
    assert forced_seen == forced


def test_057_released_kib_sums() -> None:
    """Five ``scvg: 8 KB released`` lines: 40 KiB, not 40 MiB."""
    lines = (DATA / "057-changkun-gc20q-go114-scvg-KB.log").read_text().splitlines()
    released = [p[1].released_kib for p in map(parse, lines) if p and p[0] == "scvg_released"]
    assert released == [8] * 5


def test_shapes_newest_era_first() -> None:
    assert [s.name for s in scavenger.SHAPES] == [
        "scav121", "scav114", "scav115", "scvg_released", "scvg_stats", "scvg_gc_forced",
    ]
    assert scavenger.FAMILY == "scavenger"
