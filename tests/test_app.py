"""The app driven by Pilot: keys, follow mode, jump, findings, search, and
the empty, ended and too-small states, on real captures."""

from __future__ import annotations

import threading
from pathlib import Path

from textual.widgets import ContentSwitcher, Static

from tui.ui.app import GCTuiApp
from tui.demo.replay import bundled_capture
from tui.ui.screens.main import MainScreen
from tui.ingest.inputs import open_input
from tui.ingest.runner import Runner
from tui.sources.base import Chunk, Emit, Ended
from tui.sources.follow import FileSource
from tui.ui.widgets.detail import CycleDetail
from tui.ui.widgets.findings_panel import FindingsPanel
from tui.ui.widgets.output_panel import OutputPanel

from pilotkit import settled, until

DATA = Path(__file__).parent / "data"
SAMPLE = DATA / "samples" / "go1.19" / "gctrace1_schedtrace200.stderr.txt"  # 307 cycles


def _app(path: Path | str) -> GCTuiApp:
    return GCTuiApp(Runner(FileSource(str(path), follow=False), kind="file"))


_loaded = settled  # the input read to its end, its findings shown


def _title(app: GCTuiApp) -> str:
    return str(app.screen.query_one(CycleDetail).border_title)


async def test_opens_on_the_newest_cycle_and_walks_with_the_keys() -> None:
    app = _app(SAMPLE)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await _loaded(app, pilot)
        assert _title(app) == "gc 307"
        assert screen.cursor.following
        await pilot.press("k")
        assert _title(app) == "gc 306" and not screen.cursor.following
        await pilot.press("up", "up")
        assert _title(app) == "gc 304"
        await pilot.press("j")
        assert _title(app) == "gc 305"
        await pilot.press("g")
        assert _title(app) == "gc 1"
        await pilot.press("pagedown")
        page = screen.query_one("#table").page_rows()  # type: ignore[attr-defined]
        assert _title(app) == f"gc {1 + page}"
        await pilot.press("end")
        assert _title(app) == "gc 307"
        await pilot.press("home")
        assert _title(app) == "gc 1"
        await pilot.press("G")
        assert _title(app) == "gc 307"


async def test_follow_toggles_and_a_move_pauses_it() -> None:
    app = _app(SAMPLE)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await _loaded(app, pilot)
        await pilot.press("k")
        assert not screen.cursor.following
        status = str(screen.query_one("#status").render())  # type: ignore[attr-defined]
        assert "paused" in status
        await pilot.press("f")
        assert screen.cursor.following and _title(app) == "gc 307"
        await pilot.press("f")
        assert not screen.cursor.following


async def test_jump_to_a_cycle_number() -> None:
    app = _app(SAMPLE)
    async with app.run_test(size=(120, 40)) as pilot:
        await _loaded(app, pilot)
        await pilot.press("colon", "4", "2", "enter")
        await pilot.pause()
        assert _title(app) == "gc 42"
        await pilot.press("colon", "9", "9", "9", "9", "enter")
        await pilot.pause()
        assert _title(app) == "gc 42"  # no such cycle: the selection stays


async def test_findings_walk_selects_their_first_cycle() -> None:
    app = _app(SAMPLE)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await _loaded(app, pilot)
        panel = screen.query_one(FindingsPanel)
        assert panel.findings, "the sample has forced and frequent GCs"
        await pilot.press("n")
        first = panel.findings[0]
        assert panel.chosen == 0
        assert screen.cursor.selected == first.first_index
        assert _title(app) == f"gc {first.first_cycle}"
        await pilot.press("n")
        assert panel.chosen == 1 % len(panel.findings)
        await pilot.press("p")
        assert panel.chosen == 0
        assert screen.query_one(ContentSwitcher).current == "findings"


async def test_panels_switch_with_number_keys() -> None:
    app = _app(SAMPLE)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await _loaded(app, pilot)
        for key, name in (("2", "sched"), ("3", "output"), ("4", "escapes"), ("1", "findings")):
            await pilot.press(key)
            assert screen.query_one(ContentSwitcher).current == name


class _Scripted:
    """A source that emits given chunks, then ends or stays open."""

    description = "scripted"

    def __init__(self, data: bytes, end: bool = True) -> None:
        self.data, self.end = data, end

    def run(self, emit: Emit, stop: threading.Event) -> None:
        if self.data:
            emit(Chunk("log", self.data))
        if self.end:
            emit(Ended("input ended"))
        else:
            stop.wait()


async def test_search_finds_output_and_shows_markup_as_text() -> None:
    gc = SAMPLE.read_text().splitlines()[:40]
    lines = gc[:10] + ["request 1 ok", "[bold]not bold[/bold] \x1b[31mred\x1b[0m", "request 2 ok"] + gc[10:]
    app = GCTuiApp(Runner(_Scripted(("\n".join(lines) + "\n").encode()), kind="pipe"))
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await _loaded(app, pilot)
        await pilot.press("slash", *"not bold", "enter")
        await pilot.pause()
        out = screen.query_one(OutputPanel)
        assert screen.query_one(ContentSwitcher).current == "output"
        assert out.current is not None
        assert out.line_text(out.current)[0].startswith("[bold]not bold")
        shown = "".join(seg.text for y in range(out.size.height) for seg in out.render_line(y))
        assert "[bold]not bold[/bold] ^[[31mred^[[0m" in shown
        assert "\x1b" not in shown
        await pilot.press("slash", "ctrl+u", *"request", "enter")
        await pilot.pause()
        assert out.line_text(out.current)[0] == "request 1 ok"  # type: ignore[arg-type]
        await pilot.press("slash", "enter")
        await pilot.pause()
        assert out.line_text(out.current)[0] == "request 2 ok"  # type: ignore[arg-type]


async def test_waiting_state_says_what_it_waits_for() -> None:
    app = GCTuiApp(Runner(_Scripted(b"", end=False), kind="pipe"))
    async with app.run_test(size=(120, 40)) as pilot:
        await until(pilot, lambda: app.session.started and isinstance(app.screen, MainScreen)
                    and app.screen.query_one("#waiting", Static).display, "the waiting message")
        waiting = app.screen.query_one("#waiting", Static)
        assert waiting.display
        assert "standard input" in str(waiting.render())
        assert "waiting" in str(app.screen.query_one("#status").render())  # type: ignore[attr-defined]


async def test_ended_without_cycles_says_why() -> None:
    app = GCTuiApp(Runner(_Scripted(b"hello\nworld\n"), kind="file"))
    async with app.run_test(size=(120, 40)) as pilot:
        await _loaded(app, pilot)
        text = str(app.screen.query_one("#waiting", Static).render())
        assert "without a GC cycle" in text and "gctrace=1" in text


async def test_too_small_terminal_says_so() -> None:
    app = _app(SAMPLE)
    async with app.run_test(size=(50, 12)) as pilot:
        await _loaded(app, pilot)
        small = app.screen.query_one("#too-small", Static)
        assert small.display
        assert "50×12" in str(small.render())
        await pilot.resize_terminal(120, 40)
        await pilot.pause()
        assert not small.display


async def test_80x24_still_shows_the_table_and_detail() -> None:
    app = _app(SAMPLE)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await _loaded(app, pilot)
        assert screen.query_one("#table").region.height >= 5
        assert screen.query_one(CycleDetail).region.height >= 5
        assert _title(app) == "gc 307"


async def test_help_explains_the_screen_and_the_fields() -> None:
    app = _app(SAMPLE)
    async with app.run_test(size=(120, 40)) as pilot:
        await _loaded(app, pilot)
        await pilot.press("question_mark")
        await pilot.pause()
        from tui.ui.screens.help import HelpScreen

        assert isinstance(app.screen, HelpScreen)
        await pilot.press("escape")
        assert isinstance(app.screen, MainScreen)


async def test_the_demo_capture_opens_with_findings_and_goroutines() -> None:
    app = _app(bundled_capture())
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await _loaded(app, pilot)
        ids = {f.id for f in screen.query_one(FindingsPanel).findings}
        assert {"live-heap-growing", "goroutines-growing"} <= ids, ids


async def test_a_file_loaded_in_bulk_shows_each_cycles_raw_line_from_the_file() -> None:
    session = Runner(log=open_input(str(SAMPLE)), kind="file", follow=False)
    app = GCTuiApp(session, full_scan=True)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await _loaded(app, pilot)
        await pilot.press("colon", "4", "2", "enter")
        await pilot.pause()
        assert _title(app) == "gc 42"
        i = screen.cursor.selected
        lines = SAMPLE.read_text().splitlines()
        assert i is not None and session.model.raw_lines.get(i) is None  # not kept: read back
        raw = session.raw_line(i)
        assert raw is not None and raw.startswith("gc 42 @") and raw in lines
        body = screen.query_one("#detail-body", Static).content
        assert str(body.renderables[0]) == raw  # type: ignore[union-attr]


async def test_every_key_is_in_the_command_palette_and_runs_from_it() -> None:
    app = _app(SAMPLE)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await _loaded(app, pilot)
        commands = {c.title: c for c in app.get_system_commands(screen)}
        described = {b.description for b in MainScreen.BINDINGS if b.description}  # type: ignore[union-attr]
        assert described <= set(commands)
        await commands["Previous cycle"].callback()  # type: ignore[misc]
        await pilot.pause()
        assert _title(app) == "gc 306"


async def test_light_and_dark_themes_both_draw() -> None:
    app = _app(SAMPLE)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await _loaded(app, pilot)
        table = screen.query_one("#table")
        dark = table._style("cycle-table--cursor")  # type: ignore[attr-defined]
        app.theme = "textual-light"
        await until(pilot, lambda: table._style("cycle-table--cursor") != dark,  # type: ignore[attr-defined]
                    "the light theme's styles")
        screen.redraw(True)
        await pilot.pause()
        light = table._style("cycle-table--cursor")  # type: ignore[attr-defined]
        assert dark != light
        assert _title(app) == "gc 307"


async def test_a_sources_notice_is_shown_as_text() -> None:
    from tui.sources.base import Notice

    class Hinting:
        description = "PID 1"

        def run(self, emit: Emit, stop: threading.Event) -> None:
            emit(Notice("warning", "restart it with GODEBUG=gctrace=1 [bold]"))
            stop.wait()

    app = GCTuiApp(Runner(Hinting(), kind="attach"))
    async with app.run_test(size=(120, 40)) as pilot:
        await until(pilot, lambda: app._notifications, "the notice")
        await until(pilot, lambda: "restart it" in str(app.screen.query_one("#waiting", Static).render()),
                    "the notice under the waiting message")
        waiting = str(app.screen.query_one("#waiting", Static).render())
        assert "restart it with GODEBUG=gctrace=1 [bold]" in waiting
        assert [n.message for n in app._notifications] == ["restart it with GODEBUG=gctrace=1 [bold]"]


async def test_a_followed_file_gets_its_findings_once_loaded() -> None:
    session = Runner(log=open_input(str(SAMPLE)), kind="file", follow=True)
    app = GCTuiApp(session, full_scan=True)
    async with app.run_test(size=(120, 40)) as pilot:
        panel = app.screen.query_one(FindingsPanel)
        await until(pilot, lambda: app.scans_done and panel.findings, "the loaded file's findings")
        assert {"forced-gc", "gc-frequent"} <= {f.id for f in panel.findings}
        assert "tailing the file" in str(app.screen.query_one("#status").render())  # type: ignore[attr-defined]


async def test_a_search_with_markup_and_no_match_says_so_without_crashing() -> None:
    app = _app(SAMPLE)
    async with app.run_test(size=(120, 40)) as pilot:
        await _loaded(app, pilot)
        await pilot.press("slash")
        await pilot.pause()
        await pilot.press(*"[/bold]", "enter")
        await pilot.pause()
        assert [n.message for n in app._notifications] == ["No output line holds '[/bold]'."]


async def test_w_selects_the_worst_pause_and_a_click_selects_the_row_clicked() -> None:
    app = _app(SAMPLE)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await _loaded(app, pilot)
        await pilot.press("w")
        stw = app.session.model.cycles.cols.stw_ms
        assert screen.cursor.selected == max(range(len(stw)), key=lambda i: stw[i])
        await pilot.press("G")
        table = screen.query_one("#table")
        # The last row is drawn on the table's last content line.
        await pilot.click("#table", offset=(3, table.region.height - 1))
        assert screen.cursor.selected == len(stw) - 1
        await pilot.click("#table", offset=(3, table.region.height - 2))
        assert screen.cursor.selected == len(stw) - 2


async def test_a_chosen_finding_stays_chosen_while_its_numbers_change() -> None:
    from tui.analysis.findings import Finding

    app = _app(SAMPLE)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await _loaded(app, pilot)
        panel = screen.query_one(FindingsPanel)
        a = Finding(id="gc-frequent", severity="warning", title="t", message="every 3 ms", advice="", segment=0)
        b = Finding(id="stw-long", severity="warning", title="u", message="m", advice="", segment=0)
        panel.set_findings([a, b])
        panel.choose(1)
        panel.set_findings([a.__class__(**{**{f: getattr(a, f) for f in a.__slots__}, "message": "every 2 ms"}), b])
        assert panel.chosen == 1


async def test_walking_findings_keeps_each_title_on_screen() -> None:
    """``n`` opens a finding to its full text; its title must stay in view
    (it was scrolled with the old heights and could sit above the panel)."""
    app = _app(bundled_capture())
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await _loaded(app, pilot)
        panel = screen.query_one(FindingsPanel)
        assert len(panel.findings) >= 3
        for _ in range(len(panel.findings) + 1):
            await pilot.press("n")
            await until(pilot, lambda: panel.chosen is not None, "a chosen finding")
            await pilot.pause()
            entry = list(panel.children)[panel.chosen]  # type: ignore[index]
            top, bottom = panel.region.y, panel.region.y + panel.region.height
            assert top <= entry.region.y < bottom, (panel.chosen, entry.region, panel.region)
