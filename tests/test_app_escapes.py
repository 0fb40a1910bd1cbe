"""From a finding to the allocation behind it, in two key presses, on a real
leaking Go program that serves net/http/pprof (tests/go/allocsites)."""

from __future__ import annotations

import asyncio
import os
from pathlib import Path

import pytest

from tui.ui.app import GCTuiApp
from tui.ingest.runner import Runner
from tui.sources.process import ProcessSource
from tui.ui.widgets.escapes import EscapePanel
from tui.ui.widgets.findings_panel import FindingsPanel
from tui.ui.widgets.hintlist import HintList

from pilotkit import until

pytestmark = pytest.mark.go
ALLOCSITES = Path(__file__).parent / "go" / "allocsites"


def _line_of(marker: str) -> int:
    lines = (ALLOCSITES / "main.go").read_text().splitlines()
    return next(n for n, line in enumerate(lines, 1) if marker in line and not line.lstrip().startswith("//"))


async def test_live_heap_growing_to_the_leaking_line_in_two_keys(go_build, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.chdir(ALLOCSITES)  # where a user runs it: the escape panel finds the source here
    binary = go_build("allocsites")
    source = ProcessSource([os.fspath(binary), "-duration", "40s", "-leak", "32768"], schedtrace_ms=500)
    app = GCTuiApp(Runner(source, kind="process"))
    async with app.run_test(size=(120, 40)) as pilot:
        screen = app.screen
        findings = screen.query_one(FindingsPanel)
        await until(pilot, lambda: any(f.id == "live-heap-growing" for f in findings.findings),
                    "the leak finding (a few seconds of cycles)", timeout=40)
        ids = [f.id for f in findings.findings]
        assert "live-heap-growing" in ids, ids
        panel = screen.query_one(EscapePanel)
        await until(pilot, lambda: panel.analysis is not None and panel.ranking is not None,
                    "the compiler's analysis and the first profile")
        assert panel.analysis is not None and panel.ranking is not None
        # The heap profile samples one allocation per 512 KiB: until the leak
        # has grown past the hot site's live garbage in a fetched profile, the
        # profile itself (not gctui) puts another line first. Wait for that.
        leak_line = _line_of("// leak site")

        def leak_leads() -> bool:
            sites = panel.sites
            if sites is None or not sites.inuse_by_line:
                return False
            top = max(sites.inuse_by_line.items(), key=lambda kv: kv[1])[0]
            return top[1] == leak_line

        if not leak_leads():
            await pilot.press("4")  # the panel fetches the profile every 10 s while it is shown
            await until(pilot, leak_leads, "a profile in which the leak holds the most bytes", timeout=60)

        # Key 1: n until the leak finding is chosen (it is the first or close).
        presses = 0
        while findings.chosen is None or findings.findings[findings.chosen].id != "live-heap-growing":
            await pilot.press("n")
            presses += 1
            assert presses <= len(ids)
        # Key 2: e, the escape hints, landing on the top hint by bytes in use.
        await pilot.press("e")
        await until(pilot, lambda: panel.query_one(HintList).hint_index is not None, "the chosen hint")
        index = panel.query_one(HintList).hint_index
        assert index is not None
        hint = panel.analysis.hints[index].hint
        assert hint.line == _line_of("// leak site")
        assert presses == ids.index("live-heap-growing") + 1
        source_stop = app.session
        source_stop.close()
        await asyncio.sleep(0)
