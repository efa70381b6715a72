"""`redline --selftest`: returns 0 only if the whole pipeline produced every output on the samples.

Runs, with no window and into a temporary folder, what an installed Redline must be able to do:

1. analysis  - the five bundled agreements read, segmented and analysed;
2. review    - findings on the vendor agreements, each pointing at real text; the JSON contract;
3. redlines  - one Word redline per vendor agreement (four), each checked by an independent
               reading of its word/document.xml: with every change rejected, its words are the
               agreement's (furniture aside), and with every change accepted they differ where
               changes were made;
4. memo      - the negotiation memo as a Word document.

Each stage prints one line to the reporter (`reporter.say`). The export modules are imported
lazily: a missing or failing module makes its stage FAILED, never a crash. The check reads the
.docx with zipfile + lxml only, not with the writer's own code.
"""

from __future__ import annotations

import re
import sys
import tempfile
import time
import traceback
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, List, Optional, Sequence, Tuple

W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
EXPECTED_AGREEMENTS = 5
EXPECTED_REDLINES = 4
_WORD = re.compile(r"\w+")


@dataclass
class StageResult:
    """What one stage did: its name, whether it produced its output, and a one-line detail."""

    name: str
    ok: bool
    detail: str
    seconds: float = 0.0


class StageFailed(Exception):
    """A stage ran but its output is not what it must be (the message says what)."""


# ---------------------------------------------------------------------------------------------
# The independent reader (zipfile + lxml over word/document.xml)


def docx_texts(path) -> Tuple[str, str]:
    """Return (accept-all text, reject-all text) of the .docx at `path`, read from document.xml.

    Accept-all keeps `w:t` outside deletions and drops `w:delText` / `w:moveFrom`; reject-all
    keeps `w:t` outside insertions plus `w:delText`, and drops `w:ins` / `w:moveTo`.
    Paragraphs end in "\\n", tabs and breaks read as whitespace.
    """
    from lxml import etree

    with zipfile.ZipFile(path) as z:
        root = etree.fromstring(z.read("word/document.xml"))
    body = root.find(f"{{{W_NS}}}body")
    if body is None:
        raise StageFailed(f"{Path(path).name}: word/document.xml has no body")
    tags = {name: f"{{{W_NS}}}{name}" for name in
            ("t", "delText", "tab", "br", "cr", "p", "ins", "del", "moveFrom", "moveTo")}
    inserted = (tags["ins"], tags["moveTo"])
    deleted = (tags["del"], tags["moveFrom"])
    accept: List[str] = []
    reject: List[str] = []

    def under(el, wanted) -> bool:
        parent = el.getparent()
        while parent is not None and parent is not body:
            if parent.tag in wanted:
                return True
            parent = parent.getparent()
        return False

    for el in body.iter(tags["t"], tags["delText"], tags["tab"], tags["br"], tags["cr"], tags["p"]):
        if el.tag == tags["p"]:
            # iter() is document order, so this marks each paragraph's start in both texts:
            # words never join across paragraphs.
            accept.append("\n")
            reject.append("\n")
            continue
        text = (el.text or "") if el.tag in (tags["t"], tags["delText"]) else " "
        if el.tag == tags["delText"] or under(el, deleted):
            if not under(el, inserted):
                reject.append(text)
            continue
        if under(el, inserted):
            accept.append(text)
            continue
        accept.append(text)
        reject.append(text)
    return "".join(accept), "".join(reject)


def docx_counts(path) -> Tuple[int, int]:
    """Return (tracked changes, comments) in the .docx at `path`: w:ins/w:del/moves and w:comment."""
    from lxml import etree

    with zipfile.ZipFile(path) as z:
        names = set(z.namelist())
        root = etree.fromstring(z.read("word/document.xml"))
        comments = 0
        if "word/comments.xml" in names:
            croot = etree.fromstring(z.read("word/comments.xml"))
            comments = len(croot.findall(f"{{{W_NS}}}comment"))
    changes = sum(1 for _ in root.iter(*(f"{{{W_NS}}}{n}" for n in ("ins", "del", "moveFrom", "moveTo"))))
    return changes, comments


def words(text: str) -> List[str]:
    """Return the word tokens of `text` (punctuation, table pipes and whitespace left out)."""
    return _WORD.findall(text)


def agreement_words(agreement) -> List[str]:
    """Return the agreement's words with its furniture (page numbers, headers, chrome) left out."""
    from redline.spans import clean_pieces, join_pieces

    return words(join_pieces(agreement.text, clean_pieces(agreement, 0, len(agreement.text))))


def first_difference(a: Sequence[str], b: Sequence[str]) -> str:
    """Return where two word lists first differ, with a few words of context, or "" if equal."""
    if list(a) == list(b):
        return ""
    i = 0
    while i < min(len(a), len(b)) and a[i] == b[i]:
        i += 1
    left = " ".join(a[max(0, i - 4):i + 6])
    right = " ".join(b[max(0, i - 4):i + 6])
    return (f"word {i} of {len(a)}: agreement has '...{left}...', "
            f"reject-all has '...{right}...' ({len(b)} words)")


# ---------------------------------------------------------------------------------------------
# Stages


def _is_vendor(item) -> bool:
    return not Path(item.path).name.startswith("customer-")


def _stage_analysis(state: dict) -> str:
    from redline import api

    paths = api.sample_paths()
    if len(paths) != EXPECTED_AGREEMENTS:
        raise StageFailed(f"found {len(paths)} sample agreements in {api.SAMPLES_DIR}, "
                          f"expected {EXPECTED_AGREEMENTS}")
    analysis = api.analyze(paths)
    if len(analysis.agreements) != EXPECTED_AGREEMENTS:
        raise StageFailed(f"{len(analysis.agreements)} agreements analysed, expected {EXPECTED_AGREEMENTS}")
    empty = [Path(a.path).name for a in analysis.agreements if not a.agreement.clauses]
    if empty:
        raise StageFailed("no clauses found in " + ", ".join(empty))
    state["analysis"] = analysis
    clauses = sum(len(a.agreement.clauses) for a in analysis.agreements)
    topics = len(analysis.matrix)
    return f"{len(analysis.agreements)} agreements, {clauses} clauses, {topics} topics aligned"


def _stage_review(state: dict) -> str:
    import json

    from redline.jsonout import to_json

    analysis = state["analysis"]
    vendors = [a for a in analysis.agreements if _is_vendor(a)]
    total = sum(len(a.findings) for a in vendors)
    if not total:
        raise StageFailed("no findings on any of the vendor agreements")
    for item in vendors:
        size = len(item.agreement.text)
        for f in item.findings:
            if f.severity not in ("high", "medium", "low"):
                raise StageFailed(f"{Path(item.path).name}: finding {f.id} has severity {f.severity!r}")
            if f.start is not None and not (0 <= f.start <= (f.end or 0) <= size):
                raise StageFailed(f"{Path(item.path).name}: finding {f.id} points outside the text")
    json.dumps(to_json(analysis))
    by = {"high": 0, "medium": 0, "low": 0}
    for item in vendors:
        for f in item.findings:
            by[f.severity] += 1
    return (f"{total} findings on {len(vendors)} vendor agreements "
            f"({by['high']} high, {by['medium']} medium, {by['low']} low); JSON contract ok")


def check_redline(path, agreement) -> str:
    """Return a one-line summary if the redline at `path` passes the accept/reject check, else raise."""
    name = Path(path).name
    if not Path(path).is_file():
        raise StageFailed(f"{name} was not written")
    try:
        accept, reject = docx_texts(path)
        changes, comments = docx_counts(path)
    except (zipfile.BadZipFile, KeyError) as exc:
        raise StageFailed(f"{name} is not a Word document: {exc}") from None
    diff = first_difference(agreement_words(agreement), words(reject))
    if diff:
        raise StageFailed(f"{name}: reject-all is not the agreement: {diff}")
    if changes and words(accept) == words(reject):
        raise StageFailed(f"{name}: {changes} tracked changes, yet accept-all == reject-all")
    return f"{changes} tracked changes, {comments} comments; reject-all == agreement"


def _stage_redlines(state: dict, out_dir: Path, say: Callable[[str], None]) -> str:
    from redline.export.redline_docx import write_redline

    analysis = state["analysis"]
    vendors = [a for a in analysis.agreements if _is_vendor(a)]
    if len(vendors) != EXPECTED_REDLINES:
        raise StageFailed(f"{len(vendors)} vendor agreements, expected {EXPECTED_REDLINES}")
    failed: List[str] = []
    changed = 0
    for item in vendors:
        target = out_dir / (Path(item.path).stem + ".redline.docx")
        try:
            write_redline(item, target, author="Redline self-test", force=True)
            line = check_redline(target, item.agreement)
            changed += int(not line.startswith("0 "))
            say(f"selftest:   {target.name}: {line}")
        except Exception as exc:  # noqa: BLE001 - reported, counted, never raised
            failed.append(target.name)
            say(f"selftest:   {target.name}: FAILED: {_one_line(exc)}")
    if failed:
        raise StageFailed(f"{len(failed)} of {len(vendors)} redlines failed: {', '.join(failed)}")
    if not changed:
        raise StageFailed("no redline carries a tracked change")
    return f"{len(vendors)} redlines written and checked"


def _stage_memo(state: dict, out_dir: Path) -> str:
    from redline.export.memo import write_memo

    target = out_dir / "negotiation-memo.docx"
    write_memo(state["analysis"], target, matter="Redline self-test", fmt="docx", force=True)
    if not target.is_file():
        raise StageFailed(f"{target.name} was not written")
    try:
        accept, _ = docx_texts(target)
    except (zipfile.BadZipFile, KeyError) as exc:
        raise StageFailed(f"{target.name} is not a Word document: {exc}") from None
    count = len(words(accept))
    if count < 100:
        raise StageFailed(f"{target.name} holds only {count} words")
    return f"{target.name}: {count} words, {target.stat().st_size // 1024} KB"


# ---------------------------------------------------------------------------------------------
# Driver


def _one_line(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()
    if isinstance(exc, StageFailed):
        return text[0] if text else "failed"
    if isinstance(exc, ModuleNotFoundError):
        return f"module missing: {exc}"
    if isinstance(exc, ImportError):
        return f"import failed: {exc}"
    where = ""
    tb = traceback.extract_tb(exc.__traceback__)
    if tb:
        where = f" (at {Path(tb[-1].filename).name}:{tb[-1].lineno})"
    return f"{type(exc).__name__}: {text[0] if text else ''}{where}"


def _where() -> str:
    from redline import __version__

    if getattr(sys, "frozen", False):
        return f"redline {__version__}, bundle {getattr(sys, '_MEIPASS', Path(sys.executable).parent)}"
    return f"redline {__version__}, python {sys.version.split()[0]} at {sys.executable}"


def run_stages(say: Callable[[str], None], out_dir: Path) -> List[StageResult]:
    """Return the result of every stage, run in order into `out_dir`; lines go to `say`."""
    state: dict = {}
    stages = [
        ("analysis", lambda: _stage_analysis(state), ()),
        ("review", lambda: _stage_review(state), ("analysis",)),
        ("redlines", lambda: _stage_redlines(state, out_dir, say), ("analysis",)),
        ("memo", lambda: _stage_memo(state, out_dir), ("analysis",)),
    ]
    results: List[StageResult] = []
    done = set()
    for name, run, needs in stages:
        missing = [n for n in needs if n not in done]
        if missing:
            result = StageResult(name, False, f"skipped: needs {', '.join(missing)}")
        else:
            started = time.perf_counter()
            try:
                result = StageResult(name, True, run())
            except Exception as exc:  # noqa: BLE001 - a failing stage is reported, never raised
                result = StageResult(name, False, _one_line(exc))
            result.seconds = time.perf_counter() - started
        if result.ok:
            done.add(name)
        say(f"selftest: {name:<9} {'ok' if result.ok else 'FAILED'}  {result.detail}"
            f"  ({result.seconds:.2f} s)")
        results.append(result)
    return results


def selftest(reporter, *, out_dir: Optional[Path] = None) -> int:
    """Return 0 if every stage produced its output on the bundled samples, else 1.

    Writes into a temporary folder (removed afterwards) unless `out_dir` is given.
    """
    say = reporter.say
    started = time.perf_counter()
    say(f"selftest: {_where()}")
    if out_dir is not None:
        Path(out_dir).mkdir(parents=True, exist_ok=True)
        results = run_stages(say, Path(out_dir))
    else:
        with tempfile.TemporaryDirectory(prefix="redline-selftest-") as tmp:
            results = run_stages(say, Path(tmp))
    failed = [r.name for r in results if not r.ok]
    took = time.perf_counter() - started
    if failed:
        say(f"selftest: FAILED ({len(failed)} of {len(results)} stages: {', '.join(failed)}; {took:.1f} s)")
        return 1
    say(f"selftest: ok (all {len(results)} stages; {took:.1f} s)")
    return 0
