"""A reader for pprof profiles (``profile.proto``), just what ranking needs.

``/debug/pprof/allocs`` answers with a gzipped protocol buffer in the
documented format (github.com/google/pprof, proto/profile.proto). Ranking
needs only sample types, samples, locations with their lines, functions and
the string table, so a reader of the wire format (varints and
length-delimited fields, both packed and unpacked repeated numbers) is
about a hundred lines and no dependency. tests/bench/bench_pprof.py measures
it against the protobuf library.
"""

from __future__ import annotations

import gzip
import io
from collections.abc import Mapping
from dataclasses import dataclass, field

# Field numbers from profile.proto.
_PROFILE_SAMPLE_TYPE, _PROFILE_SAMPLE, _PROFILE_LOCATION, _PROFILE_FUNCTION = 1, 2, 4, 5
_PROFILE_STRINGS, _PROFILE_TIME, _PROFILE_DURATION, _PROFILE_PERIOD_TYPE, _PROFILE_PERIOD = 6, 9, 10, 11, 12
MAX_PROFILE_BYTES = 256 << 20  # what a decompressed profile may grow to


class ProfileError(ValueError):
    """The bytes are not a profile; the message is one line."""


@dataclass(frozen=True, slots=True)
class Frame:
    """One source line of a location: ``function`` as the runtime names it
    (``main.hot``), ``file`` as the binary recorded it, ``line`` 1-based."""

    function: str
    file: str
    line: int


@dataclass(frozen=True, slots=True)
class Profile:
    """A decoded profile. ``samples`` are ``(location ids, values)``, the
    leaf location first; ``locations`` map an id to its frames, innermost
    first (the last frame is the function the code was inlined into)."""

    sample_types: tuple[tuple[str, str], ...]
    samples: tuple[tuple[tuple[int, ...], tuple[int, ...]], ...]
    locations: Mapping[int, tuple[Frame, ...]] = field(default_factory=dict)
    period_type: tuple[str, str] = ("", "")
    period: int = 0
    time_nanos: int = 0
    duration_nanos: int = 0

    def value_index(self, name: str) -> int | None:
        """Which value of each sample is sample type ``name`` (``alloc_space``)."""
        for i, (kind, _unit) in enumerate(self.sample_types):
            if kind == name:
                return i
        return None


def _varint(buf: bytes, pos: int) -> tuple[int, int]:
    byte = buf[pos]
    if byte < 0x80:
        return byte, pos + 1
    value, shift = byte & 0x7F, 7
    while True:
        pos += 1
        byte = buf[pos]
        value |= (byte & 0x7F) << shift
        if byte < 0x80:
            return value, pos + 1
        shift += 7
        if shift > 63:
            raise ProfileError("a varint is longer than 10 bytes")


def _fields(buf: bytes, pos: int, end: int) -> list[tuple[int, int, int, int]]:
    """``(field, wire type, value or start, end)`` of one message; for
    length-delimited fields the value is where the bytes start."""
    out = []
    while pos < end:
        key, pos = _varint(buf, pos)
        number, wire = key >> 3, key & 7
        if wire == 0:
            value, pos = _varint(buf, pos)
            out.append((number, 0, value, pos))
        elif wire == 2:
            size, pos = _varint(buf, pos)
            if pos + size > end:
                raise ProfileError("a field runs past the end of its message")
            out.append((number, 2, pos, pos + size))
            pos += size
        elif wire == 1:
            out.append((number, 1, int.from_bytes(buf[pos:pos + 8], "little"), pos + 8))
            pos += 8
        elif wire == 5:
            out.append((number, 5, int.from_bytes(buf[pos:pos + 4], "little"), pos + 4))
            pos += 4
        else:
            raise ProfileError(f"unknown protobuf wire type {wire}")
    if pos != end:
        raise ProfileError("a message ends in the middle of a field")
    return out


def _numbers(buf: bytes, wire: int, value: int, end: int, out: list[int]) -> None:
    """Append a repeated number field's values (packed or one unpacked)."""
    if wire == 0:
        out.append(value)
        return
    # Packed: most of a profile's bytes. Varints decoded inline, not one call
    # each (a call per number made this loop four times slower).
    pos, append = value, out.append
    while pos < end:
        byte = buf[pos]
        pos += 1
        if byte < 0x80:
            append(byte)
            continue
        number, shift = byte & 0x7F, 7
        while True:
            byte = buf[pos]
            pos += 1
            number |= (byte & 0x7F) << shift
            if byte < 0x80:
                break
            shift += 7
            if shift > 63:
                raise ProfileError("a varint is longer than 10 bytes")
        append(number)


_HIGH, _WRAP = 1 << 63, 1 << 64  # int64 values arrive as unsigned varints


def _signed(value: int) -> int:
    return value - _WRAP if value >= _HIGH else value


def _value_type(buf: bytes, start: int, end: int) -> tuple[int, int]:
    kind = unit = 0
    for number, _wire, value, _ in _fields(buf, start, end):
        if number == 1:
            kind = value
        elif number == 2:
            unit = value
    return kind, unit


def decode_profile(data: bytes, *, leaf_only: bool = False) -> Profile:
    """Decode a profile, gzipped or not; :class:`ProfileError` if it is not one.

    ``leaf_only`` keeps only the first location of each sample's stack (the
    allocation site, all that ranking reads): stacks are most of a profile's
    numbers, so this decodes several times faster.
    """
    if data[:2] == b"\x1f\x8b":
        try:
            with gzip.GzipFile(fileobj=io.BytesIO(data)) as f:
                data = f.read(MAX_PROFILE_BYTES + 1)
        except (OSError, EOFError) as err:
            raise ProfileError(f"the profile is not valid gzip: {err}") from None
        if len(data) > MAX_PROFILE_BYTES:
            raise ProfileError("the profile is larger than 256 MiB decompressed")
    try:
        return _decode(bytes(data), leaf_only)
    except IndexError:
        raise ProfileError("the profile is cut short") from None


def _decode(buf: bytes, leaf_only: bool) -> Profile:
    strings: list[str] = []
    types: list[tuple[int, int]] = []
    raw_samples: list[tuple[int, int]] = []
    raw_locations: list[tuple[int, int]] = []
    functions: dict[int, tuple[int, int]] = {}  # id → (name, file) string indexes
    period_type, period, time_nanos, duration = (0, 0), 0, 0, 0
    for number, wire, value, end in _fields(buf, 0, len(buf)):
        if number == _PROFILE_STRINGS and wire == 2:
            strings.append(buf[value:end].decode("utf-8", "replace"))
        elif number == _PROFILE_SAMPLE and wire == 2:
            raw_samples.append((value, end))
        elif number == _PROFILE_LOCATION and wire == 2:
            raw_locations.append((value, end))
        elif number == _PROFILE_FUNCTION and wire == 2:
            fid = name = filename = 0
            for n, _w, v, _e in _fields(buf, value, end):
                if n == 1:
                    fid = v
                elif n == 2:
                    name = v
                elif n == 4:
                    filename = v
            functions[fid] = (name, filename)
        elif number == _PROFILE_SAMPLE_TYPE and wire == 2:
            types.append(_value_type(buf, value, end))
        elif number == _PROFILE_PERIOD_TYPE and wire == 2:
            period_type = _value_type(buf, value, end)
        elif number == _PROFILE_PERIOD and wire == 0:
            period = _signed(value)
        elif number == _PROFILE_TIME and wire == 0:
            time_nanos = _signed(value)
        elif number == _PROFILE_DURATION and wire == 0:
            duration = _signed(value)

    def text(index: int) -> str:
        return strings[index] if 0 <= index < len(strings) else ""

    names = {fid: (text(n), text(f)) for fid, (n, f) in functions.items()}
    locations: dict[int, tuple[Frame, ...]] = {}
    for start, end in raw_locations:
        lid, frames = 0, []
        for n, _w, v, e in _fields(buf, start, end):
            if n == 1:
                lid = v
            elif n == 4:
                fid = line = 0
                for ln, _lw, lv, _le in _fields(buf, v, e):
                    if ln == 1:
                        fid = lv
                    elif ln == 2:
                        line = _signed(lv)
                func_name, file_name = names.get(fid, ("", ""))
                frames.append(Frame(func_name, file_name, line))
        locations[lid] = tuple(frames)
    samples = []
    for start, end in raw_samples:
        ids: list[int] = []
        values: list[int] = []
        for n, w, v, e in _fields(buf, start, end):
            if n == 1:
                if leaf_only and w == 2:
                    if not ids and v < e:
                        ids.append(_varint(buf, v)[0])
                elif not (leaf_only and ids):
                    _numbers(buf, w, v, e, ids)
            elif n == 2:
                _numbers(buf, w, v, e, values)
        samples.append((tuple(ids), tuple([x - _WRAP if x >= _HIGH else x for x in values])))
    return Profile(
        sample_types=tuple((text(k), text(u)) for k, u in types),
        samples=tuple(samples),
        locations=locations,
        period_type=(text(period_type[0]), text(period_type[1])),
        period=period,
        time_nanos=time_nanos,
        duration_nanos=duration,
    )
