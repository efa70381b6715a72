"""Return the `Document` of a PDF: the text of each page (pypdf), pages joined by "\\f".

`Document.pages` holds each page's span. A PDF whose pages hold no text is refused with
"no text layer: run OCR first"; an encrypted or damaged PDF gets its own clear message.
Repeated page headers and footers are found later, as furniture, by `redline.furniture`.
"""

from __future__ import annotations

import io
import logging
from typing import List, Tuple

from redline.errors import InputError
from redline.model import Document


def read(data: bytes, path: str) -> Document:
    """Return the `Document` of the PDF bytes `data` read from `path`."""
    if b"%PDF-" not in data[:1024]:
        raise InputError("this is not a PDF file (no PDF header)", path=path,
                         hint="check the file; export the agreement to PDF again")
    from pypdf import PdfReader
    from pypdf.errors import PdfReadError

    logging.getLogger("pypdf").setLevel(logging.ERROR)
    try:
        reader = PdfReader(io.BytesIO(data), strict=False)
        if reader.is_encrypted:
            try:
                ok = reader.decrypt("")
            except Exception:
                ok = 0
            if not ok:
                raise InputError("the PDF is encrypted (password-protected)", path=path,
                                 hint="save an unprotected copy of the PDF, then try again")
        pages = reader.pages
        texts: List[str] = []
        for page in pages:
            try:
                t = page.extract_text() or ""
            except Exception:
                t = ""
            texts.append(t.replace("\f", "\n"))
    except InputError:
        raise
    except (PdfReadError, ValueError, KeyError, TypeError, OSError, RecursionError) as exc:
        raise InputError(f"the PDF is damaged or cannot be read ({type(exc).__name__})", path=path,
                         hint="open it in a PDF viewer and save or print a fresh copy") from None
    except Exception as exc:
        name = type(exc).__name__
        if "Dependency" in name or "crypt" in str(exc).lower():
            raise InputError("the PDF is encrypted in a way that cannot be read here", path=path,
                             hint="save an unprotected copy of the PDF, then try again") from None
        raise InputError(f"the PDF is damaged or cannot be read ({name})", path=path,
                         hint="open it in a PDF viewer and save or print a fresh copy") from None
    if not any(t.strip() for t in texts):
        raise InputError("no text layer: run OCR first", path=path,
                         hint="the PDF holds only images of pages; OCR it, then try again")
    spans: List[Tuple[int, int]] = []
    pos = 0
    for i, t in enumerate(texts):
        if i:
            pos += 1
        spans.append((pos, pos + len(t)))
        pos += len(t)
    return Document(path=path, kind="pdf", text="\f".join(texts), pages=tuple(spans))
