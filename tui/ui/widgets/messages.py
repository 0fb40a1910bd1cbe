"""Messages widgets send to the app: a choice the user made with the mouse."""

from __future__ import annotations

from textual.message import Message


class CycleChosen(Message):
    """The user clicked a cycle (a chart column, a table row): select it.

    ``index`` is the row in the cycle store, not the cycle number.
    """

    def __init__(self, index: int) -> None:
        super().__init__()
        self.index = index
