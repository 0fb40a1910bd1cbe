"""What ``gctui`` exits with, and what it says when its own output fails
(issue 12): real subprocesses, real Go programs, real /dev/full and pipes.

* ``run`` headless passes on the program's status (128+N for signal N), a
  ``go run`` that does not build is 2 with the compiler's words on stderr,
  and the terminal UI exits 0 on ``q``;
* a full disk, a closed pipe or an ASCII-only stdout is one line (or, for
  the pipe, nothing) and never a traceback;
* ``GODEBUG=gctrace=0`` in the environment is overridden, said once;
* ``export LOG -o LOG`` is refused.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
import uuid
from collections.abc import Callable
from pathlib import Path

import pytest

from hostile import SAMPLE, hostile_log

ROOT = Path(__file__).resolve().parent.parent
GCTUI = (sys.executable, "-m", "tui")


def gctui(*args: str, stdout: object = subprocess.PIPE, cwd: Path = ROOT, env: dict[str, str] | None = None,
          stdin: object = None) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run([*GCTUI, *args], stdout=stdout, stderr=subprocess.PIPE, cwd=cwd, stdin=stdin,
                          env={**os.environ, **(env or {})}, timeout=120)  # type: ignore[call-overload]


def assert_one_line(err: bytes, *words: str) -> None:
    text = err.decode()
    assert text.count("\n") == 1 and "Traceback" not in text and "Exception" not in text, text
    for word in words:
        assert word in text, text


# -- exit status of gctui run -------------------------------------------------------------


@pytest.mark.go
@pytest.mark.parametrize(
    "mode,args,status",
    [("--report", ["-mode", "exit", "-code", "3"], 3), ("--jsonl", ["-mode", "kill"], 128 + 9),
     ("--plain", ["-mode", "ok"], 0), ("--report", ["-mode", "panic"], 2)],
    ids=["exit-3", "killed", "ok", "panic"],
)
def test_run_exits_with_the_programs_status(go_build: Callable[[str], Path], mode: str, args: list[str],
                                            status: int) -> None:
    r = gctui("run", mode, "--", str(go_build("hostile")), *args)
    assert r.returncode == status, r.stderr
    assert b"Traceback" not in r.stderr


@pytest.mark.go
def test_a_go_run_that_does_not_build_is_2_with_the_compilers_message(tmp_path: Path) -> None:
    (tmp_path / "go.mod").write_text("module broken\n\ngo 1.19\n")
    (tmp_path / "main.go").write_text("package main\n\nfunc main() { undefinedThing() }\n")
    r = gctui("run", "--report", "--", "go", "run", ".", cwd=tmp_path)
    assert r.returncode == 2
    assert b"undefined: undefinedThing" in r.stderr and b"Traceback" not in r.stderr


@pytest.mark.go
def test_the_terminal_ui_exits_0_on_q_whatever_the_program_did(go_build: Callable[[str], Path],
                                                               tmp_path: Path) -> None:
    if shutil.which("tmux") is None:
        pytest.skip("tmux is not installed")
    status = tmp_path / "status"
    session = f"gctui-exit-{uuid.uuid4().hex[:8]}"
    command = " ".join([*GCTUI, "run", "--", str(go_build("hostile")), "-mode", "exit", "-code", "3",
                        ";", "echo", "$?", ">", str(status)])
    subprocess.run(["tmux", "new-session", "-d", "-s", session, "-x", "120", "-y", "40",
                    "-e", "TERM=xterm-256color", "-c", str(ROOT), command], check=True)
    try:
        deadline = time.monotonic() + 30
        while "ended (exit 3)" not in _pane(session) and time.monotonic() < deadline:
            time.sleep(0.2)
        assert "ended (exit 3)" in _pane(session)
        subprocess.run(["tmux", "send-keys", "-t", session, "q"], check=True)
        while not status.exists() and time.monotonic() < deadline:
            time.sleep(0.2)
        assert status.read_text().strip() == "0"
    finally:
        subprocess.run(["tmux", "kill-session", "-t", session], capture_output=True)


def _pane(session: str) -> str:
    return subprocess.run(["tmux", "capture-pane", "-p", "-t", session], capture_output=True, text=True).stdout


# -- GODEBUG that turns the trace off -----------------------------------------------------


@pytest.mark.go
def test_gctrace_0_in_the_environment_is_turned_back_on_and_said(go_build: Callable[[str], Path]) -> None:
    r = gctui("run", "--jsonl", "--", str(go_build("hostile")), "-mode", "ok",
              env={"GODEBUG": "gctrace=0,madvdontneed=1"})
    assert r.returncode == 0, r.stderr
    assert_one_line(r.stderr, "gctrace=0", "gctrace=1")
    rows = [json.loads(line) for line in r.stdout.splitlines()]
    assert sum(row["kind"] == "gc" for row in rows) >= 2
    told = next(row["text"] for row in rows if row.get("text", "").startswith("hostile GODEBUG="))
    entries = told.removeprefix("hostile GODEBUG=").split(",")
    assert "madvdontneed=1" in entries and "gctrace=1" in entries and "gctrace=0" not in entries


# -- output that cannot be written --------------------------------------------------------


@pytest.mark.parametrize(
    "args", [("report", str(SAMPLE)), ("report", "--json", str(SAMPLE)), ("export", str(SAMPLE)),
             ("export", "--format", "csv", str(SAMPLE)), ("--help",), ("open", "--no-follow", "--jsonl", str(SAMPLE)),
             ("open", "--no-follow", "--plain", str(SAMPLE))],
    ids=["report", "report-json", "export", "export-csv", "help", "open-jsonl", "open-plain"],
)
def test_a_full_disk_is_one_line(args: tuple[str, ...]) -> None:
    with open("/dev/full", "w") as full:
        r = gctui(*args, stdout=full)
    assert r.returncode == 2
    progress = b"gctui: loaded "  # the plain view's loading progress, not an error
    assert_one_line(b"".join(line for line in r.stderr.splitlines(True) if not line.startswith(progress)),
                    "No space left on device")


@pytest.mark.go
def test_run_jsonl_to_a_full_disk_is_one_line(go_build: Callable[[str], Path]) -> None:
    with open("/dev/full", "w") as full:
        r = gctui("run", "--jsonl", "--", str(go_build("hostile")), "-mode", "ok", stdout=full)
    assert r.returncode == 2
    assert_one_line(r.stderr, "No space left on device")


@pytest.mark.parametrize("args", [("export", str(SAMPLE)), ("report", "--json", str(SAMPLE))],
                         ids=["export", "report-json"])
def test_a_closed_pipe_ends_quietly(args: tuple[str, ...]) -> None:
    proc = subprocess.Popen([*GCTUI, *args], cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    assert proc.stdout is not None and proc.stderr is not None
    proc.stdout.readline()
    proc.stdout.close()  # like `| head -1`
    err = proc.stderr.read()
    assert proc.wait(timeout=60) in (0, 141)  # 0 when everything fit in the pipe already
    assert err == b""


@pytest.mark.parametrize(
    "args", [("report", "{log}"), ("report", "--json", "{log}"), ("export", "{log}"), ("compare", "{log}", "{log}"),
             ("open", "--no-follow", "--plain", "{log}"), ("--help",), ("report", "--help"), ("report", "{missing}")],
    ids=["report", "report-json", "export", "compare", "plain", "help", "report-help", "missing-file"],
)
def test_an_ascii_only_stdout_replaces_what_it_cannot_hold(args: tuple[str, ...], tmp_path: Path) -> None:
    log = tmp_path / "naïve µs log ✓.log"  # non-ASCII in the path too: it is echoed in errors
    log.write_bytes(hostile_log() + "ünïcode output ✓\n".encode())
    argv = [a.format(log=log, missing=tmp_path / "nö such.log") for a in args]
    r = gctui(*argv, env={"PYTHONIOENCODING": "ascii"})
    assert b"Traceback" not in r.stderr and b"UnicodeEncodeError" not in r.stderr, r.stderr
    if "{missing}" in args:
        assert r.returncode == 2
        assert_one_line(r.stderr, "no such file", "n? such.log")
    else:
        assert r.returncode == 0 and r.stdout
        r.stdout.decode("ascii")


# -- export -o onto its own input ---------------------------------------------------------


def test_export_onto_its_own_input_is_refused(tmp_path: Path) -> None:
    log = tmp_path / "app.log"
    log.write_bytes(SAMPLE.read_bytes())
    (tmp_path / "link.log").symlink_to(log)
    os.link(log, tmp_path / "hard.log")
    for output in (log, tmp_path / "link.log", tmp_path / "hard.log", Path(f"{tmp_path}/./app.log")):
        r = gctui("export", str(log), "-o", str(output))
        assert r.returncode == 2 and r.stdout == b""
        assert_one_line(r.stderr, "refusing to overwrite", str(output))
    with open(log, "rb") as stdin:
        r = gctui("export", "-", "-o", str(log), stdin=stdin)
    assert r.returncode == 2
    assert_one_line(r.stderr, "refusing to overwrite")
    assert log.read_bytes() == SAMPLE.read_bytes()  # untouched
    with open(os.devnull, "rb") as stdin:  # a device is no file to destroy
        assert gctui("export", "-", "-o", os.devnull, stdin=stdin).returncode == 0
    r = gctui("export", str(log), "-o", str(tmp_path / "out.jsonl"))
    assert r.returncode == 0 and (tmp_path / "out.jsonl").stat().st_size > 0
