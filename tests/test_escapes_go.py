"""Escape hints from the real compiler: the fixture packages, checked against
``go build -gcflags=-m=2`` run here; errors; finding the source of a real
binary; ranking by a running program's allocation profile; the CLI."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import time
from collections import Counter
from pathlib import Path

import pytest

from parsers.escape import parse_escape_text
from tui.cli.main import main
from tui.escapes.analyze import Analysis, analyse
from tui.escapes.cache import AnalysisCache
from tui.escapes.kinds import HEAP_KINDS
from tui.escapes.locate import NoSource, SourceDir, SourceQuery, locate
from tui.escapes.fetch import fetch_allocs
from tui.escapes.ranking import rank
from tui.escapes.toolchain import CompileFailed, NoToolchain, NotAPackage, find_toolchain

pytestmark = pytest.mark.go

GO_DIR = Path(__file__).parent / "go"
HINTS = GO_DIR / "escapehints"
PACKAGES = [HINTS, HINTS / "store", GO_DIR / "escapes", GO_DIR / "allocsites"]
_MARKER = re.compile(r"// escape: (.*)$")


@pytest.fixture(scope="module")
def go(go_build) -> str:  # noqa: ANN001 - go_build skips (or fails under CI) without go
    return shutil.which("go") or "go"


def compiler_hints(go: str, package: Path) -> list:
    """What the compiler itself says, with -m=2, parsed by parsers/escape.py."""
    out = subprocess.run([go, "build", "-gcflags=-m=2", "-o", os.devnull, "."], cwd=package,
                         capture_output=True, text=True, check=True)
    return parse_escape_text(out.stderr)


def _keys(hints, kinds, explained: bool = False) -> Counter:
    return Counter((h.file, h.line, h.column, h.hint, h.subject) + ((h.explanation,) if explained else ())
                   for h in hints if h.hint in kinds)


@pytest.mark.parametrize("package", PACKAGES, ids=lambda p: p.relative_to(GO_DIR).as_posix())
@pytest.mark.parametrize("mode", ["json", "text"])
def test_analysis_lists_exactly_what_the_compiler_reports(go: str, package: Path, mode: str) -> None:
    analysis = analyse(SourceDir(str(package), "test"), mode=mode)
    assert analysis.mode == mode
    ours = [p.hint for p in analysis.hints]
    theirs = compiler_hints(go, package)
    assert _keys(ours, HEAP_KINDS, explained=True) == _keys(theirs, HEAP_KINDS, explained=True)
    named = {"does_not_escape", "can_inline", "inlining_call"}
    assert _keys(ours, named) == _keys(theirs, named)
    assert {(h.file, h.line, h.column) for h in ours if h.hint == "cannot_inline"} == {
        (h.file, h.line, h.column) for h in theirs if h.hint == "cannot_inline"}
    assert sum(_keys(ours, HEAP_KINDS).values()) > 0


def _markers(path: Path) -> list[tuple[int, str, str]]:
    out = []
    for number, line in enumerate(path.read_text().splitlines(), start=1):
        match = _MARKER.search(line)
        if match and not line.lstrip().startswith("//"):  # the package comment explains markers
            for part in match.group(1).split("; "):
                kind, _, subject = part.partition(" ")
                out.append((number, kind, subject))
    return out


@pytest.mark.parametrize("package", [HINTS, HINTS / "store"], ids=["main", "store"])
def test_every_known_escape_is_reported_where_marked(package: Path) -> None:
    analysis = analyse(SourceDir(str(package), "test"))
    found = {(p.path, p.hint.line, p.hint.hint, p.hint.subject) for p in analysis.hints}
    for file in package.glob("*.go"):
        markers = _markers(file)
        assert markers
        for line, kind, subject in markers:
            assert (str(file), line, kind, subject) in found, f"{file.name}:{line}: {kind} {subject}"


def test_hints_are_placed_in_functions_with_their_source() -> None:
    analysis = analyse(SourceDir(str(HINTS), "test"))
    by_subject = {(p.function, p.hint.hint, p.hint.subject) for p in analysis.hints}
    assert ("newUser", "moved_to_heap", "u") in by_subject
    assert ("counter", "escapes_to_heap", "func literal") in by_subject
    assert ("(*Store).Add", "leaking_param", "name") in {
        (p.function, p.hint.hint, p.hint.subject) for p in analyse(SourceDir(str(HINTS / "store"), "t")).hints}
    moved = next(p for p in analysis.hints if p.function == "newUser" and p.hint.hint == "moved_to_heap")
    assert "u := user{name: name}" in analysis.sources[moved.path][moved.hint.line - 1]
    assert analysis.module_path == "example.com/escapehints"
    assert {p.hint.package for p in analysis.hints} == {"example.com/escapehints"}


# -- errors ----------------------------------------------------------------------------

def _broken(tmp_path: Path) -> Path:
    shutil.copytree(HINTS, tmp_path / "pkg")
    main_go = tmp_path / "pkg" / "main.go"
    main_go.write_text(main_go.read_text().replace("t := 0", "t := undefinedThing"))
    return tmp_path / "pkg"


def test_compile_error_carries_the_compilers_words(tmp_path: Path) -> None:
    with pytest.raises(CompileFailed) as err:
        analyse(SourceDir(str(_broken(tmp_path)), "test"))
    assert "does not compile: ./main.go:" in str(err.value)
    assert "undefined: undefinedThing" in str(err.value)
    assert "\n" not in str(err.value)
    assert "undefined: undefinedThing" in err.value.detail


@pytest.mark.parametrize(("files", "message"), [
    pytest.param({}, "is not a Go package: it holds no .go files", id="empty"),
    pytest.param({"x_test.go": "package x\n"}, "is not a Go package", id="only-tests"),
    pytest.param({"a.go": "//go:build never\n\npackage a\n", "go.mod": "module a\n"},
                 "is not a Go package: ", id="build-constraints"),
    pytest.param({"a.go": "package a\n"}, "is not in a Go module", id="no-module"),
])
def test_not_a_package(go: str, tmp_path: Path, files: dict[str, str], message: str) -> None:
    for name, text in files.items():
        (tmp_path / name).write_text(text)
    with pytest.raises(NotAPackage, match=message):
        analyse(SourceDir(str(tmp_path), "test"))


def test_no_toolchain(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PATH", "/nonexistent")
    with pytest.raises(NoToolchain, match="not on PATH"):
        find_toolchain()


def test_cache_reruns_only_when_files_change(tmp_path: Path) -> None:
    shutil.copytree(HINTS, tmp_path / "pkg")
    source, toolchain, cache = SourceDir(str(tmp_path / "pkg"), "test"), find_toolchain(), AnalysisCache()
    first = cache.get(source, toolchain)
    assert cache.get(source, toolchain) is first and cache.builds == 1
    with open(tmp_path / "pkg" / "main.go", "a") as f:
        f.write("\nfunc extra() *int {\n\tv := 1\n\treturn &v\n}\n")
    second = cache.get(source, toolchain)
    assert cache.builds == 2
    assert any(p.function == "extra" and p.hint.hint == "moved_to_heap" for p in second.hints)


# -- finding the source of a real binary -----------------------------------------------

@pytest.fixture(scope="module")
def hints_binary(go: str, tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("bin") / "escapehints"
    subprocess.run([go, "build", "-o", str(out), "."], cwd=HINTS, check=True, capture_output=True)
    return out


def test_cwd_holding_the_main_package_is_found_from_build_info(hints_binary: Path) -> None:
    found = locate(SourceQuery(command=(str(hints_binary),), cwd=str(HINTS)))
    assert isinstance(found, SourceDir) and found.path == str(HINTS)
    assert "current directory" in found.how
    # Anywhere in the module is enough: the module path says where the package is.
    found = locate(SourceQuery(command=(str(hints_binary),), cwd=str(HINTS / "store")))
    assert isinstance(found, SourceDir) and found.path == str(HINTS)


def test_cwd_of_another_module_is_not_the_source(hints_binary: Path, tmp_path: Path) -> None:
    found = locate(SourceQuery(command=(str(hints_binary),), cwd=str(GO_DIR)))
    assert isinstance(found, NoSource)
    assert "built from example.com/escapehints, which is not here" in found.message
    assert "--src DIR" in found.message


def test_attached_process_is_found_from_its_cwd(go_build) -> None:  # noqa: ANN001
    binary = go_build("allocsites")
    proc = subprocess.Popen([str(binary), "-duration", "5s"], cwd=GO_DIR / "allocsites",
                            stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
    try:
        assert proc.stdout is not None and proc.stdout.readline().startswith(b"listening on")
        found = locate(SourceQuery(pid=proc.pid, cwd="/"))
        assert isinstance(found, SourceDir) and found.path == str(GO_DIR / "allocsites")
    finally:
        proc.kill()
        proc.wait()


# -- ranking by a running program's profile --------------------------------------------

def _marked_line(path: Path, text: str) -> int:
    return next(n for n, line in enumerate(path.read_text().splitlines(), 1) if text in line)


@pytest.fixture(scope="module")
def allocsites(go_build):  # noqa: ANN001, ANN201
    """A running allocsites, its address, after it has allocated for a while."""
    proc = subprocess.Popen([str(go_build("allocsites")), "-duration", "60s"], stdout=subprocess.PIPE,
                            stderr=subprocess.DEVNULL)
    assert proc.stdout is not None
    line = proc.stdout.readline().decode()
    assert line.startswith("listening on "), line
    time.sleep(1.5)
    yield line.split()[-1]
    proc.kill()
    proc.wait()


def test_top_ranked_hint_is_the_hot_allocation_site(allocsites: str) -> None:
    main_go = GO_DIR / "allocsites" / "main.go"
    analysis: Analysis = analyse(SourceDir(str(main_go.parent), "test"))
    ranking = rank(analysis, fetch_allocs(allocsites))
    top, second = (analysis.hints[i] for i in ranking.order[:2])
    assert (top.path, top.hint.line, top.hint.hint) == (str(main_go), _marked_line(main_go, "// hot site"),
                                                       "escapes_to_heap")
    assert second.hint.line == _marked_line(main_go, "// cold site")
    assert ranking.share(ranking.order[0]) > 0.7
    assert "this escape accounts for" in ranking.describe(ranking.order[0])
    by_inuse = rank(analysis, fetch_allocs(allocsites), "inuse_space")
    assert analysis.hints[by_inuse.order[0]].hint.line == _marked_line(main_go, "// leak site")


# -- the command line ------------------------------------------------------------------

def test_cli_json_equals_the_compilers_list(go: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["escapes", str(HINTS), "--json"]) == 0
    listed = json.loads(capsys.readouterr().out)
    theirs = compiler_hints(go, HINTS)
    kinds = HEAP_KINDS | {"does_not_escape", "can_inline", "inlining_call"}
    ours = Counter((h["file"], h["line"], h["column"], h["kind"], h["subject"], tuple(h["explanation"]))
                   for h in listed if h["kind"] in kinds)
    assert ours == Counter((h.file, h.line, h.column, h.hint, h.subject,
                            h.explanation if h.hint in HEAP_KINDS else ()) for h in theirs if h.hint in kinds)
    assert set(listed[0]) >= {"file", "line", "column", "kind", "subject", "explanation"}


def test_cli_text_groups_by_file_and_function(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["escapes", str(HINTS)]) == 0
    out = capsys.readouterr().out
    assert out.splitlines()[0].startswith(f"{HINTS}: 15 heap moves (go1.")
    assert "\nmain.go  (3 moved to heap · 10 escapes to heap · 2 leaking param)\n" in out
    assert "  newUser  (1 moved to heap · 1 leaking param)\n    24:2     moved to heap         u\n" in out
    assert "does not escape" not in out
    assert main(["escapes", str(HINTS), "--all"]) == 0
    assert "does not escape" in capsys.readouterr().out


def test_cli_ranks_with_http(allocsites: str, capsys: pytest.CaptureFixture[str]) -> None:
    main_go = GO_DIR / "allocsites" / "main.go"
    assert main(["escapes", str(main_go.parent), "--http", allocsites]) == 0
    out = capsys.readouterr().out
    assert "ranked by" in out
    first = next(line for line in out.splitlines() if line.startswith("    "))
    assert first.split()[0] == f"{_marked_line(main_go, '// hot site')}:13" and "%" in first
    assert main(["escapes", str(main_go.parent), "--http", allocsites, "--by", "inuse_space", "--json"]) == 0
    listed = json.loads(capsys.readouterr().out)
    top = max(listed, key=lambda h: h.get("profile_bytes", 0))
    assert (top["line"], top["profile_measure"]) == (_marked_line(main_go, "// leak site"), "inuse_space")


@pytest.mark.parametrize(("args", "message"), [
    pytest.param(["/nonexistent/dir"], "gctui: /nonexistent/dir: no such directory", id="missing"),
    pytest.param([str(Path(__file__).parent / "data")], "is not a Go package: it holds no .go files",
                 id="not-a-package"),
    pytest.param(["BROKEN"], "does not compile: ./main.go:", id="compile-error"),
    pytest.param([str(HINTS), "--http", "10.1.2.3:6060"], "only polls loopback", id="http-not-loopback"),
    pytest.param([str(HINTS), "--http", "127.0.0.1:9"], "cannot fetch http://127.0.0.1:9/debug/pprof/allocs",
                 id="http-refused"),
    pytest.param([str(HINTS), "NOGO"], "the Go toolchain (go) is not on PATH", id="no-go"),
])
def test_cli_errors_are_one_line_and_status_2(args: list[str], message: str, tmp_path: Path,
                                              capsys: pytest.CaptureFixture[str],
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    if args == ["BROKEN"]:
        args = [str(_broken(tmp_path))]
    if "NOGO" in args:
        args.remove("NOGO")
        monkeypatch.setenv("PATH", "/nonexistent")
        monkeypatch.setattr("tui.escapes.cache.SHARED", AnalysisCache())
    assert main(["escapes", *args]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert message in captured.err
    assert captured.err.count("\n") == 1 and captured.err.startswith("gctui: ")
