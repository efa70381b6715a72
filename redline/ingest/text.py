"""Return the reference text of a .txt/.md file: its bytes decoded, BOM dropped, line endings kept.

UTF-8 (with or without a BOM) and UTF-16 with a BOM are read as such; anything else as cp1252.
The text is `bytes.decode`d, never read through a newline-translating stream, so every offset
points at the file's own characters.
"""

from __future__ import annotations

from typing import Tuple

from redline.errors import InputError

_BOMS = ((b"\xef\xbb\xbf", "utf-8-sig"), (b"\xff\xfe", "utf-16"), (b"\xfe\xff", "utf-16"))


def decode(data: bytes, path: str) -> Tuple[str, str]:
    """Return (text, encoding) for the bytes of a text file (raise `InputError` for binary data)."""
    for bom, enc in _BOMS:
        if data.startswith(bom):
            try:
                return data.decode(enc), enc
            except UnicodeDecodeError:
                raise InputError("the file says it is Unicode text but its bytes are not",
                                 path=path, hint="re-save it as UTF-8 text") from None
    if b"\x00" in data[:65536]:
        raise InputError("the file holds binary data, not text", path=path,
                         hint="choose the agreement itself (.txt, .md, .docx or .pdf)")
    try:
        text, enc = data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        text, enc = data.decode("cp1252", errors="replace"), "cp1252"
    sample = text[:65536]
    if sample:
        control = sum(1 for ch in sample if ord(ch) < 32 and ch not in "\t\n\r\f\v")
        if control > max(8, len(sample) // 20):
            raise InputError("the file holds binary data, not text", path=path,
                             hint="choose the agreement itself (.txt, .md, .docx or .pdf)")
    return text, enc
