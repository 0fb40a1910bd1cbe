"""Logs read to their end with every source apart: what ``report`` reads.

One log may interleave several pods (stern, ``kubectl logs --prefix``,
docker compose): :func:`load_all` gives its whole-stream model and one
model per source the lines name. Several logs (``gctui report a.log
b.log``, e.g. the CRI files kubelet keeps under ``/var/log/pods``) are
several sources: :func:`load_many` reads each once, into its own model, and
into a whole-stream model where each file keeps its own parser, so one
file's cycle numbers never look like a restart of another's.
"""

from __future__ import annotations

import os
import re
import threading

from tui.ingest.feed import Feeder
from tui.ingest.inputs import open_input
from tui.ingest.runner import Runner
from tui.model import Model
from tui.sources.base import Chunk, Item

# kubelet's names for a container's log: /var/log/pods/<ns>_<pod>_<uid>/<container>/<n>.log
# and the symlinks /var/log/containers/<pod>_<ns>_<container>-<id>.log.
_POD_DIR = re.compile(r"(?:^|/)[^/_]+_([^/_]+)_[0-9a-f-]{8,}/([^/]+)/\d+\.log(?:\.\S+)?$")
_CONTAINER_LINK = re.compile(r"(?:^|/)([^/_]+)_[^/_]+_(.+)-[0-9a-f]{64}\.log$")


def load_all(name: str) -> tuple[Model, dict[str, Model]]:
    """A log (a path, or ``-``) read to its end: the whole stream's model
    and a model per source its lines name (none for a one-process log)."""
    log = open_input(name)
    runner = Runner(log=log, kind="pipe" if name == "-" else "file", follow=False, batch=True)
    runner.run()
    if runner.failure is not None:
        raise runner.failure
    return runner.model, dict(runner.feeder.sources.models)


def load_many(names: list[str]) -> tuple[Model, dict[str, Model]]:
    """Several logs, each a source named by :func:`source_name` (a log that
    itself interleaves pods gives one source per pod, named ``file: pod``)."""
    if len(names) == 1:
        return load_all(names[0])
    labels = _labels(names)
    whole = Feeder(Model(), batch=True)
    whole.model.env.description = ", ".join(labels)
    sources: dict[str, Model] = {}
    stop = threading.Event()
    for name, label in zip(names, labels):
        own = Feeder(Model(), batch=True)
        own.model.env.description = label

        def emit(item: Item, own: Feeder = own, label: str = label) -> None:
            own.feed(item)
            if isinstance(item, Chunk):
                whole.feed(Chunk(label, item.data))

        with open_input(name) as log:
            log.source(follow=False).run(emit, stop)
        own.close()
        if len(own.sources):
            sources.update({f"{label}: {pod}": model for pod, model in own.sources.models.items()})
        else:
            sources[label] = own.model
    whole.close()
    return whole.model, sources


def source_name(path: str) -> str:
    """What a log file is called as a source: ``pod/container`` for
    kubelet's CRI files, else the path as given."""
    m = _POD_DIR.search(path) or _CONTAINER_LINK.search(path)
    return f"{m.group(1)}/{m.group(2)}" if m else path


def _labels(names: list[str]) -> list[str]:
    labels = [source_name(n) for n in names]
    # Two files of one container (0.log, 1.log after a restart) keep their paths.
    return [label if labels.count(label) == 1 else os.path.normpath(n) for label, n in zip(labels, names)]
