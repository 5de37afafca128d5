"""``python -m mesodesk`` and the ``mesodesk`` command."""

from __future__ import annotations

import sys

from mesodesk.cli import main

if __name__ == "__main__":
    sys.exit(main())
