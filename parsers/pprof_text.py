"""``/debug/pprof/goroutine?debug=1`` text as a :class:`GoroutineProfile`.

The ``debug=1`` form groups goroutines by identical stack, which is what a
leak hunt needs (one record of 10,000 goroutines parked in the same place),
and it is far smaller than ``debug=2``. Layout (spec section 8.1)::

    goroutine profile: total 21
    10 @ 0x43b256 0x407e5b 0x46b1e1
    # labels: {"role":"sleeper", "worker":"0"}
    #	0x6b289e	main.main.func1+0x1e	/home/dev/main.go:52

Frame columns are aligned by ``text/tabwriter`` with TAB padding, so between
columns there may be several TABs. A frame whose function is unknown prints
its PC only; it is kept (the PC as its name, no location) so that frames and
locations stay the same length.
"""

from __future__ import annotations

import re

from parsers.events import GoroutineProfile, GoroutineStack

# Go 1.26's goroutineleak profile (GOEXPERIMENT) uses the same text format.
_HEADER = re.compile(r"(?P<name>goroutine|goroutineleak) profile: total (?P<total>\d+)")
_OTHER_PROFILE = re.compile(r"(?P<name>\w+) profile: ")
_RECORD = re.compile(r"(?P<count>\d+) @(?P<pcs>(?: 0x[0-9a-fA-F]+)*)")
_LABELS = re.compile(r"# labels: \{(?P<body>.*)\}")
# "k":"v" pairs written with Go's %q: a quoted string may hold \" and \\.
_LABEL_PAIR = re.compile(r'"(?P<key>(?:[^"\\]|\\.)*)":"(?P<value>(?:[^"\\]|\\.)*)"')
_FRAME = re.compile(r"#\t+(?P<pc>0x[0-9a-fA-F]+)(?:\t+(?P<func>\S+?)(?:\+0x[0-9a-fA-F]+)?"
                    r"(?:\t+(?P<location>.+?))?)?\s*")
_GO_ESCAPE = re.compile(
    r"""\\(?:x[0-9a-fA-F]{2}|u[0-9a-fA-F]{4}|U[0-9a-fA-F]{8}|[0-7]{3}|[abfnrtv\\"'])"""
)
_ESCAPES = {"a": 7, "b": 8, "f": 12, "n": 10, "r": 13, "t": 9, "v": 11, "\\": 92, '"': 34, "'": 39}


class PprofError(ValueError):
    """The text is not a ``debug=1`` goroutine profile; the text is one line."""


def go_unquote(text: str) -> str:
    """The value of a Go ``%q`` string body (without its quotes).

    Not JSON: ``\\x`` escapes are single bytes, ``\\a`` and ``\\v`` exist, and
    octal ``\\NNN`` is allowed; invalid UTF-8 comes back as U+FFFD. A
    backslash Go would not write is kept as it stands.
    """
    if "\\" not in text:
        return text
    out = bytearray()
    done = 0
    for match in _GO_ESCAPE.finditer(text):
        out += text[done:match.start()].encode("utf-8")
        done = match.end()
        body = match.group()[1:]
        if body[0] == "x":
            out.append(int(body[1:], 16))
        elif body[0] in "uU":
            code = int(body[1:], 16)
            out += (chr(code) if code <= 0x10FFFF else "\ufffd").encode("utf-8", "replace")
        elif body[0].isdigit():
            out.append(int(body, 8) & 0xFF)
        else:
            out.append(_ESCAPES[body])
    out += text[done:].encode("utf-8")
    return out.decode("utf-8", "replace")


def parse_labels(body: str) -> tuple[tuple[str, str], ...]:
    """``"k1":"v1", "k2":"v2"`` (inside the braces) as ordered pairs."""
    return tuple(
        (go_unquote(m.group("key")), go_unquote(m.group("value")))
        for m in _LABEL_PAIR.finditer(body)
    )


def _header_total(lines: list[str]) -> tuple[int, int]:
    """The first non-blank line's total and index, or :class:`PprofError`."""
    for index, line in enumerate(lines):
        if not line.strip():
            continue
        match = _HEADER.fullmatch(line.strip())
        if match is not None:
            return int(match.group("total")), index
        other = _OTHER_PROFILE.match(line.strip())
        if other is not None and not other.group("name").startswith("goroutine"):
            raise PprofError(f"this is a {other.group('name')} profile, not a goroutine profile")
        if line.startswith("goroutine ") and line.rstrip().endswith(":"):
            raise PprofError("this is a debug=2 goroutine dump; ask for ?debug=1")
        raise PprofError(f"not a goroutine profile: it starts with {line.strip()[:40]!r}")
    raise PprofError("not a goroutine profile: the text is empty")


def parse_goroutine_debug1(text: str) -> GoroutineProfile:
    """The total and one :class:`GoroutineStack` per ``count @ pcs`` record.

    Lines that belong to no record shape are ignored, so a profile cut short
    (a timeout mid-body) still yields what arrived; its last record may then
    lack frames, as nothing marks a record's end but the next one.
    """
    lines = [line.rstrip("\r") for line in text.splitlines()]
    total, start = _header_total(lines)
    stacks: list[GoroutineStack] = []
    count: int | None = None
    labels: tuple[tuple[str, str], ...] = ()
    frames: list[str] = []
    locations: list[str] = []

    def flush() -> None:
        if count is not None:
            stacks.append(GoroutineStack(count=count, frames=tuple(frames),
                                         labels=labels, locations=tuple(locations)))

    for line in lines[start + 1:]:
        record = _RECORD.fullmatch(line.strip())
        if record is not None:
            flush()
            count, labels = int(record.group("count")), ()
            frames, locations = [], []
            continue
        if count is None:
            continue
        label_match = _LABELS.fullmatch(line.strip())
        if label_match is not None:
            labels = parse_labels(label_match.group("body"))
            continue
        frame = _FRAME.fullmatch(line)
        if frame is not None:
            frames.append(frame.group("func") or frame.group("pc"))
            locations.append(frame.group("location") or "")
    flush()
    return GoroutineProfile(total=total, stacks=tuple(stacks))
