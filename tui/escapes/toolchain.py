"""Running the local Go compiler for its escape-analysis verdicts.

``go build -gcflags=-m -json=0,file://TMPDIR`` makes the compiler write its
diagnostics as JSON files (one per source file) while ``-m`` prints the same
build's summary lines on stderr; the JSON carries the explanations and a
stable vocabulary, the text what JSON leaves out (``does not escape``,
inlining names). Toolchains too old for ``-json`` get ``-m=2`` text alone.

Safe to call from several threads at once: each build has its own
temporary directory (a new ``-json`` directory also changes the build's
cache key, so the compiler really runs; a cached build would replay the text
but write no JSON), the working directory is passed to the child rather
than changed in this process, and the go command runs in its own process
group so a stop kills it and the compiler it started.
"""

from __future__ import annotations

import os
import re
import shutil
import signal
import subprocess
import tempfile
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from tui.sources.children import die_with_gctui
from tui.sources.godebug import strip_trace

JSON_SINCE = (1, 16)  # -json=0,DIR exists since Go 1.15; 1.16 is where it settled
BUILD_TIMEOUT_S = 300.0
_VERSION = re.compile(r"go(\d+)\.(\d+)")
_versions: dict[str, str] = {}
_versions_lock = threading.Lock()


class EscapeError(Exception):
    """The analysis cannot run. ``str()`` is one line for the user (no
    ``gctui:`` prefix); ``detail`` may hold more, such as compiler errors."""

    def __init__(self, message: str, detail: str = "") -> None:
        super().__init__(message)
        self.detail = detail


class NoToolchain(EscapeError):
    """No ``go`` command to run."""


class NotAPackage(EscapeError):
    """The directory holds no Go package, or is in no module."""


class CompileFailed(EscapeError):
    """The package does not compile; ``detail`` is the compiler's output."""


class Stopped(EscapeError):
    """The build was stopped before it ended."""


@dataclass(frozen=True, slots=True)
class Toolchain:
    """A ``go`` command and the version it reports (``go1.19.8``)."""

    go: str
    version: str

    @property
    def json_supported(self) -> bool:
        match = _VERSION.search(self.version)
        # A devel toolchain prints no release number: it is newer than any.
        return match is None or (int(match[1]), int(match[2])) >= JSON_SINCE


@dataclass(frozen=True, slots=True)
class CompilerOutput:
    """One build's diagnostics: ``text`` is stderr (the ``-m`` lines),
    ``json_text`` the ``-json`` files joined (None in text mode), ``workdir``
    the real directory go ran in, which the text's paths are relative to."""

    text: str
    json_text: str | None
    workdir: str
    mode: str
    elapsed_s: float


def find_toolchain(go: str | None = None) -> Toolchain:
    """The go command on PATH (or ``go``) and its version, asked once."""
    path = shutil.which(go or "go")
    if path is None:
        raise NoToolchain("the Go toolchain (go) is not on PATH: escape hints come from "
                          "the compiler (go build -gcflags=-m); install Go or add it to PATH")
    with _versions_lock:
        version = _versions.get(path)
    if version is None:
        try:
            out = subprocess.run([path, "env", "GOVERSION"], capture_output=True, text=True,
                                 timeout=30, env=build_env(None))
            version = out.stdout.strip() or "unknown"
        except (OSError, subprocess.SubprocessError) as err:
            raise NoToolchain(f"cannot run {path}: {err}") from None
        with _versions_lock:
            _versions[path] = version
    return Toolchain(path, version)


def build_env(workdir: str | None) -> dict[str, str]:
    """The user's environment for the go command, minus what is meant for
    the program under watch: runtime traces and GC tuning."""
    env = {k: v for k, v in os.environ.items() if k not in ("GOGC", "GOMEMLIMIT")}
    godebug = strip_trace(env.get("GODEBUG"))
    if godebug:
        env["GODEBUG"] = godebug
    else:
        env.pop("GODEBUG", None)
    if workdir is not None:
        env["PWD"] = workdir  # the go command prints paths relative to $PWD
    return env


def check_package(directory: str, targets: Sequence[str] = (".",)) -> str:
    """The real path of a directory that holds Go files; NotAPackage otherwise."""
    if not os.path.isdir(directory):
        raise NotAPackage(f"{directory} is not a directory")
    real = os.path.realpath(directory)
    if tuple(targets) == (".",):
        names = os.listdir(real)
        if not any(n.endswith(".go") and not n.endswith("_test.go") for n in names):
            raise NotAPackage(f"{directory} is not a Go package: it holds no .go files")
    return real


def compile_package(toolchain: Toolchain, directory: str, targets: Sequence[str] = (".",), *,
                    mode: str = "auto", stop: threading.Event | None = None,
                    timeout_s: float = BUILD_TIMEOUT_S) -> CompilerOutput:
    """Build the package in ``directory`` for its diagnostics, writing nothing
    but a temporary directory. ``mode``: ``json``, ``text`` or ``auto`` (JSON
    when the toolchain has it). Raises :class:`EscapeError` subclasses."""
    workdir = check_package(directory, targets)
    with tempfile.TemporaryDirectory(prefix="gctui-escapes-") as tmp:
        use_json = mode == "json" or (mode == "auto" and toolchain.json_supported and " " not in tmp)
        json_dir = Path(tmp) / "json"
        flags = f"-m -json=0,file://{json_dir}" if use_json else "-m=2"
        cmd = [toolchain.go, "build", f"-gcflags={flags}", "-o", os.devnull, *targets]
        started = time.monotonic()
        returncode, text = _run(cmd, workdir, stop or threading.Event(), timeout_s)
        elapsed = time.monotonic() - started
        if returncode != 0:
            raise _failure(directory, text)
        json_text = None
        if use_json:
            json_text = "".join(p.read_text(encoding="utf-8", errors="replace")
                                for p in sorted(json_dir.rglob("*.json")))
    return CompilerOutput(text, json_text, workdir, "json" if use_json else "text", elapsed)


def _run(cmd: list[str], workdir: str, stop: threading.Event, timeout_s: float) -> tuple[int, str]:
    """Run the go command to its end, or kill its group on stop or timeout."""
    try:
        proc = subprocess.Popen(cmd, cwd=workdir, env=build_env(workdir), stdin=subprocess.DEVNULL,
                                stdout=subprocess.PIPE, stderr=subprocess.STDOUT, start_new_session=True,
                                preexec_fn=die_with_gctui())
    except OSError as err:
        raise NoToolchain(f"cannot run {cmd[0]}: {err.strerror or err}") from None
    deadline = time.monotonic() + timeout_s
    while True:
        try:
            out, _ = proc.communicate(timeout=0.1)
            return proc.returncode, out.decode("utf-8", "replace")
        except subprocess.TimeoutExpired:
            if not stop.is_set() and time.monotonic() < deadline:
                continue
            try:
                os.killpg(proc.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
            proc.communicate()
            if stop.is_set():
                raise Stopped("the analysis was stopped") from None
            raise CompileFailed(f"go build took longer than {timeout_s:g} s and was stopped") from None


def _failure(directory: str, output: str) -> EscapeError:
    """The error for a failed build, its first line naming the cause."""
    lines = [line for line in output.splitlines() if line.strip() and not line.startswith("# ")]
    if any("no Go files in" in line or "no non-test Go files" in line
           or "build constraints exclude all Go files" in line for line in lines):
        return NotAPackage(f"{directory} is not a Go package: {lines[0]}", output)
    if any("go.mod file not found" in line or "cannot find main module" in line for line in lines):
        return NotAPackage(f"{directory} is not in a Go module (no go.mod here or above)", output)
    first = lines[0] if lines else "go build failed with no output"
    more = f" (and {len(lines) - 1} more lines)" if len(lines) > 1 else ""
    return CompileFailed(f"{directory} does not compile: {first}{more}", output)
