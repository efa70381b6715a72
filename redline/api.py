"""The engine's one public API: the CLI and the app call these and nothing deeper.

    files -> Document -> Agreement -> topics -> findings -> Analysis -> exports

Each function is pure over its inputs (files are only read), takes keyword-only options,
and accepts an optional `progress` (see `redline.progress`).
"""

from __future__ import annotations

from pathlib import Path
import sys
from collections import deque
from typing import Deque, Iterable, Iterator, Optional, Sequence, Tuple

from redline import align as _align
from redline import definitions, keyterms, openitems, parties as _parties, review as _review
from redline import segment as _segment
from redline import topics as _topics
from redline import xrefs
from redline.ingest import read_document
from redline.model import Agreement, AgreementAnalysis, Analysis, Parties
from redline.playbook import Playbook, load_playbook
from redline.progress import Progress, check

SAMPLES_DIR = Path(__file__).resolve().parent.parent / "resources" / "samples"

__all__ = [
    "read_agreement", "analyze_agreement", "analyze", "load_playbook", "sample_paths",
    "with_parties", "analyze_each", "combine",
]


def sample_paths() -> list[Path]:
    """Return the bundled sample agreements, the customer template first."""
    files = sorted(p for p in SAMPLES_DIR.glob("*.txt"))
    files.sort(key=lambda p: (not p.name.startswith("customer-"), p.name))
    return files


def read_agreement(path, *, progress: Optional[Progress] = None) -> Agreement:
    """Return the `Agreement` read and segmented from the file at `path`."""
    document = read_document(path)
    check(progress)
    return _segment.segment(document, progress=progress)


def analyze_agreement(agreement: Agreement, playbook: Playbook, *, provider: Optional[str] = None,
                      customer: Optional[str] = None) -> AgreementAnalysis:
    """Return the analysis of one segmented agreement against `playbook`."""
    who = _parties.detect(agreement, provider=provider, customer=customer)
    clause_topics = _topics.classify(agreement, playbook)
    findings, verdicts, risk = _review.review(agreement, clause_topics, who, playbook)
    return AgreementAnalysis(
        agreement=agreement,
        parties=who,
        topics=clause_topics,
        findings=tuple(findings),
        verdicts=dict(verdicts),
        risk_score=int(risk),
        key_terms=keyterms.extract(agreement, clause_topics, playbook),
        open_items=tuple(openitems.find(agreement)),
        xrefs=tuple(xrefs.find(agreement)),
        defined_terms=tuple(definitions.find(agreement)),
    )


def with_parties(analysis: AgreementAnalysis, playbook: Playbook, parties: Parties) -> AgreementAnalysis:
    """Return `analysis` reviewed again with the user's party names."""
    return analyze_agreement(analysis.agreement, playbook, provider=parties.provider,
                             customer=parties.customer)


def combine(analyses: Sequence[AgreementAnalysis], playbook: Playbook) -> Analysis:
    """Return the `Analysis` of several analysed agreements: matrix and market added."""
    analyses = tuple(analyses)
    return Analysis(agreements=analyses, matrix=_align.align(analyses, playbook),
                    market=_review.market(analyses, playbook), playbook_path=playbook.path)


def analyze(paths: Iterable, *, playbook: Optional[Playbook] = None, provider: Optional[str] = None,
            customer: Optional[str] = None, progress: Optional[Progress] = None) -> Analysis:
    """Return the `Analysis` of the agreements at `paths` against `playbook` (default one)."""
    book = playbook or load_playbook()
    paths = list(paths)
    out = []
    for i, path in enumerate(paths):
        check(progress, i, len(paths), f"reading {Path(path).name}")
        agreement = read_agreement(path, progress=progress)
        out.append(analyze_agreement(agreement, book, provider=provider, customer=customer))
    check(progress, len(paths), len(paths), "aligning")
    return combine(out, book)


def _analyze_one(path, playbook_path, provider, customer):
    """Worker body: analyse one file; return (path, analysis or None, error or None)."""
    from redline.errors import RedlineError

    book = _worker_books.get(playbook_path)
    if book is None:
        book = _worker_books[playbook_path] = load_playbook(playbook_path)
    try:
        agreement = read_agreement(path)
        return str(path), analyze_agreement(agreement, book, provider=provider, customer=customer), None
    except RedlineError as exc:
        return str(path), None, exc
    except Exception as exc:  # noqa: BLE001 - one file's engine failure must not end a batch
        return str(path), None, RedlineError(
            f"could not be analysed ({type(exc).__name__}: {exc})", path=str(path),
            hint="the other files were analysed; please report this file")


_worker_books: dict = {}


def analyze_each(paths: Iterable, *, playbook: Optional[Playbook] = None, provider: Optional[str] = None,
                 customer: Optional[str] = None, jobs: int = 1,
                 progress: Optional[Progress] = None) -> Iterator[Tuple[str, Optional[AgreementAnalysis], Optional[Exception]]]:
    """Yield (path, analysis, error) for each file in `paths`, in order, using `jobs` processes.

    A file that cannot be read yields its `RedlineError` instead of stopping the run, so a
    portfolio of hundreds of agreements is analysed even when a few are broken. Results are
    streamed: at most a few analyses are held at once.
    """
    book = playbook or load_playbook()
    paths = [str(p) for p in paths]
    total = len(paths)
    _worker_books[book.path] = book  # serial runs and forked workers use it without re-reading
    if jobs <= 1 or total <= 1:
        for i, path in enumerate(paths):
            check(progress, i, total, Path(path).name)
            yield _analyze_one(path, book.path, provider, customer)
        check(progress, total, total, "done")
        return
    import concurrent.futures as cf
    import multiprocessing

    ctx = multiprocessing.get_context("spawn" if sys.platform == "darwin" else None)
    with cf.ProcessPoolExecutor(max_workers=jobs, mp_context=ctx) as pool:
        window = max(2 * jobs, 4)
        pending: Deque = deque()
        it = iter(paths)
        done = 0
        for path in it:
            pending.append(pool.submit(_analyze_one, path, book.path, provider, customer))
            if len(pending) >= window:
                break
        while pending:
            result = pending.popleft().result()
            done += 1
            check(progress, done, total, Path(result[0]).name)
            nxt = next(it, None)
            if nxt is not None:
                pending.append(pool.submit(_analyze_one, nxt, book.path, provider, customer))
            yield result


def replace_parties(analysis: Analysis, index: int, parties: Parties, playbook: Playbook) -> Analysis:
    """Return `analysis` with agreement `index` re-reviewed under `parties`."""
    items = list(analysis.agreements)
    items[index] = with_parties(items[index], playbook, parties)
    return combine(items, playbook)
