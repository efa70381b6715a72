"""Return Word's automatic numbers as Word shows them, from numbering.xml and the styles.

Supported: `lvlText` ("%1.%2", "(%3)", "ARTICLE %1."), `numFmt` decimal / decimalZero /
lowerLetter / upperLetter / lowerRoman / upperRoman (bullets and "none" give no number),
`isLgl` (all levels shown as decimals), `start`, `lvlRestart`, `w:num` instances with
`lvlOverride`/`startOverride` (and whole-level overrides), `numStyleLink`, and numbering
carried by paragraph styles (a heading style linked to a list) as well as direct `w:numPr`.

Counting: instances of one abstract list share their counters, unless an instance overrides
levels (then it counts on its own, from its override starts) - the way Word continues a list.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Dict, List, Optional, Tuple

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
_W = "{%s}" % W
_HEADING = re.compile(r"^heading\s*([1-9])$", re.IGNORECASE)


def _val(el, name: str) -> Optional[str]:
    if el is None:
        return None
    child = el.find(_W + name)
    return child.get(_W + "val") if child is not None else None


def _int(v, default=None):
    try:
        return int(v)
    except (TypeError, ValueError):
        return default


@dataclass
class Style:
    id: str
    name: str
    based_on: Optional[str]
    num_id: Optional[str]
    ilvl: Optional[int]
    outline: Optional[int]


class Styles:
    """Paragraph styles by id, with inheritance through `basedOn`."""

    def __init__(self, styles: Dict[str, Style], default: Optional[str]) -> None:
        self.styles = styles
        self.default = default

    def get(self, sid: Optional[str]) -> Optional[Style]:
        return self.styles.get(sid) if sid else None

    def default_paragraph(self) -> Optional[Style]:
        return self.styles.get(self.default) if self.default else None

    def _chain(self, sid: Optional[str]):
        seen = set()
        while sid and sid in self.styles and sid not in seen:
            seen.add(sid)
            st = self.styles[sid]
            yield st
            sid = st.based_on

    def heading_level(self, sid: Optional[str], outline: Optional[int]) -> Optional[int]:
        """Return 1.. for a Word heading style or an outline level, else None."""
        if outline is not None and 0 <= outline < 9:
            return outline + 1
        for st in self._chain(sid or self.default):
            m = _HEADING.match(st.name or "") or _HEADING.match(st.id or "")
            if m:
                return int(m.group(1))
            if st.outline is not None and 0 <= st.outline < 9:
                return st.outline + 1
        return None

    def numpr(self, sid: Optional[str]) -> Tuple[Optional[str], Optional[int]]:
        """Return the (numId, ilvl) a style carries, inherited through `basedOn`."""
        num_id = None
        ilvl = None
        for st in self._chain(sid or self.default):
            if num_id is None and st.num_id is not None:
                num_id = st.num_id
            if ilvl is None and st.ilvl is not None:
                ilvl = st.ilvl
        return num_id, ilvl


def read_styles(package) -> Styles:
    """Return the paragraph `Styles` of a python-docx document."""
    out: Dict[str, Style] = {}
    default = None
    try:
        root = package.styles.element
    except Exception:
        return Styles(out, None)
    for st in root.findall(_W + "style"):
        if st.get(_W + "type") not in (None, "paragraph"):
            continue
        sid = st.get(_W + "styleId") or ""
        name = _val(st, "name") or sid
        ppr = st.find(_W + "pPr")
        num_id = ilvl = outline = None
        if ppr is not None:
            np_ = ppr.find(_W + "numPr")
            if np_ is not None:
                num_id = _val(np_, "numId")
                ilvl = _int(_val(np_, "ilvl"))
            outline = _int(_val(ppr, "outlineLvl"))
        out[sid] = Style(sid, name, _val(st, "basedOn"), num_id, ilvl, outline)
        if st.get(_W + "default") in ("1", "true", "on"):
            default = sid
    return Styles(out, default)


@dataclass
class Level:
    start: int = 1
    fmt: str = "decimal"
    text: str = "%1."
    is_lgl: bool = False
    restart: Optional[int] = None
    style: Optional[str] = None
    suff: str = "tab"


def _level(el) -> Level:
    lvl = Level()
    lvl.start = _int(_val(el, "start"), 1)
    lvl.fmt = _val(el, "numFmt") or "decimal"
    text = el.find(_W + "lvlText")
    lvl.text = text.get(_W + "val") if text is not None and text.get(_W + "val") is not None else ""
    lg = el.find(_W + "isLgl")
    lvl.is_lgl = lg is not None and lg.get(_W + "val") not in ("0", "false", "off")
    lvl.restart = _int(_val(el, "lvlRestart"))
    lvl.style = _val(el, "pStyle")
    lvl.suff = _val(el, "suff") or "tab"
    return lvl


@dataclass
class Abstract:
    levels: Dict[int, Level] = field(default_factory=dict)
    style_link: Optional[str] = None


@dataclass
class Num:
    abstract: str
    starts: Dict[int, int] = field(default_factory=dict)
    levels: Dict[int, Level] = field(default_factory=dict)


def format_value(n: int, fmt: str) -> str:
    """Return `n` written in Word number format `fmt`."""
    from redline.segment.numbers import to_letter, to_roman

    if fmt in ("lowerLetter",):
        return to_letter(n)
    if fmt == "upperLetter":
        return to_letter(n).upper()
    if fmt == "lowerRoman":
        return to_roman(n) if n > 0 else str(n)
    if fmt == "upperRoman":
        return to_roman(n).upper() if n > 0 else str(n)
    if fmt == "decimalZero":
        return f"{n:02d}"
    return str(n)


class Numbering:
    """Computes each numbered paragraph's label in body order (call `number_for` in order)."""

    def __init__(self, abstracts: Dict[str, Abstract], nums: Dict[str, Num], styles: Styles) -> None:
        self.abstracts = abstracts
        self.nums = nums
        self.styles = styles
        self.counters: Dict[str, List[Optional[int]]] = {}

    @classmethod
    def from_package(cls, package, styles: Styles) -> "Numbering":
        abstracts: Dict[str, Abstract] = {}
        nums: Dict[str, Num] = {}
        try:
            root = package.part.numbering_part.element
        except Exception:
            return cls(abstracts, nums, styles)
        for an in root.findall(_W + "abstractNum"):
            ab = Abstract()
            for lv in an.findall(_W + "lvl"):
                ab.levels[_int(lv.get(_W + "ilvl"), 0)] = _level(lv)
            ab.style_link = _val(an, "numStyleLink")
            abstracts[an.get(_W + "abstractNumId")] = ab
        for nm in root.findall(_W + "num"):
            num = Num(_val(nm, "abstractNumId") or "")
            for ov in nm.findall(_W + "lvlOverride"):
                il = _int(ov.get(_W + "ilvl"), 0)
                so = _val(ov, "startOverride")
                if so is not None:
                    num.starts[il] = _int(so, 1)
                lv = ov.find(_W + "lvl")
                if lv is not None:
                    num.levels[il] = _level(lv)
            nums[nm.get(_W + "numId")] = num
        return cls(abstracts, nums, styles)

    def _abstract(self, num: Num) -> Tuple[str, Optional[Abstract]]:
        aid = num.abstract
        seen = set()
        ab = self.abstracts.get(aid)
        while ab is not None and ab.style_link and not ab.levels and aid not in seen:
            seen.add(aid)
            nid, _ = self.styles.numpr(ab.style_link)
            target = self.nums.get(nid) if nid else None
            if target is None:
                break
            aid = target.abstract
            ab = self.abstracts.get(aid)
        return aid, ab

    def number_for(self, numpr: Optional[Tuple[Optional[str], Optional[int]]],
                   style_id: Optional[str]) -> Tuple[Optional[str], Optional[int]]:
        """Return (label, ilvl) of the next paragraph with direct `numpr` and style `style_id`."""
        num_id, ilvl = numpr if numpr else (None, None)
        s_num, s_ilvl = self.styles.numpr(style_id)
        if num_id is None:
            num_id = s_num
            if ilvl is None:
                ilvl = s_ilvl
        if num_id is None or num_id == "0":
            return None, None
        num = self.nums.get(num_id)
        if num is None:
            return None, None
        aid, ab = self._abstract(num)
        if ab is None:
            return None, None
        if ilvl is None:
            ilvl = 0
            if style_id:
                for k, lv in ab.levels.items():
                    if lv.style == style_id:
                        ilvl = k
                        break
        ilvl = max(0, min(8, ilvl))

        def level(k: int) -> Level:
            return num.levels.get(k) or ab.levels.get(k) or Level(text="")

        def start(k: int) -> int:
            return num.starts.get(k, level(k).start)

        key = f"num:{num_id}" if (num.starts or num.levels) else f"abs:{aid}"
        vals = self.counters.setdefault(key, [None] * 9)
        lv = level(ilvl)
        vals[ilvl] = start(ilvl) if vals[ilvl] is None else vals[ilvl] + 1
        for d in range(ilvl + 1, 9):
            r = level(d).restart
            if r is None or (r != 0 and ilvl < r):
                vals[d] = None
        if lv.fmt in ("bullet", "none") or not lv.text:
            return None, None

        def sub(m: "re.Match[str]") -> str:
            k = int(m.group(1)) - 1
            if not 0 <= k < 9:
                return ""
            v = vals[k] if vals[k] is not None else start(k)
            fmt = "decimal" if lv.is_lgl else level(k).fmt
            if fmt in ("bullet", "none"):
                return ""
            return format_value(v, fmt)

        label = re.sub(r"%([1-9])", sub, lv.text).strip()
        return (label or None), ilvl
