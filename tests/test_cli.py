"""The real ``gctui`` command, run as a subprocess on every sample and on bad input.

Every file under tests/data/samples goes through ``report``, ``report --json``,
``export --format jsonl`` and ``export --format csv``. The runs are started
together once per module (a thread pool of subprocesses, one per core and
one more), and each sample's test checks its four results.
"""

from __future__ import annotations

import csv
import gzip
import io
import json
import os
import re
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Callable

import pytest

from gorun import run_workload
from parsers.events import LINE_KINDS

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = ROOT / "tests" / "data" / "samples"
ALL_SAMPLES = sorted(p for p in SAMPLES.rglob("*") if p.is_file())
GO119 = SAMPLES / "go1.19"
STEADY = GO119 / "gctrace1_schedtrace200.stderr.txt"
REQUIRED = {
    "source", "go_format", "lines", "cycles", "pause_ms", "gc_cpu_pct", "heap_live_mb",
    "heap_goal_mb", "heap_peak_mb", "goroutines", "findings",
}
KINDS = {
    "gc", "sched", "sched_detail", "scavenger", "pacer", "gc_forced", "runtime", "crash", "output",
    "malformed", "segment",
}
NO_TRACE = "no Go runtime trace found in this input"
SWEEP = {
    "report": ("report",),
    "json": ("report", "--json"),
    "jsonl": ("export", "--format", "jsonl"),
    "csv": ("export", "--format", "csv"),
}


def gctui(*args: str, stdin: bytes | None = None) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run(
        [sys.executable, "-m", "tui.cli.main", *args], input=stdin, capture_output=True, cwd=ROOT, timeout=120
    )


def ok(*args: str, stdin: bytes | None = None) -> bytes:
    """Run, insist on success with nothing on stderr, return stdout."""
    r = gctui(*args, stdin=stdin)
    assert r.returncode == 0, r.stderr.decode()
    assert r.stderr == b"", r.stderr.decode()
    return r.stdout


def assert_usage_error(r: subprocess.CompletedProcess[bytes], *words: str) -> None:
    err = r.stderr.decode()
    assert r.returncode == 2, err
    assert r.stdout == b""
    assert "Traceback" not in err
    assert err.startswith("gctui") and err.endswith("\n") and err.count("\n") == 1, err
    for word in words:
        assert word in err


def without_source(summary: dict[str, object]) -> dict[str, object]:
    return {k: v for k, v in summary.items() if k != "source"}


@pytest.fixture(scope="module")
def sweep() -> dict[tuple[Path, str], subprocess.CompletedProcess[bytes]]:
    jobs = {(p, name): (args[0], str(p), *args[1:]) for p in ALL_SAMPLES for name, args in SWEEP.items()}
    with ThreadPoolExecutor((os.cpu_count() or 1) + 1) as pool:
        futures = {key: pool.submit(gctui, *argv) for key, argv in jobs.items()}
        return {key: f.result() for key, f in futures.items()}


@pytest.mark.parametrize("path", ALL_SAMPLES, ids=lambda p: str(p.relative_to(SAMPLES)))
def test_every_sample_through_the_cli(sweep: dict[tuple[Path, str], subprocess.CompletedProcess[bytes]],
                                      path: Path) -> None:
    runs = {name: sweep[(path, name)] for name in SWEEP}
    for name, r in runs.items():
        assert r.returncode == 0, (name, r.stderr.decode())
        assert r.stderr == b"", (name, r.stderr.decode())
    summary = json.loads(runs["json"].stdout)
    assert REQUIRED <= summary.keys()
    lines = summary["lines"]
    assert lines.keys() == set(LINE_KINDS) | {"total"}
    assert sum(lines[k] for k in LINE_KINDS) == lines["total"]
    assert {"count", "first", "last", "forced", "segments"} <= summary["cycles"].keys()
    assert {"p50", "p99", "max"} <= summary["pause_ms"].keys()
    text = runs["report"].stdout.decode()
    assert text.startswith("gctui report: ") and "\x1b" not in text
    assert (NO_TRACE in text) == (not summary["trace_found"]) == (lines["gc"] + lines["sched"] == 0)
    events = [json.loads(line) for line in runs["jsonl"].stdout.decode().splitlines()]
    assert all(e["kind"] in KINDS for e in events)
    assert sum(e["kind"] == "gc" for e in events) == summary["cycles"]["count"]
    table = list(csv.reader(io.StringIO(runs["csv"].stdout.decode())))
    assert table[0][:3] == ["n", "t_s", "segment"]
    assert len(table) - 1 == summary["cycles"]["count"]


def expected_table() -> dict[str, dict[str, str]]:
    """tests/data/samples/public/EXPECTED.md: counts made by hand and grep."""
    rows: dict[str, dict[str, str]] = {}
    header: list[str] = []
    for line in (SAMPLES / "public" / "EXPECTED.md").read_text().splitlines():
        if not line.startswith("|") or line.startswith("|---"):
            continue
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if cells[0] == "File":
            header = cells
        else:
            rows[cells[0]] = dict(zip(header, cells))
    return rows


@pytest.mark.parametrize("name,row", sorted(expected_table().items()), ids=lambda v: str(v).split("-")[0])
def test_public_samples_match_their_hand_counts(
    sweep: dict[tuple[Path, str], subprocess.CompletedProcess[bytes]], name: str, row: dict[str, str]
) -> None:
    s = json.loads(sweep[(SAMPLES / "public" / name, "json")].stdout)
    lines = s["lines"]
    assert lines["total"] == int(row["total lines"])
    assert lines["sched"] == int(row["SCHED lines"])
    assert lines["scavenger"] == int(row["scavenger lines"])
    assert lines["pacer"] == int(row["pacer lines"])
    assert lines["sched_detail"] == int(row["P/M/G detail lines"])
    assert lines["gc_forced"] == int(row["`GC forced` lines"])
    assert s["cycles"]["forced"] == int(row["`(forced)` gc"])
    if lines["malformed"] == 0:  # a malformed gc line counts in the table, not as a cycle
        assert s["cycles"]["count"] == int(row["gc lines"])
        if row["first gc"] == "–":
            assert s["cycles"]["first"] is None and s["cycles"]["last"] is None
        else:
            assert (s["cycles"]["first"], s["cycles"]["last"]) == (int(row["first gc"]), int(row["last gc"]))


# -- sources -------------------------------------------------------------------------


def test_stdin_gives_the_same_report_as_the_file() -> None:
    from_file = json.loads(ok("report", "--json", str(STEADY)))
    from_stdin = json.loads(ok("report", "--json", "-", stdin=STEADY.read_bytes()))
    assert from_stdin["source"] == "stdin"
    assert without_source(from_stdin) == without_source(from_file)
    csv_from_stdin = ok("export", "-", "--format", "csv", stdin=STEADY.read_bytes())
    assert csv_from_stdin == ok("export", str(STEADY), "--format", "csv")


def test_gzip_files_read_like_the_plain_file(tmp_path: Path) -> None:
    data = STEADY.read_bytes()
    named = tmp_path / "steady.log.gz"
    named.write_bytes(gzip.compress(data))
    rotated = tmp_path / "steady.log.1"  # logrotate's compress keeps no .gz at times
    rotated.write_bytes(gzip.compress(data))
    plain = without_source(json.loads(ok("report", "--json", str(STEADY))))
    for path in (named, rotated):
        assert without_source(json.loads(ok("report", "--json", str(path)))) == plain
    # Recognised by its first bytes on stdin too.
    piped = json.loads(ok("report", "--json", "-", stdin=gzip.compress(data)))
    assert without_source(piped) == plain
    assert ok("export", str(named)) == ok("export", str(STEADY))


def test_a_log_with_no_trace_says_so(tmp_path: Path) -> None:
    log = tmp_path / "app.log"
    log.write_bytes(b"starting\nlistening on :8080\n\xff\xfe not utf-8\n")
    text = ok("report", str(log)).decode()
    assert NO_TRACE in text
    s = json.loads(ok("report", "--json", str(log)))
    assert s["trace_found"] is False and s["lines"]["output"] == s["lines"]["total"] == 3
    assert s["cycles"]["count"] == 0 and s["pause_ms"]["p99"] is None
    empty = tmp_path / "empty.log"
    empty.write_bytes(b"")
    assert NO_TRACE in ok("report", str(empty)).decode()
    assert ok("export", str(empty), "--format", "csv").decode().count("\n") == 1  # the header


def test_export_to_a_file(tmp_path: Path) -> None:
    out = tmp_path / "cycles.csv"
    assert ok("export", str(STEADY), "--format", "csv", "-o", str(out)) == b""
    assert out.read_bytes() == ok("export", str(STEADY), "--format", "csv")


def test_compare_two_logs_and_a_saved_report(tmp_path: Path) -> None:
    after = GO119 / "gomemlimit48_gogcoff_gctrace1.stderr.txt"
    text = ok("compare", str(STEADY), str(after)).decode()
    assert "STW pause p99" in text and "GC CPU" in text and "%" in text
    saved = tmp_path / "before.json"
    saved.write_bytes(ok("report", "--json", str(STEADY)))
    from_logs = json.loads(ok("compare", "--json", str(STEADY), str(after)))
    from_saved = json.loads(ok("compare", "--json", str(saved), str(after)))
    assert from_saved == from_logs
    assert {m["key"] for m in from_logs["metrics"]} >= {"stw_p99_ms", "gc_cpu_pct", "heap_live_max_mb"}


def test_a_closed_pipe_is_no_traceback() -> None:
    big = GO119 / "gomemlimit64_gctrace1_gcpacertrace1.stderr.txt"
    proc = subprocess.Popen([sys.executable, "-m", "tui.cli.main", "export", str(big)], cwd=ROOT,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    assert proc.stdout is not None and proc.stderr is not None
    proc.stdout.readline()
    proc.stdout.close()  # like `| head -1`
    err = proc.stderr.read().decode()
    proc.wait(timeout=60)
    assert "Traceback" not in err and "Exception" not in err


# -- errors -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "command", [("report",), ("report", "--json"), ("export",), ("export", "--format", "csv")]
)
def test_missing_file_and_directory(command: tuple[str, ...], tmp_path: Path) -> None:
    assert_usage_error(gctui(*command, str(tmp_path / "nope.log")), "no such file", "nope.log")
    assert_usage_error(gctui(*command, str(tmp_path)), "is a directory")


def test_compare_with_a_missing_side(tmp_path: Path) -> None:
    assert_usage_error(gctui("compare", str(STEADY), str(tmp_path / "gone.log")), "no such file")
    assert_usage_error(gctui("compare", "-", "-"), "stdin")


def test_unreadable_file(tmp_path: Path) -> None:
    candidates = []
    if os.geteuid() != 0:  # root reads a chmod 000 file anyway
        locked = tmp_path / "locked.log"
        locked.write_bytes(STEADY.read_bytes())
        locked.chmod(0)
        candidates.append(locked)
    write_only = Path("/proc/sys/vm/drop_caches")  # mode 0200: even root may not read it
    try:
        write_only.open("rb").close()
    except PermissionError:
        candidates.append(write_only)
    except OSError:
        pass
    if not candidates:
        pytest.skip("no file here that this user cannot read")
    for path in candidates:
        assert_usage_error(gctui("report", str(path)), "permission denied")


@pytest.mark.parametrize(
    "args,words",
    [
        (("report", "--bogus", str(STEADY)), ("--bogus",)),
        (("report",), ("SOURCE",)),
        (("export", str(STEADY), "--format", "xml"), ("xml",)),
        (("report", str(STEADY), "--threshold", "nope=1"), ("nope",)),
        (("report", str(STEADY), "--threshold", "stw-long.ms=abc"), ("stw-long.ms",)),
        (("report", str(STEADY), "--threshold", "no-equals-sign"), ("NAME=VALUE",)),
        (("compare", str(STEADY)), ("AFTER",)),
        (("frobnicate",), ("frobnicate",)),
    ],
    ids=["unknown-flag", "no-source", "bad-format", "unknown-threshold", "bad-threshold-value",
         "threshold-without-value", "compare-one-side", "unknown-command"],
)
def test_bad_flags(args: tuple[str, ...], words: tuple[str, ...]) -> None:
    assert_usage_error(gctui(*args), *words)


def test_not_gzip_although_named_gz_and_unwritable_output(tmp_path: Path) -> None:
    fake = tmp_path / "plain.log.gz"
    fake.write_bytes(STEADY.read_bytes())
    assert_usage_error(gctui("report", str(fake)), "not a gzip file")
    truncated = tmp_path / "cut.log.gz"
    truncated.write_bytes(gzip.compress(STEADY.read_bytes())[:500])
    assert_usage_error(gctui("report", str(truncated)), "truncated")
    assert_usage_error(gctui("export", str(STEADY), "-o", str(tmp_path)), "cannot write")


# -- a real Go program --------------------------------------------------------------------


@pytest.mark.go
def test_report_on_a_real_go_program_matches_a_regex_count(
    go_build: Callable[[str], Path], tmp_path: Path
) -> None:
    result = run_workload(
        go_build("steady"), ["-duration", "2s"], godebug="gctrace=1,schedtrace=200", gomaxprocs=2
    )
    assert result.returncode == 0, result.stderr_text
    log = tmp_path / "steady.stderr.txt"
    log.write_bytes(result.stderr)
    s = json.loads(ok("report", "--json", str(log)))
    data = result.stderr
    gc = re.findall(rb"^gc (\d+) @\d+\.\d{3}s \d+%: .* P( \(forced\))?$", data, re.M)
    sched = re.findall(rb"^SCHED \d+ms: gomaxprocs=2 ", data, re.M)
    total = data.count(b"\n") + (0 if data.endswith(b"\n") or not data else 1)
    assert len(gc) >= 3 and len(sched) >= 5
    assert s["lines"]["total"] == total
    assert s["lines"]["gc"] == s["cycles"]["count"] == len(gc)
    assert s["lines"]["sched"] == len(sched)
    assert s["lines"]["malformed"] == 0
    assert (s["cycles"]["first"], s["cycles"]["last"]) == (int(gc[0][0]), int(gc[-1][0]))
    assert s["cycles"]["forced"] == sum(1 for _, forced in gc if forced)
    assert s["sched"]["gomaxprocs"] == 2 and s["go_format"] == ["go1.18"]
    # Steady holds 8 MiB live and stays calm: low GC CPU, no storm.
    assert 7 <= s["heap_live_mb"]["last"] <= 10
    assert s["gc_cpu_pct"]["overall"] < 10
    csv_rows = ok("export", str(log), "--format", "csv").decode().count("\n") - 1
    assert csv_rows == len(gc)
