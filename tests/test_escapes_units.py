"""Escape hints without a Go toolchain: functions, editor, profile reader,
ranking, grouping, merging, source discovery and the cache.

The allocation profile fixture (``tests/data/escape/allocs_allocsites.pb.gz``)
is a real ``/debug/pprof/allocs`` of ``tests/go/allocsites`` (see the README
there); everything else is built here.
"""

from __future__ import annotations

import gzip
import os
import threading
import time
from pathlib import Path

import pytest

from parsers.escape import parse_escape_text
from parsers.escape_json import parse_escape_json
from parsers.events import EscapeHint
from tui.escapes.analyze import Analysis, PlacedHint, merge
from tui.escapes.cache import AnalysisCache, tree_state
from tui.escapes.editor import editor_command
from tui.escapes.funcs import FunctionIndex, func_name, function_spans, receiver_type
from tui.escapes.grouping import counts_text, group
from tui.escapes.kinds import HEAP_KINDS
from tui.escapes.locate import NoSource, SourceDir, SourceQuery, locate
from tui.escapes.pprof import ProfileError, decode_profile
from tui.escapes.ranking import AllocSites, alloc_sites, rank
from tui.units import format_bytes
from tui.escapes.toolchain import Toolchain

DATA = Path(__file__).parent / "data" / "escape"
PROFILE = (DATA / "allocs_allocsites.pb.gz").read_bytes()
RECORDED = "/work/main/tests/go/allocsites/main.go"  # the path the fixture's binary was built at


# -- functions -------------------------------------------------------------------------

GO = """package p

func plain(a int) int {
	return a
}

func (s *Store) Add(name string) {
	s.names = append(s.names, name)
}

func (p point) String() string { return "" }

func Map[T any](xs []T) []T {
	f := func() {}
	f()
	return xs
}

func (l *List[T]) Push(v T) {
}
var after = 1
func notGofmt() {
	x := 1
	_ = x
func next() {}
"""


def test_function_spans() -> None:
    spans = [(s.start, s.end, s.name) for s in function_spans(GO.splitlines())]
    assert spans == [
        (3, 5, "plain"), (7, 9, "(*Store).Add"), (11, 11, "point.String"), (13, 17, "Map"),
        (19, 20, "(*List).Push"), (22, 24, "notGofmt"), (25, 25, "next"),
    ]


@pytest.mark.parametrize(("line", "name"), [
    (4, "plain"), (8, "(*Store).Add"), (14, "Map"), (21, ""), (1, ""), (23, "notGofmt"),
])
def test_function_index(line: int, name: str) -> None:
    assert FunctionIndex(GO.splitlines()).at(line) == name


@pytest.mark.parametrize(("recv", "base"), [
    ("s *Store", "*Store"), ("*Store", "*Store"), ("p point", "point"), ("l *List[T]", "*List"),
    ("m Map[K, V]", "Map"), ("", ""),
])
def test_receiver_type(recv: str, base: str) -> None:
    assert receiver_type(recv) == base


def test_func_name_is_none_for_other_lines() -> None:
    assert func_name("var x = 1") is None


# -- editor ----------------------------------------------------------------------------

@pytest.mark.parametrize(("env", "argv"), [
    ({}, ["vi", "+12", "/s/a.go"]),
    ({"EDITOR": "nvim"}, ["nvim", "+12", "/s/a.go"]),
    ({"EDITOR": "vim", "VISUAL": "code --wait"}, ["code", "--wait", "--goto", "/s/a.go:12:3"]),
    ({"EDITOR": "/usr/bin/emacsclient -t"}, ["/usr/bin/emacsclient", "-t", "+12:3", "/s/a.go"]),
    ({"EDITOR": "nano"}, ["nano", "+12,3", "/s/a.go"]),
    ({"EDITOR": "hx"}, ["hx", "/s/a.go:12:3"]),
    ({"EDITOR": "subl -w"}, ["subl", "-w", "/s/a.go:12:3"]),
])
def test_editor_command(env: dict[str, str], argv: list[str]) -> None:
    assert editor_command("/s/a.go", 12, 3, environ=env) == argv


# -- the profile reader ----------------------------------------------------------------

def _varint(n: int) -> bytes:
    n &= (1 << 64) - 1
    out = bytearray()
    while True:
        byte = n & 0x7F
        n >>= 7
        if n:
            out.append(byte | 0x80)
        else:
            out.append(byte)
            return bytes(out)


def _len(number: int, payload: bytes) -> bytes:
    return _varint(number << 3 | 2) + _varint(len(payload)) + payload


def _num(number: int, value: int) -> bytes:
    return _varint(number << 3) + _varint(value)


def _packed(number: int, values: list[int]) -> bytes:
    return _len(number, b"".join(_varint(v) for v in values))


def _profile(packed: bool = True) -> bytes:
    strings = ["", "alloc_space", "bytes", "main.f", "/s/a.go", "main.g", "space"]
    sample_a = (_packed(1, [1, 2]) + _packed(2, [100]) if packed
                else _num(1, 1) + _num(1, 2) + _num(2, 100))
    sample_b = _packed(1, [2]) + _packed(2, [-5])
    loc1 = _num(1, 1) + _len(4, _num(1, 1) + _num(2, 7)) + _len(4, _num(1, 2) + _num(2, 30))
    loc2 = _num(1, 2) + _len(4, _num(1, 2) + _num(2, 31))
    body = (_len(1, _num(1, 1) + _num(2, 2)) + _len(2, sample_a) + _len(2, sample_b)
            + _len(4, loc1) + _len(4, loc2)
            + _len(5, _num(1, 1) + _num(2, 3) + _num(4, 4)) + _len(5, _num(1, 2) + _num(2, 5) + _num(4, 4))
            + b"".join(_len(6, s.encode()) for s in strings)
            + _len(11, _num(1, 6) + _num(2, 2)) + _num(12, 512 * 1024) + _num(10, 3_000_000_000))
    return body


@pytest.mark.parametrize("packed", [True, False], ids=["packed", "unpacked"])
def test_decode_constructed(packed: bool) -> None:
    p = decode_profile(gzip.compress(_profile(packed)))
    assert p.sample_types == (("alloc_space", "bytes"),)
    assert p.samples == (((1, 2), (100,)), ((2,), (-5,)))
    assert [(f.function, f.file, f.line) for f in p.locations[1]] == [("main.f", "/s/a.go", 7),
                                                                      ("main.g", "/s/a.go", 30)]
    assert p.period_type == ("space", "bytes") and p.period == 512 * 1024
    assert p.duration_nanos == 3_000_000_000
    sites = alloc_sites(p)
    # Inlined frames come first: the allocation is the outer function's line 30.
    assert sites.by_line == {("/s/a.go", 30): 100, ("/s/a.go", 31): -5}
    assert sites.total == 95


def test_leaf_only_keeps_the_allocation_site() -> None:
    full, leaf = decode_profile(PROFILE), decode_profile(PROFILE, leaf_only=True)
    assert [ids[:1] for ids, _ in full.samples] == [ids for ids, _ in leaf.samples]
    assert [values for _, values in full.samples] == [values for _, values in leaf.samples]
    assert (alloc_sites(full).by_line, alloc_sites(full).total) == (alloc_sites(leaf).by_line, alloc_sites(leaf).total)
    for packed in (True, False):
        assert decode_profile(_profile(packed), leaf_only=True).samples == (((1,), (100,)), ((2,), (-5,)))


@pytest.mark.parametrize("data", [
    pytest.param(b"\x1f\x8b\x08\x00garbage", id="bad-gzip"),
    pytest.param(gzip.compress(_profile())[:-20], id="cut-gzip"),
    pytest.param(_profile()[:-3], id="cut-message"),
    pytest.param(b"\x0f" * 8, id="wire-type-7"),
    pytest.param(b"\xff" * 12, id="endless-varint"),
])
def test_decode_errors(data: bytes) -> None:
    with pytest.raises(ProfileError):
        decode_profile(data)


def test_real_allocs_profile() -> None:
    p = decode_profile(PROFILE)
    assert [k for k, _ in p.sample_types] == ["alloc_objects", "alloc_space", "inuse_objects", "inuse_space"]
    sites = alloc_sites(p)
    hot, cold = sites.by_line[(RECORDED, 31)], sites.by_line[(RECORDED, 36)]
    assert 7 < hot / cold < 9  # hot allocates 8 KiB for every 1 KiB of cold
    assert (hot + cold) / sites.total > 0.95
    assert sites.functions[(RECORDED, 31)] == "main.hot"
    # The leak site allocates little but keeps it all: it leads by bytes in use.
    assert max(sites.inuse_by_line, key=sites.inuse_by_line.__getitem__) == (RECORDED, 41)
    assert sites.inuse_by_line[(RECORDED, 41)] / sites.inuse_total > 0.9


def test_profile_without_alloc_space() -> None:
    from tui.escapes.ranking import RankingError  # noqa: F811

    p = decode_profile(_profile())
    with pytest.raises(RankingError, match="no inuse_space values"):
        alloc_sites(p, sample="inuse_space")


# -- ranking and grouping --------------------------------------------------------------

def _hint(line: int, column: int, kind: str, subject: str, file: str = "./main.go") -> EscapeHint:
    return EscapeHint(file=file, line=line, column=column, hint=kind, subject=subject,
                      message=f"{kind}: {subject}")


def _analysis(root: str, hints: list[tuple[EscapeHint, str]]) -> Analysis:
    directory = f"{root}/allocsites"
    placed = tuple(PlacedHint(h, None if h.file.startswith("<") else os.path.join(directory, h.file[2:]), fn)
                   for h, fn in hints)
    return Analysis(directory=directory, how="test", go_version="go1.19.8", mode="json", hints=placed,
                    module_root=root, module_path="gctui.invalid/workloads")


ALLOCSITES = [  # what the compiler says of tests/go/allocsites, as the fixture profile saw it
    (_hint(29, 6, "can_inline", "hot"), "hot"),
    (_hint(31, 13, "escapes_to_heap", "make([]byte, n)"), "hot"),
    (_hint(36, 13, "escapes_to_heap", "make([]byte, n)"), "cold"),
    (_hint(50, 14, "does_not_escape", "... argument"), "main"),
    (_hint(53, 5, "escapes_to_heap", "func literal"), "main"),
    (_hint(53, 28, "escapes_to_heap", "&http.Server{...}"), "main"),
    (_hint(1, 0, "escapes_to_heap", "x", file="<autogenerated>"), "<autogenerated>"),
    (_hint(41, 26, "escapes_to_heap", "make([]byte, n)"), "keep"),
]


@pytest.mark.parametrize("root", ["/work/main/tests/go", "/elsewhere/checkout/tests/go"],
                         ids=["same-path", "other-checkout"])
def test_rank_by_allocated_bytes(root: str) -> None:
    analysis = _analysis(root, ALLOCSITES)
    ranking = rank(analysis, alloc_sites(decode_profile(PROFILE)))
    assert ranking.order[:2] == (1, 2)
    assert 0.85 < ranking.share(1) < 0.92
    assert ranking.describe(1).startswith("this escape accounts for 88 % of allocated bytes (63.1 MiB)")
    assert ranking.bytes[0] == ranking.bytes[3] == 0  # not allocating kinds
    assert ranking.sharing[4] == ranking.sharing[5] == 2
    assert "shared by 2 escapes" in ranking.describe(4)
    grouped = group(analysis, ranking)
    top = grouped.rows[grouped.top]
    assert (top.function, top.index) == ("hot", 1)
    assert [r.function for r in grouped.rows if r.level == "function"] == [
        "hot", "cold", "keep", "main", "<autogenerated>"]
    inuse = rank(analysis, alloc_sites(decode_profile(PROFILE)), "inuse_space")
    assert inuse.order[0] == 7 and inuse.measure == "inuse_space"
    assert inuse.describe(7).startswith("this escape accounts for 9")
    assert "of bytes in use" in inuse.describe(7)
    assert group(analysis, inuse).rows[group(analysis, inuse).top].index == 7


def test_trimpath_names_match() -> None:
    analysis = _analysis("/src/tests/go", ALLOCSITES)
    sites = AllocSites({("gctui.invalid/workloads/allocsites/main.go", 36): 10}, total=40)
    ranking = rank(analysis, sites)
    assert ranking.order == (2,) and ranking.share(2) == 0.25


def test_another_package_with_the_same_file_name_does_not_match() -> None:
    analysis = _analysis("/src/tests/go", ALLOCSITES)
    sites = AllocSites({("/other/lib/allocsites/main.go", 31): 10},
                       {("/other/lib/allocsites/main.go", 31): "example.com/lib.hot"}, total=10)
    assert rank(analysis, sites).order == ()


def test_group_without_profile_puts_heap_moves_first() -> None:
    analysis = _analysis("/r", [
        (_hint(5, 2, "does_not_escape", "x"), "f"),
        (_hint(6, 2, "escapes_to_heap", "b"), "f"),
        (_hint(4, 9, "leaking_param", "p"), "f"),
        (_hint(3, 2, "moved_to_heap", "a"), "f"),
        (_hint(9, 2, "moved_to_heap", "c"), "Second"),
        (_hint(2, 2, "escapes_to_heap", "d", file="./b.go"), "h"),
    ])
    every = group(analysis, kinds=None)
    assert [(r.level, r.file, r.function, r.index) for r in every.rows] == [
        ("file", "main.go", "", None), ("function", "main.go", "f", None),
        ("hint", "main.go", "f", 3), ("hint", "main.go", "f", 1), ("hint", "main.go", "f", 2),
        ("hint", "main.go", "f", 0),
        ("function", "main.go", "Second", None), ("hint", "main.go", "Second", 4),
        ("file", "b.go", "", None), ("function", "b.go", "h", None), ("hint", "b.go", "h", 5),
    ]
    assert every.rows[every.top].index == 3
    assert counts_text(every.rows[0].counts) == ("2 moved to heap · 1 escapes to heap · "
                                                "1 leaking param · 1 does not escape")
    heap = group(analysis)
    assert heap.shown == 5 and heap.total == 6
    assert [r.index for r in group(analysis, path_filter="B.GO").rows if r.index is not None] == [5]
    assert [r.index for r in group(analysis, path_filter="second", kinds=None).rows if r.index is not None] == [4]
    assert group(analysis, kinds=frozenset({"other"})).rows == ()


def test_format_bytes() -> None:
    assert [format_bytes(n) for n in (12, 2048, 5 << 20, 3 << 30)] == ["12 B", "2.0 KiB", "5.0 MiB", "3.0 GiB"]


# -- merging one build's JSON and text -------------------------------------------------

def test_merge_takes_each_kind_from_one_side() -> None:
    text = parse_escape_text((DATA / "escapes_m1.txt").read_text())
    json_hints = parse_escape_json("".join(p.read_text() for p in sorted((DATA / "escapes_json").rglob("*.json"))),
                                   base_dir="/home/dev/escapes")
    merged = merge(text, json_hints)
    kinds = {h.hint for h in merged}
    assert {"does_not_escape", "can_inline", "inlining_call", "moved_to_heap", "cannot_inline"} <= kinds
    for h in merged:
        if h.hint in HEAP_KINDS and h.file != "<autogenerated>":
            assert h.explanation, h  # every heap move comes explained (from the JSON)
    assert all(h.subject for h in merged if h.hint == "can_inline")  # names from the text
    # Nothing is counted twice: every text escape is there once.
    key = lambda h: (h.file, h.line, h.column, h.hint, h.subject)  # noqa: E731
    assert sorted(key(h) for h in merged if h.hint in HEAP_KINDS) == sorted(
        key(h) for h in text if h.hint in HEAP_KINDS)
    assert [(h.line, h.column or 0) for h in merged if h.file == "./main.go"] == sorted(
        (h.line, h.column or 0) for h in merged if h.file == "./main.go")


# -- finding the source ----------------------------------------------------------------

@pytest.fixture
def module(tmp_path: Path) -> Path:
    (tmp_path / "go.mod").write_text('module "example.com/app"\n\ngo 1.19\n')
    for pkg in ("cmd/server", "lib"):
        (tmp_path / pkg).mkdir(parents=True)
        (tmp_path / pkg / "main.go").write_text("package main\n")
    return tmp_path


@pytest.mark.parametrize(("command", "where", "targets"), [
    (("go", "run", "./cmd/server", "-port", "1"), "cmd/server", (".",)),
    (("go", "run", "-race", "example.com/app/cmd/server"), "cmd/server", (".",)),
    (("go", "run", "."), "", (".",)),
    (("/usr/local/go/bin/go", "run", "lib/main.go", "lib/x.go"), "lib", ("main.go", "x.go")),
])
def test_locate_go_run(module: Path, command: tuple[str, ...], where: str, targets: tuple[str, ...]) -> None:
    found = locate(SourceQuery(command=command, cwd=str(module)))
    assert isinstance(found, SourceDir)
    assert found.path == str(module / where) if where else str(module)
    assert found.targets == targets
    assert found.how.startswith("go run")


@pytest.mark.parametrize(("query", "message"), [
    (SourceQuery(command=("go", "run", "golang.org/x/tools/cmd/stringer")), "not a package of the module here"),
    (SourceQuery(command=("go", "run")), "go run needs a package"),
    (SourceQuery(src_dir="nope"), "nope: no such directory"),
    (SourceQuery(), "no Go program to find the source of"),
    (SourceQuery(command=("sh", "-c", "true")), "cannot read the build information of sh"),
])
def test_locate_says_how_to_point_at_the_source(module: Path, query: SourceQuery, message: str) -> None:
    found = locate(SourceQuery(query.src_dir, query.command, str(module), query.pid))
    assert isinstance(found, NoSource)
    assert message in found.message
    if "no such directory" not in message:
        assert "--src DIR" in found.message


def test_locate_src_dir_wins(module: Path) -> None:
    found = locate(SourceQuery(src_dir="lib", command=("go", "run", "./cmd/server"), cwd=str(module)))
    assert found == SourceDir(str(module / "lib"), "--src lib")


def test_for_source_reads_what_a_source_knows() -> None:
    class Launch:
        argv = ["go", "run", "."]
        cwd = "/w"

    class Attach:
        pid = 42

    assert SourceQuery.for_source(Launch(), "x") == SourceQuery("x", ("go", "run", "."), "/w", None)
    assert SourceQuery.for_source(Attach()) == SourceQuery(None, (), None, 42)
    assert SourceQuery.for_source(object()) == SourceQuery()


# -- the cache -------------------------------------------------------------------------

def test_tree_state_follows_go_files_and_module_files(module: Path) -> None:
    source = SourceDir(str(module / "cmd/server"), "test")
    before = tree_state(source)
    (module / "README.md").write_text("not Go")
    (module / ".git").mkdir()
    (module / ".git" / "x.go").write_text("hidden")
    assert tree_state(source) == before
    (module / "lib" / "main.go").write_text("package main\n\nfunc f() {}\n")  # another package counts
    changed = tree_state(source)
    assert changed != before
    (module / "go.sum").write_text("")
    assert tree_state(source) != changed


def test_cache_builds_once_per_state(module: Path) -> None:
    cache = AnalysisCache()
    calls: list[str] = []
    gate = threading.Event()

    def run(source: SourceDir, **_: object) -> Analysis:
        calls.append(source.path)
        gate.wait(2)
        return Analysis(source.path, "test", "go1.19.8", "json", ())

    source = SourceDir(str(module / "lib"), "test")
    toolchain = Toolchain("go", "go1.19.8")
    results: list[Analysis] = []
    threads = [threading.Thread(target=lambda: results.append(cache.get(source, toolchain, run=run)))
               for _ in range(3)]
    for t in threads:
        t.start()
    time.sleep(0.2)
    gate.set()
    for t in threads:
        t.join(5)
    assert len(calls) == 1 and len(results) == 3 and results[0] is results[1] is results[2]
    os.utime(module / "lib" / "main.go", ns=(1, 1))
    cache.get(source, toolchain, run=run)
    assert len(calls) == 2 and cache.builds == 2


@pytest.mark.parametrize(("version", "supported"), [
    ("go1.19.8", True), ("go1.16", True), ("go1.15.15", False), ("go1.12", False),
    ("devel go1.24-abcdef", True), ("devel +abc", True),
])
def test_json_support_by_version(version: str, supported: bool) -> None:
    assert Toolchain("go", version).json_supported is supported


# -- the command line ------------------------------------------------------------------

def test_run_takes_src_and_http_for_the_app(tmp_path: Path) -> None:
    from tui.cli.main import build_parser

    args = build_parser().parse_args(["run", "--src", str(tmp_path), "--http", ":6060", "--", "./prog"])
    assert (args.src, args.http, args.command) == (str(tmp_path), ":6060", ["--", "./prog"])
    assert SourceQuery.for_source(type("S", (), {"argv": ["./prog"], "cwd": None})(), args.src).src_dir == str(tmp_path)


@pytest.mark.parametrize(("argv", "message"), [
    (["run", "--src", "/nonexistent", "--", "x"], "argument --src: not a directory: /nonexistent"),
    (["run", "--http", "10.0.0.1:80", "--", "x"], "only polls loopback addresses"),
    (["run", "--http", "nope", "--", "x"], "expected HOST:PORT"),
    (["escapes", "--by", "nothing"], "argument --by: invalid choice"),
])
def test_bad_escape_options_are_one_line_and_status_2(argv: list[str], message: str,
                                                      capsys: pytest.CaptureFixture[str]) -> None:
    from tui.cli.main import main

    with pytest.raises(SystemExit) as exit_:
        main(argv)
    assert exit_.value.code == 2
    err = capsys.readouterr().err
    assert message in err and err.count("\n") == 1
