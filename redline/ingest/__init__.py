"""Reading agreements: one module per format, one entry point. PLACEHOLDER (issue 4 replaces)."""

from __future__ import annotations

import hashlib
from pathlib import Path

from redline.errors import InputError
from redline.model import Document


def read_document(path) -> Document:
    """Return the `Document` read from `path` (raise `InputError` with a clear message)."""
    p = Path(path)
    if not p.exists():
        raise InputError("no such file", path=str(p), hint="check the path")
    data = p.read_bytes()
    text = data.decode("utf-8-sig", errors="replace")
    if not text.strip():
        raise InputError("the file is empty", path=str(p), hint="choose a file with an agreement in it")
    return Document(path=str(p), kind="txt", text=text, sha256=hashlib.sha256(data).hexdigest())
