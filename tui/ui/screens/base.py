"""What every part of the main screen shares: the app, the cursor, a redraw.

The main screen's keys live in two mixins (:mod:`cycle_keys` moves through
cycles and runs, :mod:`panel_keys` drives the panels) so that each module
stays small; both subclass this so their methods type-check against the same
attributes the screen defines.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual.screen import Screen

from tui.ui.selection import Cursor

if TYPE_CHECKING:
    from tui.ui.app import GCTuiApp


class GCScreen(Screen[None]):
    """The main screen's shared state (see :class:`tui.ui.screens.main.MainScreen`)."""

    def __init__(self) -> None:
        super().__init__()
        self.cursor = Cursor()

    @property
    def gapp(self) -> GCTuiApp:
        return self.app  # type: ignore[return-value]

    def _count(self) -> int:
        """Committed cycles: the last column written, so every row below is whole."""
        return len(self.gapp.session.shown().cycles.assist_share)

    def redraw(self, force: bool = False) -> None:
        raise NotImplementedError

    def _after_move(self) -> None:
        self.redraw(True)
