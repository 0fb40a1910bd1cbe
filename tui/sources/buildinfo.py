"""The Go version and main module written into a Go executable, read in Python.

Attaching to a running program, gctui wants to know which Go runtime it is
watching (trace formats and GC behaviour differ between versions) without
asking for the ``go`` command, which a production host rarely has. The linker
leaves a 32-byte header in the data, 16-byte aligned and found the way
``debug/buildinfo`` finds it::

    "\\xff Go buildinf:"  ptr_size(1)  flags(1)  [two pointers, or padding]

* Go 1.18 and later set bit 2 of ``flags``: the two strings (the runtime's
  ``buildVersion`` and ``modinfo``) follow the header inline, each prefixed
  by its length as an unsigned varint.
* Older releases store two pointers (``ptr_size`` bytes each, big-endian if
  ``flags`` is 1) to Go string headers ``{data pointer, length}``; those are
  virtual addresses, resolved here through the ELF program headers (32 or 64
  bit, either byte order).

Where the header is looked for: the ``.go.buildinfo`` section, else the
first 64 KiB of the first writable, non-executable segment (what the linker
uses when sections were stripped), else the whole file. The last search
also reads the inline format out of non-ELF files (Mach-O, PE); the pointer
format is only resolved in ELF files.

``modinfo`` is framed by two 16-byte sentinels (``cmd/go``'s infoStart and
infoEnd) that are stripped before its tab-separated lines are read.
"""

from __future__ import annotations

import mmap
import re
import struct
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterator

from parsers.pprof_text import go_unquote

MAGIC = b"\xff Go buildinf:"
HEADER_SIZE = 32
ALIGN = 16
DATA_WINDOW = 64 * 1024  # debug/buildinfo reads this much of the data segment
_QUOTED = re.compile(r'"(?:[^"\\]|\\.)*"')


class BuildInfoError(ValueError):
    """The build information cannot be read; the text is one line."""


class NotGoBinaryError(BuildInfoError):
    """The file carries no Go build information: not a Go program."""


@dataclass(frozen=True, slots=True)
class BuildInfo:
    """What ``go version -m`` prints: ``path`` is the main package
    (``example.com/app/cmd/server``), ``main_module`` the module holding it
    (``example.com/app``); ``settings`` the ``build`` lines in order (GOOS,
    GOARCH, ``-compiler``, ``-ldflags``, ``vcs.revision`` ...). The three are
    empty for a binary built without module support."""

    go_version: str
    path: str | None = None
    main_module: str | None = None
    main_version: str | None = None
    settings: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class _Segment:
    vaddr: int
    offset: int
    filesz: int
    flags: int


class _Elf:
    """Just enough ELF to find sections by name and map addresses to offsets."""

    def __init__(self, data: bytes | mmap.mmap) -> None:
        self.data = data
        self.is64 = data[4] == 2
        self.order = "<" if data[5] == 1 else ">"
        if data[4] not in (1, 2) or data[5] not in (1, 2):
            raise BuildInfoError("the ELF header has an unknown class or byte order")
        o = self.order
        if self.is64:
            phoff, shoff = struct.unpack_from(o + "QQ", data, 0x20)
            phentsize, phnum, shentsize, shnum, shstrndx = struct.unpack_from(o + "5H", data, 0x36)
        else:
            phoff, shoff = struct.unpack_from(o + "II", data, 0x1C)
            phentsize, phnum, shentsize, shnum, shstrndx = struct.unpack_from(o + "5H", data, 0x2A)
        loaded = (self._segment(phoff + i * phentsize) for i in range(phnum))
        self.segments = [seg for seg in loaded if seg is not None]
        self.sections: dict[str, tuple[int, int]] = {}
        if shoff and shnum and shstrndx < shnum and shoff + shnum * shentsize <= len(data):
            headers = [self._section(shoff + i * shentsize) for i in range(shnum)]
            str_off = headers[shstrndx][1]
            for name_off, offset, size in headers:
                end = data.find(b"\0", str_off + name_off)
                name = bytes(data[str_off + name_off:end]).decode("latin-1") if end >= 0 else ""
                self.sections.setdefault(name, (offset, size))

    def _segment(self, at: int) -> _Segment | None:
        """A PT_LOAD program header (the only kind that maps file bytes)."""
        o = self.order
        if self.is64:
            p_type, flags, offset, vaddr, _, filesz = struct.unpack_from(o + "IIQQQQ", self.data, at)
        else:
            p_type, offset, vaddr, _, filesz, _, flags = struct.unpack_from(o + "7I", self.data, at)
        return _Segment(vaddr, offset, filesz, flags) if p_type == 1 else None

    def _section(self, at: int) -> tuple[int, int, int]:
        """``(name offset, file offset, size)`` of one section header."""
        if self.is64:
            name, _, _, _, offset, size = struct.unpack_from(self.order + "IIQQQQ", self.data, at)
        else:
            name, _, _, _, offset, size = struct.unpack_from(self.order + "6I", self.data, at)
        return name, offset, size

    def regions(self) -> Iterator[tuple[int, int]]:
        """Where the header may be, most likely first, as ``(start, end)``."""
        if ".go.buildinfo" in self.sections:
            offset, size = self.sections[".go.buildinfo"]
            yield offset, offset + size
        for seg in self.segments:
            if seg.flags & 0b011 == 0b010:  # PF_W without PF_X: the data segment
                yield seg.offset, seg.offset + min(seg.filesz, DATA_WINDOW)
                break

    def read(self, vaddr: int, size: int) -> bytes:
        """``size`` bytes at a virtual address, from the segment holding it."""
        for seg in self.segments:
            if seg.vaddr <= vaddr and vaddr + size <= seg.vaddr + seg.filesz:
                start = seg.offset + vaddr - seg.vaddr
                return bytes(self.data[start:start + size])
        raise BuildInfoError(f"address {vaddr:#x} is not in any loaded segment")


def _find_header(data: bytes | mmap.mmap, start: int, end: int) -> int | None:
    """The offset of the first 16-byte-aligned header within ``[start, end)``."""
    at = start
    while True:
        i = data.find(MAGIC, at, end)
        if i < 0 or end - i < HEADER_SIZE:
            return None
        if (i - start) % ALIGN == 0:
            return i
        at = i + 1


def _uvarint(data: bytes | mmap.mmap, at: int) -> tuple[int, int]:
    """An unsigned LEB128 varint (Go's ``binary.Uvarint``) and where it ends."""
    value = shift = 0
    while at < len(data) and shift < 64:
        byte = data[at]
        at += 1
        value |= (byte & 0x7F) << shift
        if byte < 0x80:
            return value, at
        shift += 7
    raise BuildInfoError("a length in the build information is truncated")


def _inline_string(data: bytes | mmap.mmap, at: int) -> tuple[str, int]:
    length, at = _uvarint(data, at)
    if at + length > len(data):
        raise BuildInfoError("a string in the build information runs past the end of the file")
    return bytes(data[at:at + length]).decode("utf-8", "replace"), at + length


def _pointer_string(elf: _Elf, header: bytes, index: int) -> str:
    """The Go string whose header the ``index``-th pointer after the magic names."""
    ptr_size = header[14]
    if ptr_size not in (4, 8):
        raise BuildInfoError(f"the build information claims {ptr_size}-byte pointers")
    fmt = (">" if header[15] else "<") + ("Q" if ptr_size == 8 else "I")
    (addr,) = struct.unpack_from(fmt, header, 16 + index * ptr_size)
    text_addr, length = struct.unpack(fmt[0] + fmt[1] * 2, elf.read(addr, 2 * ptr_size))
    return elf.read(text_addr, length).decode("utf-8", "replace") if length else ""


def parse_modinfo(modinfo: str) -> tuple[str | None, str | None, str | None, dict[str, str]]:
    """``(path, main module, its version, build settings)`` from the
    ``modinfo`` text, sentinels already stripped."""
    path = module = version = None
    settings: dict[str, str] = {}
    for line in modinfo.splitlines():
        kind, _, rest = line.partition("\t")
        if kind == "path":
            path = rest
        elif kind == "mod":
            module, _, tail = rest.partition("\t")
            version = tail.split("\t")[0] or None
        elif kind == "build":
            key, _, value = _split_setting(rest)
            settings[key] = value
    return path, module, version, settings


def _split_setting(text: str) -> tuple[str, str, str]:
    """``key=value`` where either side may be a Go-quoted string (a key
    holding ``=``, a value holding spaces, like ``-ldflags="-s -w"``)."""
    if text.startswith('"') and (m := _QUOTED.match(text)):
        key, rest = go_unquote(m.group()[1:-1]), text[m.end():]
        _, sep, value = rest.partition("=")
    else:
        key, sep, value = text.partition("=")
    if value.startswith('"') and value.endswith('"') and len(value) >= 2:
        value = go_unquote(value[1:-1])
    return key, sep, value


def parse_buildinfo(data: bytes | mmap.mmap) -> BuildInfo:
    """The build information of an executable given as its bytes."""
    try:
        return _parse(data)
    except struct.error as exc:  # a header or table cut short
        raise BuildInfoError(f"malformed executable ({exc})") from None


def _parse(data: bytes | mmap.mmap) -> BuildInfo:
    elf = _Elf(data) if data[:4] == b"\x7fELF" and len(data) >= 64 else None
    regions = list(elf.regions()) if elf else []
    found = None
    for start, end in regions + [(0, len(data))]:
        found = _find_header(data, start, end)
        if found is not None:
            break
    if found is None:
        raise NotGoBinaryError("no Go build information found (not a Go program?)")
    header = bytes(data[found:found + HEADER_SIZE])
    if header[15] & 2:
        version, at = _inline_string(data, found + HEADER_SIZE)
        modinfo, _ = _inline_string(data, at)
    elif elf is None:
        raise BuildInfoError("pre-Go-1.18 build information is only readable in ELF files")
    else:
        version, modinfo = _pointer_string(elf, header, 0), _pointer_string(elf, header, 1)
    if not version:
        raise NotGoBinaryError("the Go build information has no Go version")
    # infoStart and infoEnd are 16 bytes each; the text before infoEnd ends in a newline.
    if len(modinfo) >= 33 and modinfo[-17] == "\n":
        path, module, mod_version, settings = parse_modinfo(modinfo[16:-16])
    else:
        path = module = mod_version = None
        settings = {}
    return BuildInfo(version, path, module, mod_version, settings)


def read_buildinfo(path: str | Path) -> BuildInfo:
    """The build information of the executable at ``path`` (also
    ``/proc/PID/exe``). Raises :class:`NotGoBinaryError` for anything that
    is not a Go program and ``OSError`` when the file cannot be read."""
    with open(path, "rb") as f:
        size = f.seek(0, 2)
        if size < HEADER_SIZE:
            raise NotGoBinaryError(f"{path} is too small to be a Go program")
        with mmap.mmap(f.fileno(), 0, access=mmap.ACCESS_READ) as data:
            return parse_buildinfo(data)
