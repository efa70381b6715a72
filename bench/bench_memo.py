"""Print how long the negotiation memo of the five samples takes, stage by stage, and its size.

    python bench/bench_memo.py [--runs N]

Analysing the five samples is timed apart; the memo's own figures are building its content
(`build_memo`), rendering the Word document, saving it, and the Markdown. Also printed: the
number of issues, quotes and tables, and the .docx size, so a change in the engine's output
that makes the memo slow or huge shows here. Median of N runs.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--runs", type=int, default=3)
    args = ap.parse_args(argv)
    from redline import api
    from redline.export.memo import render_docx
    from redline.export.memo_blocks import Heading, Quote, Table
    from redline.export.memo_content import build_memo
    from redline.export.memo_markdown import render_markdown
    from redline.playbook import load_playbook

    t0 = time.perf_counter()
    analysis = api.analyze(api.sample_paths())
    t_analyze = time.perf_counter() - t0
    t0 = time.perf_counter()
    book = load_playbook(analysis.playbook_path or None)
    t_book = time.perf_counter() - t0

    times = {"build": [], "render": [], "save": [], "markdown": []}
    size = 0
    memo = None
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "memo.docx"
        for _ in range(args.runs):
            t0 = time.perf_counter()
            memo = build_memo(analysis, playbook=book)
            t1 = time.perf_counter()
            doc = render_docx(memo)
            t2 = time.perf_counter()
            doc.save(str(out))
            t3 = time.perf_counter()
            render_markdown(memo)
            t4 = time.perf_counter()
            for key, value in zip(times, (t1 - t0, t2 - t1, t3 - t2, t4 - t3)):
                times[key].append(value)
            size = out.stat().st_size
    findings = sum(len(a.findings) for a in analysis.agreements)
    issues = sum(1 for b in memo.blocks if isinstance(b, Heading) and b.level == 4 and b.text[:1].isdigit())
    quotes = sum(1 for b in memo.blocks if isinstance(b, Quote))
    tables = sum(1 for b in memo.blocks if isinstance(b, Table))
    print(f"analyse five samples: {t_analyze:.2f} s; load playbook: {t_book:.2f} s")
    for key, values in times.items():
        print(f"memo {key:9s} {statistics.median(values) * 1000:7.0f} ms (median of {args.runs})")
    total = sum(statistics.median(v) for k, v in times.items() if k != "markdown")
    print(f"memo .docx total   {total * 1000:7.0f} ms; {size / 1024:.0f} KB")
    print(f"{findings} findings -> {issues} issues, {quotes} quotes, {tables} tables, "
          f"{len(memo.blocks)} blocks")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
