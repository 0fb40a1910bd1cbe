"""gctui: the model, the sources and the terminal UI built on ``parsers``."""

__version__ = "0.1.0"
