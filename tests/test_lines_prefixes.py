"""The line splitter and the log wrappers around runtime lines."""

from __future__ import annotations

import calendar

import pytest

from parsers.lines import LineSplitter
from parsers.prefixes import analyse, parse_time, unwrap


def split_all(chunks: list[bytes], max_line: int = 64) -> list[tuple[str, int]]:
    s = LineSplitter(max_line)
    out: list[tuple[str, int]] = []
    for chunk in chunks:
        out += s.feed(chunk)
    return out + s.close()


@pytest.mark.parametrize(
    "chunks,expected",
    [
        ([b"a\nb\n"], [("a", 0), ("b", 0)]),
        ([b"a", b"b\n", b"c"], [("ab", 0), ("c", 0)]),
        ([b"crlf\r\n"], [("crlf", 0)]),
        ([b"\xff\xfebad\n"], [("\ufffd\ufffdbad", 0)]),
        ([b"nul\x00byte\n"], [("nul\x00byte", 0)]),
        ([b"\n\n"], [("", 0), ("", 0)]),
        ([b"x" * 100 + b"\n"], [("x" * 64, 36)]),
        ([b"x" * 50, b"y" * 50, b"z" * 50 + b"\nok\n"], [("x" * 50 + "y" * 14, 86), ("ok", 0)]),
        ([b"no newline at end"], [("no newline at end", 0)]),
    ],
    ids=["two", "chunked", "crlf", "bad-utf8", "nul", "blank", "long", "long-chunked", "no-eol"],
)
def test_splitter(chunks: list[bytes], expected: list[tuple[str, int]]) -> None:
    assert split_all(chunks) == expected


def test_splitter_memory_stays_bounded_on_an_endless_line() -> None:
    s = LineSplitter(1024)
    for _ in range(10_000):  # 10 MB with no newline
        assert s.feed(b"z" * 1024) == []
        assert s.pending <= 1024
    assert s.close() == [("z" * 1024, 10_000 * 1024 - 1024)]


GC = "gc 12 @1.000s 2%: 0.01+1.0+0.01 ms clock, 0.02+0.1/1.0/0.5+0.02 ms cpu, 4->5->2 MB, 5 MB goal, 0 MB stacks, 0 MB globals, 2 P"


def test_docker_json_file() -> None:
    line = '{"log":"%s\\n","stream":"stderr","time":"2026-11-21T10:00:00.123456789Z"}' % GC
    u = unwrap(line)
    assert u is not None and u.payload == GC and u.stream == "stderr" and not u.partial
    assert u.wall_time == pytest.approx(calendar.timegm((2026, 11, 21, 10, 0, 0)) + 0.123456789)


def test_docker_json_partial_and_escapes() -> None:
    u = unwrap('{"log":"say \\"[bold]\\"\\t","stream":"stdout","time":"2026-11-21T10:00:00Z"}')
    assert u.payload == 'say "[bold]"\t' and u.partial and u.stream == "stdout"


def test_cri_full_and_partial() -> None:
    u = unwrap(f"2026-11-21T10:00:00.123456789Z stderr F {GC}")
    assert u.payload == GC and u.stream == "stderr" and not u.partial and u.wrapper == "cri"
    p = unwrap("2026-11-21T10:00:00.1Z stdout P first half")
    assert p.partial and p.payload == "first half"


def test_plain_lines_pass_through() -> None:
    for line in ["", "hello", "{not json", '{"msg":"no log key"}', "2026 was a year"]:
        assert unwrap(line) is None


@pytest.mark.parametrize(
    "prefix,wall,source",
    [
        ("2026-11-21T10:00:00.5Z ", calendar.timegm((2026, 11, 21, 10, 0, 0)) + 0.5, None),
        ("2026-11-21T12:00:00+02:00 ", calendar.timegm((2026, 11, 21, 10, 0, 0)), None),
        ("2020/03/02 11:22:37 ", calendar.timegm((2020, 3, 2, 11, 22, 37)), None),
        ("istio-system istio-pilot-5667b77f97-px699 discovery ", None,
         "istio-system istio-pilot-5667b77f97-px699 discovery"),
        ("[pod/api-7d9f/app] ", None, "pod/api-7d9f/app"),
        ("error: something went wrong: ", None, None),
    ],
    ids=["rfc3339", "offset", "golog", "stern", "kubectl-prefix", "program-text"],
)
def test_analyse_prefix(prefix: str, wall: float | None, source: str | None) -> None:
    got_wall, got_source = analyse(prefix)
    assert got_source == source
    if wall is None:
        assert got_wall is None
    else:
        assert got_wall == pytest.approx(wall)


def test_syslog_prefix_names_the_tag() -> None:
    wall, source = analyse("Nov 21 10:00:00 host app[123]: ")
    assert source == "app" and wall is not None


def test_parse_time_rejects_nonsense() -> None:
    assert parse_time("2026-13-45T99:99:99Z") is None
    assert parse_time("no time here") is None
