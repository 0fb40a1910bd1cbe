"""Text the program under watch wrote, made safe to show on a terminal.

A Go program can print anything: a panic message, a log line or a file name
may hold ``ESC ] 0 ; title BEL`` (retitle the window), ``ESC [ 2 J`` (clear
the screen), an OSC 52 clipboard write, or the one-character C1 forms of
these (U+009B is CSI). gctui shows that text in its panels and writes it in
reports, so every such character is replaced by a visible stand-in before it
reaches a renderable or a text stream: ``^[`` for ESC and ``^G`` for BEL as
``cat -v`` writes them, ``^?`` for DEL, ``\\x9b`` for a C1 control (they have
no caret form). The user still reads exactly which characters the line holds;
the terminal never acts on them. Newlines are kept (a crash dump has many).

This is the one place that knows which characters are dangerous; the app's
widgets, the findings, the report and the plain view all call it. It imports
neither Textual nor Rich, so the headless commands use it too. JSON output
keeps every character, escaped: ``json.dumps`` escapes C0 controls itself
and :func:`json_text` the rest (DEL, C1), which it leaves raw.
"""

from __future__ import annotations

import re
from typing import Any, Iterable, TextIO

# C0 controls except tab and newline, DEL, C1 controls, and lone surrogates
# (bytes a ``surrogateescape`` decode could not read: written to a UTF-8
# stream they would raise, or with ``surrogateescape`` come out as the very
# raw C1 bytes this module exists to stop).
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\ud800-\udfff]")
TAB_SIZE = 4


def _stand_in(match: re.Match[str]) -> str:
    c = ord(match.group())
    if c == 0x7F:
        return "^?"
    if c < 0x20:
        return "^" + chr(c + 0x40)
    if c <= 0x9F:
        return f"\\x{c:02x}"
    if 0xDC80 <= c <= 0xDCFF:  # surrogateescape's stand-in for byte c - 0xDC00
        return f"\\x{c - 0xDC00:02x}"
    return f"\\u{c:04x}"


def terminal_text(text: str) -> str:
    """``text`` with every control character but tab and newline made
    visible: what may go to a terminal stream (a report, the plain view,
    a line on stderr). Idempotent: its output holds no control character."""
    return _CONTROL.sub(_stand_in, text)


def visible(text: str) -> str:
    """``text`` for a widget on screen: tabs expanded to spaces (a tab's
    width is the terminal's guess, not the widget's) and every other control
    character but newline made visible."""
    if "\t" in text:
        text = text.expandtabs(TAB_SIZE)
    return terminal_text(text)


def json_text(text: str) -> str:
    """JSON text with every control character but tab and newline written as
    a ``\\uXXXX`` escape. ``json.dumps(ensure_ascii=False)`` escapes C0 itself
    but leaves DEL and the C1 controls (U+009B is CSI) raw; inside a JSON
    string the escape is the same character, so a consumer reads exactly what
    the program wrote and a terminal shown the stream acts on nothing."""
    if text.isascii() and text.replace("\n", "").replace("\t", "").isprintable():
        return text  # nothing to escape (a batch of cycles): the same scan in C, at half the cost
    return _JSON_CONTROL.sub(_json_escape, text)


_JSON_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\ud800-\udfff]")


def _json_escape(match: re.Match[str]) -> str:
    return f"\\u{ord(match.group()):04x}"


class TerminalStream:
    """A text stream that passes everything written through
    :func:`terminal_text` (or :func:`json_text` when ``json``): for the
    outputs that quote what the program printed (the report, the plain view,
    JSON lines, notices on stderr). Anything but writing is the wrapped
    stream's (its encoding, its file number)."""

    def __init__(self, stream: TextIO, *, json: bool = False) -> None:
        self.stream = stream
        self._clean = json_text if json else terminal_text

    def write(self, text: str) -> int:
        self.stream.write(self._clean(text))
        return len(text)

    def writelines(self, lines: Iterable[str]) -> None:
        for line in lines:
            self.write(line)

    def flush(self) -> None:
        self.stream.flush()

    def __getattr__(self, name: str) -> Any:
        return getattr(self.stream, name)


def terminal_stream(stream: TextIO, *, json: bool = False) -> TextIO:
    """``stream`` wrapped in a :class:`TerminalStream`, typed as the
    ``TextIO`` the writers expect. A JSON stream's escapes keep it valid
    JSON; a text stream's stand-ins keep it readable."""
    return TerminalStream(stream, json=json)  # type: ignore[return-value]
