"""The escape hints panel in a real app (Pilot), on a real analysis.

The host app holds only the panel, as the main screen does in its lower
area; the analysis is a real ``go build`` of tests/go/escapehints, run by
the panel's own worker.
"""

from __future__ import annotations

import contextlib
import shutil
import stat
import time
from pathlib import Path

import pytest
from textual.app import App, ComposeResult
from textual.widgets import Input, Static

from parsers.events import EscapeHint
from pilotkit import until
from tui.escapes.analyze import Analysis, PlacedHint
from tui.escapes.cache import AnalysisCache
from tui.escapes.kinds import HEAP_KINDS
from tui.escapes.locate import SourceQuery
from tui.escapes.pprof import decode_profile
from tui.escapes.ranking import alloc_sites
from tui.ui.widgets.escapes import EscapePanel, _Outcome
from tui.ui.widgets.hintlist import HintList

GO_DIR = Path(__file__).parent / "go"
HINTS = GO_DIR / "escapehints"
PROFILE = Path(__file__).parent / "data" / "escape" / "allocs_allocsites.pb.gz"


class Host(App[None]):
    def __init__(self) -> None:
        super().__init__()
        self.analysed: list[EscapePanel.Analysed] = []

    def compose(self) -> ComposeResult:
        yield EscapePanel(id="escapes")

    def on_escape_panel_analysed(self, message: EscapePanel.Analysed) -> None:
        self.analysed.append(message)


async def _settle(app: Host, pilot) -> None:  # noqa: ANN001
    """Wait for the analysis and profile workers."""
    for _ in range(3):
        await app.workers.wait_for_complete()
        await pilot.pause()


def _detail(app: Host) -> str:
    return str(app.query_one("#escapes-detail", Static).render())


def _status(app: Host) -> str:
    return str(app.query_one("#escapes-status", Static).render())


def _selected(panel: EscapePanel) -> EscapeHint:
    index = panel.query_one(HintList).hint_index
    assert panel.analysis is not None and index is not None
    return panel.analysis.hints[index].hint


@pytest.mark.go
async def test_real_analysis_grouped_with_detail_and_filters(go_build) -> None:  # noqa: ANN001
    app = Host()
    async with app.run_test(size=(120, 40)) as pilot:
        panel = app.query_one(EscapePanel)
        panel.set_source(SourceQuery(src_dir=str(HINTS)))
        await _settle(app, pilot)
        assert app.analysed and app.analysed[-1].error is None and app.analysed[-1].heap == 15
        assert "escapehints: 15 heap moves (go1." in _status(app)
        hints = panel.query_one(HintList)
        levels = [r.level for r in hints.rows]
        assert levels[:2] == ["file", "function"] and levels.count("file") == 1
        assert all(panel.analysis.hints[r.index].hint.hint in HEAP_KINDS for r in hints.rows if r.index is not None)

        panel.focus_top()
        await pilot.pause()
        assert hints.has_focus
        assert _selected(panel).hint == "moved_to_heap"
        await pilot.press("down")
        after = _selected(panel)
        detail = _detail(app)
        assert f":{after.line}:" in detail and "Why, as the compiler explains it:" in detail
        assert f"▶{after.line} │" in detail  # the source line itself, marked

        await pilot.press("t")  # every kind
        assert panel.query_one("#escapes-kind", Static).render().plain == "kind: every kind (t)"
        assert len(hints.rows) > 30
        assert _selected(panel) == after  # the selection survives a filter change

        await pilot.press("s")
        assert panel.query_one("#escapes-path", Input).has_focus
        await pilot.press(*"counter")
        await pilot.pause()
        assert {r.function for r in hints.rows if r.level != "file"} == {"counter"}
        await pilot.press("escape")
        assert hints.has_focus
        await pilot.press("t")  # after every kind come the kinds present, one by one
        assert {panel.analysis.hints[r.index].hint.hint for r in hints.rows if r.index is not None} == {
            "moved_to_heap"}
        await pilot.press("home")
        assert _selected(panel).subject == "n"


@pytest.mark.go
async def test_profile_ranks_and_focus_top_picks_the_hot_line(go_build) -> None:  # noqa: ANN001
    main_go = GO_DIR / "allocsites" / "main.go"
    hot = next(n for n, line in enumerate(main_go.read_text().splitlines(), 1) if "// hot site" in line)
    app = Host()
    async with app.run_test(size=(100, 30)) as pilot:
        panel = app.query_one(EscapePanel)
        panel.focus_top()  # asked before the analysis ends: done when it does
        panel.set_source(SourceQuery(src_dir=str(main_go.parent)))
        panel.set_profile(alloc_sites(decode_profile(PROFILE.read_bytes())))
        await _settle(app, pilot)
        assert (_selected(panel).line, _selected(panel).hint) == (hot, "escapes_to_heap")
        assert "ranked by" in _status(app) and "allocated" in _status(app)
        assert "this escape accounts for 88 % of allocated bytes" in _detail(app)

        # From a live-heap-growing finding: what stays live, the leak, comes first.
        leak = next(n for n, line in enumerate(main_go.read_text().splitlines(), 1) if "// leak site" in line)
        panel.focus_top("live-heap-growing")
        await pilot.pause()
        assert _selected(panel).line == leak
        assert "in use" in _status(app) and "of bytes in use" in _detail(app)
        panel.focus_top("gc-frequent")
        await pilot.pause()
        assert _selected(panel).line == hot
        await pilot.press("b")  # by hand: bytes in use again
        assert panel.ranking is not None and panel.ranking.measure == "inuse_space"


@pytest.mark.parametrize(("setup", "words"), [
    pytest.param("none", "no Go program to find the source of", id="no-source"),
    pytest.param("empty", "is not a Go package", id="not-a-package"),
    pytest.param("broken", "does not compile: ./main.go:", id="compile-error"),
    pytest.param("nogo", "the Go toolchain (go) is not on PATH", id="no-go"),
])
async def test_errors_are_said_in_the_panel(setup: str, words: str, tmp_path: Path,
                                            monkeypatch: pytest.MonkeyPatch, request) -> None:  # noqa: ANN001
    if setup == "broken":
        request.getfixturevalue("go_build")
        shutil.copytree(HINTS, tmp_path / "pkg")
        (tmp_path / "pkg" / "main.go").write_text((HINTS / "main.go").read_text().replace("t := 0", "t := nope"))
        query = SourceQuery(src_dir=str(tmp_path / "pkg"))
    elif setup == "nogo":
        monkeypatch.setenv("PATH", "/nonexistent")
        monkeypatch.setattr("tui.ui.widgets.escapes.SHARED", AnalysisCache())
        query = SourceQuery(src_dir=str(HINTS))
    elif setup == "empty":
        request.getfixturevalue("go_build")
        query = SourceQuery(src_dir=str(tmp_path))
    else:
        query = SourceQuery(cwd=str(tmp_path))
    app = Host()
    async with app.run_test(size=(100, 30)) as pilot:
        panel = app.query_one(EscapePanel)
        panel.set_source(query)
        await _settle(app, pilot)
        assert words in _status(app)
        assert panel.query_one("#escapes-status").has_class("-error")
        assert app.analysed[-1].error is not None
        if setup == "broken":
            assert "undefined: nope" in _detail(app)  # the compiler's own output, in full


@pytest.mark.go
async def test_o_opens_the_editor_at_the_line(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                              go_build) -> None:  # noqa: ANN001
    record = tmp_path / "args"
    editor = tmp_path / "editor"
    editor.write_text(f"#!/bin/sh\nprintf '%s\\n' \"$@\" > {record}\n")
    editor.chmod(editor.stat().st_mode | stat.S_IEXEC)
    monkeypatch.setenv("EDITOR", str(editor))
    monkeypatch.delenv("VISUAL", raising=False)
    monkeypatch.setattr(App, "suspend", lambda self: contextlib.nullcontext())
    app = Host()
    async with app.run_test(size=(100, 30)) as pilot:
        panel = app.query_one(EscapePanel)
        panel.set_source(SourceQuery(src_dir=str(HINTS)))
        await _settle(app, pilot)
        panel.focus_top()
        await pilot.press("o")
        hint = _selected(panel)
        assert record.read_text().split() == [f"+{hint.line}", str(HINTS / "main.go")]


@pytest.mark.go
async def test_a_saved_change_is_analysed_again(tmp_path: Path, go_build) -> None:  # noqa: ANN001
    shutil.copytree(HINTS, tmp_path / "pkg")
    app = Host()
    async with app.run_test(size=(100, 30)) as pilot:
        panel = app.query_one(EscapePanel)
        panel.set_source(SourceQuery(src_dir=str(tmp_path / "pkg")))
        await _settle(app, pilot)
        assert app.analysed[-1].heap == 15
        with open(tmp_path / "pkg" / "main.go", "a") as f:
            f.write("\nfunc extra() *int {\n\tv := 1\n\treturn &v\n}\n")
        await until(pilot, lambda: app.analysed[-1].heap != 15, "the analysis of the saved change")
        assert app.analysed[-1].heap == 16


def _big_analysis(n: int) -> Analysis:
    hints = []
    for i in range(n):
        kind = ("moved_to_heap", "escapes_to_heap", "does_not_escape", "leaking_param")[i % 4]
        hint = EscapeHint(file=f"./f{i % 40}.go", line=i + 1, column=2, hint=kind, subject=f"v{i}",
                          message=f"{kind}: v{i}")
        hints.append(PlacedHint(hint, f"/src/f{i % 40}.go", f"fn{i % 300}"))
    return Analysis("/src", "test", "go1.19.8", "json", tuple(hints))


async def test_thousands_of_hints_are_listed_walked_and_filtered() -> None:
    """Five thousand hints (how fast is tests/bench's business, not a test's)."""
    app = Host()
    async with app.run_test(size=(120, 40)) as pilot:
        panel = app.query_one(EscapePanel)
        panel._analysed(_Outcome(_big_analysis(5000)))
        await pilot.pause()
        hints = panel.query_one(HintList)
        assert len(hints.rows) > 3750
        hints.focus()
        await pilot.press("end", "pageup", "pageup", "home", "down", "t")
        assert hints.hint_index is not None
        before = len(hints.rows)
        panel.path_filter = "f3"
        panel._regroup()
        assert 0 < len(hints.rows) < before


@pytest.mark.go
async def test_profile_fetched_from_a_running_program(go_build) -> None:  # noqa: ANN001
    import subprocess

    main_go = GO_DIR / "allocsites" / "main.go"
    hot = next(n for n, line in enumerate(main_go.read_text().splitlines(), 1) if "// hot site" in line)
    proc = subprocess.Popen([str(go_build("allocsites")), "-duration", "30s"], stdout=subprocess.PIPE,
                            stderr=subprocess.DEVNULL)
    try:
        assert proc.stdout is not None
        addr = proc.stdout.readline().decode().split()[-1]
        time.sleep(1.0)
        app = Host()
        async with app.run_test(size=(100, 30)) as pilot:
            panel = app.query_one(EscapePanel)
            panel.set_source(SourceQuery(src_dir=str(main_go.parent)))
            await _settle(app, pilot)
            panel.set_http("127.0.0.1:9")  # nothing listens there: the hints stay, unranked
            await _settle(app, pilot)
            assert "not ranked: cannot fetch http://127.0.0.1:9/debug/pprof/allocs" in _status(app)
            assert panel.query_one(HintList).rows
            panel.set_http(addr)
            await _settle(app, pilot)
            panel.focus_top()
            await pilot.pause()
            assert "ranked by" in _status(app)
            assert _selected(panel).line == hot
    finally:
        proc.kill()
        proc.wait()


@pytest.mark.go
async def test_program_text_is_never_markup(tmp_path: Path, go_build) -> None:  # noqa: ANN001
    package = tmp_path / "pkg[bold]x"
    shutil.copytree(HINTS, package)
    app = Host()
    async with app.run_test(size=(100, 30)) as pilot:
        panel = app.query_one(EscapePanel)
        panel.set_source(SourceQuery(src_dir=str(package)))
        await _settle(app, pilot)
        assert _status(app).startswith("pkg[bold]x: 15 heap moves")
