"""ProcessSource: launching real programs, with the tracing environment, the
process group, the pipes and the build of ``go run`` that gctui run relies on.

Each run happens in a thread that feeds a real Feeder and Model, as the app's
worker does; tests wait on the items that arrive (with a deadline), never on
sleeps.
"""

from __future__ import annotations

import os
import signal
import threading
import time
from collections.abc import Callable
from pathlib import Path

import psutil
import pytest

from gorun import GO_MODULE
from tui.ingest.feed import Feeder
from tui.model import Model
from tui.sources.samples import ProcessSample
from tui.sources.base import Chunk, Ended, EnvUpdate, Item, Notice, SourceError
from tui.sources.gobuild import GoRunError, is_go_run, parse_go_run
from tui.sources.godebug import (
    RuntimeSettings,
    gctrace_off,
    merge_godebug,
    parse_gomemlimit,
    runtime_settings,
    strip_trace,
)
from tui.sources.process import ProcessSource

DEADLINE_S = 20.0


class Watched:
    """A source running in its own thread, feeding a model there."""

    def __init__(self, source: ProcessSource) -> None:
        self.model = Model()
        self.feeder = Feeder(self.model)
        self.items: list[Item] = []
        self.stop = threading.Event()
        self.error: BaseException | None = None
        self._cond = threading.Condition()
        self._done = False
        self._thread = threading.Thread(target=self._run, args=(source,), daemon=True)
        self._thread.start()

    def _run(self, source: ProcessSource) -> None:
        try:
            source.run(self._emit, self.stop)
        except BaseException as err:  # reported by finish()
            self.error = err
        finally:
            with self._cond:
                self._done = True
                self._cond.notify_all()

    def _emit(self, item: Item) -> None:
        self.feeder.feed(item)
        with self._cond:
            self.items.append(item)
            self._cond.notify_all()

    def wait_for(self, pred: Callable[[Item], bool], timeout: float = DEADLINE_S) -> Item:
        """The first item matching ``pred``, waiting for it up to ``timeout`` s."""
        def found() -> Item | None:
            return next((i for i in self.items if pred(i)), None)

        with self._cond:
            self._cond.wait_for(lambda: found() is not None or self._done, timeout)
            item = found()
        seen = [i for i in self.items if not isinstance(i, Chunk)]
        assert item is not None, f"no matching item; got {seen}"
        return item

    def pid(self) -> int:
        """The child's pid, once the source has reported it."""
        item = self.wait_for(lambda i: isinstance(i, EnvUpdate) and i.pid is not None)
        assert isinstance(item, EnvUpdate) and item.pid is not None
        return item.pid

    def finish(self, timeout: float = DEADLINE_S) -> Ended:
        """Wait for the source to return; its Ended item."""
        self._thread.join(timeout)
        assert not self._thread.is_alive(), "the source did not return"
        if self.error is not None:
            raise self.error
        ended = [i for i in self.items if isinstance(i, Ended)]
        assert len(ended) == 1, ended
        return ended[0]

    def data(self, stream: str) -> bytes:
        with self._cond:
            return b"".join(i.data for i in self.items if isinstance(i, Chunk) and i.stream == stream)

    def notices(self, level: str) -> list[str]:
        with self._cond:
            return [i.text for i in self.items if isinstance(i, Notice) and i.level == level]


def base_env(**extra: str) -> dict[str, str]:
    """os.environ without runtime settings from the developer's shell."""
    env = {k: v for k, v in os.environ.items() if k not in ("GODEBUG", "GOGC", "GOMEMLIMIT", "GOMAXPROCS")}
    env.update(extra)
    return env


# -- pure parts --------------------------------------------------------------------


@pytest.mark.parametrize(
    "user, options, merged",
    [
        (None, {}, "gctrace=1,schedtrace=1000"),
        ("", {"schedtrace_ms": 250}, "gctrace=1,schedtrace=250"),
        ("madvdontneed=1", {}, "madvdontneed=1,gctrace=1,schedtrace=1000"),
        ("gctrace=2,schedtrace=5000", {}, "gctrace=2,schedtrace=5000"),  # the user's values win
        ("invalidptr=0,,", {"schedtrace_ms": 0}, "invalidptr=0,gctrace=1"),
        ("scheddetail=0", {"scheddetail": True}, "gctrace=1,schedtrace=1000,scheddetail=1"),
        (
            "x",
            {"scavtrace": True, "pacertrace": True},
            "x,gctrace=1,schedtrace=1000,scavtrace=1,gcpacertrace=1",
        ),
        ("gctrace=0,madvdontneed=1", {}, "madvdontneed=1,gctrace=1,schedtrace=1000"),  # off: replaced
        ("gctrace=1,gctrace=0", {}, "gctrace=1,schedtrace=1000"),  # the last entry is the one in force
        ("gctrace=0,gctrace=2", {}, "gctrace=0,gctrace=2,schedtrace=1000"),  # on in the end: kept
    ],
    ids=["unset", "period", "user-kept", "user-wins", "empty-fields-no-sched", "asked-overrides", "options",
         "gctrace-off", "gctrace-off-last", "gctrace-on-last"],
)
def test_merge_godebug(user: str | None, options: dict, merged: str) -> None:
    assert merge_godebug(user, **options) == merged


@pytest.mark.parametrize(
    "user, off",
    [(None, None), ("gctrace=1", None), ("gctrace=2", None), ("gctrace=0", "0"), ("gctrace=-1", "-1"),
     ("gctrace=yes", "yes"), ("gctrace=", ""), ("gctrace=1,gctrace=0", "0"), ("madvdontneed=1", None)],
)
def test_gctrace_off_reads_the_value_as_the_runtime_does(user: str | None, off: str | None) -> None:
    assert gctrace_off(user) == off


def test_strip_trace_keeps_other_settings() -> None:
    assert strip_trace("gctrace=1,madvdontneed=1,schedtrace=1000,scheddetail=1") == "madvdontneed=1"


@pytest.mark.parametrize(
    "text, limit",
    [
        (None, None),
        ("", None),
        ("off", None),
        ("9223372036854775807", None),  # math.MaxInt64 is what "off" means
        ("0", 0),
        ("1048576", 1 << 20),
        ("100B", 100),
        ("64KiB", 64 << 10),
        ("512MiB", 512 << 20),
        ("2GiB", 2 << 30),
        ("1TiB", 1 << 40),
        ("-0", 0),  # the runtime's atoi64 takes a sign
    ],
)
def test_parse_gomemlimit(text: str | None, limit: int | None) -> None:
    assert parse_gomemlimit(text) == limit


@pytest.mark.parametrize(
    "text", ["64MB", "64M", "64 MiB", "+64MiB", "-1", "1_000", "1.5GiB", "B", "MiB", "8388608TiB", "OFF"]
)
def test_parse_gomemlimit_rejects_what_the_runtime_rejects(text: str) -> None:
    with pytest.raises(ValueError):
        parse_gomemlimit(text)


def test_runtime_settings_and_their_warnings() -> None:
    assert runtime_settings({"GOGC": "off", "GOMEMLIMIT": "48MiB", "GOMAXPROCS": "2"}) == RuntimeSettings(
        "off", 48 << 20, 2
    )
    bad = runtime_settings({"GOMEMLIMIT": "48MB", "GOMAXPROCS": "zero"})
    assert (bad.gogc, bad.gomemlimit_b, bad.gomaxprocs) == (None, None, None)
    assert "malformed GOMEMLIMIT" in bad.warnings[0] and "GOMAXPROCS" in bad.warnings[1]


@pytest.mark.parametrize(
    "argv, flags, packages, args",
    [
        (["go", "run", "."], (), (".",), ()),
        (["go", "run", "./cmd/x"], (), ("./cmd/x",), ()),
        (["go", "run", "main.go", "a", "b"], (), ("main.go",), ("a", "b")),
        (["go", "run", "a.go", "b.go", "-v"], (), ("a.go", "b.go"), ("-v",)),
        (["go", "run", "-race", ".", "-flag"], ("-race",), (".",), ("-flag",)),
        (
            ["go", "run", "-tags", "x y", "-gcflags=-m", "./p", "-n", "3"],
            ("-tags", "x y", "-gcflags=-m"),
            ("./p",),
            ("-n", "3"),
        ),
        (["/usr/bin/go", "run", "--", "./p", "--", "z"], (), ("./p",), ("--", "z")),
    ],
    ids=["dot", "dir", "file-args", "files", "race", "value-flags", "dashdash"],
)
def test_parse_go_run(argv: list[str], flags: tuple, packages: tuple, args: tuple) -> None:
    assert is_go_run(argv)
    plan = parse_go_run(argv)
    assert (plan.build_flags, plan.packages, plan.program_args) == (flags, packages, args)


def test_parse_go_run_names_and_refusals() -> None:
    assert parse_go_run(["go", "run", "main.go"]).name == "main"
    assert parse_go_run(["go", "run", "example.com/tool/v2"]).name == "tool"
    assert parse_go_run(["go", "run", "."], cwd="/src/steady").name == "steady"
    assert parse_go_run(["go", "run", "-exec", "env X=1", "."]).exec_prefix == ("env", "X=1")
    assert not is_go_run(["go", "build", "."]) and not is_go_run(["gopher", "run"])
    refused = (["go", "run"], ["go", "run", "-race"], ["go", "run", "golang.org/x/tools/cmd/stringer@latest"])
    for argv in refused:
        with pytest.raises(GoRunError):
            parse_go_run(argv)


# -- refusals before anything starts -------------------------------------------------


def test_missing_and_non_executable_commands(tmp_path: Path) -> None:
    with pytest.raises(SourceError, match="no such command: gctui-no-such-command"):
        ProcessSource(["gctui-no-such-command"])
    with pytest.raises(SourceError, match="no such command"):
        ProcessSource([str(tmp_path / "missing")])
    script = tmp_path / "prog.sh"
    script.write_text("#!/bin/sh\necho hi\n")
    script.chmod(0o644)
    with pytest.raises(SourceError, match="is not executable"):
        ProcessSource([str(script)])
    with pytest.raises(SourceError, match="is not executable"):
        ProcessSource(["prog.sh"], env=base_env(PATH=str(tmp_path)))
    with pytest.raises(SourceError, match="is not executable"):
        ProcessSource([str(tmp_path)])
    with pytest.raises(SourceError, match="no command"):
        ProcessSource([])


# -- real processes ---------------------------------------------------------------------


@pytest.mark.go
def test_steady_run_arrives_in_the_model(go_build: Callable[[str], Path]) -> None:
    binary = go_build("steady")
    env = base_env(GOGC="50", GOMEMLIMIT="64MiB")
    run = Watched(ProcessSource([str(binary), "-duration", "1.2s"], env=env, no_trace_timeout_s=0.5))
    ended = run.finish()
    model = run.model
    assert ended.exit_status == 0 and ended.signal is None and model.env.exit_status == 0
    assert len(model.cycles) >= 2 and len(model.segments) == 1
    stdout = [o for o in model.output if o.meta.stream == "stdout"]
    assert [o.text for o in stdout][:2] == ["steady: tick 0", "steady: tick 1"]
    assert stdout[-1].text == "steady: done, live set 8 MiB"
    samples = [i for i in run.items if isinstance(i, ProcessSample)]
    assert samples and model.process and all(s.rss_b > 0 and s.threads >= 1 for s in samples)
    assert max(s.rss_b for s in samples) > samples[0].rss_b + (4 << 20)  # the 8 MiB live set shows
    env_seen = model.env
    assert env_seen.gogc == "50" and env_seen.gomemlimit_b == 64 << 20
    assert env_seen.godebug == "gctrace=1,schedtrace=1000" and env_seen.pid is not None
    assert env_seen.description == f"{binary} -duration 1.2s"
    assert run.notices("warning") == []  # traced within 0.5 s: no "is this Go?" hint


def test_user_godebug_reaches_the_child_merged() -> None:
    env = base_env(GODEBUG="madvdontneed=1")
    source = ProcessSource(["sh", "-c", 'echo "$GODEBUG"'], env=env, scheddetail=True, schedtrace_ms=500)
    run = Watched(source)
    assert run.finish().exit_status == 0
    assert run.data("stdout") == b"madvdontneed=1,gctrace=1,schedtrace=500,scheddetail=1\n"


@pytest.mark.go
def test_user_godebug_in_a_running_go_program(go_build: Callable[[str], Path]) -> None:
    env = base_env(GODEBUG="madvdontneed=1")
    run = Watched(ProcessSource([str(go_build("steady")), "-duration", "5s"], env=env))
    pid = run.pid()
    environ_file = Path(f"/proc/{pid}/environ")
    # Popen returns once execve closed the parent's error pipe, a moment before
    # the kernel records where the new environment lies: it reads empty then.
    assert poll_until(lambda: environ_file.read_bytes() != b"")
    environ = environ_file.read_bytes().split(b"\0")
    assert b"GODEBUG=madvdontneed=1,gctrace=1,schedtrace=1000" in environ
    run.stop.set()
    assert run.finish().signal == "SIGTERM"


@pytest.mark.go
def test_panicker_exit_status_and_crash(go_build: Callable[[str], Path]) -> None:
    run = Watched(ProcessSource([str(go_build("panicker"))], env=base_env()))
    ended = run.finish()
    assert ended.exit_status == 2 and run.model.env.exit_status == 2
    assert run.model.crashes and run.model.crashes[0].headline.startswith("panic: panicker:")
    assert len(run.model.cycles) >= 1


def poll_until(pred: Callable[[], bool], timeout: float = 5.0) -> bool:
    """Whether ``pred`` came true within ``timeout`` s (for OS state no item reports)."""
    deadline = time.monotonic() + timeout
    while not pred():
        if time.monotonic() > deadline:
            return False
        time.sleep(0.01)
    return True


def _group(pgid: int) -> list[psutil.Process]:
    def pgid_of(p: psutil.Process) -> int | None:
        try:
            return os.getpgid(p.pid)
        except OSError:
            return None

    return [p for p in psutil.process_iter() if pgid_of(p) == pgid]


def _name(p: psutil.Process) -> str:
    try:
        return p.name()
    except psutil.Error:
        return ""


def _gone(p: psutil.Process) -> bool:
    try:
        return p.status() == psutil.STATUS_ZOMBIE
    except psutil.NoSuchProcess:
        return True


def test_stop_kills_the_whole_process_group() -> None:
    run = Watched(ProcessSource(["sh", "-c", "sleep 100 & sleep 100"], env=base_env(), no_trace_timeout_s=60))
    pid = run.pid()
    def sleeps() -> list[psutil.Process]:
        return [p for p in _group(pid) if _name(p) == "sleep"]

    assert poll_until(lambda: len(sleeps()) == 2)  # sh forks both just after its exec
    started = sleeps()
    run.stop.set()
    ended = run.finish()
    assert ended.reason == "stopped by gctui" and ended.signal == "SIGTERM"
    for p in started:
        assert poll_until(lambda: _gone(p)), f"sleep {p.pid} survived the stop"


def test_stop_escalates_to_sigkill_after_grace() -> None:
    script = 'trap "" TERM; echo ready; while :; do sleep 0.05; done'
    run = Watched(ProcessSource(["sh", "-c", script], env=base_env(), grace_s=0.3, no_trace_timeout_s=60))
    run.wait_for(lambda i: isinstance(i, Chunk) and b"ready" in i.data)
    run.stop.set()
    ended = run.finish()
    assert ended.signal == "SIGKILL" and ended.exit_status is None


def test_not_a_go_program_gets_one_warning() -> None:
    run = Watched(ProcessSource(["sh", "-c", "sleep 3"], env=base_env(), no_trace_timeout_s=0.5))
    notice = run.wait_for(lambda i: isinstance(i, Notice) and i.level == "warning")
    assert isinstance(notice, Notice)
    assert notice.text.startswith("no Go runtime trace after 0.5 s: is this a Go program?")
    run.stop.set()
    run.finish()
    assert len(run.notices("warning")) == 1


def test_final_output_is_drained_and_a_lingering_grandchild_does_not_hold_the_end() -> None:
    script = 'i=0; while [ $i -lt 3000 ]; do echo "line $i"; echo "err $i" >&2; i=$((i+1)); done; printf tail'
    run = Watched(ProcessSource(["sh", "-c", script], env=base_env()))
    assert run.finish().exit_status == 0
    assert run.data("stdout") == "".join(f"line {i}\n" for i in range(3000)).encode() + b"tail"
    assert run.data("stderr") == "".join(f"err {i}\n" for i in range(3000)).encode()
    assert run.model.output[-1].text == "tail"  # the unterminated last line was closed out

    run = Watched(ProcessSource(["sh", "-c", "sleep 30 & echo done"], env=base_env()))
    pid = run.pid()
    try:
        assert run.finish(timeout=6).exit_status == 0  # the sleep still holds both pipes
        assert run.data("stdout") == b"done\n"
    finally:
        try:
            os.killpg(pid, signal.SIGKILL)
        except ProcessLookupError:
            pass


def test_a_program_that_closes_its_pipes_is_waited_for_without_spinning() -> None:
    cpu_before = time.process_time()
    run = Watched(ProcessSource(["sh", "-c", "exec >&- 2>&-; sleep 1"], env=base_env(), no_trace_timeout_s=60))
    assert run.finish().exit_status == 0
    assert time.process_time() - cpu_before < 0.5  # a busy loop would burn the whole second


def test_stdin_is_dev_null_or_the_given_file(tmp_path: Path) -> None:
    run = Watched(ProcessSource(["cat"], env=base_env()))
    assert run.finish().exit_status == 0 and run.data("stdout") == b""
    given = tmp_path / "input.txt"
    given.write_bytes(b"from a file\n")
    run = Watched(ProcessSource(["cat"], env=base_env(), stdin_path=str(given)))
    assert run.finish().exit_status == 0 and run.data("stdout") == b"from a file\n"


@pytest.mark.go
def test_go_run_is_built_first_so_only_the_program_traces(go_build: Callable[[str], Path]) -> None:
    go_build("steady")  # skips without Go; warms the build cache
    source = ProcessSource(["go", "run", "./steady", "-duration", "1s"], env=base_env(), cwd=str(GO_MODULE))
    run = Watched(source)
    ended = run.finish(timeout=60)
    assert ended.exit_status == 0
    assert any(t.startswith("built ./steady with go build") for t in run.notices("info"))
    model = run.model
    assert len(model.cycles) >= 1 and len(model.segments) == 1  # no cycles of the go command
    assert model.env.description == "go run ./steady -duration 1s"
    assert [o.text for o in model.output if o.meta.stream == "stdout"][-1] == "steady: done, live set 8 MiB"


@pytest.mark.go
def test_go_run_build_failure_is_reported(go_build: Callable[[str], Path], tmp_path: Path) -> None:
    go_build("steady")
    (tmp_path / "go.mod").write_text("module example.invalid/broken\n\ngo 1.19\n")
    (tmp_path / "main.go").write_text("package main\n\nfunc main() { undefinedThing() }\n")
    run = Watched(ProcessSource(["go", "run", "."], env=base_env(), cwd=str(tmp_path)))
    ended = run.finish(timeout=60)
    assert ended.reason == "build failed" and ended.exit_status not in (None, 0)  # go's own status
    (error,) = run.notices("error")
    assert error.startswith("go build . failed:") and "undefined: undefinedThing" in error
    assert not any(isinstance(i, EnvUpdate) and i.pid is not None for i in run.items)
