"""The runtime settings a launched Go program gets, and what they mean.

gctui reads the collector through what the runtime prints, so a launch must
turn tracing on (``GODEBUG=gctrace=1,schedtrace=...``) without trampling the
user's own ``GODEBUG`` entries, and should tell the model which ``GOGC``,
``GOMEMLIMIT`` and ``GOMAXPROCS`` the program runs with. Everything here is
pure string work, parsed the way the Go runtime parses it, so each quirk is a
one-line unit test.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass

# Keys that only make the runtime print; stripped from the go command's own
# environment when gctui builds a ``go run`` package, so the toolchain neither
# slows down nor prints traces nobody reads.
TRACE_KEYS = ("gctrace", "schedtrace", "scheddetail", "scavtrace", "gcpacertrace", "inittrace")

MAX_INT64 = (1 << 63) - 1

# GOMEMLIMIT's unit suffixes (runtime.parseByteCount): binary multiples only;
# "KB", "MB" or a bare "K" are malformed and make the runtime throw at start.
_UNITS = {"B": 1, "KiB": 1 << 10, "MiB": 1 << 20, "GiB": 1 << 30, "TiB": 1 << 40}
# The runtime's atoi64 takes an optional '-' and ASCII digits only: no '+',
# no spaces, no underscores, unlike Python's int().
_BYTE_COUNT = re.compile(r"(?P<n>-?[0-9]+)(?P<unit>B|KiB|MiB|GiB|TiB)?")


def _fields(godebug: str | None) -> list[str]:
    """The comma-separated entries of a GODEBUG value, empty ones dropped."""
    return [f for f in (godebug or "").split(",") if f]


def _key(field: str) -> str | None:
    """The key of a ``key=value`` entry; the runtime skips entries without ``=``."""
    key, eq, _ = field.partition("=")
    return key if eq else None


def merge_godebug(
    user: str | None,
    *,
    schedtrace_ms: int = 1000,
    scheddetail: bool = False,
    scavtrace: bool = False,
    pacertrace: bool = False,
) -> str:
    """The GODEBUG a launched program gets: the user's entries in their order,
    then what gctui needs.

    ``gctrace=1`` and ``schedtrace=<ms>`` are defaults: a user who set either
    (``gctrace=2``, a slower ``schedtrace``) keeps their value, except a
    gctrace that turns the trace off (see :func:`gctrace_off`): gctui cannot
    watch a collector that prints nothing, so that one is replaced. The options the
    user asked gctui for (``scheddetail``, ``scavtrace``, ``gcpacertrace``)
    are more specific than an exported shell variable, so they replace any
    earlier value of their key. ``schedtrace_ms <= 0`` adds no schedtrace.
    """
    fields = _fields(user)
    present = {_key(f) for f in fields}
    if gctrace_off(user) is not None:
        present.discard("gctrace")  # gctrace=0 would hide everything gctui reads
    wanted: list[tuple[str, str, bool]] = [("gctrace", "1", False)]
    if schedtrace_ms > 0:
        wanted.append(("schedtrace", str(schedtrace_ms), False))
    for key, asked in (("scheddetail", scheddetail), ("scavtrace", scavtrace), ("gcpacertrace", pacertrace)):
        if asked:
            wanted.append((key, "1", True))
    for key, value, override in wanted:
        if key in present and not override:
            continue
        # The runtime applies entries left to right, so the last one wins;
        # dropping the earlier ones keeps the string honest for the header.
        fields = [f for f in fields if _key(f) != key]
        fields.append(f"{key}={value}")
    return ",".join(fields)


def gctrace_off(godebug: str | None) -> str | None:
    """The user's ``gctrace`` value when it turns the GC trace off, else None.

    The runtime prints gc lines when gctrace > 0; its atoi takes an optional
    '-' and digits, and a value it cannot read leaves gctrace at 0. So
    ``gctrace=0``, ``gctrace=-1`` and ``gctrace=yes`` are all off; the last
    entry wins."""
    value = godebug_value(godebug, "gctrace")
    if value is None:
        return None
    on = re.fullmatch(r"-?[0-9]+", value) is not None and int(value) > 0
    return None if on else value


def strip_trace(godebug: str | None) -> str:
    """A GODEBUG without the printing-only keys, for the go command itself."""
    return ",".join(f for f in _fields(godebug) if _key(f) not in TRACE_KEYS)


def godebug_value(godebug: str | None, key: str) -> str | None:
    """The value the runtime will use for ``key`` (its last entry), or None."""
    value = None
    for field in _fields(godebug):
        if _key(field) == key:
            value = field.partition("=")[2]
    return value


def parse_gomemlimit(text: str | None) -> int | None:
    """GOMEMLIMIT in bytes, or None when there is no limit.

    Follows runtime.readGOMEMLIMIT: unset, empty and ``off`` mean no limit, as
    does math.MaxInt64 (what ``off`` stands for). Otherwise a non-negative
    integer with an optional ``B``/``KiB``/``MiB``/``GiB``/``TiB`` suffix, at
    most MaxInt64 bytes. Anything else raises ValueError: the runtime itself
    would throw ``malformed GOMEMLIMIT`` at start.
    """
    if text is None or text in ("", "off"):
        return None
    m = _BYTE_COUNT.fullmatch(text)
    if m is None:
        raise ValueError(f"malformed GOMEMLIMIT {text!r}")
    n = int(m["n"])
    if n < 0:
        raise ValueError(f"negative GOMEMLIMIT {text!r}")
    limit = n * _UNITS[m["unit"] or "B"]
    if limit > MAX_INT64:
        raise ValueError(f"GOMEMLIMIT {text!r} overflows an int64")
    return None if limit == MAX_INT64 else limit


def parse_gomaxprocs(text: str | None) -> int | None:
    """GOMAXPROCS when it is set to a positive int32; the runtime ignores any
    other value and uses the CPU count, which SCHED lines will report."""
    if text is None or not re.fullmatch(r"-?[0-9]+", text):
        return None
    n = int(text)
    return n if 0 < n < 1 << 31 else None


@dataclass(frozen=True, slots=True)
class RuntimeSettings:
    """GOGC, GOMEMLIMIT and GOMAXPROCS as the runtime will read them, with
    warnings about values it rejects (one sentence each)."""

    gogc: str | None
    gomemlimit_b: int | None
    gomaxprocs: int | None
    warnings: tuple[str, ...] = ()


def runtime_settings(env: Mapping[str, str]) -> RuntimeSettings:
    """What ``env`` sets for the collector, for the header and the findings."""
    warnings: list[str] = []
    try:
        gomemlimit_b = parse_gomemlimit(env.get("GOMEMLIMIT"))
    except ValueError as err:
        gomemlimit_b = None
        warnings.append(f"{err}: the Go runtime refuses to start with it (write e.g. 512MiB)")
    raw_procs = env.get("GOMAXPROCS")
    gomaxprocs = parse_gomaxprocs(raw_procs)
    if raw_procs and gomaxprocs is None:
        warnings.append(f"GOMAXPROCS={raw_procs!r} is ignored by the Go runtime: it uses the CPU count")
    return RuntimeSettings(env.get("GOGC") or None, gomemlimit_b, gomaxprocs, tuple(warnings))
