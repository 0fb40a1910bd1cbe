"""The source picker (``s``): a stern stream of three pods shows three sources.

Three real captures interleaved as stern writes them (:mod:`interleave`),
read by the app as a file: ``s`` lists the pods one line each, choosing one
shows that pod's cycles only, and the first line the whole stream again.
"""

from __future__ import annotations

from pathlib import Path

from interleave import EXPECTED_NAMES
from pilotkit import settled, stern_app, stern_log, until
from tui.ingest.inputs import open_input
from tui.ingest.runner import Runner
from tui.ui.app import GCTuiApp
from tui.ui.screens.sources import SourcePicker
from tui.ui.widgets.findings_panel import FindingsPanel
from tui.ui.widgets.status import StatusBar
from textual.widgets import OptionList


async def test_stern_stream_shows_three_sources(tmp_path: Path) -> None:
    app = stern_app(tmp_path)
    async with app.run_test(size=(160, 40)) as pilot:
        screen = await settled(app, pilot)
        whole = screen._count()
        bar = screen.query_one(StatusBar)
        assert "3 pods interleaved: s shows one" in bar._lines[0].plain
        await pilot.press("s")
        await until(pilot, lambda: isinstance(app.screen, SourcePicker), "the source picker")
        options = app.screen.query_one(OptionList)
        assert options.option_count == 4  # the whole stream, then three pods
        texts = [str(options.get_option_at_index(i).prompt) for i in range(1, 4)]
        assert [t.split(":")[0] for t in texts] == EXPECTED_NAMES
        assert all("p99 STW" in t and "GC CPU" in t and "live heap" in t for t in texts)
        await pilot.press("down", "down", "enter")  # the second pod
        await until(pilot, lambda: app.session.chosen == EXPECTED_NAMES[1], "the second pod chosen")
        await until(pilot, lambda: screen._count() == len(app.session.sources[EXPECTED_NAMES[1]].cycles),
                    "the second pod's cycles shown")
        assert screen._count() < whole
        assert "one of 3 pods (s)" in bar._lines[0].plain and EXPECTED_NAMES[1] in bar._lines[0].plain
        await pilot.press("s")
        await until(pilot, lambda: isinstance(app.screen, SourcePicker), "the source picker again")
        await pilot.press("home", "enter")
        await until(pilot, lambda: app.session.chosen is None, "the whole stream chosen")
        assert screen._count() == whole


async def test_whole_stream_findings_are_the_pods_own(tmp_path: Path) -> None:
    """The whole stream's findings panel lists each pod's findings, named by
    pod, the same the report lists; read as one process the interleaved
    cycles gave findings no pod has (GC CPU 25 % where each pod is under 10 %)."""
    from tui.analysis.findings import evaluate
    from tui.ingest.many import load_many

    log = stern_log(tmp_path)
    _, pods = load_many([str(log)])
    expected = sorted((name, f.id) for name, model in pods.items() for f in evaluate(model))
    assert expected and "gc-cpu-high" not in {i for _, i in expected}
    app = GCTuiApp(Runner(log=open_input(str(log)), kind="file", follow=False))
    async with app.run_test(size=(160, 40)) as pilot:
        await settled(app, pilot)
        await until(pilot, lambda: app.settled, "the end-of-input findings scan")
        with app.session.lock:
            shown, _ = app.findings.update(app.session.shown(), ended=True, sources=app.session.sources)
        assert sorted((f.source, f.id) for f in shown) == expected
        assert all(f.title.startswith(f"{f.source}: ") and f.first_index is None for f in shown)
        # Choosing a pod shows that pod's own findings, with its own rows.
        app.session.choose(EXPECTED_NAMES[0])
        app.findings.forget()
        app.scan_findings()
        await until(pilot, lambda: app.findings.full is not None and all(f.source is None for f in app.findings.full),
                    "the pod's own scan")


def test_picker_rows_are_the_report_rows_without_its_scan(tmp_path: Path) -> None:
    """The picker's cheap rows give the numbers ``report`` gives each pod
    (cycles, runs, p99 pause, GC CPU, the live heap's trend), and the worst
    finding they are handed; a pod whose findings were not looked at says so."""
    from tui.analysis.sources import UNSCANNED, quick_rows, render_row, row_from_summary, source_reports
    from tui.ingest.many import load_many

    log = stern_log(tmp_path)
    _, pods = load_many([str(log)])
    entries = source_reports(pods)
    expected = [row_from_summary(e["name"], e) for e in entries]
    assert len(expected) == 3 and all(r.p99_stw_ms and r.gc_cpu_pct and r.heap_last_mb for r in expected)
    worst = {r.name: (r.worst_severity, r.worst) for r in expected}
    assert quick_rows(pods, worst) == expected
    unscanned = quick_rows(pods, {})
    assert all(r.worst_severity == UNSCANNED and "findings not scanned yet" in render_row(r) for r in unscanned)


async def test_the_picker_names_each_pods_worst_finding_as_the_panel_shows_it(tmp_path: Path) -> None:
    app = stern_app(tmp_path)
    async with app.run_test(size=(160, 40)) as pilot:
        await settled(app, pilot)
        with app.session.lock:
            shown, _ = app.findings.update(app.session.shown(), ended=True, sources=app.session.sources)
        await pilot.press("s")
        await until(pilot, lambda: isinstance(app.screen, SourcePicker), "the source picker")
        options = app.screen.query_one(OptionList)
        texts = [str(options.get_option_at_index(i).prompt) for i in range(1, 4)]
        for name, text in zip(EXPECTED_NAMES, texts):
            own = [f for f in shown if f.source == name]  # most severe first
            tail = f"{own[0].severity}: {own[0].title.removeprefix(name + ': ')}" if own else "no findings"
            assert text.endswith(tail), (text, tail)
        assert any(f.source == EXPECTED_NAMES[0] for f in shown)
        # A pod chosen: its row names its own panel's worst; the others' are remembered.
        await pilot.press("down", "down", "enter")
        await until(pilot, lambda: app.session.chosen == EXPECTED_NAMES[1], "the second pod chosen")
        await until(pilot, lambda: app.findings.full is not None, "the pod's own findings scan")
        screen = app.screen
        screen.redraw(True)
        await pilot.pause()
        own = screen.query_one(FindingsPanel).findings
        await pilot.press("s")
        await until(pilot, lambda: isinstance(app.screen, SourcePicker), "the source picker again")
        again = [str(app.screen.query_one(OptionList).get_option_at_index(i).prompt) for i in range(1, 4)]
        assert again[0] == texts[0] and again[2] == texts[2]
        tail = f"{own[0].severity}: {own[0].title}" if own else "no findings"
        assert again[1].endswith(tail), (again[1], tail)
