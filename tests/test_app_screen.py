"""The screen uses the terminal it is given (issue 13): proportional columns,
whole explanations, maximised panels, 80×24 essentials, runs told apart,
search like less. Driven by Pilot on real captures."""

from __future__ import annotations

from pathlib import Path

from textual.widgets import Footer, Static

from tui.demo.replay import bundled_capture
from tui.ingest.runner import Runner
from tui.sources.follow import FileSource
from tui.ui.app import GCTuiApp
from tui.ui.explain import DERIVED_TEXT
from tui.ui.screens.main import MainScreen
from tui.ui.screens.prompt import Prompt
from tui.ui.screens.runs import RunPicker
from tui.ui.widgets.cycle_table import CycleTable
from tui.ui.widgets.detail import CycleDetail
from tui.ui.widgets.output_panel import OutputPanel

from pilotkit import settled, until

DATA = Path(__file__).parent / "data"
TWO_RUNS = DATA / "restart" / "two_runs.stderr.txt"  # gc 1–307, then gc 1–200 again


def _app(path: Path | str) -> GCTuiApp:
    return GCTuiApp(Runner(FileSource(str(path), follow=False), kind="file"))


def _title(app: GCTuiApp) -> str:
    return str(app.screen.query_one(CycleDetail).border_title)


def _detail_lines(screen: MainScreen) -> list[str]:
    body = screen.query_one("#detail-body", Static).content
    return "\n".join(str(r) for r in body.renderables).splitlines()  # type: ignore[union-attr]


async def _type(pilot, text: str) -> None:  # type: ignore[no-untyped-def]
    for ch in text:
        await pilot.press({"/": "slash", ":": "colon", "@": "at"}.get(ch, ch))


async def test_a_wide_terminal_gives_the_detail_room_for_whole_explanations() -> None:
    app = _app(bundled_capture())
    async with app.run_test(size=(200, 55)) as pilot:
        screen = await settled(app, pilot)
        right = screen.query_one("#right")
        assert right.size.width >= 90  # half the width, not a fixed 48
        lines = _detail_lines(screen)
        stw = next(line for line in lines if line.startswith("stw "))
        assert stw.rstrip().endswith(DERIVED_TEXT["stw"])  # one line, not cut
        assert not any("…" in line for line in lines)


async def test_a_narrow_detail_wraps_explanations_instead_of_cutting_them() -> None:
    app = _app(bundled_capture())
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await settled(app, pilot)
        text = " ".join(" ".join(_detail_lines(screen)).split())
        assert not any("…" in line for line in _detail_lines(screen))
        assert DERIVED_TEXT["alloc rate"] in text  # wrapped over two lines, every word kept


async def test_m_maximises_the_panel_and_escape_restores_it() -> None:
    app = _app(bundled_capture())
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await settled(app, pilot)
        await pilot.press("3", "m")
        output = screen.query_one(OutputPanel)
        assert screen.maximized is output
        await until(pilot, lambda: output.size.width == 120, "the output panel to fill the width")
        await pilot.press("M")  # the next panel in turn: the cycle detail
        assert screen.maximized is screen.query_one(CycleDetail)
        await pilot.press("m")
        assert screen.maximized is None
        await pilot.press("M", "escape")
        assert screen.maximized is None


async def test_the_current_output_line_is_shown_whole() -> None:
    app = _app(bundled_capture())
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await settled(app, pilot)
        await pilot.press("slash")
        await until(pilot, lambda: isinstance(app.screen, Prompt), "the search prompt")
        await _type(pilot, "never evicts")
        await pilot.press("enter")
        output = screen.query_one(OutputPanel)
        assert output.current is not None
        whole = output.line_text(output.current)[0]
        rows = output._wrapped(output.current)
        assert len(rows) >= 2 and "".join(r.plain for r in rows) == whole  # wrapped, nothing cut
        assert output.virtual_size.height == len(output.kind) + len(rows) - 1


async def test_80x24_keeps_help_quit_and_one_line_small_charts() -> None:
    app = _app(bundled_capture())
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await settled(app, pilot)
        footer = screen.query_one(Footer)
        shown = [k for k in footer.query("FooterKey") if k.region.right <= 80 and k.region.width]
        descriptions = [k.description for k in shown]  # type: ignore[attr-defined]
        assert "Help" in descriptions and "Quit" in descriptions
        for chart in ("#cpu", "#goroutines"):
            assert screen.query_one(chart).size.height == 1
            assert screen.query_one(chart).size.width >= 40  # the left column's width, not half of it


async def test_runs_are_told_apart_in_the_table_the_detail_and_the_jump() -> None:
    app = _app(TWO_RUNS)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await settled(app, pilot)
        assert _title(app) == "run 2 · gc 200"
        table = screen.query_one(CycleTable)
        assert table.breaks == [307]  # a separator row after run 1's 307 cycles
        assert table.store_row(307) is None and table.store_row(308) == 307
        await pilot.press("colon")
        await until(pilot, lambda: isinstance(app.screen, Prompt), "the jump prompt")
        await _type(pilot, "1/50")
        await pilot.press("enter")
        assert _title(app) == "run 1 · gc 50"
        await pilot.press("colon")
        await until(pilot, lambda: isinstance(app.screen, Prompt), "the jump prompt")
        await _type(pilot, "2/50")
        await pilot.press("enter")
        assert _title(app) == "run 2 · gc 50"
        await pilot.press("r")
        await until(pilot, lambda: isinstance(app.screen, RunPicker), "the run picker")
        picker = app.screen
        assert isinstance(picker, RunPicker)
        assert [r.cycles for r in picker.runs] == [307, 200]
        await pilot.press("up", "enter")
        assert _title(app) == "run 1 · gc 307"


async def test_a_jump_to_a_time_selects_the_nearest_cycle() -> None:
    app = _app(bundled_capture())
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await settled(app, pilot)
        await pilot.press("colon")
        await until(pilot, lambda: isinstance(app.screen, Prompt), "the jump prompt")
        await _type(pilot, "@30s")
        await pilot.press("enter")
        i = screen.cursor.selected
        assert i is not None
        assert abs(app.session.model.cycles.cols.t_ms[i] - 30_000) < 1_000


async def test_search_counts_matches_steps_with_n_and_selects_the_cycle_printed_near() -> None:
    app = _app(bundled_capture())
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await settled(app, pilot)
        await pilot.press("slash")
        await until(pilot, lambda: isinstance(app.screen, Prompt), "the search prompt")
        await _type(pilot, "act ")
        await pilot.press("enter")
        output = screen.query_one(OutputPanel)
        assert output.position() == (1, 4)  # acts 1 to 4
        tabs = str(screen.query_one("#panel-tabs", Static).render())
        assert "1/4" in tabs
        first = screen.cursor.selected
        await pilot.press("n")
        assert output.position() == (2, 4)
        assert screen.cursor.selected is not None and first is not None and screen.cursor.selected > first
        line = output.line_no(output.current)  # type: ignore[arg-type]
        cols = app.session.model.cycles.cols
        assert cols.line_no[screen.cursor.selected] <= line < cols.line_no[screen.cursor.selected + 1]
        await pilot.press("N", "N")
        assert output.position() == (4, 4)  # wraps around, as less does
        await pilot.press("escape")  # the search ends; n walks the findings again
        assert not output.pattern
        await pilot.press("n")
        assert str(screen.query_one("ContentSwitcher").current) == "findings"  # type: ignore[attr-defined]


async def test_at_80x24_two_compared_ranges_leave_the_findings_room() -> None:
    """The comparison takes up to 12 rows of the right column; the detail
    and the findings share the rest, so the findings still show a finding
    whole (a detail held at 8 rows left them 2)."""
    from test_snapshots import RANGE_KEYS, _typed, demo_app
    from tui.ui.widgets.findings_panel import FindingsPanel
    from tui.ui.widgets.range_panel import RangePanel

    app = demo_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await _typed(RANGE_KEYS)(pilot)
        screen = app.screen
        assert screen.query_one(RangePanel).size.height >= 10  # the comparison is whole
        assert screen.query_one(FindingsPanel).size.height >= 4
        assert screen.query_one(CycleDetail).outer_size.height >= 4  # its title and two lines
