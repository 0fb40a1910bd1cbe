"""The one open, through the real command: inputs that are not yet, or never
will be, a readable log.

An empty file is a file that has not grown yet: what is appended later
arrives. A directory or a file that cannot be read is one line and exit 2.
A FIFO with no writer waits, and Ctrl-C ends the wait cleanly.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
GC = ("gc {n} @{n}.000s 1%: 0.01+1.0+0.01 ms clock, 0.02+0.1/1.0/0.5+0.02 ms cpu, "
      "4->5->2 MB, 5 MB goal, 0 MB stacks, 0 MB globals, 2 P\n")
DEADLINE_S = 20.0


def _start(*args: str, prefix: tuple[str, ...] = ()) -> subprocess.Popen[str]:
    env = dict(os.environ, PYTHONPATH=str(ROOT), PYTHONUNBUFFERED="1")
    return subprocess.Popen([*prefix, sys.executable, "-m", "tui", *args], cwd=ROOT, env=env, text=True,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, stdin=subprocess.DEVNULL)


def _read_json_lines(proc: subprocess.Popen[str], until: int) -> list[dict[str, object]]:
    """Lines of --jsonl output until ``until`` gc records arrived (or the deadline)."""
    assert proc.stdout is not None
    rows: list[dict[str, object]] = []
    deadline = time.monotonic() + DEADLINE_S
    while sum(r["kind"] == "gc" for r in rows) < until:
        assert time.monotonic() < deadline, f"only {rows} arrived"
        line = proc.stdout.readline()
        if not line:
            break
        rows.append(json.loads(line))
    return rows


def _stop(proc: subprocess.Popen[str]) -> tuple[int, str, str]:
    proc.send_signal(signal.SIGINT)
    out, err = proc.communicate(timeout=DEADLINE_S)
    return proc.returncode, out, err


def test_an_empty_file_is_a_file_that_has_not_grown_yet(tmp_path: Path) -> None:
    log = tmp_path / "app.log"
    log.write_bytes(b"")  # ./server 2>app.log & gctui app.log, before the first cycle
    proc = _start("open", str(log), "--jsonl")
    try:
        time.sleep(0.5)  # the writer is a program: it writes whenever it likes
        with open(log, "a") as w:
            w.write(GC.format(n=1) + "hello\n" + GC.format(n=2))
        rows = _read_json_lines(proc, until=2)
        assert [r["n"] for r in rows if r["kind"] == "gc"] == [1, 2]
        assert [r["line_no"] for r in rows if r["kind"] != "gc"] == [2]
    finally:
        status, _, err = _stop(proc)
    assert status == 0, err
    assert "Traceback" not in err


def _one_line_error(args: list[str], prefix: tuple[str, ...] = ()) -> str:
    proc = _start(*args, prefix=prefix)
    out, err = proc.communicate(timeout=DEADLINE_S)
    assert proc.returncode == 2, (out, err)
    assert out == "" and "Traceback" not in err
    assert len(err.strip().splitlines()) == 1, err
    return err.strip()


@pytest.mark.parametrize("command", [["open"], ["report"], ["export"], ["open", "--jsonl"]])
def test_a_directory_is_one_line_and_exit_2(tmp_path: Path, command: list[str]) -> None:
    args = [*command[:1], str(tmp_path), *command[1:]]
    assert _one_line_error(args) == f"gctui: {tmp_path} is a directory, not a log file"


@pytest.mark.parametrize("command", [["open", "--jsonl"], ["report"], ["export"], ["open", "--plain"]])
def test_an_unreadable_file_is_one_line_and_exit_2(tmp_path: Path, command: list[str]) -> None:
    log = tmp_path / "secret.log"
    log.write_text(GC.format(n=1))
    log.chmod(0)
    prefix: tuple[str, ...] = ()
    if os.geteuid() == 0:  # root reads anything: drop the capabilities that let it
        setpriv = shutil.which("setpriv")
        if setpriv is None:
            pytest.skip("running as root without setpriv: the file cannot be made unreadable")
        prefix = (setpriv, "--bounding-set=-dac_override,-dac_read_search", "--")
    args = [*command[:1], str(log), *command[1:]]
    assert _one_line_error(args, prefix) == f"gctui: cannot read {log}: permission denied"


def test_a_fifo_with_no_writer_waits_and_ctrl_c_ends_it(tmp_path: Path) -> None:
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    proc = _start("open", str(fifo), "--jsonl")
    time.sleep(1.0)  # it must be waiting, not blocked in open() where SIGINT is lost
    assert proc.poll() is None
    start = time.monotonic()
    status, out, err = _stop(proc)
    assert status == 0, err
    assert time.monotonic() - start < 3
    assert json.loads(out.splitlines()[-1])["kind"] == "end"
    assert "Traceback" not in err


def test_a_fifo_gives_every_line_of_a_late_writer(tmp_path: Path) -> None:
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    proc = _start("open", str(fifo), "--jsonl")
    time.sleep(0.5)
    with open(fifo, "w") as w:
        for n in range(1, 101):
            w.write(GC.format(n=n))
    out, err = proc.communicate(timeout=DEADLINE_S)
    assert proc.returncode == 0, err
    rows = [json.loads(line) for line in out.splitlines()]
    assert [r["n"] for r in rows if r["kind"] == "gc"] == list(range(1, 101))
    assert rows[-1]["kind"] == "end"
