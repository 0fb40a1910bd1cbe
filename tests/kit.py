"""Small helpers several test files share (not fixtures: plain functions)."""

from __future__ import annotations

import importlib.util
from pathlib import Path
from typing import Any

from parsers.events import LineEvent, LineMeta
from parsers.shapes import Shape
from parsers.stream import parse_bytes
from tui.model import Model

# The real captures copied from the shared samples (the project must work
# without ../shared), and the logs among them (not the JSON or READMEs).
SAMPLES = Path(__file__).resolve().parent / "data" / "samples"
SAMPLE_LOGS = sorted(p for p in SAMPLES.rglob("*") if p.is_file() and p.suffix in (".log", ".txt"))


def parse_with(shapes: tuple[Shape, ...], line: str, kind: type, line_no: int = 1) -> tuple[str, LineEvent] | None:
    """Try every shape of a family on the stripped line; fail if more than one fits."""
    payload = line.strip()
    hits = [shape for shape in shapes if shape.pattern.fullmatch(payload)]
    assert len(hits) <= 1, f"ambiguous: {[s.name for s in hits]}"
    if not hits:
        return None
    shape = hits[0]
    match = shape.pattern.fullmatch(payload)
    assert match is not None
    event = shape.build(match, LineMeta(line_no=line_no, raw=line))
    assert isinstance(event, kind)
    return shape.name, event


def model_of(text: str | bytes | list[str]) -> Model:
    """A model fed through the live (event) path from text, bytes or lines."""
    if isinstance(text, list):
        text = "\n".join(text) + "\n"
    events, parser = parse_bytes(text if isinstance(text, bytes) else text.encode())
    model = Model()
    model.apply(events)
    model.set_counts(parser.counts, parser.lines)
    return model


def gen_log() -> Any:
    """tests/bench/gen_log.py as a module: the benchmark's log generator,
    which tests use for big realistic logs (it is a script, not a package)."""
    spec = importlib.util.spec_from_file_location("gen_log", Path(__file__).parent / "bench" / "gen_log.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module
