"""PyInstaller's entry script for the frozen ``poplark`` (the same as the ``poplark`` console script)."""

import sys

from app.main import main

if __name__ == "__main__":
    sys.exit(main())
