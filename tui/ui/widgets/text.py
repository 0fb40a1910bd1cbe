"""Program text as a Rich renderable: never markup, never a terminal escape.

A Go program may print ``[bold]``, ANSI colour codes, carriage returns or a
bell. Shown through ``rich.text.Text`` (not markup) the brackets stay
brackets; :func:`tui.sanitize.visible` (the one place that knows which
characters are dangerous) replaces control characters by visible stand-ins,
so they show as the characters the line holds and cannot move the cursor,
retitle the window or recolour the screen.
"""

from __future__ import annotations

from rich.text import Text

from tui.sanitize import visible


def safe_text(text: str, style: str = "") -> Text:
    """A ``Text`` of program output, safe to put on screen."""
    return Text(visible(text), style=style, no_wrap=False)
