"""Print how long the Word redline of the largest sample (CenturyLink) takes beyond start-up.

    python bench/bench_redline.py [--runs N]

Start-up (imports, reading and analysing the agreement) is timed apart; the figure that counts
is `write_redline` (layout, word diffs, tracked changes, comments, saving the .docx). Target:
under 1 s. The findings are the review's own when it has any, else test findings on common words
(about 60), so the figure never depends on the playbook's state.
"""

from __future__ import annotations

import argparse
import re
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--runs", type=int, default=5)
    args = ap.parse_args(argv)
    t0 = time.perf_counter()
    from redline import api, model
    from redline.export.redline_docx import write_redline
    t_import = time.perf_counter() - t0

    path = ROOT / "resources" / "samples" / "centurylink-bozeman-msa.txt"
    t0 = time.perf_counter()
    agreement = api.read_agreement(path)
    item = api.analyze_agreement(agreement, api.load_playbook())
    t_analyze = time.perf_counter() - t0
    findings = item.findings
    source = "review"
    if len(findings) < 10:
        source = "test words"
        made = []
        for i, m in enumerate(re.finditer(r"\b(shall|days|terminate|liability|notice)\b", agreement.text)):
            if i % 3 == 0:
                made.append(model.Finding(
                    id=f"b{i}", rule="bench", title="bench", topic="bench", severity="medium",
                    clause=None, start=m.start(), end=m.end(), quote=m.group(0),
                    comment="Please see our change.", proposal="will" if i % 2 else ""))
        findings = tuple(made)
        item = model.AgreementAnalysis(agreement=agreement, parties=item.parties, findings=findings)
    times = []
    with tempfile.TemporaryDirectory() as tmp:
        for _ in range(args.runs):
            t0 = time.perf_counter()
            report = write_redline(item, Path(tmp) / "out.docx", force=True)
            times.append(time.perf_counter() - t0)
    med = statistics.median(times)
    print(f"redline of {path.name} ({len(agreement.text) / 1000:.0f} KB, {len(agreement.clauses)} clauses, "
          f"{len(findings)} findings from {source})")
    print(f"  start-up: imports {t_import:.2f} s, read+analyse {t_analyze:.2f} s")
    print(f"  write_redline: median {med:.3f} s, min {min(times):.3f} s over {args.runs} runs "
          f"(target < 1 s: {'OK' if med < 1 else 'MISSED'})")
    print(f"  {report.changes} tracked changes, {report.comments} comments")
    return 0


if __name__ == "__main__":
    sys.exit(main())
