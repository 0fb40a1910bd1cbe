"""The model: everything known about one watched program, in columns.

Below the analysis and the front ends, above the parsers: it stores what
the parsers produce and answers queries, and does no I/O of its own.
"""

from tui.model.model import Model, RunEnv, SegmentInfo

__all__ = ["Model", "RunEnv", "SegmentInfo"]
