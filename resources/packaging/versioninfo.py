"""Return the Windows version-resource text for a version string (used by build.spec).

The text is what PyInstaller's `EXE(version=FILE)` reads (the format `pyi-grab_version`
writes): a `VSVersionInfo(...)` expression. Pure string work, importable anywhere.
"""

from __future__ import annotations

import re
from pathlib import Path

PRODUCT = "Redline"
COMPANY = "Redline"
DESCRIPTION = "Redline: review vendors' agreements from the customer's side, offline"
COPYRIGHT = "Copyright (c) the Redline authors"


def read_version(root: Path) -> str:
    """Return `__version__` from redline/__init__.py under `root`, without importing it."""
    text = (Path(root) / "redline" / "__init__.py").read_text(encoding="utf-8")
    match = re.search(r'^__version__\s*=\s*["\']([^"\']+)["\']', text, re.M)
    if not match:
        raise SystemExit("build.spec: no __version__ in redline/__init__.py")
    return match.group(1)


def version_tuple(version: str) -> tuple:
    """Return the four integers Windows wants from "1.2.3" (or "1.2.3rc1"): (1, 2, 3, 0)."""
    nums = [int(n) for n in re.findall(r"\d+", version.split("+")[0])[:4]]
    return tuple((nums + [0, 0, 0, 0])[:4])


def version_file_text(version: str, internal_name: str, original_filename: str) -> str:
    """Return a version-resource file's text for one executable."""
    four = version_tuple(version)
    strings = [
        ("CompanyName", COMPANY),
        ("FileDescription", DESCRIPTION),
        ("FileVersion", version),
        ("InternalName", internal_name),
        ("LegalCopyright", COPYRIGHT),
        ("OriginalFilename", original_filename),
        ("ProductName", PRODUCT),
        ("ProductVersion", version),
    ]
    rows = ",\n            ".join(f"StringStruct({k!r}, {v!r})" for k, v in strings)
    return f"""# UTF-8
VSVersionInfo(
  ffi=FixedFileInfo(
    filevers={four},
    prodvers={four},
    mask=0x3f,
    flags=0x0,
    OS=0x40004,
    fileType=0x1,
    subtype=0x0,
    date=(0, 0)
  ),
  kids=[
    StringFileInfo([
      StringTable(
        '040904B0',
        [
            {rows}
        ])
    ]),
    VarFileInfo([VarStruct('Translation', [1033, 1200])])
  ]
)
"""
