"""The live commands from the command line, on real processes, files and pipes."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

SAMPLE = Path(__file__).parent / "data/samples/go1.19/gctrace1_schedtrace200.stderr.txt"


def gctui(*args: str, stdin: bytes | None = None, timeout: float = 60) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run([sys.executable, "-m", "tui.cli.main", *args], input=stdin,
                          capture_output=True, timeout=timeout)


@pytest.mark.go
def test_run_report_json(go_build: Callable[[str], Path]) -> None:
    r = gctui("run", "--report", "--json", "--", str(go_build("steady")), "-duration", "1500ms")
    assert r.returncode == 0, r.stderr
    summary = json.loads(r.stdout)
    assert summary["cycles"]["count"] >= 2 and summary["ended"]["exit_status"] == 0
    assert summary["lines"]["output"] >= 2  # the program's stdout ticks


@pytest.mark.go
def test_run_jsonl_records_the_exit_status(go_build: Callable[[str], Path]) -> None:
    r = gctui("run", "--jsonl", "--", str(go_build("panicker")))
    assert r.returncode == 2  # the panic's status, passed on
    rows = [json.loads(line) for line in r.stdout.splitlines()]
    kinds = {row["kind"] for row in rows}
    assert {"gc", "crash", "output", "end"} <= kinds
    assert rows[-1] == {"kind": "end", "reason": rows[-1]["reason"], "exit_status": 2, "signal": None}
    assert any("[bold]" in row.get("text", "") for row in rows)


def test_open_no_follow_and_stdin_agree() -> None:
    from_file = gctui("open", str(SAMPLE), "--no-follow", "--report", "--json")
    from_pipe = gctui("-", "--report", "--json", stdin=SAMPLE.read_bytes())
    assert from_file.returncode == from_pipe.returncode == 0, (from_file.stderr, from_pipe.stderr)
    a, b = json.loads(from_file.stdout), json.loads(from_pipe.stdout)
    assert a["cycles"] == b["cycles"] and a["cycles"]["count"] == 307
    assert a["lines"] == b["lines"]


def test_demo_headless() -> None:
    r = gctui("demo", "--speed", "100000", "--report", "--json")
    assert r.returncode == 0, r.stderr
    assert json.loads(r.stdout)["cycles"]["count"] > 1000


@pytest.mark.parametrize(
    "args,words",
    [
        (("run", "--", "/no/such/program"), "no such command"),
        (("attach", "999999999"), "no process"),
        (("attach", "-1"), "no process"),
        (("demo", "--speed", "nan"), "--speed"),
        (("demo", "--live", "--speed", "-1"), "--speed"),
        (("run", "--schedtrace", "-5", "--", "true"), "schedtrace"),
        (("open", "/no/such.log"), "no such file"),
        (("/no/such.log",), "no such file"),
    ],
    ids=["run-missing", "attach-missing", "attach-negative", "demo-speed-nan", "demo-live-speed",
         "run-schedtrace", "open-missing", "shorthand-missing"],
)
def test_errors_are_one_line(args: tuple[str, ...], words: str) -> None:
    r = gctui(*args)
    assert r.returncode == 2 and r.stdout == b""
    err = r.stderr.decode()
    assert err.count("\n") == 1 and words in err and "Traceback" not in err


def test_open_jsonl_equals_export_then_ends() -> None:
    opened = gctui("open", str(SAMPLE), "--no-follow", "--jsonl")
    exported = gctui("export", str(SAMPLE), "--format", "jsonl")
    assert opened.returncode == exported.returncode == 0
    rows = opened.stdout.splitlines()
    assert rows[:-1] == exported.stdout.splitlines()
    assert json.loads(rows[-1])["kind"] == "end"


def test_open_follows_appends_until_interrupted(tmp_path: Path) -> None:
    import signal
    import time

    log = tmp_path / "app.log"
    log.write_bytes(SAMPLE.read_bytes())
    proc = subprocess.Popen([sys.executable, "-m", "tui.cli.main", "open", str(log), "--jsonl"],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    assert proc.stdout is not None
    deadline = time.monotonic() + 30

    def read_until_cycle(n: int) -> None:
        while time.monotonic() < deadline:
            row = json.loads(proc.stdout.readline())  # type: ignore[union-attr]
            if row["kind"] == "gc" and row["n"] == n:
                return
        raise AssertionError(f"gc {n} never arrived")

    try:
        read_until_cycle(307)  # everything already in the file
        with log.open("a") as f:
            f.write("gc 308 @3.100s 9%: 0.01+1.0+0.01 ms clock, 0.02+0.1/1.0/0.5+0.02 ms cpu, "
                    "4->5->2 MB, 5 MB goal, 0 MB stacks, 0 MB globals, 2 P\n")
        read_until_cycle(308)  # and what was appended while followed
    finally:
        proc.send_signal(signal.SIGINT)
        rest, err = proc.communicate(timeout=30)
    assert proc.returncode == 0, err
    assert b"Traceback" not in err


@pytest.mark.go
def test_demo_live_builds_and_runs_the_bundled_program(go_build: Callable[[str], Path]) -> None:
    go_build("steady")  # skips, or fails under CI, exactly when Go is missing
    r = gctui("demo", "--live", "--speed", "12", "--report", "--json", timeout=120)
    assert r.returncode == 0, r.stderr
    summary = json.loads(r.stdout)
    assert summary["cycles"]["count"] > 10 and summary["cycles"]["segments"] == 1
    assert summary["ended"]["exit_status"] == 0 and summary["goroutines"]["max"] > 100


def test_dash_with_a_terminal_on_stdin_is_a_one_line_error() -> None:
    """`gctui -` typed at a prompt: no log is coming, and the keys would be read as one."""
    import os
    import subprocess
    import sys

    master, slave = os.openpty()
    try:
        done = subprocess.run([sys.executable, "-m", "tui", "-"], stdin=slave, capture_output=True,
                              text=True, timeout=30)
    finally:
        os.close(master)
        os.close(slave)
    assert done.returncode == 2
    assert done.stderr.count("\n") == 1 and "standard input is the terminal" in done.stderr
