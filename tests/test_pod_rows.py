"""The cycle table of a stream of several pods: a pod column, and each
row's interval to its own pod's previous cycle (not to whichever pod
printed the line before), checked against the captures the stream was
made of."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from interleave import CAPTURES, EXPECTED_NAMES, FORMATS, PODS, SOURCE_NAMES, capture_lines, interleaved
from pilotkit import settled, stern_app, until
from tui.ingest.inputs import open_input
from tui.ingest.runner import Runner
from tui.ui.app import GCTuiApp
from tui.ui.pod_rows import short_names
from tui.ui.screens.sources import SourcePicker
from textual.widgets import Static

from tui.ui.widgets.cycle_table import CycleTable

GC_AT = re.compile(r"^gc (\d+) @([\d.]+)s")


@pytest.mark.parametrize(
    ("names", "expected"),
    [
        (SOURCE_NAMES["stern"], ["abcde", "fghij", "klmno"]),
        (SOURCE_NAMES["kubectl"], ["abcde", "fghij", "klmno"]),
        (SOURCE_NAMES["compose"], ["abcde", "fghij", "klmno"]),
        (["web-1", "web-2", "web-10"], ["1", "2", "10"]),
        (["api-abc", "api-abd"], ["abc", "abd"]),  # never half a word: cut at the separator
        (["api", "api-2"], ["api", "api-2"]),  # one would be empty: the full names
        (["db", "cache"], ["db", "cache"]),
        (["only one"], ["only one"]),
    ],
    ids=["stern", "kubectl", "compose", "numbered", "shared-letters", "prefix-of-another", "nothing-shared", "one"],
)
def test_short_names(names: list[str], expected: list[str]) -> None:
    assert [short_names(names)[n] for n in names] == expected


def _intervals() -> dict[tuple[str, int], str]:
    """(pod's short name, gc number) -> the interval to that pod's previous
    cycle as the table prints it, read off the pod's own capture."""
    out = {}
    for pod, capture in zip(PODS, CAPTURES):
        previous = None
        for line in capture_lines(capture):
            m = GC_AT.match(line)
            if not m:
                continue
            t = float(m.group(2))
            if previous is not None:
                v = (t - previous) * 1000
                out[(pod.rsplit("-", 1)[1], int(m.group(1)))] = f"{v:.1f}" if v < 1000 else f"{v:.0f}"
            previous = t
    return out


def _rows(table: CycleTable) -> list[str]:
    return [table.render_line(y).text for y in range(table.scrollable_content_region.height)]


async def test_the_whole_stream_table_names_each_rows_pod_and_its_own_interval(tmp_path: Path) -> None:
    app = stern_app(tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await settled(app, pilot)
        table = screen.query_one(CycleTable)
        await pilot.press("g")  # the first cycles: where all three pods interleave
        screen.redraw(True)
        await pilot.pause()
        header, *body = _rows(table)
        assert header.split()[:4] == ["pod", "gc", "at", "intvl"]
        expected = _intervals()
        seen = set()
        for row in body:
            pod, n, _, interval = row.split()[:4]
            assert interval == expected.get((pod, int(n)), "-"), row  # a pod's first cycle: none
            seen.add(pod)
        assert sum(row.split()[3] != "-" for row in body) > len(body) // 2
        assert seen == {"abcde", "fghij", "klmno"}, body  # the rows shown interleave all three
        # One pod chosen: its own model, no pod column.
        await pilot.press("s")
        await until(pilot, lambda: isinstance(app.screen, SourcePicker), "the source picker")
        await pilot.press("down", "enter")
        await until(pilot, lambda: app.session.chosen == EXPECTED_NAMES[0], "the first pod chosen")
        screen.redraw(True)
        await pilot.pause()
        assert _rows(table)[0].split()[0] == "gc"


async def test_at_80x24_the_pod_column_stays(tmp_path: Path) -> None:
    app = stern_app(tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await settled(app, pilot)
        table = screen.query_one(CycleTable)
        header, *body = _rows(table)
        assert header.split()[:2] == ["pod", "gc"] and "STW" in header and "heap" in header
        assert body and all(row.split()[0] in {"abcde", "fghij", "klmno"} for row in body if row.strip())


async def test_the_whole_stream_detail_compares_a_cycle_with_its_own_pods(tmp_path: Path) -> None:
    """Two pods at 2 and 4 Ps (a real capture, and the same capture with its
    P counts doubled), interleaved: the whole stream's cycle detail says
    nothing of a GOMAXPROCS change, for each pod's P count never changed.
    It said "2 -> 4 P" on every row when it compared a row with whichever
    pod printed the line before."""
    lines = capture_lines(CAPTURES[0])
    doubled = [line.replace(", 2 P", ", 4 P").replace("gomaxprocs=2 ", "gomaxprocs=4 ") for line in lines]
    assert doubled != lines
    out = [FORMATS["stern"].format(pod=pod, line=line)
           for pair in zip(lines, doubled) for pod, line in zip(PODS, pair)]
    log = tmp_path / "two.log"
    log.write_text("\n".join(out) + "\n")
    app = GCTuiApp(Runner(log=open_input(str(log)), kind="file", follow=False))
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await settled(app, pilot)
        assert len(app.session.sources) == 2
        await pilot.press("g")
        texts = []
        for _ in range(6):
            await pilot.press("j")
            screen.redraw(True)
            await pilot.pause()
            body = screen.query_one("#detail-body", Static).content
            texts.append("\n".join(getattr(r, "plain", str(r)) for r in getattr(body, "renderables", [body])))
        assert all("derived by gctui" in t for t in texts) and any("interval" in t for t in texts), texts
        assert not any("→ 4 P" in t or "→ 2 P" in t or "SCHED gomaxprocs" in t for t in texts), texts
