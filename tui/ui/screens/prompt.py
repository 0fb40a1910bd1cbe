"""A one-line question (jump to cycle, search the output) as a modal.

Returns the text on Enter, None on Escape; the caller decides what it means.
"""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Label


class Prompt(ModalScreen[str | None]):
    """Ask for one value."""

    BINDINGS = [Binding("escape", "cancel", "Cancel", id="prompt.cancel")]
    DEFAULT_CSS = """
    Prompt { align: center middle; background: $background 40%; }
    Prompt > Vertical { width: 90%; max-width: 84; height: auto; border: round $accent; background: $panel;
                        padding: 0 1; }
    Prompt Label { width: 100%; }  /* the whole question, wrapped if it must be, never cut */
    """

    def __init__(self, title: str, placeholder: str = "", value: str = "", *, numeric: bool = False) -> None:
        super().__init__()
        self.title_text, self.placeholder, self.value, self.numeric = title, placeholder, value, numeric

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Label(self.title_text)
            yield Input(value=self.value, placeholder=self.placeholder,
                        type="integer" if self.numeric else "text", id="prompt-input")

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.dismiss(event.value)

    def action_cancel(self) -> None:
        self.dismiss(None)
