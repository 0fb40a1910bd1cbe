"""WCAG contrast of what the app actually drew: every text segment's
foreground against its background, read from the compositor's output."""

from __future__ import annotations

from typing import Any

from rich.color import Color
from rich.style import Style


def luminance(rgb: tuple[int, int, int]) -> float:
    """WCAG 2 relative luminance of an sRGB colour."""

    def channel(c: int) -> float:
        v = c / 255
        return v / 12.92 if v <= 0.03928 else ((v + 0.055) / 1.055) ** 2.4

    r, g, b = (channel(c) for c in rgb)
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast(a: tuple[int, int, int], b: tuple[int, int, int]) -> float:
    hi, lo = sorted((luminance(a), luminance(b)), reverse=True)
    return (hi + 0.05) / (lo + 0.05)


def _rgb(color: Color | None, default: tuple[int, int, int]) -> tuple[int, int, int]:
    if color is None or color.is_default:
        return default
    t = color.get_truecolor()
    return (t.red, t.green, t.blue)


def low_contrast(app: Any, minimum: float = 4.5, region: Any = None) -> list[tuple[float, str, str]]:
    """(ratio, text, colours) of every drawn run of text below ``minimum``.

    Dim text is taken at half way between its colour and the background,
    as terminals draw it. Block and braille characters are chart marks, not
    text, and are left to the chart colours' own check. ``region``: only
    what is drawn there (a dialog, not the screen dimmed behind it)."""
    variables = app.get_css_variables()  # unset colours are the theme's, as Textual fills them in
    fg_default = _rgb(Color.parse(variables["foreground"]), (224, 224, 224))
    bg_default = _rgb(Color.parse(variables["background"]), (0, 0, 0))
    update = app.screen._compositor.render_full_update()
    bad: list[tuple[float, str, str]] = []
    for y, line in enumerate(update.strips):
        x = 0
        for strip in line:
            for seg in strip:
                x0, x = x, x + seg.cell_length
                if region is not None and not (region.y <= y < region.bottom and region.x <= x0 < region.right):
                    continue
                if seg.control or not seg.text.strip():
                    continue
                text = "".join(ch for ch in seg.text if ch.isalnum() or ch in "%:.,()/-+→·")
                if not text:
                    continue
                style: Style = seg.style or Style()
                fg, bg = _rgb(style.color, fg_default), _rgb(style.bgcolor, bg_default)
                if style.reverse:
                    fg, bg = bg, fg
                if style.dim:
                    fg = tuple((f + b) // 2 for f, b in zip(fg, bg))  # type: ignore[assignment]
                ratio = contrast(fg, bg)
                if ratio < minimum:
                    bad.append((round(ratio, 2), seg.text.strip()[:40], f"{fg} on {bg}"))
    return bad
