"""Return what a .docx says with its tracked changes accepted or rejected: an independent reader.

Tests use it to check the writers (the redline, Compare) without trusting their structures: it
parses ``word/document.xml`` (and ``word/comments.xml``) with zipfile + lxml only.

    view = read_docx(path_or_bytes)
    view.accepted / view.rejected   # body text, paragraphs joined by "\\n"
    view.counts                     # {"ins", "del", "moveFrom", "moveTo", "mark_ins", "mark_del",
                                    #  "comments", "comment_ranges", "paragraphs"}
    view.problems                   # OOXML rule violations found (empty when all is well)
    view.comments                   # {comment id: comment text}
    view.core                       # docProps/core.xml fields {local name: text}

Semantics: text is w:t (w:delText inside deletions), w:tab "\\t", w:br/w:cr "\\n". Accept-all drops
w:del and w:moveFrom content and joins a paragraph whose mark is deleted (w:pPr/w:rPr/w:del or
w:moveFrom) to the next; reject-all drops w:ins and w:moveTo content and joins a paragraph whose
mark is inserted (w:ins or w:moveTo) to the next. Text in nested paragraphs (text boxes) is left out.

`norm(text)` is THE normalisation the fidelity tests apply to both sides: every run of whitespace
(spaces, tabs, newlines, form feeds, no-break spaces) becomes one space, and the ends are trimmed.
"""

from __future__ import annotations

import io
import re
import zipfile
from dataclasses import dataclass, field
from typing import Dict, List, Union

from lxml import etree

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"


def w(tag: str) -> str:
    return f"{{{W}}}{tag}"


_WS = re.compile(r"[\s\u00a0\u200b]+")


def norm(text: str) -> str:
    """Return `text` with each whitespace run as one space, trimmed."""
    return _WS.sub(" ", text).strip()


@dataclass
class DocxView:
    accepted: str
    rejected: str
    counts: Dict[str, int]
    problems: List[str] = field(default_factory=list)
    comments: Dict[str, str] = field(default_factory=dict)
    core: Dict[str, str] = field(default_factory=dict)
    package_text: str = ""
    """Every XML part's text concatenated (to look for things that must not be there)."""


CHANGE = {w("ins"): "ins", w("del"): "del", w("moveFrom"): "moveFrom", w("moveTo"): "moveTo"}
DELETED = {w("del"), w("moveFrom")}
INSERTED = {w("ins"), w("moveTo")}


def _para_of(el):
    a = el.getparent()
    while a is not None and a.tag != w("p"):
        a = a.getparent()
    return a


def _paragraph(p, problems: List[str]):
    """Return (accept text, reject text, mark state) of one w:p."""
    acc: List[str] = []
    rej: List[str] = []
    for el in p.iter(w("t"), w("delText"), w("tab"), w("br"), w("cr")):
        if _para_of(el) is not p:
            continue
        # the run's change context
        deleted = inserted = False
        in_run = False
        a = el.getparent()
        while a is not None and a is not p:
            if a.tag == w("r"):
                in_run = True
            if a.tag in DELETED:
                deleted = True
            if a.tag in INSERTED:
                inserted = True
            a = a.getparent()
        if not in_run:
            continue
        if el.tag == w("t"):
            text = el.text or ""
            if deleted:
                problems.append(f"w:t inside a deletion: {text[:40]!r}")
        elif el.tag == w("delText"):
            text = el.text or ""
            if not deleted:
                problems.append(f"w:delText outside a deletion: {text[:40]!r}")
        elif el.tag == w("tab"):
            if el.getparent().tag != w("r"):
                continue  # a tab stop definition in pPr
            text = "\t"
        else:
            text = "\n"
        if not deleted:
            acc.append(text)
        if not inserted:
            rej.append(text)
    mark = None
    rpr = p.find(f"{w('pPr')}/{w('rPr')}")
    if rpr is not None:
        for m in rpr:
            if m.tag in CHANGE:
                mark = CHANGE[m.tag]
    return "".join(acc), "".join(rej), mark


def _join(paras, which: int, merge_marks) -> str:
    out: List[str] = []
    for i, item in enumerate(paras):
        out.append(item[which])
        if i < len(paras) - 1 and item[2] not in merge_marks:
            out.append("\n")
    return "".join(out)


def _check(root, problems: List[str]) -> Dict[str, int]:
    counts = {"ins": 0, "del": 0, "moveFrom": 0, "moveTo": 0, "mark_ins": 0, "mark_del": 0}
    ids: Dict[str, str] = {}

    def claim(value, what):
        if value is None:
            problems.append(f"{what} without w:id")
            return
        if value in ids and ids[value] != what:
            problems.append(f"id {value} used by {ids[value]} and {what}")
        elif value in ids:
            problems.append(f"id {value} used twice by {what}")
        ids[value] = what

    for el in root.iter():
        if not isinstance(el.tag, str):
            continue
        tag = el.tag
        if tag in CHANGE:
            parent = el.getparent()
            is_mark = parent is not None and parent.tag == w("rPr")
            a = parent
            while a is not None:
                if a.tag == w("r"):
                    problems.append(f"{CHANGE[tag]} inside a run")
                    break
                a = a.getparent()
            if el.get(w("author")) is None or el.get(w("date")) is None:
                problems.append(f"{CHANGE[tag]} id={el.get(w('id'))} without author/date")
            claim(el.get(w("id")), f"change:{el.get(w('id'))}")
            if is_mark:
                if tag in (w("ins"), w("moveTo")):
                    counts["mark_ins"] += 1
                else:
                    counts["mark_del"] += 1
            else:
                counts[CHANGE[tag]] += 1
        elif tag in (w("rPrChange"), w("pPrChange")):
            claim(el.get(w("id")), f"change:{el.get(w('id'))}")
        elif tag in (w("commentRangeStart"), w("bookmarkStart"), w("moveFromRangeStart"),
                     w("moveToRangeStart")):
            kind = etree.QName(tag).localname
            claim(el.get(w("id")), f"{kind}:{el.get(w('id'))}")
            if "move" in kind and (el.get(w("author")) is None or el.get(w("date")) is None):
                problems.append(f"{kind} without author/date")
    return counts


def read_docx(source: Union[str, bytes, "object"]) -> DocxView:
    """Return the `DocxView` of the .docx at `source` (a path or the file's bytes)."""
    data = source if isinstance(source, (bytes, bytearray)) else open(source, "rb").read()
    problems: List[str] = []
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        names = set(z.namelist())
        root = etree.fromstring(z.read("word/document.xml"))
        comments_root = etree.fromstring(z.read("word/comments.xml")) if "word/comments.xml" in names else None
        core_root = etree.fromstring(z.read("docProps/core.xml")) if "docProps/core.xml" in names else None
        package_text = "\n".join(z.read(n).decode("utf-8", "replace") for n in sorted(names)
                                 if n.endswith((".xml", ".rels")))
    body = root.find(w("body"))
    paras = []
    last_flags = []
    for p in body.iter(w("p")):
        if _para_of(p) is not None:
            continue  # a paragraph nested in a text box
        paras.append(_paragraph(p, problems))
        nxt = p.getnext()
        while nxt is not None and nxt.tag not in (w("p"), w("tbl"), w("sdt")):
            nxt = nxt.getnext()
        last_flags.append(nxt is None)
    counts = _check(root, problems)
    counts["paragraphs"] = len(paras)
    # marks on the last paragraph of the body / a cell are not allowed
    for container in [body] + list(body.iter(w("tc"))):
        blocks = [c for c in container if c.tag in (w("p"), w("tbl"), w("sdt"))]
        if blocks and blocks[-1].tag == w("p"):
            rpr = blocks[-1].find(f"{w('pPr')}/{w('rPr')}")
            if rpr is not None and any(m.tag in CHANGE for m in rpr):
                problems.append(f"the last paragraph mark of a {etree.QName(container).localname} is tracked")
    # accepting (rejecting) must not leave an empty paragraph where there was text: a wholly
    # deleted (inserted) paragraph must have its mark deleted (inserted) too; merges counted
    for verb, keep, gone, joins in (("accepting", 0, 1, ("del", "moveFrom")),
                                    ("rejecting", 1, 0, ("ins", "moveTo"))):
        group_keep: List[str] = []
        group_gone: List[str] = []
        for i, item in enumerate(paras):
            group_keep.append(item[keep])
            group_gone.append(item[gone])
            if item[2] in joins and i < len(paras) - 1:
                continue
            if ("".join(group_gone).strip() and not "".join(group_keep).strip()
                    and not last_flags[i]):  # the last mark of the body or a cell must stay
                problems.append(f"{verb} leaves paragraph {i} empty: {''.join(group_gone)[:40]!r}")
            group_keep, group_gone = [], []
    comments: Dict[str, str] = {}
    if comments_root is not None:
        for c in comments_root.iter(w("comment")):
            cid = c.get(w("id"))
            if cid in comments:
                problems.append(f"comment id {cid} twice in comments.xml")
            comments[cid] = "".join(t.text or "" for t in c.iter(w("t")))
    starts = {el.get(w("id")) for el in root.iter(w("commentRangeStart"))}
    ends = {el.get(w("id")) for el in root.iter(w("commentRangeEnd"))}
    refs = {el.get(w("id")) for el in root.iter(w("commentReference"))}
    if not (starts == ends == refs == set(comments)):
        problems.append(f"comment ranges/references/comments disagree: {sorted(starts)[:5]} "
                        f"{sorted(ends)[:5]} {sorted(refs)[:5]} {sorted(comments)[:5]}")
    counts["comments"] = len(comments)
    counts["comment_ranges"] = len(starts)
    core: Dict[str, str] = {}
    if core_root is not None:
        for el in core_root:
            core[etree.QName(el).localname] = el.text or ""
    accepted = _join(paras, 0, ("del", "moveFrom"))
    rejected = _join(paras, 1, ("ins", "moveTo"))
    return DocxView(accepted=accepted, rejected=rejected, counts=counts, problems=problems,
                    comments=comments, core=core, package_text=package_text)
