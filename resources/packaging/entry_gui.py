"""PyInstaller entry script for `redline-gui` (the windowed app): runs redline.ui.app:main."""

import sys

from redline.ui.app import main

if __name__ == "__main__":
    sys.exit(main())
