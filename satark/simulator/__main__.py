"""``python -m satark.simulator``: run the WhatsApp Cloud API simulator."""

from __future__ import annotations

import sys

from .server import main

if __name__ == "__main__":
    sys.exit(main())
