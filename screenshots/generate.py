"""Regenerate the README's pictures: the app on the bundled demo capture.

    python screenshots/generate.py        # writes screenshots/*.svg

Each picture is the real app (no mock-ups) at 120x40, after the keys listed
here, rendered by Textual's own SVG export.
"""

from __future__ import annotations

import asyncio
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

from tui.ui.app import GCTuiApp  # noqa: E402
from tui.demo.replay import bundled_capture  # noqa: E402
from tui.ingest.runner import Runner  # noqa: E402
from tui.sources.follow import FileSource  # noqa: E402

SIZE = (120, 40)
DEMO_SRC = HERE.parent / "tui" / "data" / "demo"
# file name -> (keys, what it shows)
SHOTS: dict[str, tuple[tuple[str, ...], str]] = {
    "main.svg": ((), "the main screen, following the newest cycle"),
    "findings.svg": (("n",), "panel 1: the worst finding chosen, its first cycle selected"),
    "scheduler.svg": (("2",), "panel 2: goroutines, wait reasons, run queues"),
    "output.svg": (("3",), "panel 3: the program's own output"),
    "escapes.svg": (("4",), "panel 4: escape hints for the demo program's source"),
    "help.svg": (("question_mark",), "the help screen"),
    "light.svg": ((), "the main screen in the light theme"),
    "maximised.svg": (("3", "m"), "the output panel maximised (m; m or Escape restores)"),
    "ranges.svg": (("colon", "1", "0", "enter", "v", *("j" * 20), "v",
                    "colon", "5", "0", "0", "enter", "v", *("j" * 20), "v"),
                   "two ranges compared: gc 10-30 (the leak) against gc 500-520 (the storm)"),
    "zoomed.svg": (("z",), "the whole run on a time axis: pause whiskers and heap envelopes"),
}
THEMES = {"light.svg": "textual-light"}


async def shoot(name: str, keys: tuple[str, ...]) -> None:
    session = Runner(FileSource(str(bundled_capture()), follow=False), kind="file")
    session.model.env.description = "gctui demo capture (story.log.gz)"
    app = GCTuiApp(session, src_dir=str(DEMO_SRC))
    if name in THEMES:
        app.theme = THEMES[name]
    async with app.run_test(size=SIZE) as pilot:
        session.done.wait(20)
        await pilot.pause(0.8)
        await app.workers.wait_for_complete()
        app.screen.redraw(True)  # type: ignore[attr-defined]
        await pilot.pause()
        for key in keys:
            await pilot.press(key)
            await pilot.pause()  # a prompt must be up before it is typed into
        if name == "escapes.svg":  # the compiler runs in a worker
            for _ in range(100):
                await pilot.pause(0.2)
                if not [w for w in app.workers if w.is_running and w.group != "source"]:
                    break
        await pilot.pause(0.3)
        (HERE / name).write_text(app.export_screenshot(title=f"gctui: {SHOTS[name][1]}"))


def main() -> None:
    for name, (keys, _) in SHOTS.items():
        asyncio.run(shoot(name, keys))
        print(f"wrote screenshots/{name}")


if __name__ == "__main__":
    main()
