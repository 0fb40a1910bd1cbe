"""Open a big log with its newest cycles on screen first.

Parsing a 1 GiB log takes half a minute on two cores, but the user opened
it to see what the program is doing now. So a big file is read twice:

1. :meth:`TailFirstLoader.tail_model` parses only its last few MiB (about
   40,000 cycles; a fraction of a second) into a model the app shows at once;
2. :meth:`TailFirstLoader.full_model` parses the whole file on several
   cores, reporting bytes done through a callback, and the app swaps the
   full model in when it is ready;
3. :meth:`TailFirstLoader.follow_source` follows the file from
   :attr:`TailFirstLoader.end_offset`, where both parses stopped, and
   :func:`continue_feeder` feeds what it reads into either model with line
   numbers and counts carrying on. What arrives while the full parse runs
   goes to the tail model; the app keeps those items and feeds them to the
   full model's feeder too when it swaps (they are only seconds' worth).

Both parses stop at the same ``end_offset``: the end of the last whole line
when the loader was made, so a line being written is read once, whole, by
the follower.

Line numbers in the tail model count from the first line of the tail (line
1 is the first line shown, not of the file): the real number needs every
newline before it counted, and the full model, which arrives next, has the
real ones. ``segments[0].reason`` says the model is a tail.

The full parse is :mod:`tui.ingest.bulkload`'s: the same seams (a gc line whose
cycle number follows the previous line's) and the same stitching, so the
result equals :func:`tui.ingest.bulkload.parse_path`. It differs in two ways:
more ranges than cores, one per ``PART_BYTES``, so that progress moves in
steps a user can watch; and the lines before each range are counted here,
once, instead of by each worker re-reading everything before its range,
which would cost the square of the number of ranges.
"""

from __future__ import annotations

import multiprocessing
import os
import stat
from concurrent.futures import ProcessPoolExecutor
from typing import BinaryIO, Callable, Iterator

from parsers.bulk import BulkResult
from tui.ingest.bulkload import _seam_in, _stitch, _unpack, find_seams, parse_blocks, read_range
from tui.ingest.feed import Feeder
from tui.sources.files import check_source, is_gzip, os_message
from tui.model import Model, SegmentInfo
from tui.sources.base import SourceError
from tui.sources.follow import FileSource

BIG_FILE = 64 << 20  # above this, show the tail first
TAIL_BYTES = 6 << 20  # what the first screen is parsed from
PART_BYTES = 64 << 20  # one step of progress in the full parse
Progress = Callable[[int, int], None]  # (bytes done, bytes in all)


def tail_first_wanted(path: str | os.PathLike[str], threshold: int = BIG_FILE) -> bool:
    """Whether ``path`` is a plain log big enough to be opened tail first
    (gzip cannot be read from the end: it goes through :class:`FileSource`)."""
    st = check_source(os.fspath(path))
    if st is None or st.st_size <= threshold or not stat.S_ISREG(st.st_mode):
        return False
    with open(path, "rb") as f:
        return not is_gzip(f.read(2), os.fspath(path))


class TailFirstLoader:
    """One big file, parsed tail first; see the module docstring for the flow.

    The file is opened once, here, and the descriptor kept, so a rotation
    during the load changes nothing: every read is of the file as it was.
    """

    def __init__(
        self,
        path: str | os.PathLike[str],
        *,
        tail_bytes: int = TAIL_BYTES,
        part_bytes: int = PART_BYTES,
        workers: int | None = None,
    ) -> None:
        self.path = os.fspath(path)
        check_source(self.path)
        self.tail_bytes = tail_bytes
        self.part_bytes = part_bytes
        self.workers = workers or min(os.cpu_count() or 1, 4)
        try:
            self._file = open(self.path, "rb")
        except OSError as e:
            raise SourceError(os_message(self.path, e)) from None
        if is_gzip(self._file.read(2), self.path):
            self._file.close()
            raise SourceError(f"gctui: {self.path} is gzip-compressed: it cannot be read from its end")
        st = os.fstat(self._file.fileno())
        self.identity = (st.st_dev, st.st_ino)
        self.end_offset = self._last_line_end(st.st_size)
        self.tail_start: int | None = None
        self.tail_result: BulkResult | None = None
        self.full_result: BulkResult | None = None

    def close(self) -> None:
        self._file.close()

    def __enter__(self) -> TailFirstLoader:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- the two parses ---------------------------------------------------------

    def tail_model(self) -> Model:
        """The last ``tail_bytes`` of the file, parsed from a line where no
        block can be open (line numbers count from the tail's first line)."""
        start = self.tail_start = self._tail_start()
        self.tail_result = parse_blocks(self._blocks(start, self.end_offset), 1, pack=False)
        mib = (self.end_offset - start) / (1 << 20)
        reason = "start of the file" if start == 0 else f"the last {mib:.1f} MiB of the file (the rest is loading)"
        return self._model(self.tail_result, reason)

    def full_model(self, progress: Progress | None = None) -> Model:
        """The whole file up to ``end_offset``, parsed on ``workers`` processes;
        ``progress(done, total)`` is called from this thread after each range."""
        self.full_result = self._parse_all(progress)
        return self._model(self.full_result, "start of input")

    def follow_source(self, *, follow: bool = True) -> FileSource:
        """A reader that starts where the parses stopped, in the same file
        (from its start after a :class:`Restart` if it was replaced)."""
        return FileSource(self.path, follow=follow, offset=self.end_offset, identity=self.identity)

    # -- inside -------------------------------------------------------------------

    def _model(self, result: BulkResult, reason: str) -> Model:
        model = Model(segments=[SegmentInfo(0, 1, 0, reason)])
        model.env.description = self.path
        model.apply_bulk(result)
        return model

    def _parse_all(self, progress: Progress | None) -> BulkResult:
        total = self.end_offset
        # The descriptor's /proc name reopens this very file in the workers,
        # even once it is renamed or deleted; elsewhere, the path.
        proc = f"/proc/{os.getpid()}/fd/{self._file.fileno()}"
        source = (proc, self.path) if os.path.exists(proc) else (self.path,)
        parts = max(1, -(-total // self.part_bytes))
        seams = [s for s in find_seams(source[0], parts, min_split=0)[:-1] if s < total] + [total]
        ranges = list(zip(seams, seams[1:]))
        if len(ranges) == 1:
            result = _parse_part(source, 0, total, 1, False)
            if progress is not None:
                progress(total, total)
            return result
        # fork is unsafe in a process with threads (the app's, the watcher's).
        method = "forkserver" if "forkserver" in multiprocessing.get_all_start_methods() else None
        context = multiprocessing.get_context(method)
        with ProcessPoolExecutor(min(self.workers, len(ranges)), mp_context=context) as pool:
            futures = []
            first_line = 1
            for start, end in ranges:  # counted while the first ranges parse
                futures.append(pool.submit(_parse_part, source, start, end, first_line, True))
                first_line += sum(block.count(b"\n") for block in self._blocks(start, end))
            result: BulkResult | None = None
            for (start, end), future in zip(ranges, futures):
                part = future.result()
                part.records = _unpack(part.records)  # type: ignore[arg-type]
                if result is None:
                    result = part
                else:
                    _stitch(result, part)
                if progress is not None:
                    progress(end, total)
        assert result is not None
        return result

    def _blocks(self, start: int, end: int) -> Iterator[bytes]:
        return read_range(self._file.fileno(), start, end)

    def _last_line_end(self, size: int) -> int:
        """The end of the last whole line: a line still being written is
        left to the follower, which reads it whole."""
        base = max(0, size - (1 << 20))
        cut = os.pread(self._file.fileno(), size - base, base).rfind(b"\n")
        return base + cut + 1 if cut >= 0 else (0 if base == 0 else size)

    def _tail_start(self) -> int:
        """A line start about ``tail_bytes`` before the end, at a gc line that
        follows its predecessor (no crash dump or scheddetail block open)."""
        base = max(0, self.end_offset - self.tail_bytes)
        if base == 0:
            return 0
        window = os.pread(self._file.fileno(), min(1 << 20, self.end_offset - base), base)
        seam = _seam_in(b"\n" + window)  # the leading newline lets a line at base count
        if seam is not None:
            return base + seam - 1
        newline = window.find(b"\n")
        return base + newline + 1 if newline >= 0 else self.end_offset


def _parse_part(paths: tuple[str, ...], start: int, end: int, first_line: int, pack: bool) -> BulkResult:
    """Parse one range in a worker, told its first line number instead of
    counting it. ``paths``: names of the file to try in turn."""
    with _open_first(paths) as f:
        return parse_blocks(read_range(f.fileno(), start, end), first_line, pack)


def _open_first(paths: tuple[str, ...]) -> BinaryIO:
    for path in paths[:-1]:
        try:
            return open(path, "rb")
        except OSError:
            pass
    return open(paths[-1], "rb")


def continue_feeder(model: Model, result: BulkResult, stream: str = "log") -> Feeder:
    """A feeder for what follows a bulk parse (see :meth:`Feeder.resume`)."""
    feeder = Feeder(model)
    feeder.resume(result, stream)
    return feeder
