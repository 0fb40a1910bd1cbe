"""Build and run the Go workloads under tests/go, for tests that need real runtime output.

Plain functions with no pytest in them; tests/conftest.py wraps them in fixtures.
Each workload is one `package main` directory of the module in tests/go.
"""

from __future__ import annotations

import os
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path

GO_MODULE = Path(__file__).resolve().parent / "go"

# Settings that change what the runtime prints or how it collects. A run sets
# only the ones its test asks for, so values from the developer's shell (a
# GODEBUG left exported, say) cannot change the output.
RUNTIME_ENV = ("GODEBUG", "GOGC", "GOMEMLIMIT", "GOMAXPROCS", "GOTRACEBACK")


class GoBuildError(RuntimeError):
    """`go build` failed; the message carries the compiler's output."""


@dataclass(frozen=True, slots=True)
class RunResult:
    """What one run of a workload produced: raw bytes exactly as the pipes delivered them."""

    args: tuple[str, ...]
    stdout: bytes
    stderr: bytes
    returncode: int
    elapsed_s: float

    @property
    def stdout_text(self) -> str:
        return self.stdout.decode("utf-8", errors="replace")

    @property
    def stderr_text(self) -> str:
        return self.stderr.decode("utf-8", errors="replace")


def workload_names() -> list[str]:
    """Directories of the tests/go module that hold a program (nested modules excluded)."""
    return sorted(
        d.name
        for d in GO_MODULE.iterdir()
        if (d / "main.go").is_file() and not (d / "go.mod").exists()
    )


def build_workload(name: str, out_dir: Path, go: str = "go", timeout: float = 300) -> Path:
    """Compile workload `name` with `go build -o` into `out_dir` and return the binary's path."""
    if not (GO_MODULE / name / "main.go").is_file():
        raise ValueError(f"no Go workload {name!r}; known: {', '.join(workload_names())}")
    binary = out_dir / (name + (".exe" if os.name == "nt" else ""))
    env = dict(os.environ, CGO_ENABLED="0")  # static binaries; no C compiler needed on CI
    env.pop("GOFLAGS", None)  # a shell's -race or -mod=vendor would change the build
    for key in RUNTIME_ENV:  # the go command is a Go program too
        env.pop(key, None)
    proc = subprocess.run(
        [go, "build", "-o", str(binary), f"./{name}"],
        cwd=GO_MODULE,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
    )
    if proc.returncode != 0:
        raise GoBuildError(f"go build ./{name} failed ({proc.returncode}):\n{proc.stderr}")
    return binary


def run_workload(
    binary: Path | str,
    args: tuple[str, ...] | list[str] = (),
    env: dict[str, str] | None = None,
    godebug: str | None = "gctrace=1",
    timeout: float = 30,
    *,
    gogc: str | int | None = None,
    gomemlimit: str | None = None,
    gomaxprocs: int | None = None,
) -> RunResult:
    """Run a built workload to completion with the given runtime settings and capture its output.

    The child gets os.environ minus RUNTIME_ENV, then GODEBUG (unless None) and
    GOGC / GOMEMLIMIT / GOMAXPROCS when given, then `env` on top. A run that
    outlives `timeout` seconds is killed and subprocess.TimeoutExpired raised.
    """
    child_env = {k: v for k, v in os.environ.items() if k not in RUNTIME_ENV}
    for key, value in (
        ("GODEBUG", godebug),
        ("GOGC", gogc),
        ("GOMEMLIMIT", gomemlimit),
        ("GOMAXPROCS", gomaxprocs),
    ):
        if value is not None:
            child_env[key] = str(value)
    child_env.update(env or {})
    argv = (str(binary), *args)
    started = time.monotonic()
    proc = subprocess.run(
        argv,
        env=child_env,
        stdin=subprocess.DEVNULL,
        capture_output=True,
        timeout=timeout,
    )
    return RunResult(
        args=argv,
        stdout=proc.stdout,
        stderr=proc.stderr,
        returncode=proc.returncode,
        elapsed_s=time.monotonic() - started,
    )
