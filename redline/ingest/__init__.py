"""Return a `Document` read from an agreement file: .txt, .md, .docx or .pdf (one module per format).

    read_document(path) -> Document

Every failure (missing path, folder, unknown extension, empty, binary, corrupt, encrypted, a zip
bomb, XML with a DOCTYPE, a PDF without a text layer) raises `redline.errors.InputError` naming
the file and saying what to do. Inputs are only read, never changed.
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

from redline.errors import InputError, RedlineError
from redline.model import Document

__all__ = ["read_document", "SUPPORTED", "max_input_bytes"]

SUPPORTED = (".txt", ".md", ".markdown", ".text", ".docx", ".pdf")
DEFAULT_MAX_MB = 200


def max_input_bytes() -> int:
    """The largest input accepted, in bytes (environment variable REDLINE_MAX_INPUT_MB raises it)."""
    try:
        mb = float(os.environ.get("REDLINE_MAX_INPUT_MB", DEFAULT_MAX_MB))
    except ValueError:
        mb = DEFAULT_MAX_MB
    return int(mb * 1024 * 1024)


def read_document(path) -> Document:
    """Return the `Document` read from `path` (raise `InputError` with a clear message)."""
    p = Path(path)
    name = str(p)
    if not p.exists():
        raise InputError("no such file", path=name, hint="check the path")
    if p.is_dir():
        raise InputError("this is a folder, not a file", path=name,
                         hint="choose an agreement file inside it")
    ext = p.suffix.lower()
    if ext == ".doc":
        raise InputError("old Word .doc files are not read", path=name,
                         hint="open it in Word or LibreOffice and save it as .docx")
    if ext not in SUPPORTED:
        raise InputError(f"unsupported file type '{ext or '(none)'}'", path=name,
                         hint="use a .txt, .md, .docx or .pdf file")
    try:
        size = p.stat().st_size
    except OSError as exc:
        raise InputError(f"cannot read the file ({exc.strerror or exc})", path=name,
                         hint="check that it exists and you may read it") from None
    limit = max_input_bytes()
    if size > limit:
        raise InputError(f"the file is {size / 1048576:.0f} MB, over the {limit / 1048576:.0f} MB limit",
                         path=name, hint="set REDLINE_MAX_INPUT_MB to a higher limit to read it")
    try:
        data = p.read_bytes()
    except OSError as exc:
        raise InputError(f"cannot read the file ({exc.strerror or exc})", path=name,
                         hint="check that it exists and you may read it") from None
    if not data.strip():
        raise InputError("the file is empty", path=name, hint="choose a file with an agreement in it")
    digest = hashlib.sha256(data).hexdigest()
    try:
        if ext == ".docx":
            from redline.ingest import docx as _docx
            doc = _docx.read(data, name)
        elif ext == ".pdf":
            from redline.ingest import pdf as _pdf
            doc = _pdf.read(data, name)
        else:
            from redline.ingest import text as _text
            text, enc = _text.decode(data, name)
            doc = Document(path=name, kind="md" if ext in (".md", ".markdown") else "txt", text=text,
                           encoding=enc)
    except RedlineError:
        raise
    except MemoryError:
        raise InputError("the file is too large to read in memory", path=name,
                         hint="split it into smaller files") from None
    except Exception as exc:  # a reader met something it does not understand
        raise InputError(f"cannot read the file ({type(exc).__name__}: {exc})", path=name,
                         hint="check that it opens in Word or a PDF viewer, then save a fresh copy") from None
    if not doc.text.strip():
        if doc.kind == "pdf":
            raise InputError("no text layer: run OCR first", path=name,
                             hint="the PDF holds only images of pages; OCR it, then try again")
        raise InputError("the file has no text", path=name, hint="choose a file with an agreement in it")
    return Document(path=name, kind=doc.kind, text=doc.text, sha256=digest, paragraphs=doc.paragraphs,
                    pages=doc.pages, tracked_changes_in_input=doc.tracked_changes_in_input,
                    encoding=doc.encoding)
