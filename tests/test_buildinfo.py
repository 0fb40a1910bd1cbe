"""Go build information read in pure Python: real binaries, both blob formats, clear errors."""

from __future__ import annotations

import shutil
import struct
import subprocess
from pathlib import Path

import pytest

from tui.sources.buildinfo import (
    MAGIC,
    BuildInfoError,
    NotGoBinaryError,
    parse_buildinfo,
    parse_modinfo,
    read_buildinfo,
)

# cmd/go's infoStart and infoEnd: 16 bytes each around the modinfo text.
START = "0w\xaf\x0c\x92t\x08\x02A\xe1\xc1\x07\xe6\xd6\x18\xe6"
END = "\xf92C1\x86\x18 r\x00\x82B\x10A\x16\xd8\xf2"
MODINFO = (
    "path\texample.com/app/cmd/server\n"
    "mod\texample.com/app\tv1.2.3\th1:abc=\n"
    "dep\tgolang.org/x/sys\tv0.1.0\th1:def=\n"
    "build\t-compiler=gc\n"
    'build\t-ldflags="-s -w -X main.version=1"\n'
    'build\t"odd=key"=value\n'
    "build\tGOARCH=amd64\n"
    "build\tGOOS=linux\n"
)


def _go_env(name: str) -> str:
    return subprocess.run(["go", "env", name], capture_output=True, text=True, check=True).stdout.strip()


def _uvarint(n: int) -> bytes:
    out = bytearray()
    while n >= 0x80:
        out.append(n & 0x7F | 0x80)
        n >>= 7
    return bytes(out + bytes([n]))


def _inline_blob(version: str, modinfo: str) -> bytes:
    """The Go 1.18+ layout: header with flags bit 2, then varint-prefixed strings."""
    v, m = version.encode(), modinfo.encode("latin-1")
    return MAGIC + bytes([8, 2]) + bytes(16) + _uvarint(len(v)) + v + _uvarint(len(m)) + m


def _pointer_region(vaddr: int, ptr: int, big: bool, version: str, modinfo: str) -> bytes:
    """A data segment loaded at ``vaddr`` holding a pre-1.18 blob: two
    pointers to string headers, which point at the text."""
    order, word = (">" if big else "<"), ("Q" if ptr == 8 else "I")
    v, m = version.encode(), modinfo.encode("latin-1")
    headers_at, text_at = 32, 32 + 4 * ptr
    header = MAGIC + bytes([ptr, 1 if big else 0])
    header += struct.pack(order + word * 2, vaddr + headers_at, vaddr + headers_at + 2 * ptr)
    header = header.ljust(32, b"\0")
    strings = struct.pack(order + word * 4, vaddr + text_at, len(v), vaddr + text_at + len(v), len(m))
    return header + strings + v + m


def _elf(region: bytes, vaddr: int, *, is64: bool, big: bool) -> bytes:
    """A minimal ELF with one writable PT_LOAD segment and no sections."""
    o = ">" if big else "<"
    ident = b"\x7fELF" + bytes([2 if is64 else 1, 2 if big else 1, 1]) + bytes(9)
    offset = 0x100
    if is64:
        head = ident + struct.pack(o + "HHIQQQIHHHHHH", 2, 62, 1, 0, 64, 0, 0, 64, 56, 1, 64, 0, 0)
        phdr = struct.pack(o + "IIQQQQQQ", 1, 6, offset, vaddr, vaddr, len(region), len(region), 0x1000)
    else:
        head = ident + struct.pack(o + "HHIIIIIHHHHHH", 2, 8, 1, 0, 52, 0, 0, 52, 32, 1, 40, 0, 0)
        phdr = struct.pack(o + "8I", 1, offset, vaddr, vaddr, len(region), len(region), 6, 0x1000)
    return (head + phdr).ljust(offset, b"\0") + region


@pytest.mark.go
def test_real_binary_matches_go_version_m(go_build) -> None:
    binary = go_build("server")
    info = read_buildinfo(binary)
    assert info.go_version == _go_env("GOVERSION")
    assert info.path == "gctui.invalid/workloads/server"
    assert info.main_module == "gctui.invalid/workloads"
    assert info.main_version == "(devel)"
    assert info.settings["GOOS"] == "linux"
    assert info.settings["GOARCH"] == _go_env("GOARCH")
    assert info.settings["-compiler"] == "gc"
    assert info.settings["CGO_ENABLED"] == "0"  # gorun builds with CGO_ENABLED=0
    listed = subprocess.run(["go", "version", "-m", str(binary)], capture_output=True, text=True, check=True)
    build_lines = [ln.split("\t", 2)[2] for ln in listed.stdout.splitlines() if ln.startswith("\tbuild\t")]
    assert [f"{k}={v}" for k, v in info.settings.items()] == build_lines


@pytest.mark.go
def test_real_binary_without_section_headers_is_found_through_the_data_segment(go_build, tmp_path) -> None:
    stripped = tmp_path / "noshdr"
    shutil.copy(go_build("server"), stripped)
    with open(stripped, "r+b") as f:  # e_shoff, e_shnum = 0: what a section-stripping tool leaves
        f.seek(0x28)
        f.write(bytes(8))
        f.seek(0x3C)
        f.write(bytes(2))
    assert read_buildinfo(stripped).path == "gctui.invalid/workloads/server"


def test_bin_sh_is_not_go() -> None:
    with pytest.raises(NotGoBinaryError, match="no Go build information") as err:
        read_buildinfo("/bin/sh")
    assert isinstance(err.value, ValueError)


@pytest.mark.parametrize(
    "content",
    [b"", b"#!/bin/sh\necho hi\n", b"\x7fELF" + bytes(200), MAGIC + bytes(8)],
    ids=["empty", "script", "elf-header-only", "magic-cut-short"],
)
def test_not_go_files(tmp_path: Path, content: bytes) -> None:
    path = tmp_path / "f"
    path.write_bytes(content)
    with pytest.raises(BuildInfoError):
        read_buildinfo(path)


def test_inline_format_found_by_scanning_a_non_elf_file() -> None:
    data = b"MZ" + bytes(30) + _inline_blob("go1.21.0", START + MODINFO + END) + bytes(64)
    info = parse_buildinfo(data)
    assert (info.go_version, info.path, info.main_module, info.main_version) == (
        "go1.21.0", "example.com/app/cmd/server", "example.com/app", "v1.2.3")
    assert info.settings == {
        "-compiler": "gc", "-ldflags": "-s -w -X main.version=1", "odd=key": "value",
        "GOARCH": "amd64", "GOOS": "linux",
    }


def test_a_misaligned_magic_is_skipped() -> None:
    blob = _inline_blob("go1.20", START + MODINFO + END)
    data = bytes(8) + MAGIC + bytes(10) + blob  # the first copy sits at offset 8
    assert parse_buildinfo(data).go_version == "go1.20"


@pytest.mark.parametrize(
    ("is64", "big"), [(True, False), (False, True), (False, False)], ids=["elf64-le", "elf32-be", "elf32-le"]
)
def test_pointer_format_resolved_through_elf_segments(is64: bool, big: bool) -> None:
    vaddr = 0x4F0000
    region = _pointer_region(vaddr, 8 if is64 else 4, big, "go1.17.13", START + MODINFO + END)
    info = parse_buildinfo(_elf(region, vaddr, is64=is64, big=big))
    assert (info.go_version, info.main_module, info.settings["GOOS"]) == ("go1.17.13", "example.com/app", "linux")


def test_pointer_format_outside_elf_is_a_clear_error() -> None:
    region = _pointer_region(0x1000, 8, False, "go1.16", "")
    with pytest.raises(BuildInfoError, match="only readable in ELF"):
        parse_buildinfo(b"MZ" + bytes(14) + region)


def test_pointer_to_nowhere_is_a_clear_error() -> None:
    region = _pointer_region(0x4F0000, 8, False, "go1.16", "")
    with pytest.raises(BuildInfoError, match="not in any loaded segment"):
        parse_buildinfo(_elf(region, 0x10000, is64=True, big=False))  # loaded elsewhere


def test_go_program_built_without_modules_has_a_version_only() -> None:
    info = parse_buildinfo(_inline_blob("go1.19.8", ""))
    assert (info.go_version, info.path, info.main_module, info.settings) == ("go1.19.8", None, None, {})


def test_empty_version_is_not_go() -> None:
    with pytest.raises(NotGoBinaryError):
        parse_buildinfo(_inline_blob("", ""))


def test_truncated_length_is_a_clear_error() -> None:
    data = MAGIC + bytes([8, 2]) + bytes(16) + b"\xff\xff"
    with pytest.raises(BuildInfoError, match="truncated"):
        parse_buildinfo(data)


def test_string_past_the_end_is_a_clear_error() -> None:
    data = MAGIC + bytes([8, 2]) + bytes(16) + _uvarint(500) + b"go1"
    with pytest.raises(BuildInfoError, match="past the end"):
        parse_buildinfo(data)


def test_parse_modinfo_tolerates_unknown_lines() -> None:
    path, module, version, settings = parse_modinfo("future\tthing\npath\tx\nbuild\tnovalue\n")
    assert (path, module, version, settings) == ("x", None, None, {"novalue": ""})
