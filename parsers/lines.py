"""Bytes in any chunking to physical lines, with memory kept bounded.

A log can hold anything: a 10 MB line with no newline, NUL bytes, invalid
UTF-8, CRLF endings, a last line with no newline at all. The splitter keeps
at most ``max_line`` bytes of any line (counting, not keeping, the rest), so
feeding it an endless line costs constant memory, and it never raises.
"""

from __future__ import annotations

DEFAULT_MAX_LINE = 64 * 1024


class LineSplitter:
    """Split a byte stream on ``\\n``; hold the unterminated tail between feeds."""

    __slots__ = ("max_line", "_partial", "_cut")

    def __init__(self, max_line: int = DEFAULT_MAX_LINE) -> None:
        self.max_line = max_line
        self._partial = b""
        self._cut = 0

    def feed(self, data: bytes) -> list[tuple[str, int]]:
        """Return the complete lines in ``data`` as ``(text, cut_bytes)``."""
        if not data:
            return []
        parts = data.split(b"\n")
        tail = parts.pop()
        out: list[tuple[str, int]] = []
        if parts:
            first = self._partial + parts[0] if self._partial else parts[0]
            parts[0] = first
            cut = self._cut
            self._partial, self._cut = b"", 0
            limit = self.max_line
            for i, line in enumerate(parts):
                extra = cut if i == 0 else 0
                if len(line) > limit:
                    extra += len(line) - limit
                    line = line[:limit]
                out.append((_decode(line), extra))
            self._keep(tail)
        else:
            self._keep(tail)
        return out

    def close(self) -> list[tuple[str, int]]:
        """End of input: the last line, if it had no newline."""
        if not self._partial and not self._cut:
            return []
        line, cut = self._partial, self._cut
        self._partial, self._cut = b"", 0
        return [(_decode(line), cut)]

    @property
    def pending(self) -> int:
        """Bytes of the unterminated line held (at most ``max_line``)."""
        return len(self._partial)

    def _keep(self, tail: bytes) -> None:
        room = self.max_line - len(self._partial)
        if len(tail) <= room:
            self._partial += tail
        else:
            self._partial += tail[: max(room, 0)]
            self._cut += len(tail) - max(room, 0)


def _decode(line: bytes) -> str:
    if line.endswith(b"\r"):
        line = line[:-1]
    return line.decode("utf-8", "replace")
