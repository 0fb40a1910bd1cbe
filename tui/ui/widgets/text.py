"""Program text as text: never markup, never a terminal escape.

A Go program may print ``[bold]``, ANSI colour codes, carriage returns or a
bell. Shown through ``rich.text.Text`` (not markup) the brackets stay
brackets; control characters are replaced by visible stand-ins (``^[`` for
ESC, as ``cat -v`` does) so they show as the characters the line holds and
cannot move the cursor or recolour the screen.
"""

from __future__ import annotations

import re

from rich.text import Text

_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def _visible(match: re.Match[str]) -> str:
    c = ord(match.group())
    if c == 0x7F:
        return "^?"
    if c < 0x20:
        return "^" + chr(c + 0x40)
    return f"\\x{c:02x}"  # C1 controls (CSI is \x9b) have no caret form


def visible(text: str) -> str:
    """``text`` with tabs expanded and every control character made visible."""
    if "\t" in text:
        text = text.expandtabs(4)
    return _CONTROL.sub(_visible, text)


def safe_text(text: str, style: str = "") -> Text:
    """A ``Text`` of program output, safe to put on screen."""
    return Text(visible(text), style=style, no_wrap=False)
