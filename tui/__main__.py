"""``python -m tui``: the same as the ``gctui`` command."""

import sys

from tui.cli import main

sys.exit(main())
