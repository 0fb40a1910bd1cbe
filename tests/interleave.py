"""Multi-pod streams built from real captures, the way tailers write them.

Three real Go 1.19 captures, each line prefixed with a pod name as stern,
``kubectl logs --prefix`` or docker compose write it, interleaved line by
line: what ``stern api | gctui -`` reads from a three-pod deployment.
"""

from __future__ import annotations

from pathlib import Path

SAMPLES = Path(__file__).parent / "data" / "samples" / "go1.19"
# Three captures of different lengths and line mixes (SCHED, pacer, scav).
CAPTURES = ("gctrace1_schedtrace200.stderr.txt", "gcpacertrace1_gctrace1.stderr.txt",
            "scavtrace1_gctrace1.stderr.txt")
PODS = ("api-7d9f8-abcde", "api-7d9f8-fghij", "api-7d9f8-klmno")
# How each tailer writes a pod's line (compose pads service names to one width).
FORMATS = {
    "stern": "{pod} app {line}",
    "kubectl": "[pod/{pod}/app] {line}",
    "compose": "{pod}  | {line}",
}
SOURCE_NAMES = {
    "stern": [f"{pod} app" for pod in PODS],
    "kubectl": [f"pod/{pod}/app" for pod in PODS],
    "compose": list(PODS),
}


def capture_lines(name: str) -> list[str]:
    return (SAMPLES / name).read_text().splitlines()


def gc_count(name: str) -> int:
    return sum(1 for line in capture_lines(name) if line.startswith("gc "))


def interleaved(style: str, captures: tuple[str, ...] = CAPTURES, limit: int | None = None) -> bytes:
    """The captures' lines, prefixed in ``style`` and taken one from each in turn."""
    sources = [capture_lines(c)[:limit] for c in captures]
    out: list[str] = []
    for i in range(max(map(len, sources))):
        for pod, lines in zip(PODS, sources):
            if i < len(lines):
                out.append(FORMATS[style].format(pod=pod, line=lines[i]))
    return ("\n".join(out) + "\n").encode()
EXPECTED_NAMES = SOURCE_NAMES["stern"]
