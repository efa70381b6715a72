"""Return clause-number tokens parsed and normalised: "ARTICLE 3.", "7.3.1.1", "2.5.A.", "(iii)", "A.".

A token has a *family* (how it counts: "dec" for 1 / 4.2 / 7.3.1.1, "art" for ARTICLE 3, "pl" for
(a), "pL" for (A), "pr" for (iii), "pR" for (III), "pd" for (1), "ll"/"lL"/"lr"/"lR" for a. / A. /
ii. / II.) and a *value* (a tuple of integers for "dec"/"art", an integer otherwise).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Optional, Tuple

# A candidate clause number, where it may begin a clause: preceded by nothing, whitespace or a
# Markdown marker, followed by blanks (or bold markers and blanks) and then text.
CANDIDATE = re.compile(
    r"(?<![^\s*#>\u00a0])"
    r"(?:"
    r"(?P<art>(?:ARTICLE|Article|SECTION|Section|CLAUSE|Clause|PART|Part|§)[^\S\r\n]*(?<=[^\S\r\n§])"
    r"(?P<artn>\d{1,3}(?:\.\d{1,3}){0,6}|[IVXLC]{1,7})(?P<artp>[.:]?))"
    r"|(?P<dec>\d{1,3}(?:\.\d{1,3}){0,7})(?:\.(?P<decl>[A-Z])(?![A-Za-z]))?(?P<decp>\.?)"
    r"|(?P<ldec>[A-Z]\d{1,3}(?:\.\d{1,3}){0,5})(?P<ldecp>\.?)"
    r"|\((?P<par>[a-z]{1,4}|[A-Z]{1,4}|\d{1,3})\)"
    r"|(?P<let>[A-Za-z]|[ivxlc]{2,6}|[IVXLC]{2,6})\."
    r"|(?P<pc>\d{1,3}|[a-z]|[ivx]{2,5}|[A-Z])\)"
    r")"
    r"(?P<bold>\*\*|__)?"
    r"(?P<gap>[^\S\r\n]+(?=\S)|[^\S\r\n]*(?=[\r\n]|$))"
)

_ROMAN = re.compile(r"^(?=[ivxlc])(xc|xl|l?x{0,3})(ix|iv|v?i{0,3})$")
_ROMAN_VALUES = {"i": 1, "v": 5, "x": 10, "l": 50, "c": 100}


def roman_value(s: str) -> Optional[int]:
    """Return the value of lower- or upper-case roman numeral `s`, or None if it is not one."""
    low = s.lower()
    if not low or not _ROMAN.match(low):
        return None
    total = 0
    prev = 0
    for ch in reversed(low):
        v = _ROMAN_VALUES[ch]
        total = total - v if v < prev else total + v
        prev = max(prev, v)
    return total or None


def to_roman(n: int) -> str:
    """Return `n` as a lower-case roman numeral."""
    out = []
    for v, sym in ((100, "c"), (90, "xc"), (50, "l"), (40, "xl"), (10, "x"), (9, "ix"), (5, "v"),
                   (4, "iv"), (1, "i")):
        while n >= v:
            out.append(sym)
            n -= v
    return "".join(out)


def letter_value(s: str) -> Optional[int]:
    """Return 1 for "a"/"A", 27 for "aa" ...; None if `s` is not a (doubled) letter."""
    if not s.isalpha() or not s.isascii() or len(set(s)) != 1:
        return None
    return (ord(s[0].lower()) - 96) + 26 * (len(s) - 1)


def to_letter(n: int) -> str:
    """Return 1 -> "a", 27 -> "aa"."""
    n = max(1, n)
    return chr(96 + (n - 1) % 26 + 1) * ((n - 1) // 26 + 1)


AMBIGUOUS_ROMAN = {"i", "v", "x", "I", "V", "X", "l", "L", "c", "C"}


@dataclass(frozen=True)
class Token:
    """A parsed clause number."""

    family: str
    value: Tuple[int, ...]
    raw: str
    norm: str
    alt: Optional[Tuple[str, Tuple[int, ...]]] = None
    """For "(i)"/"(v)"/"(x)": the other reading (letter vs roman)."""
    zero: bool = False
    """True for "1.0"-style numbers (trailing zeros dropped from `value`)."""


def parse_match(m: "re.Match[str]") -> Optional[Token]:
    """Return the `Token` of a `CANDIDATE` match, or None if it is not a clause number."""
    g = m.groupdict()
    if g.get("art"):
        n = g["artn"]
        if "." in n:
            # "Section 1.01": a numbered section written with its label
            parts = [int(x) for x in n.split(".")]
            zero = False
            while len(parts) > 1 and parts[-1] == 0:
                parts.pop()
                zero = True
            if parts[0] == 0:
                return None
            return Token("dec", tuple(parts), g["art"], ".".join(str(x) for x in parts), zero=zero)
        val = int(n) if n.isdigit() else roman_value(n)
        if not val:
            return None
        return Token("art", (val,), g["art"], str(val))
    if g.get("dec"):
        parts = [int(x) for x in g["dec"].split(".")]
        zero = False
        while len(parts) > 1 and parts[-1] == 0:
            parts.pop()  # "1.0" -> 1, "2.10.0" -> 2.10
            zero = True
        if parts[0] == 0:
            return None
        raw = m.group(0)[: m.end("decp") - m.start()]
        if g["decl"]:
            v = ord(g["decl"]) - 64
            return Token("dec", tuple(parts) + (v,), raw,
                         ".".join(str(x) for x in parts) + "." + g["decl"])
        return Token("dec", tuple(parts), raw, ".".join(str(x) for x in parts), zero=zero)
    if g.get("par"):
        s = g["par"]
        raw = f"({s})"
        if s.isdigit():
            return Token("pd", (int(s),), raw, s)
        return _letters(s, raw, "p")
    if g.get("ldec"):
        # "B1", "B1.2": a letter-prefixed section number (the letter keeps its series apart)
        raw = g["ldec"]
        parts = [int(x) for x in raw[1:].split(".")]
        if parts[0] == 0:
            return None
        first = (ord(raw[0]) - 64) * 1000 + parts[0]
        return Token("dec", (first,) + tuple(parts[1:]), raw + g["ldecp"], raw)
    if g.get("let"):
        s = g["let"]
        return _letters(s, s + ".", "l")
    if g.get("pc"):
        s = g["pc"]
        if s.isdigit():
            return Token("cd", (int(s),), s + ")", s)
        return _letters(s, s + ")", "c")
    return None


def _letters(s: str, raw: str, prefix: str) -> Optional[Token]:
    upper = s.isupper()
    lv = letter_value(s)
    rv = roman_value(s)
    fam_letter = prefix + ("L" if upper else "l")
    fam_roman = prefix + ("R" if upper else "r")
    if len(s) == 1 and s in AMBIGUOUS_ROMAN and s.lower() in "ivx" and rv and lv:
        # Letter by default; the tree builder may read it as a roman numeral instead.
        return Token(fam_letter, (lv,), raw, s, alt=(fam_roman, (rv,)))
    if rv and (len(s) > 1 or lv is None):
        return Token(fam_roman, (rv,), raw, s)
    if lv and (len(s) == 1 or len(set(s)) == 1):
        return Token(fam_letter, (lv,), raw, s)
    return None


def parse_number(text: str) -> Optional[Token]:
    """Return the `Token` of a number written alone ("4.2", "(b)", "ARTICLE 3."), or None."""
    m = CANDIDATE.match(text.strip() + " x")
    if not m:
        return None
    return parse_match(m)
