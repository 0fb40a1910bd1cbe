"""The chart widgets and the scheduler panel, mounted alone, fed real captures."""

from __future__ import annotations

import dataclasses
import gzip
import math
from array import array
from pathlib import Path

import pytest
from rich.text import Text
from textual.app import App, ComposeResult
from textual.widget import Widget

from kit import model_of
from tui.ui import buckets, plot
from tui.model.cycles import CycleStore, percentile
from tui.demo.replay import bundled_capture
from tui.model import Model
from tui.analysis.thresholds import Thresholds
from tui.ui.view import View
from tui.ui.widgets.cpu import GCCPUChart
from tui.ui.widgets.goroutines import NO_DETAIL, GoroutineChart
from tui.ui.widgets.heap import HeapChart
from tui.ui.widgets.messages import CycleChosen
from tui.ui.widgets.pause import PauseChart
from tui.ui.widgets.sched_panel import SchedPanel

SAMPLES = Path(__file__).parent / "data" / "samples" / "go1.19"


def _read(name: str) -> Model:
    return model_of((SAMPLES / name).read_text())


@pytest.fixture(scope="module")
def gc_sched() -> Model:
    """307 cycles and plain schedtrace (no goroutine counts)."""
    return _read("gctrace1_schedtrace200.stderr.txt")


@pytest.fixture(scope="module")
def detail() -> Model:
    """scheddetail only: goroutine counts and wait reasons, no cycles."""
    return _read("schedtrace200_scheddetail1.stderr.txt")


@pytest.fixture(scope="module")
def limited() -> Model:
    """A heap pressed against GOMEMLIMIT=48MiB with GOGC=off; no schedtrace."""
    model = _read("gomemlimit48_gogcoff_gctrace1.stderr.txt")
    model.env.gomemlimit_b = 48 << 20
    return model


@pytest.fixture(scope="module")
def story() -> Model:
    """The demo capture: cycles and scheddetail, with a goroutine pile-up."""
    with gzip.open(bundled_capture(), "rt") as f:
        return model_of(f.read())


class Host(App[None]):
    """One widget at a fixed size; records the cycles it asks to select."""

    def __init__(self, widget: Widget, width: int, height: int) -> None:
        super().__init__()
        self.widget = widget
        widget.styles.width = width
        widget.styles.height = height
        self.chosen: list[int] = []

    def compose(self) -> ComposeResult:
        yield self.widget

    def on_cycle_chosen(self, message: CycleChosen) -> None:
        self.chosen.append(message.index)


def lines_of(widget: Widget) -> list[str]:
    rendered = widget.render()
    assert isinstance(rendered, Text)
    return rendered.plain.split("\n")


def last_rows(model: Model, n: int) -> range:
    count = len(model.cycles)
    return range(max(0, count - n), count)


def view(model: Model, rows: range, selected: int | None = None, following: bool = True) -> View:
    return View(model, rows, selected, len(model.cycles), following)


# -- pause ---------------------------------------------------------------------


async def test_pause_chart_percentiles_and_selected_column(gc_sched: Model) -> None:
    chart = PauseChart()
    async with Host(chart, 60, 4).run_test(size=(60, 4)) as pilot:
        rows = last_rows(gc_sched, chart.capacity)
        assert len(rows) == 45  # 60 columns less the labels
        chart.show(view(gc_sched, rows, selected=rows.start + 30))
        await pilot.pause()
        lines = lines_of(chart)
        values = list(gc_sched.cycles.values("stw_ms", rows))
        assert lines[0].endswith("STW 45 cycles")  # the stats say what they cover
        assert lines[1][46:].split() == ["p50", plot.fmt_stw(percentile(values, 50))]  # type: ignore[arg-type]
        assert lines[2][46:].split() == ["p99", plot.fmt_stw(percentile(values, 99))]  # type: ignore[arg-type]
        assert lines[3][46:].split() == ["max", plot.fmt_stw(max(values))]
        assert " " not in lines[3][:45]  # one bar per cycle, none missing
        selected_bg = chart.get_component_rich_style("pause-chart--selected").bgcolor
        x, y = chart.region.x, chart.region.y
        assert pilot.app.screen.get_style_at(x + 30, y).bgcolor == selected_bg
        assert pilot.app.screen.get_style_at(x + 29, y).bgcolor != selected_bg


async def test_pause_chart_long_pauses_stand_out(gc_sched: Model) -> None:
    rows = last_rows(gc_sched, 45)
    values = [gc_sched.cycles.cols.stw_ms[i] for i in rows]
    ordered = sorted(values)
    long_ms, critical_ms = ordered[len(ordered) // 2], ordered[-3]
    chart = PauseChart(Thresholds(stw_long_ms=long_ms, stw_long_critical_ms=critical_ms))
    async with Host(chart, 60, 4).run_test(size=(60, 4)) as pilot:
        chart.show(view(gc_sched, rows))
        await pilot.pause()
        x0, y_bottom = chart.region.x, chart.region.y + 3
        want = {
            "bar": chart.get_component_rich_style("pause-chart--bar").color,
            "long": chart.get_component_rich_style("pause-chart--long").color,
            "critical": chart.get_component_rich_style("pause-chart--critical").color,
        }
        assert len(set(want.values())) == 3
        for i, v in enumerate(values):
            level = "critical" if v > critical_ms else "long" if v > long_ms else "bar"
            assert pilot.app.screen.get_style_at(x0 + i, y_bottom).color == want[level], i


async def test_pause_chart_click_selects_the_worst_pause_of_a_column(gc_sched: Model) -> None:
    chart = PauseChart()
    async with Host(chart, 60, 4).run_test(size=(60, 4)) as pilot:
        rows = range(0, len(gc_sched.cycles))  # 307 cycles in 45 columns
        chart.show(view(gc_sched, rows))
        await pilot.pause()
        edges = buckets.bucket_bounds(rows.start, rows.stop, 45)
        stw = gc_sched.cycles.cols.stw_ms
        for col in (0, 7, 44):
            a, b = edges[col], edges[col + 1]
            worst = max(range(a, b), key=lambda i: (stw[i], -i))
            await pilot.click(PauseChart, offset=(col, 2))
            assert pilot.app.chosen[-1] == worst
        await pilot.click(PauseChart, offset=(50, 2))  # the labels choose nothing
        assert len(pilot.app.chosen) == 3


# -- heap ----------------------------------------------------------------------


async def test_heap_chart_legend_axis_limit_and_selection(limited: Model) -> None:
    chart = HeapChart()
    async with Host(chart, 70, 10).run_test(size=(70, 10)) as pilot:
        rows = last_rows(limited, chart.capacity)
        assert len(rows) == 128  # two cycles per cell across 64 cells
        selected = rows.start + 40
        chart.show(dataclasses.replace(view(limited, rows, selected=selected, following=False), heap_from_zero=True))
        await pilot.pause()
        lines = lines_of(chart)
        assert len(lines) == 10
        assert lines[0] == "━ goal ━ GC start ━ mark end ━ live ┄ limit 48M"
        cols = limited.cycles.cols
        names = ("heap_goal_mb", "heap_start_mb", "heap_end_mb", "heap_live_mb")
        data_top = max(getattr(cols, n)[i] for n in names for i in rows)
        top = plot.nice_ceil(max(data_top, 48))
        assert lines[1][:5].strip() == plot.fmt_mb(top)
        assert lines[8][:5].strip() == "0M"
        assert lines[9].split()[:2] == ["gc", str(cols.n[rows.start])]
        assert f"▲gc {cols.n[selected]}" in lines[9]
        rendered = chart.render()
        assert isinstance(rendered, Text)
        limit_style = chart.get_component_rich_style("heap-chart--limit")
        assert any(span.style == limit_style for span in rendered.spans)
        selected_bg = chart.get_component_rich_style("heap-chart--selected").bgcolor
        cell = 6 + 40 // 2
        assert pilot.app.screen.get_style_at(chart.region.x + cell, chart.region.y + 3).bgcolor == selected_bg
        await pilot.click(HeapChart, offset=(6 + 10, 4))
        assert pilot.app.chosen == [rows.start + 20]


async def test_heap_chart_spreads_a_short_window_across_its_width(limited: Model) -> None:
    chart = HeapChart()
    async with Host(chart, 70, 10).run_test(size=(70, 10)) as pilot:
        rows = last_rows(limited, 16)  # 16 cycles over 128 dot columns: 8 dots each
        chart.show(view(limited, rows, selected=rows.stop - 1, following=False))
        await pilot.pause()
        plot_rows = [line[6:] for line in lines_of(chart)[1:9]]
        for cell in (0, 63):
            assert any(row[cell] != " " for row in plot_rows), cell
        selected_bg = chart.get_component_rich_style("heap-chart--selected").bgcolor
        y = chart.region.y + 3
        x = chart.region.x + 6
        marked = [c for c in range(64) if pilot.app.screen.get_style_at(x + c, y).bgcolor == selected_bg]
        assert marked == list(range(60, 64))
        await pilot.click(HeapChart, offset=(6 + 63, 4))
        await pilot.click(HeapChart, offset=(6 + 0, 4))
        await pilot.click(HeapChart, offset=(6 + 4, 4))
        assert pilot.app.chosen == [rows.stop - 1, rows.start, rows.start + 1]


@pytest.mark.parametrize(
    ("limit_mb", "legend_end"),
    [(None, ["━", "live"]), (4096, ["limit", "↑", "4G"])],
    ids=["no-limit", "limit-off-scale"],
)
async def test_heap_chart_limit_only_when_known_and_on_scale(
    limited: Model, limit_mb: int | None, legend_end: list[str]
) -> None:
    model = _read("gomemlimit48_gogcoff_gctrace1.stderr.txt")
    model.env.gomemlimit_b = None if limit_mb is None else limit_mb << 20
    chart = HeapChart()
    async with Host(chart, 70, 10).run_test(size=(70, 10)) as pilot:
        chart.show(view(model, last_rows(model, 128)))
        await pilot.pause()
        lines = lines_of(chart)
        assert lines[0].split()[-len(legend_end):] == legend_end
        rendered = chart.render()
        limit_style = chart.get_component_rich_style("heap-chart--limit")
        assert isinstance(rendered, Text)
        drawn = [s for s in rendered.spans if s.style == limit_style and s.start > len(lines[0])]
        assert drawn == []


# -- GC CPU --------------------------------------------------------------------


def _shares(model: Model, rows: range, width: int) -> list[float]:
    """Each column's GC CPU the slow obvious way: its cycles' CPU (idle
    workers left out) over P x the time from the end of the cycle before the
    column to the end of its last cycle (start + the three clock phases)."""
    c = model.cycles.cols

    def end(i: int) -> float:
        return c.t_ms[i] + c.stw_sweep_term_ms[i] + c.mark_ms[i] + c.stw_mark_term_ms[i]

    out = []
    edges = buckets.bucket_bounds(rows.start, rows.stop, width)
    for a, b in zip(edges, edges[1:]):
        used = sum(c.sweep_term_cpu_ms[i] + c.mark_assist_cpu_ms[i] + c.mark_bg_cpu_ms[i]
                   + c.mark_term_cpu_ms[i] for i in range(a, b) if i > 0 or c.n[0] == 1)
        since = end(a - 1) if a > 0 else 0.0 if c.n[0] == 1 else end(a)
        offered = (end(b - 1) - since) * c.procs[b - 1]
        out.append(used / offered if offered > 0 else math.nan)
    return out


@pytest.mark.parametrize("zoomed", [False, True], ids=["one-per-column", "bucketed"])
async def test_gc_cpu_chart_now_and_max(gc_sched: Model, zoomed: bool) -> None:
    chart = GCCPUChart()
    async with Host(chart, 40, 3).run_test(size=(40, 3)) as pilot:
        rows = range(0, len(gc_sched.cycles)) if zoomed else last_rows(gc_sched, chart.capacity)
        chart.show(view(gc_sched, rows))
        await pilot.pause()
        shares = [s for s in _shares(gc_sched, rows, 40) if not math.isnan(s)]
        label = lines_of(chart)[0].split()
        assert label == ["GC", "CPU", "now", plot.fmt_pct(shares[-1]), "max", plot.fmt_pct(max(shares))]
        await pilot.click(GCCPUChart, offset=(5, 2))
        assert pilot.app.chosen == [buckets.bucket_bounds(rows.start, rows.stop, 40)[5]]


async def test_gc_cpu_chart_shows_the_selected_window_when_not_following(gc_sched: Model) -> None:
    chart = GCCPUChart()
    async with Host(chart, 40, 3).run_test(size=(40, 3)) as pilot:
        rows = last_rows(gc_sched, 40)
        chart.show(view(gc_sched, rows, selected=rows.start + 10, following=False))
        await pilot.pause()
        share = _shares(gc_sched, rows, 40)[10]
        assert lines_of(chart)[0].split()[2:4] == ["sel", plot.fmt_pct(share)]


# -- goroutines ------------------------------------------------------------------


async def test_goroutine_chart_counts_threads_idle_ps(detail: Model) -> None:
    chart = GoroutineChart()
    async with Host(chart, 50, 3).run_test(size=(50, 3)) as pilot:
        chart.show(view(detail, range(0)))
        await pilot.pause()
        snap = detail.latest_sched()
        assert snap is not None
        lines = lines_of(chart)
        assert lines[0] == f"goroutines {snap.goroutines} · threads 5 · idle P 0/2"
        assert len(lines[2].strip()) == len(detail.goroutine_series())  # one bar per snapshot


async def test_a_goroutine_count_that_never_moved_is_a_level_line_not_a_wall() -> None:
    """A program panicking with 4 goroutines at both scheddetail blocks:
    low bars and the count in the label, not bars to the top (a climb)."""
    model = model_of((Path(__file__).parent / "data" / "sched" /
                      "go1.19_panic_schedtrace1000_scheddetail1.stderr.txt").read_text())
    assert [g for _, g in model.goroutine_series()] == [4, 4]
    chart = GoroutineChart()
    async with Host(chart, 50, 4).run_test(size=(50, 4)) as pilot:
        chart.show(view(model, range(0)))
        await pilot.pause()
        label, *bars = lines_of(chart)
        assert label.startswith("goroutines 4 ")
        assert [row.strip() for row in bars] == ["", "", "▂▂"]


@pytest.mark.parametrize(
    ("fixture", "expected"),
    [
        ("limited", ["no schedtrace", "GODEBUG=schedtrace=1000,scheddetail=1"]),
        ("gc_sched", ["threads 5", "idle P 0/2", NO_DETAIL]),
    ],
    ids=["no-schedtrace", "no-scheddetail"],
)
async def test_goroutine_chart_says_what_is_missing(
    request: pytest.FixtureRequest, fixture: str, expected: list[str]
) -> None:
    model = request.getfixturevalue(fixture)
    chart = GoroutineChart()
    async with Host(chart, 70, 3).run_test(size=(70, 3)) as pilot:
        chart.show(view(model, last_rows(model, 70)))
        await pilot.pause()
        rendered = chart.render()
        assert isinstance(rendered, Text)
        for text in expected:
            assert text in rendered.plain


async def test_goroutine_chart_click_selects_its_columns_first_cycle(story: Model) -> None:
    """The goroutine chart's columns are the cycle charts' columns (issue 13):
    a click selects the column's first cycle, as a click on the GC CPU bars does."""
    chart = GoroutineChart()
    async with Host(chart, 30, 3).run_test(size=(30, 3)) as pilot:
        rows = last_rows(story, 30)
        chart.show(view(story, rows))
        await pilot.pause()
        edges = buckets.bucket_bounds(rows.start, rows.stop, 30)
        for col in (0, 17, 29):
            await pilot.click(GoroutineChart, offset=(col, 2))
            assert pilot.app.chosen[-1] == edges[col]


# -- scheduler panel ---------------------------------------------------------------


async def test_sched_panel_latest_snapshot(detail: Model) -> None:
    panel = SchedPanel()
    async with Host(panel, 50, 18).run_test(size=(50, 18)) as pilot:
        panel.show(view(detail, range(0)))
        await pilot.pause()
        lines = lines_of(panel)
        snap = detail.latest_sched()
        assert snap is not None
        assert lines[:5] == [
            f"Scheduler · at 0.41s · goroutines {snap.goroutines}",
            "threads 5 (2 idle, 0 spinning) · idle Ps 0/2",
            "global runq 1 · local runq Σ0 max 0",
            "per-P runq 0 0",
            "by status: waiting 19 · running 2 · runnable 1",
        ]
        header = lines.index("waiting goroutines by wait reason")
        reasons = [line.split(maxsplit=2) for line in lines[header + 1 :]]
        assert reasons[0][0] == "5" and reasons[0][-1].strip() == "sleep"
        assert [r[0] for r in reasons] == [str(n) for _, n in snap.g_by_wait_reason[: len(reasons)]]
        assert len(lines) == 18


async def test_sched_panel_many_ps_get_one_bar_each(detail: Model) -> None:
    model = _read("schedtrace200_scheddetail1.stderr.txt")
    queues = tuple(i % 9 for i in range(128))
    model.sched.objects[len(model.sched) - 1] = dataclasses.replace(model.sched[-1], gomaxprocs=128, runq_per_p=queues)
    panel = SchedPanel()
    async with Host(panel, 50, 18).run_test(size=(50, 18)) as pilot:
        panel.show(view(model, range(0)))
        await pilot.pause()
        line = next(line for line in lines_of(panel) if line.startswith("per-P runq "))
        room = 50 - len("per-P runq ") - 1
        assert line == "per-P runq " + plot.sparkline(list(queues[:room]), 8) + "…"
        assert f"local runq Σ{sum(queues)} max 8" in " ".join(lines_of(panel))


async def test_sched_panel_waits_for_sched_lines(limited: Model) -> None:
    panel = SchedPanel()
    async with Host(panel, 50, 10).run_test(size=(50, 10)) as pilot:
        panel.show(view(limited, last_rows(limited, 10)))
        await pilot.pause()
        text = " ".join(lines_of(panel))
        assert "Waiting for SCHED lines" in text
        assert "GODEBUG=schedtrace=1000,scheddetail=1" in text


async def test_sched_panel_shows_wait_reasons_as_text_not_markup(detail: Model) -> None:
    model = _read("schedtrace200_scheddetail1.stderr.txt")
    evil = "[bold red]boom[/] \x1b[2J"
    model.sched.objects[len(model.sched) - 1] = dataclasses.replace(model.sched[-1], g_by_wait_reason=((evil, 7),))
    panel = SchedPanel()
    async with Host(panel, 50, 14).run_test(size=(50, 14)) as pilot:
        panel.show(view(model, range(0)))
        await pilot.pause()
        assert lines_of(panel)[-1].endswith("[bold red]boom[/] ^[[2J")  # as every panel shows ESC


async def test_sched_panel_click_on_chart_selects_a_cycle(story: Model) -> None:
    panel = SchedPanel()
    async with Host(panel, 47, 16).run_test(size=(47, 16)) as pilot:
        rows = last_rows(story, 40)
        panel.show(view(story, rows))
        await pilot.pause()
        lines = lines_of(panel)
        chart_row = next(i for i, line in enumerate(lines) if line[:6].strip() == "0")
        nearest = rows.stop - 1  # the chart's columns are the window's cycles, the newest last
        await pilot.click(SchedPanel, offset=(7 + 39, chart_row))  # the newest column
        assert pilot.app.chosen == [nearest]
        await pilot.click(SchedPanel, offset=(10, 0))  # the title chooses nothing
        assert pilot.app.chosen == [nearest]


# -- every widget, any size ----------------------------------------------------------


@pytest.mark.parametrize("size", [(12, 1), (24, 2), (30, 5), (45, 12)], ids=lambda s: f"{s[0]}x{s[1]}")
@pytest.mark.parametrize(
    "cls", [PauseChart, HeapChart, GCCPUChart, GoroutineChart, SchedPanel], ids=lambda c: c.__name__
)
async def test_widgets_fit_small_sizes(story: Model, cls: type[Widget], size: tuple[int, int]) -> None:
    widget = cls()
    width, height = size
    async with Host(widget, width, height).run_test(size=size) as pilot:
        frame = view(story, last_rows(story, 200), selected=len(story.cycles) - 3)
        widget.show(frame)  # type: ignore[attr-defined]
        await pilot.pause()
        assert len(lines_of(widget)) <= height  # long lines crop, never wrap


# -- a million cycles -----------------------------------------------------------------


class CountingArray(array):  # type: ignore[type-arg]
    """An array column that counts how many values the widgets slice out of it."""

    read = 0

    def __getitem__(self, key):  # type: ignore[no-untyped-def]
        got = super().__getitem__(key)
        if isinstance(key, slice):
            CountingArray.read += len(got)
        return got


def _million(model: Model, spare: int) -> tuple[int, int, int]:
    """Grow a real capture's store to ~1,000,000 rows, plus ``spare`` rows past ``count``."""
    store: CycleStore = model.cycles
    base = len(store)
    repeat = 1_000_000 // base
    derived = (store.interval_s, store.alloc_rate_mb_s, store.gc_cpu, store.assist_share)
    for col in (*store.cols.arrays(), *derived):
        col *= repeat
    count = base * repeat
    store.cols.n[:] = array("I", range(1, count + 1))
    store.cols.t_ms[:] = array("I", range(0, 10 * count, 10))
    worst, fat = 765_432, 123_456
    store.cols.stw_ms[worst] = 250.0
    store.cols.heap_end_mb[fat] = 5000
    # Rows a source thread is still writing: past count, wild, never to be read.
    for col in store.cols.arrays():
        col.extend(col[:spare])
    for name in ("stw_ms", "heap_end_mb", "heap_goal_mb"):
        tail = getattr(store.cols, name)
        for i in range(count, count + spare):
            tail[i] = 99_999
    return count, worst, fat


async def test_a_million_cycles_in_one_pass(gc_sched: Model) -> None:
    model = _read("gctrace1_schedtrace200.stderr.txt")
    count, worst, fat = _million(model, spare=500)
    stw = model.cycles.cols.stw_ms
    model.cycles.cols.stw_ms = CountingArray("f", stw)
    everything = range(0, count + 500)  # the app may ask past count: nothing past it is read
    pause, heap, cpu = PauseChart(), HeapChart(), GCCPUChart()

    class Three(App[None]):
        chosen: list[int] = []

        def compose(self) -> ComposeResult:
            yield pause
            yield heap
            yield cpu

        def on_cycle_chosen(self, message: CycleChosen) -> None:
            self.chosen.append(message.index)

    async with Three().run_test(size=(80, 20)) as pilot:
        CountingArray.read = 0
        for widget in (pause, heap, cpu):
            widget.show(View(model, everything, worst, count, False))
        first_read = CountingArray.read
        assert count <= first_read < count * 1.1  # every row once, plus a percentile sample
        CountingArray.read = 0
        pause.show(View(model, everything, worst + 1, count, False))
        assert CountingArray.read < 10_000  # a selection move re-reads almost nothing
        heap.show(View(model, everything, fat, count, False))
        await pilot.pause()

        lines = lines_of(pause)
        assert lines[-1].split()[-2:] == ["max", "250ms"]
        assert lines[2].split()[-2][:3] == "p99"  # a sampled percentile says so
        assert lines[2].split()[-2].endswith("≈")
        edges = buckets.bucket_bounds(0, count, pause.capacity, buckets.BLOCK)
        column = next(k for k in range(len(edges) - 1) if edges[k] <= worst < edges[k + 1])
        await pilot.click(PauseChart, offset=(column, 1))
        assert Three.chosen == [worst]  # the spike's own cycle, from a bucket of ~1,400

        heap_lines = lines_of(heap)
        assert heap_lines[1][:5].strip() == plot.fmt_mb(plot.nice_ceil(5000))
        assert heap_lines[-1].split()[:2] == ["gc", "1"]
        assert heap_lines[-1].split()[-2:] == ["gc", str(count)]
        assert f"▲gc {fat + 1}" in heap_lines[-1]
        assert "%" in lines_of(cpu)[0]


def test_goroutine_counts_are_the_shown_runs_own() -> None:
    """Two runs of the demo program, the second stopped at gc 599 (30 s,
    before its pile-up): both clocks start at 0, so by time alone run 1's
    2782 goroutines would land in run 2's chart."""
    import gzip

    from kit import model_of
    from tui.demo.replay import bundled_capture
    from tui.ui.widgets.goroutines import GoroutineSeries

    with gzip.open(bundled_capture(), "rt") as f:
        text = f.read()
    lines = text.splitlines(keepends=True)
    cut = next(i for i, line in enumerate(lines) if " gc 600 @" in line)
    model = model_of(text + "".join(lines[:cut]))
    assert len(model.segments) == 2
    first, second = (range(*model.cycles.segment_range(s)) for s in (0, 1))
    series = GoroutineSeries()
    for rows, top, latest in ((first, 2782, 2782), (second, 7, 7)):
        for by_time in (True, False):
            v = View(model, rows, rows.stop - 1, len(model.cycles), by_time=by_time)
            cols = series.take(v, 40)
            assert max(c for c in cols.counts if c is not None) == top and cols.latest == latest
            assert len(cols.counts) == 40 and cols.spans[0][0] == rows.start and cols.spans[-1][1] == rows.stop


async def test_sched_panel_shows_each_ps_scheduler_ticks_per_second() -> None:
    """Go 1.25+ SCHED lines end in per-P ``schedticks=[…]`` counters; the panel
    shows their rate since the previous snapshot. The capture goes from 8 Ps
    (1006 ms) to 4 (2009 ms): the four kept Ps are compared."""
    from tui.ingest.runner import load
    from tui.ui.widgets.sched_panel import tick_rates

    model = load(str(Path(__file__).parent / "data" / "runtime" / "go1.26_gctrace2_checkfinalizers.stderr.txt"))
    new, old = model.latest_scheds(2)
    assert (old.t_ms, new.t_ms) == (1006, 2009)
    rates = tick_rates(new, old)
    assert rates == pytest.approx([47000 / 1.003, 42000 / 1.003, 2000 / 1.003, 800 / 1.003])
    panel = SchedPanel()
    async with Host(panel, 60, 18).run_test(size=(60, 18)) as pilot:
        panel.show(view(model, range(0)))
        await pilot.pause()
        line = next(line for line in lines_of(panel) if line.startswith("sched ticks/s per P "))
        assert line.split()[4:] == [plot.fmt_count(r) for r in rates] == ["46.9k", "41.9k", "1994", "798"]
    # Snapshots without the counters (Go <= 1.24) show no such line.
    assert tick_rates(dataclasses.replace(new, schedticks=None), old) is None
