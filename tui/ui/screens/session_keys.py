"""Keys about the session rather than the charts: quit (asking first when it
would stop a program gctui started) and copy the line or finding in view.
"""

from __future__ import annotations

from textual.binding import Binding, BindingType
from textual.widgets import ContentSwitcher

from tui.sanitize import visible
from tui.ui.screens.base import GCScreen
from tui.ui.widgets.findings_panel import FindingsPanel

SESSION_BINDINGS: list[BindingType] = [
    Binding("y", "copy", "Copy line/finding", id="app.copy", show=False),
]


def quit_question(kind: str, description: str, running: bool) -> str | None:
    """What ``q`` asks before quitting, or None to quit at once.

    A program gctui started (``kind`` "process") dies with it, so while it
    runs ``q`` asks; one it attached to keeps running (gctui detaches), and
    a file or a pipe loses nothing."""
    if kind != "process" or not running:
        return None
    return f"Stop {description or 'the program'}? y/n"


class SessionKeys(GCScreen):
    """Quit and copy."""

    async def action_quit(self) -> None:
        from tui.ui.screens.confirm import Confirm

        session = self.gapp.session
        question = quit_question(session.kind, session.model.env.description, session.ended is None)
        if question is None:
            await self.app.run_action("quit")
            return

        def done(yes: bool | None) -> None:
            if yes:
                self.app.call_later(self.app.run_action, "quit")

        self.app.push_screen(Confirm(visible(question)), done)

    def copied_text(self) -> str | None:
        """The chosen finding while the findings panel shows one, else the
        selected cycle's raw gctrace line."""
        if (self.query_one(ContentSwitcher).current or "findings") == "findings":
            panel = self.query_one(FindingsPanel)
            if panel.chosen is not None and panel.chosen < len(panel.findings):
                f = panel.findings[panel.chosen]
                return f"{f.title}: {f.message}" + (f" {f.advice}" if f.advice else "")
        sel = self.cursor.selected
        session = self.gapp.session
        if sel is None or session.raw_line is None:
            return None
        with session.lock:
            return session.raw_line(sel)

    def action_copy(self) -> None:
        """Copy to the terminal's clipboard (OSC 52: works over ssh and tmux
        with ``set-clipboard on``)."""
        text = self.copied_text()
        if not text:
            self.notify("Nothing to copy: select a cycle or a finding.", timeout=2)
            return
        self.app.copy_to_clipboard(text)
        self.notify(f"Copied {len(text)} characters.", timeout=2)
