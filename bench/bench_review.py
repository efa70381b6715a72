"""Print the review's accuracy against hand-made labels, the template-vs-vendor ratio and speed.

    python bench/bench_review.py [--verbose]

Labels live in tests/data/labels/findings/<sample>.yaml (the five bundled agreements) and
tests/data/unseen_review/<name>.yaml (agreements written for the check, labelled before the
engine ever ran on them). Each label is a short quote of a one-sided term; every occurrence of
the quote in the text is one term. A finding counts as correct when its span lies in the same
sentence as a labelled term; a term counts as found when some finding does. Missing-topic
findings (no span) are compared with each label file's `missing:` list and reported apart.

The unseen agreements were written one at a time; after each first run the rules were
generalised for what it missed. Each label file records its first-run figures ("First run ...")
and the script totals them: that total, not the current figure, measures generalisation.
"""

from __future__ import annotations

import argparse
import re
import statistics
import sys
import time
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from redline import parties as _parties  # noqa: E402
from redline import review as _review  # noqa: E402
from redline import rules as _rules  # noqa: E402
from redline import topics as _topics  # noqa: E402
from redline.api import read_agreement, sample_paths  # noqa: E402
from redline.playbook import load_playbook  # noqa: E402

LABELS = ROOT / "tests" / "data" / "labels" / "findings"
UNSEEN = ROOT / "tests" / "data" / "unseen_review"

_QUOTES = str.maketrans({"’": "'", "‘": "'", "“": '"', "”": '"', "\u00a0": " "})


def normalise(text: str):
    """Return (normalised text, index map back to `text`): spaces collapsed, quotes straight, lower."""
    out, idx = [], []
    prev_space = False
    for i, ch in enumerate(text.translate(_QUOTES)):
        if ch.isspace():
            if prev_space:
                continue
            ch, prev_space = " ", True
        else:
            prev_space = False
        out.append(ch.lower())
        idx.append(i)
    return "".join(out), idx


def label_regions(text: str, quotes):
    """Return [(quote, start, end)] for every occurrence of every quote (sentence-wide), and misses."""
    norm, idx = normalise(text)
    windows = list(_rules.windows(text))
    starts = [w[0] for w in windows]
    import bisect

    def sentence(pos):
        i = max(0, bisect.bisect_right(starts, pos) - 1)
        return windows[i]

    regions, misses = [], []
    for q in quotes:
        nq, _ = normalise(q)
        nq = nq.strip()
        found = [m.start() for m in re.finditer(re.escape(nq), norm)]
        if not found:
            misses.append(q)
        for f in found:
            s, e = idx[f], idx[f + len(nq) - 1] + 1
            ws, we = sentence(s)[0], sentence(e - 1)[1]
            regions.append((q, min(s, ws), max(e, we)))
    return regions, misses


def score(agreement, findings, labels):
    """Return a dict of counts: tp findings, findings, found terms, terms, and details."""
    regions, misses = label_regions(agreement.text, [t["quote"] for t in labels.get("terms", [])])
    spanned = [f for f in findings if f.start is not None]
    tp = [f for f in spanned if any(f.start < e and s < f.end for _, s, e in regions)]
    found = [r for r in regions if any(f.start < r[2] and r[1] < f.end for f in spanned)]
    missing_found = sorted({f.topic for f in findings if f.start is None})
    return {"tp": len(tp), "findings": len(spanned), "found": len(found), "terms": len(regions),
            "fp": [f for f in spanned if f not in tp], "fn": [r for r in regions if r not in found],
            "misses": misses, "missing_expected": sorted(labels.get("missing", [])),
            "missing_found": missing_found, "all_findings": len(findings)}


def run(path: Path, labels_path: Path, playbook, verbose: bool):
    agreement = read_agreement(path)
    labels = yaml.safe_load(labels_path.read_text(encoding="utf-8")) if labels_path.exists() else {}
    t0 = time.perf_counter()
    who = _parties.detect(agreement)
    try:
        topics = _topics.classify(agreement, playbook)
    except Exception:  # topics are another stage; the review must not depend on them
        topics = {}
    t1 = time.perf_counter()
    findings, verdicts, risk = _review.review(agreement, topics, who, playbook)
    t2 = time.perf_counter()
    res = score(agreement, findings, labels or {})
    res.update(name=path.name, risk=risk, review_s=t2 - t1, parties=(who.provider, who.customer))
    if verbose:
        for q in res["misses"]:
            print(f"    label quote not in text: {q!r}")
        for f in res["fp"]:
            print(f"    FP {f.rule:34s} {f.quote[:110]!r}")
        for q, s, e in res["fn"]:
            print(f"    FN {q[:110]!r}")
    return res


def report(title, results):
    tp = sum(r["tp"] for r in results)
    n = sum(r["findings"] for r in results)
    found = sum(r["found"] for r in results)
    terms = sum(r["terms"] for r in results)
    print(f"\n{title}")
    print(f"  {'agreement':34s} {'provider/customer':28s} {'find':>5s} {'terms':>5s} {'recall':>7s} "
          f"{'prec':>6s} {'risk':>5s} {'review s':>9s}  missing (found / labelled)")
    for r in results:
        rec = r["found"] / r["terms"] if r["terms"] else 1.0
        prec = r["tp"] / r["findings"] if r["findings"] else 1.0
        who = "/".join(r["parties"])[:28]
        print(f"  {r['name'][:34]:34s} {who:28s} {r['findings']:5d} {r['terms']:5d} {rec:7.2f} {prec:6.2f} "
              f"{r['risk']:5d} {r['review_s']:9.3f}  {','.join(r['missing_found']) or '-'} / "
              f"{','.join(r['missing_expected']) or '-'}")
    rec = found / terms if terms else 1.0
    prec = tp / n if n else 1.0
    print(f"  overall: recall {rec:.3f} ({found}/{terms})  precision {prec:.3f} ({tp}/{n})")
    miss_tp = sum(len(set(r["missing_found"]) & set(r["missing_expected"])) for r in results)
    miss_n = sum(len(r["missing_found"]) for r in results)
    miss_l = sum(len(r["missing_expected"]) for r in results)
    print(f"  missing required topics: {miss_tp} right of {miss_n} reported, {miss_l} labelled")
    return rec, prec


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--verbose", "-v", action="store_true", help="list false positives and misses")
    ap.add_argument("--unseen", type=Path, default=UNSEEN, metavar="DIR",
                    help="folder of unseen agreements with their label files (default: %(default)s)")
    ap.add_argument("--no-samples", action="store_true", help="skip the five bundled samples")
    args = ap.parse_args(argv)
    playbook = load_playbook()
    print(f"playbook: {playbook.path}: {len(getattr(playbook, 'rules', ()))} rules, "
          f"{len(getattr(playbook, 'required', ()))} required topics")
    results = []
    for path in ([] if args.no_samples else sample_paths()):
        if args.verbose:
            print(f"  {path.name}")
        results.append(run(path, LABELS / (path.stem + ".yaml"), playbook, args.verbose))
    if results:
        report("Bundled samples (labels: tests/data/labels/findings)", results)
    template = [r for r in results if r["name"].startswith("customer-")]
    vendors = [r for r in results if not r["name"].startswith("customer-")]
    if template and vendors:
        med = statistics.median(r["all_findings"] for r in vendors)
        t = template[0]["all_findings"]
        print(f"  template findings {t} vs median vendor {med:g}: ratio {t / med if med else 0:.3f} "
              f"(target <= 0.25)")
    folder = args.unseen
    unseen = sorted(p for p in folder.glob("*") if p.suffix in (".txt", ".docx", ".md", ".pdf")) if folder.exists() else []
    if unseen:
        out = []
        for path in unseen:
            if args.verbose:
                print(f"  {path.name}")
            out.append(run(path, path.with_suffix(".yaml"), playbook, args.verbose))
        report("Unseen agreements (labels written before the first run)", out)
        first = [re.search(r"First run[^:]*: recall (\d+)/(\d+), precision (\d+)/(\d+)",
                           p.with_suffix(".yaml").read_text(encoding="utf-8")) for p in unseen]
        first = [m for m in first if m]
        if first:
            f, t, tp, n = (sum(int(m.group(i)) for m in first) for i in (1, 2, 3, 4))
            print(f"  first runs, as recorded in the label files before each file prompted any rule change "
                  f"({len(first)} files): recall {f / t:.3f} ({f}/{t})  precision {tp / n:.3f} ({tp}/{n})")
        # files also run with the rule set as it stood before (the "Same file with the old rules" line)
        pairs = []
        for p in unseen:
            text = p.with_suffix(".yaml").read_text(encoding="utf-8")
            a = re.search(r"First run[^:]*: recall (\d+)/(\d+), precision (\d+)/(\d+)", text)
            b = re.search(r"Same file with the old rules[^:]*: recall (\d+)/(\d+), precision (\d+)/(\d+)", text)
            if a and b:
                pairs.append((a, b))
        if pairs:
            for label, k in (("first run", 0), ("older rules", 1)):
                f, t, tp, n = (sum(int(pr[k].group(i)) for pr in pairs) for i in (1, 2, 3, 4))
                print(f"    {len(pairs)} files also run with older rules -- {label:11s}: recall {f / t:.3f} ({f}/{t})  "
                      f"precision {tp / n:.3f} ({tp}/{n})")
    if results:
        total = sum(r["review_s"] for r in results)
        print(f"\nreview time, five samples: {total:.2f} s in all, {max(r['review_s'] for r in results):.2f} s at most")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
