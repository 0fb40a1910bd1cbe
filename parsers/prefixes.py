"""What log pipelines wrap around the runtime's lines, and how to take it off.

Two kinds of wrapping. *Structural* wrappers re-encode the line and must be
decoded before anything else: Docker's json-file driver (``{"log":"...\\n",
"stream":"stderr","time":"..."}``) and the CRI format kubelet writes
(``<RFC3339Nano> stderr F <line>``, with ``P`` for a line split into parts).
*Textual* prefixes just stand in front of the record: indentation,
``kubectl logs --timestamps``, journald/syslog, multi-pod tailers (stern's
``ns pod container``, kubectl's ``[pod/name/container]``), or text another
write left there. The dispatcher finds the record by its start; this module
reads what stood before it: a wall-clock time and a source name when there
is one.
"""

from __future__ import annotations

import calendar
import json
import re
import time
from dataclasses import dataclass

# RFC 3339 / ISO 8601 as written by docker -t, kubectl --timestamps, CRI,
# journald's short-iso and most structured loggers; up to nanoseconds.
_ISO = re.compile(
    r"(\d{4})-(\d\d)-(\d\d)[T ](\d\d):(\d\d):(\d\d)(?:[.,](\d+))?\s?(Z|[+-]\d\d:?\d\d)?"
)
# Go's log package default: 2020/03/02 11:22:37[.123456]
_GOLOG = re.compile(r"(\d{4})/(\d\d)/(\d\d) (\d\d):(\d\d):(\d\d)(?:\.(\d+))?")
# Classic syslog / journalctl short: "Nov 21 10:00:00 host app[123]: "
_SYSLOG = re.compile(
    r"([A-Z][a-z]{2}) +(\d{1,2}) (\d\d):(\d\d):(\d\d) (\S+) ([^\s:\[]+)(?:\[(\d+)\])?:\s*$"
)
_MONTHS = {m: i for i, m in enumerate(calendar.month_abbr) if m}
_CRI = re.compile(r"(\d{4}-\d\d-\d\dT\S+) (stdout|stderr) ([FP]) ?(.*)", re.S)
_KUBECTL_PREFIX = re.compile(r"\[([^\]\s]+/[^\]\s]+)\]\s*$")
# docker compose (v2 ``api-1  | ``, v1 ``api_1  | ``): the service's
# container name, padded to the longest, then a bar.
_COMPOSE_PREFIX = re.compile(r"([A-Za-z0-9][\w.\-]*)\s+\|\s?(.*)$", re.S)
_NAME_TOKENS = re.compile(r"(?:[A-Za-z0-9][\w.\-/]*\s+){1,4}")


@dataclass(frozen=True, slots=True)
class Unwrapped:
    """A line with any structural wrapper removed.

    ``partial`` is true when the wrapper says the line continues in the next
    record (CRI ``P``; a Docker ``log`` value without its trailing newline).
    """

    payload: str
    wall_time: float | None = None
    stream: str | None = None
    partial: bool = False
    wrapper: str = ""


def unwrap(line: str) -> Unwrapped | None:
    """Decode a Docker json-file or CRI record; None for any other line."""
    if line.startswith("{") and '"log"' in line:
        try:
            obj = json.loads(line)
        except ValueError:
            return None
        if isinstance(obj, dict) and isinstance(obj.get("log"), str):
            text: str = obj["log"]
            partial = not text.endswith("\n")
            text = text[:-1] if not partial else text
            if text.endswith("\r"):
                text = text[:-1]
            stream = obj.get("stream")
            stamp = obj.get("time")
            return Unwrapped(
                text,
                wall_time=parse_time(stamp) if isinstance(stamp, str) else None,
                stream=stream if isinstance(stream, str) else None,
                partial=partial,
                wrapper="docker-json",
            )
        return None
    if line[:1].isdigit():
        m = _CRI.fullmatch(line)
        if m:
            return Unwrapped(
                m.group(4),
                wall_time=parse_time(m.group(1)),
                stream=m.group(2),
                partial=m.group(3) == "P",
                wrapper="cri",
            )
    return None


def parse_time(text: str) -> float | None:
    """Unix time of the first timestamp found in ``text`` (UTC when unzoned)."""
    m = _ISO.search(text)
    if m:
        year, month, day, hh, mm, ss, frac, zone = m.groups()
        return _epoch(int(year), int(month), int(day), int(hh), int(mm), int(ss), frac, zone)
    m = _GOLOG.search(text)
    if m:
        year, month, day, hh, mm, ss, frac = m.groups()
        return _epoch(int(year), int(month), int(day), int(hh), int(mm), int(ss), frac, None)
    return None


def analyse(prefix: str) -> tuple[float | None, str | None]:
    """Read a textual prefix: ``(wall_time, source)``.

    Syslog lines carry no year; the current one is assumed, as syslog
    readers do.
    """
    text = prefix.strip()
    if not text:
        return None, None
    m = _SYSLOG.search(text)
    if m:
        mon, day, hh, mm, ss, _host, tag, _pid = m.groups()
        month = _MONTHS.get(mon)
        if month:
            year = time.gmtime().tm_year
            return _epoch(year, month, int(day), int(hh), int(mm), int(ss), None, None), tag
    m = _COMPOSE_PREFIX.match(text)
    if m:
        # What follows the bar may itself be a timestamp (compose -t).
        return parse_time(m.group(2)), m.group(1)
    wall = parse_time(text)
    m = _KUBECTL_PREFIX.search(text)
    if m:
        return wall, m.group(1)
    if wall is None and _NAME_TOKENS.fullmatch(text + " "):
        return None, text
    if wall is not None:
        # stern --timestamps: ``pod container 2024-05-01T10:00:00Z gc 1 ...``
        stamp = _ISO.search(text)
        names = text[: stamp.start()] if stamp is not None else ""
        if names.strip() and _NAME_TOKENS.fullmatch(names):
            return wall, names.strip()
    return wall, None


def _epoch(
    year: int, month: int, day: int, hh: int, mm: int, ss: int, frac: str | None, zone: str | None
) -> float | None:
    try:
        base = calendar.timegm((year, month, day, hh, mm, ss, 0, 0, 0))
    except (ValueError, OverflowError):
        return None
    if not (1 <= month <= 12 and 1 <= day <= 31 and hh < 24 and mm < 60 and ss < 61):
        return None
    value = float(base) + (float("0." + frac) if frac else 0.0)
    if zone and zone != "Z":
        sign = -1 if zone[0] == "+" else 1
        digits = zone[1:].replace(":", "")
        value += sign * (int(digits[:2]) * 3600 + int(digits[2:4] or 0) * 60)
    return value
