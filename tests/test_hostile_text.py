"""Escape sequences a program prints never reach the terminal raw (issue 12).

Every C0 and C1 control and the usual OSC/CSI/DCS sequences go through each
output: the sanitiser itself, ``report`` (text and JSON), ``compare``,
``export``, ``open --plain``/``--report``/``--jsonl``, a real Go program
under ``run --report``/``--plain``/``--jsonl``, and the app's findings,
cycle detail, output panel and notifications under Pilot, down to the
segments Textual writes to the terminal.
"""

from __future__ import annotations

import json
import subprocess
import sys
import threading
from collections.abc import Callable
from pathlib import Path

import pytest

from hostile import CONTROLS, PANIC, SEQUENCES, SHOWN, assert_terminal_safe, hostile_log
from tui.sanitize import json_text, terminal_text, visible

ROOT = Path(__file__).resolve().parent.parent


def gctui(*args: str, stdin: bytes | None = None) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run([sys.executable, "-m", "tui", *args], input=stdin, capture_output=True,
                          cwd=ROOT, timeout=120)


@pytest.fixture(scope="module")
def log(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("hostile") / "hostile.log"
    path.write_bytes(hostile_log())
    return path


# -- the sanitiser ------------------------------------------------------------------------


@pytest.mark.parametrize("clean", [terminal_text, visible], ids=["terminal_text", "visible"])
def test_no_control_character_survives(clean: Callable[[str], str]) -> None:
    text = CONTROLS + "".join(SEQUENCES) + "\udc9b\ud800" + PANIC
    shown = clean(text)
    assert_terminal_safe(shown.encode("utf-8"), clean.__name__)
    assert clean(shown) == shown  # idempotent: safe to apply at more than one boundary
    assert "^[]0;PWNED" in shown and "\\x9b" in shown and "^?" in shown and "\\x9b" in clean("\udc9b")


def test_newlines_stay_and_tabs_are_a_screens_choice() -> None:
    assert terminal_text("a\tb\nc\r") == "a\tb\nc^M"
    assert visible("a\tb\nc\r") == "a   b\nc^M"


def test_json_text_is_lossless_and_terminal_safe() -> None:
    obj = {"text": CONTROLS + "".join(SEQUENCES) + "\udc9b ünïcode ✓"}
    encoded = json_text(json.dumps(obj, ensure_ascii=False))
    assert json.loads(encoded) == obj
    assert_terminal_safe(encoded.encode("utf-8", "surrogatepass"), "json_text")


# -- the headless commands ----------------------------------------------------------------


@pytest.mark.parametrize(
    "args",
    [
        ("report", "{log}"),
        ("compare", "{log}", "{log}"),
        ("open", "--no-follow", "--report", "{log}"),
        ("open", "--no-follow", "--plain", "{log}"),
        ("-", "--report"),
        ("-", "--plain"),
    ],
    ids=["report", "compare", "open-report", "open-plain", "stdin-report", "stdin-plain"],
)
def test_text_outputs_show_escapes_as_characters(args: tuple[str, ...], log: Path) -> None:
    r = gctui(*(a.format(log=log) for a in args), stdin=log.read_bytes() if "-" in args else None)
    assert r.returncode == 0, r.stderr
    out = assert_terminal_safe(r.stdout, "stdout")
    assert_terminal_safe(r.stderr, "stderr")
    if args[0] != "compare":  # compare shows which findings changed, not their text
        assert SHOWN in out


@pytest.mark.parametrize(
    "args",
    [("report", "--json", "{log}"), ("export", "{log}"), ("open", "--no-follow", "--jsonl", "{log}"),
     ("open", "--no-follow", "--report", "--json", "{log}")],
    ids=["report-json", "export", "open-jsonl", "open-report-json"],
)
def test_json_outputs_keep_every_character_escaped(args: tuple[str, ...], log: Path) -> None:
    r = gctui(*(a.format(log=log) for a in args))
    assert r.returncode == 0, r.stderr
    text = assert_terminal_safe(r.stdout, "JSON")
    assert_terminal_safe(r.stderr, "stderr")
    if args[0] in ("export",) or "--jsonl" in args:
        values = [json.loads(line) for line in text.splitlines()]
        crash = next(v for v in values if v["kind"] == "crash")
        assert f"panic: {PANIC}" in crash["text"]  # the program's characters, all of them
        outputs = {v.get("text") for v in values if v["kind"] == "output"}
        assert {f"hostile {i}: {seq} end" for i, seq in enumerate(SEQUENCES)} <= outputs
    else:
        summary = json.loads(text)
        assert any(PANIC in f["message"] for f in summary["findings"])


# -- a real Go program --------------------------------------------------------------------


@pytest.mark.go
@pytest.mark.parametrize("mode", ["--report", "--plain", "--jsonl"])
def test_a_hostile_go_program_under_run(go_build: Callable[[str], Path], mode: str) -> None:
    r = gctui("run", mode, "--", str(go_build("hostile")), "-mode", "panic")
    assert r.returncode == 2, r.stderr  # the panic's status, passed on
    out = assert_terminal_safe(r.stdout, f"run {mode}")
    assert_terminal_safe(r.stderr, "stderr")
    if mode == "--jsonl":
        crash = next(row for row in map(json.loads, out.splitlines()) if row["kind"] == "crash")
        assert "boom \x1b]0;PWNED\x07 \x1b[2J \x9b2J" in crash["text"]
    else:
        assert SHOWN in out


# -- the app ------------------------------------------------------------------------------


class HostileSource:
    """A source (the real protocol, run in the app's worker) that delivers
    the hostile log and a notice quoting it, then ends."""

    description = "hostile \x1b]0;PWNED\x07 program"

    def run(self, emit, stop: threading.Event) -> None:  # type: ignore[no-untyped-def]
        from tui.sources.base import Chunk, Ended, Notice

        emit(Notice("warning", "the compiler said \x1b]0;PWNED\x07\x1b[2J\x9b2J"))
        emit(Chunk("log", hostile_log()))
        emit(Ended("exited with status 2", exit_status=2))


def _screen_output(app) -> tuple[str, str]:  # type: ignore[no-untyped-def]
    """What Textual would write to the terminal for the whole screen: the
    text of its segments (where program text lands) and the full byte
    stream with Textual's own styling sequences."""
    update = app.screen._compositor.render_full_update()
    texts = [seg.text for line in update.strips for strip in line for seg in strip if not seg.control]
    return "".join(texts), update.render_segments(app.console)


def _assert_screen_safe(app, what: str) -> str:  # type: ignore[no-untyped-def]
    text, stream = _screen_output(app)
    assert_terminal_safe(text.encode(), what)
    for raw in ("\x1b]", "\x07", "\x1b[2J", "\x1bP", "\x9b", "\x9d"):
        assert raw not in stream, f"{what}: {raw!r} written to the terminal"
    return text


async def test_the_apps_panels_and_toasts_show_escapes_as_characters() -> None:
    from pilotkit import settled
    from tui.ingest.runner import Runner
    from tui.ui.app import GCTuiApp
    from tui.ui.widgets.detail import CycleDetail
    from tui.ui.widgets.findings_panel import FindingsPanel

    app = GCTuiApp(Runner(HostileSource(), kind="process"))
    async with app.run_test(size=(160, 50), notifications=True) as pilot:  # toasts drawn too
        await settled(app, pilot)
        text = _assert_screen_safe(app, "the toast and header")
        assert "the compiler said ^[]0;PWNED^G^[[2J\\x9b2J" in text  # the notice's toast
        await pilot.press("n")  # the most severe finding: the crash, opened
        await pilot.pause()
        panel = app.screen.query_one(FindingsPanel)
        assert panel.chosen is not None and panel.findings[panel.chosen].id == "crash"
        assert "^[]0;PWNED^G" in _assert_screen_safe(app, "the findings panel")
        await pilot.press("g", "j")  # gc 2, whose raw line starts with the title escape
        await pilot.pause()
        assert app.screen.query_one(CycleDetail).border_title == "gc 2"
        assert "^[]0;PWNED^G^[[2Jgc 2 @" in _assert_screen_safe(app, "the cycle detail")
        await pilot.press("3")  # the program's output and the crash text
        await pilot.pause()
        output = _assert_screen_safe(app, "the output panel")
        assert "hostile 4: ^[[2J^[[H end" in output and "boom ^[]0;PWNED^G" in output
