"""``/debug/pprof/goroutine?debug=1`` text: records, frames, labels, errors."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from parsers.pprof_text import PprofError, go_unquote, parse_goroutine_debug1, parse_labels

DATA = Path(__file__).parent / "data" / "http"
DEBUG1 = (DATA / "pprof_goroutine_debug1.txt").read_text()
DEBUG2 = (DATA / "pprof_goroutine_debug2.txt").read_text()


def test_real_profile() -> None:
    profile = parse_goroutine_debug1(DEBUG1)
    assert profile.total == 21
    assert len(profile.stacks) == 12
    assert sum(s.count for s in profile.stacks) == 21
    first = profile.stacks[0]
    assert (first.count, first.frames, first.locations, first.labels) == (
        10, ("main.main.func1",), ("/home/dev/samples/server/main.go:52",), ())
    for stack in profile.stacks:
        assert len(stack.frames) == len(stack.locations)


def test_frames_with_several_tabs_between_columns() -> None:
    handler = parse_goroutine_debug1(DEBUG1).stacks[1]
    assert handler.frames[:3] == ("runtime/pprof.runtime_goroutineProfileWithLabels",
                                  "runtime/pprof.writeRuntimeProfile",
                                  "runtime/pprof.writeGoroutine")
    assert handler.locations[1] == "/usr/local/go/src/runtime/pprof/pprof.go:723"
    assert handler.frames[3] == "runtime/pprof.(*Profile).WriteTo"
    assert len(handler.frames) == 10


def test_labels_on_real_records() -> None:
    labelled = [s for s in parse_goroutine_debug1(DEBUG1).stacks if s.labels]
    assert [s.labels for s in labelled] == [
        (("role", "sleeper"), ("worker", str(i))) for i in range(3)]
    assert labelled[0].frames == ("time.Sleep", "main.main.func2.1")


def test_record_with_every_frame_hidden() -> None:
    last = parse_goroutine_debug1(DEBUG1).stacks[-1]
    assert (last.count, last.frames, last.locations) == (1, (), ())


@pytest.mark.parametrize(("body", "pairs"), [
    pytest.param('"role":"sleeper", "worker":"0"', (("role", "sleeper"), ("worker", "0")),
                 id="real"),
    pytest.param("", (), id="empty"),
    pytest.param(r'"q":"say \"hi\"", "path":"C:\\tmp"', (("q", 'say "hi"'), ("path", r"C:\tmp")),
                 id="escaped-quote-and-backslash"),
    pytest.param(r'"k":"tab\there"', (("k", "tab\there"),), id="tab"),
    pytest.param(r'"k":"caf\u00e9", "b":"\xff"', (("k", "café"), ("b", "\ufffd")),
                 id="unicode-and-invalid-byte"),
    pytest.param('"k":"日本"', (("k", "日本"),), id="printable-unicode-unescaped"),
    pytest.param('"a:b":"c, d"', (("a:b", "c, d"),), id="separators-inside-strings"),
])
def test_parse_labels(body: str, pairs: tuple[tuple[str, str], ...]) -> None:
    assert parse_labels(body) == pairs


def test_go_unquote_octal_and_unknown_escape() -> None:
    assert go_unquote(r"\101\q") == r"A\q"


def test_constructed_unknown_function_frame_and_crlf() -> None:
    text = ("goroutine profile: total 3\r\n"
            "3 @ 0x4011ab 0x46b1e1\r\n"
            "# labels: {\"job\":\"x\"}\r\n"
            "#\t0x4011aa\r\n"
            "#\t0x43b255\tmain.work+0x15\t/src/main.go:9\r\n"
            "\r\n")
    [stack] = parse_goroutine_debug1(text).stacks
    assert stack.frames == ("0x4011aa", "main.work")
    assert stack.locations == ("", "/src/main.go:9")
    assert stack.labels == (("job", "x"),)


def test_truncated_profile_keeps_what_arrived() -> None:
    cut = DEBUG1[: DEBUG1.index("1 @ 0x43b256 0x44b01c 0x6b2808")] + "1 @ 0x43b2"
    profile = parse_goroutine_debug1(cut)
    assert profile.total == 21
    assert [s.count for s in profile.stacks] == [10, 1, 1, 1, 1, 1, 1]
    assert profile.stacks[-1].frames == ()


def test_goroutineleak_profile_has_the_same_format() -> None:
    profile = parse_goroutine_debug1("goroutineleak profile: total 1\n1 @ 0x46b1e1\n")
    assert (profile.total, len(profile.stacks)) == (1, 1)


@pytest.mark.parametrize(("text", "says"), [
    pytest.param(DEBUG2, "debug=2", id="debug2-dump"),
    pytest.param("threadcreate profile: total 7\n7 @\n", "threadcreate profile", id="threadcreate"),
    pytest.param("heap profile: 1: 2 [3: 4] @ heap/1048576\n", "heap profile", id="heap"),
    pytest.param("", "empty", id="empty"),
    pytest.param("goroutine profile: total many\n", "not a goroutine profile", id="bad-total"),
    pytest.param("<html>404 page not found</html>\n", "not a goroutine profile", id="html"),
])
def test_not_a_goroutine_profile(text: str, says: str) -> None:
    with pytest.raises(PprofError) as info:
        parse_goroutine_debug1(text)
    assert says in str(info.value)
    assert "\n" not in str(info.value)
    assert isinstance(info.value, ValueError)


_PIECES = st.sampled_from([
    "goroutine profile: total 3\n", "1 @ 0x1 0x2\n", "# labels: {", '"k":"v"', "}\n", "#\t",
    "0x4011aa", "\tmain.f+0x1", "\t/src/a.go:3", "\n", "\\", "\\x", "\\u12", '"',
])


@settings(max_examples=200, deadline=None)
@given(st.lists(st.one_of(_PIECES, st.text(max_size=6)), max_size=30))
def test_any_text_gives_a_profile_or_the_declared_error(pieces: list[str]) -> None:
    try:
        profile = parse_goroutine_debug1("".join(pieces))
    except PprofError:
        return
    for stack in profile.stacks:
        assert len(stack.frames) == len(stack.locations)
