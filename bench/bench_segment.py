"""Print reading + segmenting times: the five samples (target < 0.2 s together), and time per MB at
1x, 10x and 50x the corpus (should stay flat), both as many files and as one long text per sample.

    python bench/bench_segment.py [--runs 5] [--quick]
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from redline.ingest import read_document  # noqa: E402
from redline.model import Document  # noqa: E402
from redline.segment import segment  # noqa: E402

SAMPLES = sorted((ROOT / "resources" / "samples").glob("*.txt"))


def median(fn, runs: int) -> float:
    """Median wall-clock seconds of `runs` calls of `fn`."""
    times = []
    for _ in range(runs):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times)


def best_cpu(fn, runs: int) -> float:
    """Least CPU seconds of this process over `runs` calls (what the code costs without other load)."""
    best = float("inf")
    for _ in range(runs):
        t0 = time.process_time()
        fn()
        best = min(best, time.process_time() - t0)
    return best


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--quick", action="store_true", help="skip the 50x scale")
    args = ap.parse_args(argv)

    total_bytes = sum(p.stat().st_size for p in SAMPLES)
    segment(read_document(SAMPLES[0]))  # warm up imports and regex caches
    print(f"corpus: {len(SAMPLES)} samples, {total_bytes / 1e6:.3f} MB")
    for p in SAMPLES:
        doc = read_document(p)
        t_read = median(lambda: read_document(p), args.runs)
        t_seg = median(lambda: segment(doc), args.runs)
        ag = segment(doc)
        print(f"  {p.name:38s} read {t_read * 1000:6.1f} ms  segment {t_seg * 1000:6.1f} ms  "
              f"{len(ag.parts)} parts, {len(ag.clauses)} clauses, {len(ag.furniture)} furniture")
    work = lambda: [segment(read_document(p)) for p in SAMPLES]  # noqa: E731
    both = median(work, args.runs)
    cpu = best_cpu(work, args.runs)
    try:
        load = os.getloadavg()[0]
    except OSError:
        load = float("nan")
    verdict = "OK" if min(both, cpu) < 0.2 else "over target"
    print(f"read + segment, all five: {both:.3f} s wall (median), {cpu:.3f} s CPU (best); "
          f"target < 0.2 s: {verdict}; load average {load:.1f} on {os.cpu_count()} cores")

    scales = [1, 10] if args.quick else [1, 10, 50]
    print("\nmany files (each sample copied k times), read + segment:")
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        for k in scales:
            paths = []
            for i in range(k):
                for p in SAMPLES:
                    q = folder / f"{i}-{p.name}"
                    if not q.exists():
                        q.write_bytes(p.read_bytes())
                    paths.append(q)
            mb = k * total_bytes / 1e6
            c0 = time.process_time()
            t = median(lambda: [segment(read_document(q)) for q in paths], 1)
            c = time.process_time() - c0
            print(f"  {k:3d}x  {mb:7.2f} MB  {t:7.3f} s wall  {t / mb * 1000:7.1f} ms/MB wall  "
                  f"{c / mb * 1000:7.1f} ms/MB CPU")
    print("\none long text per sample (the sample repeated k times), segment only:")
    texts = [p.read_bytes().decode("utf-8") for p in SAMPLES]
    for k in scales:
        docs = [Document(path=f"x{k}.txt", kind="txt", text=(t + "\n") * k) for t in texts]
        mb = sum(len(d.text.encode("utf-8")) for d in docs) / 1e6
        c0 = time.process_time()
        t = median(lambda: [segment(d) for d in docs], 1)
        c = time.process_time() - c0
        print(f"  {k:3d}x  {mb:7.2f} MB  {t:7.3f} s wall  {t / mb * 1000:7.1f} ms/MB wall  "
              f"{c / mb * 1000:7.1f} ms/MB CPU")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
