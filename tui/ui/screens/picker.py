"""A modal list to pick one item from: the run picker (``r``) and the
source picker (``s``) are both this, with their own lines and answer.

One place for the look (centred box, the table's cursor colour, which keeps
the 4.5:1 contrast the theme's own cursor misses), the keys (Enter picks,
Escape closes) and the focus, so the two pickers cannot drift apart.
"""

from __future__ import annotations

from typing import Generic, TypeVar

from textual.app import ComposeResult
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Label, OptionList
from textual.widgets.option_list import Option

T = TypeVar("T")


class Picker(ModalScreen[T | None], Generic[T]):
    """Shows ``title`` and ``options``; dismisses with :meth:`answer` of the
    chosen option's index, or None when closed."""

    DEFAULT_CSS = """
    Picker { align: center middle; background: $background 40%; }
    Picker > Vertical { width: auto; max-width: 95%; height: auto; max-height: 80%;
                        border: round $accent; background: $panel; padding: 0 1; }
    Picker Label { color: $text-muted; }
    Picker OptionList { height: auto; max-height: 24; width: auto; }
    /* The theme's cursor is light text on bright blue (3.8:1): the table's cursor instead. */
    Picker OptionList:focus > .option-list--option-highlighted { color: $foreground; background: $accent 40%; }
    """

    def __init__(self, title: str, options: list[Option], highlighted: int, list_id: str) -> None:
        super().__init__()
        self._title, self._options = title, options
        self._highlighted, self._list_id = highlighted, list_id

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Label(self._title)
            yield OptionList(*self._options, id=self._list_id)

    def on_mount(self) -> None:
        options = self.query_one(OptionList)
        options.highlighted = self._highlighted
        options.focus()

    def answer(self, index: int) -> T:
        raise NotImplementedError

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.dismiss(self.answer(event.option_index))

    def action_cancel(self) -> None:
        self.dismiss(None)
