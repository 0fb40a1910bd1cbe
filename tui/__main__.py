"""``python -m tui``: the same as the ``gctui`` command."""

import sys

from tui.cli.main import main

if __name__ == "__main__":
    sys.exit(main())
