"""Launch a program and watch it: ``gctui run [options] -- CMD [ARGS...]``.

The child gets the user's environment with tracing added to GODEBUG (see
:mod:`tui.sources.godebug`), runs in its own process group (so quitting
gctui stops it and everything it started, and a Ctrl-C meant for the TUI
never reaches it), with stdin from /dev/null unless a file is given and
stdout and stderr on separate pipes: the runtime writes its traces to stderr,
and program output on stdout must not be mistaken for part of a trace record.

``go run PKG`` is built first and the binary watched alone (see
:mod:`tui.sources.gobuild`). A build failure is reported as items, not
raised: the build runs after the UI is up, its compiler messages are what the
user needs to read, and the headless modes print them in their report.
Problems found before anything starts (no such command, not executable, a
``go run`` line that cannot be split) raise :class:`SourceError` from the
constructor, so the CLI can print one line and exit before opening the TUI.
"""

from __future__ import annotations

import os
import shlex
import shutil
import signal
import subprocess
import tempfile
import threading
import time
from collections.abc import Mapping, Sequence
from pathlib import Path

from tui.sources.base import Chunk, Emit, Ended, EnvUpdate, Notice, SourceError
from tui.sources.children import die_with_gctui
from tui.sources.gobuild import GoRun, GoRunError, build, first_lines, is_go_run, parse_go_run
from tui.sources.godebug import gctrace_off, merge_godebug, runtime_settings, strip_trace
from tui.sources.pipes import PipeReader, TraceSniffer
from tui.sources.psample import ProcessSampler

TICK_S = 0.1  # longest wait on the pipes: how soon stop and exit are noticed
# After the program exits, its last bytes are already in the pipes; reading
# until they stay empty this long loses nothing it wrote. A grandchild that
# keeps the pipes open (a daemon it started) must not hold gctui forever.
DRAIN_QUIET_S = 0.3
DRAIN_MAX_S = 3.0
# `gctui run -- go run PKG` whose build failed: a usage error, whatever the go
# command's own status, so it is not mistaken for the program's exit status.
BUILD_FAILED = 2


def resolve_command(cmd: str, env: Mapping[str, str], cwd: str | None) -> str:
    """The path that will be executed for ``cmd``, looked up as exec does
    (the child's PATH; a name with a slash is taken relative to ``cwd``).
    Raises SourceError naming what is wrong."""
    if os.sep in cmd:
        path = os.path.join(cwd or os.getcwd(), cmd)
        if not os.path.exists(path):
            raise SourceError(f"gctui: no such command: {cmd}")
        if os.path.isdir(path) or not os.access(path, os.X_OK):
            raise SourceError(f"gctui: {cmd} is not executable")
        return path
    search = env.get("PATH", os.defpath)
    found = shutil.which(cmd, path=search)
    if found is not None:
        return found
    for folder in search.split(os.pathsep):
        if os.path.isfile(os.path.join(folder or ".", cmd)):
            raise SourceError(f"gctui: {cmd} is not executable")
    raise SourceError(f"gctui: no such command: {cmd}")


def ended_for(returncode: int, stopped: bool) -> Ended:
    """The Ended item for a child's exit (``returncode`` as subprocess gives
    it: negative for death by a signal)."""
    if returncode < 0:
        try:
            name = signal.Signals(-returncode).name
        except ValueError:
            name = f"signal {-returncode}"
        reason = "stopped by gctui" if stopped else f"killed by {name}"
        return Ended(reason=reason, signal=name)
    reason = "stopped by gctui" if stopped else f"exited with status {returncode}"
    return Ended(reason=reason, exit_status=returncode)


def exit_code_for(returncode: int, stopped: bool) -> int:
    """The status ``gctui run`` passes on, so a script or CI job sees the
    program's failure: its exit status, or 128+N when signal N killed it (as
    a shell reports it). A stop the user asked for (Ctrl-C, SIGTERM to gctui)
    is a clean end of watching: 0."""
    if stopped:
        return 0
    return 128 - returncode if returncode < 0 else returncode


def _signal_group(pgid: int, sig: signal.Signals) -> None:
    try:
        os.killpg(pgid, sig)
    except (ProcessLookupError, PermissionError):
        pass  # the whole group is gone already


class ProcessSource:
    """Runs ``argv`` with the Go runtime's traces on and reports what it does.

    ``env`` is the environment the child starts from (default os.environ);
    its GODEBUG is the user's, merged with the tracing gctui needs. ``cwd``
    is where the command (and a ``go run`` build) runs. ``grace_s`` is how
    long a stopped program has between SIGTERM and SIGKILL (short: a closed
    terminal or a SIGTERM must end gctui, and so the program, within 3 s);
    ``no_trace_timeout_s`` how long to wait for a first trace line before
    suggesting the program is not Go; ``sample_interval_s`` how often psutil
    looks at the process.
    """

    def __init__(
        self,
        argv: Sequence[str],
        *,
        schedtrace_ms: int = 1000,
        scheddetail: bool = False,
        scavtrace: bool = False,
        pacertrace: bool = False,
        stdin_path: str | None = None,
        env: Mapping[str, str] | None = None,
        cwd: str | None = None,
        grace_s: float = 1.5,
        no_trace_timeout_s: float = 5.0,
        sample_interval_s: float = 1.0,
    ) -> None:
        if not argv:
            raise SourceError("gctui: no command to run (give one after --)")
        self.argv = list(argv)
        self.description = shlex.join(self.argv)
        self.cwd = cwd
        self.grace_s = grace_s
        self.no_trace_timeout_s = no_trace_timeout_s
        self.sample_interval_s = sample_interval_s
        base = dict(os.environ if env is None else env)
        self.gctrace_was = gctrace_off(base.get("GODEBUG"))
        self.godebug = merge_godebug(
            base.get("GODEBUG"),
            schedtrace_ms=schedtrace_ms,
            scheddetail=scheddetail,
            scavtrace=scavtrace,
            pacertrace=pacertrace,
        )
        self.child_env = {**base, "GODEBUG": self.godebug}
        # The go command gets the user's environment minus what is meant for
        # the program under watch: traces it would print and GC tuning that
        # could make the build slow.
        self.build_env = {k: v for k, v in base.items() if k not in ("GOGC", "GOMEMLIMIT")}
        build_godebug = strip_trace(base.get("GODEBUG"))
        if build_godebug:
            self.build_env["GODEBUG"] = build_godebug
        else:
            self.build_env.pop("GODEBUG", None)
        self.go_run: GoRun | None = None
        if is_go_run(self.argv):
            try:
                self.go_run = parse_go_run(self.argv, cwd)
            except GoRunError as err:
                raise SourceError(str(err)) from None
        resolve_command(self.argv[0], base, cwd)
        if self.go_run is not None and self.go_run.exec_prefix:
            resolve_command(self.go_run.exec_prefix[0], base, cwd)
        self.stdin_path = stdin_path
        # What `gctui run` exits with once the source has ended (None until then).
        self.exit_code: int | None = None
        if stdin_path is not None and not os.access(stdin_path, os.R_OK):
            raise SourceError(f"gctui: cannot read stdin file {stdin_path}")

    def run(self, emit: Emit, stop: threading.Event) -> None:
        """Build if needed, run the program, and report until it exits (or
        until ``stop``: then SIGTERM its group, SIGKILL after ``grace_s``)."""
        settings = runtime_settings(self.child_env)
        emit(
            EnvUpdate(
                description=self.description,
                godebug=self.godebug,
                gogc=settings.gogc,
                gomemlimit_b=settings.gomemlimit_b,
                gomaxprocs=settings.gomaxprocs,
            )
        )
        if self.gctrace_was is not None:
            emit(Notice("warning", f"GODEBUG in the environment has gctrace={self.gctrace_was}, which hides "
                                   "the GC trace gctui reads: running with gctrace=1 instead"))
        for text in settings.warnings:
            emit(Notice("warning", text))
        if self.go_run is None:
            self._watch(self.argv, emit, stop)
            return
        out_dir = Path(tempfile.mkdtemp(prefix="gctui-build-"))
        try:
            argv = self._build(self.go_run, out_dir, emit, stop)
            if argv is not None:
                self._watch(argv, emit, stop)
        finally:
            shutil.rmtree(out_dir, ignore_errors=True)

    def _build(self, plan: GoRun, out_dir: Path, emit: Emit, stop: threading.Event) -> list[str] | None:
        """Build a ``go run`` package; the command line to watch, or None
        when the build failed or was stopped (after reporting it)."""
        what = " ".join(plan.packages)
        try:
            result = build(plan, out_dir, env=self.build_env, cwd=self.cwd, stop=stop)
        except OSError as err:
            raise SourceError(f"gctui: cannot run {plan.go}: {err.strerror}") from None
        if result.returncode is None:
            emit(Ended(reason="stopped by gctui during the build"))
            return None
        if result.returncode != 0:
            self.exit_code = BUILD_FAILED
            emit(Notice("error", f"go build {what} failed:\n{first_lines(result.output)}"))
            emit(Ended(reason="build failed", exit_status=result.returncode))
            return None
        emit(Notice("info", f"built {what} with go build in {result.elapsed_s:.1f} s"))
        return [*plan.exec_prefix, str(result.binary), *plan.program_args]

    def _spawn(self, argv: list[str]) -> subprocess.Popen[bytes]:
        stdin = open(self.stdin_path, "rb") if self.stdin_path is not None else subprocess.DEVNULL
        try:
            return subprocess.Popen(
                argv,
                stdin=stdin,
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                env=self.child_env,
                cwd=self.cwd,
                start_new_session=True,  # its own process group, no terminal
                preexec_fn=die_with_gctui(),  # and it dies if gctui is killed outright
            )
        except FileNotFoundError:
            raise SourceError(f"gctui: no such command: {argv[0]}") from None
        except PermissionError:
            raise SourceError(f"gctui: {argv[0]} is not executable") from None
        except OSError as err:  # ENOEXEC: a script without #!, a foreign binary
            raise SourceError(f"gctui: cannot run {argv[0]}: {err.strerror}") from None
        finally:
            if stdin is not subprocess.DEVNULL:
                stdin.close()  # type: ignore[union-attr]

    def _watch(self, argv: list[str], emit: Emit, stop: threading.Event) -> None:
        """Run ``argv`` to the end, emitting its output, samples and Ended."""
        if stop.is_set():
            emit(Ended(reason="stopped by gctui before the start"))
            return
        proc = self._spawn(argv)
        started = time.monotonic()
        assert proc.stdout is not None and proc.stderr is not None
        pipes = PipeReader({"stdout": proc.stdout, "stderr": proc.stderr})
        try:
            emit(EnvUpdate(pid=proc.pid, start_wall_time=time.time()))
            returncode, stopped = self._pump(proc, pipes, started, emit, stop)
            self.exit_code = exit_code_for(returncode, stopped)
        finally:
            pipes.close()
            if proc.poll() is None:  # emit raised: leave nothing running
                _signal_group(proc.pid, signal.SIGKILL)
                proc.wait()
        emit(ended_for(returncode, stopped))

    def _pump(
        self,
        proc: subprocess.Popen[bytes],
        pipes: PipeReader,
        started: float,
        emit: Emit,
        stop: threading.Event,
    ) -> tuple[int, bool]:
        """The watch loop: pipes, exit, stop, samples and the not-Go hint.
        Returns the exit status and whether gctui stopped the program."""
        sampler = ProcessSampler(proc.pid, started)
        sniffer = TraceSniffer()
        next_sample = started  # a first reading at once: the baseline RSS
        warned = False
        term_at: float | None = None
        killed = False
        exited_at: float | None = None
        last_data = started
        while True:
            now = time.monotonic()
            for stream, data in pipes.read(max(0.0, min(TICK_S, next_sample - now))):
                emit(Chunk(stream, data))
                if stream == "stderr":
                    sniffer.feed(data)
                last_data = time.monotonic()
            now = time.monotonic()
            if exited_at is not None:
                quiet_since = max(last_data, exited_at)
                if not pipes.open or now - quiet_since >= DRAIN_QUIET_S or now - exited_at >= DRAIN_MAX_S:
                    break
                continue
            if proc.poll() is not None:
                exited_at = now
                continue
            if stop.is_set() and term_at is None:
                term_at = now
                _signal_group(proc.pid, signal.SIGTERM)
            if term_at is not None and not killed and now - term_at >= self.grace_s:
                killed = True
                _signal_group(proc.pid, signal.SIGKILL)
            if now >= next_sample:
                next_sample = now + self.sample_interval_s
                sample = sampler.sample()
                if sample is not None:
                    emit(sample)
            if not warned and not sniffer.seen and now - started >= self.no_trace_timeout_s:
                warned = True
                emit(Notice("warning", self._no_trace_text()))
        if term_at is not None:
            # The program is gone; whatever it started and that outlived the
            # SIGTERM is swept with it, since the user asked to stop.
            _signal_group(proc.pid, signal.SIGKILL)
        assert proc.returncode is not None
        return proc.returncode, term_at is not None

    def _no_trace_text(self) -> str:
        return (
            f"no Go runtime trace after {self.no_trace_timeout_s:g} s: is this a Go program? "
            "gctui reads the gc and SCHED lines the Go runtime prints on stderr "
            f"(GODEBUG={self.godebug}); a wrapper script that redirects stderr hides them"
        )
