"""PyInstaller entry script for `redline` (the console CLI): runs redline.cli:main."""

import sys

from redline.cli import main

if __name__ == "__main__":
    sys.exit(main())
