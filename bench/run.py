"""One command for this machine's figures: `python bench/run.py` (add --quick to skip 50x).

Prints per-stage times for the five samples (median of several runs), time per MB at 1x, 10x and
50x the corpus, peak memory, then runs the other bench scripts (accuracy of topics and review,
redline, compare with the python-redlines peer, the app's time to window) and prints theirs.
Not part of the test run.
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(ROOT))

from redline import api, keyterms, review, segment, topics  # noqa: E402
from redline.ingest import read_document  # noqa: E402
from redline.parties import detect  # noqa: E402


def median_time(fn, runs: int = 5) -> float:
    times = []
    for _ in range(runs):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times)


def stage_times(runs: int) -> None:
    paths = api.sample_paths()
    book = api.load_playbook()
    docs = [read_document(p) for p in paths]
    ags = [segment.segment(d) for d in docs]
    tops = [topics.classify(a, book) for a in ags]
    parties = [detect(a) for a in ags]
    items = [api.analyze_agreement(a, book) for a in ags]
    out = {}
    out["read"] = median_time(lambda: [read_document(p) for p in paths], runs)
    out["segment"] = median_time(lambda: [segment.segment(d) for d in docs], runs)
    out["classify"] = median_time(lambda: [topics.classify(a, book) for a in ags], runs)
    out["key terms"] = median_time(lambda: [keyterms.extract(a, t, book) for a, t in zip(ags, tops)], runs)
    out["review"] = median_time(
        lambda: [review.review(a, t, p, book) for a, t, p in zip(ags, tops, parties)], runs)
    out["align+market"] = median_time(lambda: api.combine(items, book), runs)
    tmp = Path(tempfile.mkdtemp())
    try:
        from redline.export.redline_docx import write_redline

        vendors = [i for i in items if not Path(i.path).name.startswith("customer-")]
        out["redline (4)"] = median_time(
            lambda: [write_redline(i, tmp / f"{Path(i.path).stem}.docx", force=True) for i in vendors],
            max(1, runs // 2))
    except ImportError as exc:
        print(f"  redline: unavailable ({exc})")
    try:
        from redline.export.compare import compare_paths

        a, b = paths[0], paths[-1]
        out["compare (2 files)"] = median_time(
            lambda: compare_paths(a, b, tmp / "cmp.docx", author="bench", force=True), max(1, runs // 2))
    except ImportError as exc:
        print(f"  compare: unavailable ({exc})")
    try:
        from redline.export.memo import write_memo

        analysis = api.combine(items, book)
        out["memo"] = median_time(lambda: write_memo(analysis, tmp / "memo.docx", force=True),
                                  max(1, runs // 2))
    except ImportError as exc:
        print(f"  memo: unavailable ({exc})")
    size = sum(p.stat().st_size for p in paths)
    print(f"Per-stage times, five samples ({size / 1e3:.0f} KB), median of {runs} runs:")
    for name, t in out.items():
        print(f"  {name:20} {t * 1000:8.1f} ms")


def scaled_corpus(factor: int, folder: Path) -> int:
    """Write `factor` copies of each sample into `folder`; return the bytes written."""
    total = 0
    for p in api.sample_paths():
        data = p.read_bytes()
        for i in range(factor):
            (folder / f"{p.stem}-{i:03d}.txt").write_bytes(data)
            total += len(data)
    return total


def _startup_seconds() -> float:
    with tempfile.TemporaryDirectory() as d:
        src = Path(d) / "in"
        out = Path(d) / "out"
        src.mkdir()
        out.mkdir()
        (src / "tiny.txt").write_text("1. Term. This agreement lasts one year.\n", encoding="utf-8")
        jobs = os.cpu_count() or 1
        t0 = time.perf_counter()
        subprocess.run([sys.executable, "-m", "redline", "-q", "review", str(src), "--out-dir", str(out),
                        "--jobs", str(jobs)], capture_output=True, text=True)
        return time.perf_counter() - t0


def per_mb(factors) -> None:
    print("Time per MB, `redline review DIR --out-dir` as a user runs it (whole process;"
          " 'net' subtracts the start-up measured on a one-clause agreement):")
    base = None
    startup = _startup_seconds()
    print(f"  start-up (imports, playbook, process pool): {startup:.2f} s")
    for factor in factors:
        with tempfile.TemporaryDirectory() as d:
            src = Path(d) / "in"
            out = Path(d) / "out"
            src.mkdir()
            out.mkdir()
            size = scaled_corpus(factor, src)
            jobs = os.cpu_count() or 1
            t0 = time.perf_counter()
            before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
            proc = subprocess.run([sys.executable, "-m", "redline", "-q", "review", str(src),
                                   "--out-dir", str(out), "--jobs", str(jobs)],
                                  capture_output=True, text=True)
            dt = time.perf_counter() - t0
            peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
            if proc.returncode not in (0, 1):
                print(f"  {factor}x failed: {proc.stderr.strip()[:200]}")
                continue
            mb = size / 1e6
            rate = max(dt - startup, 1e-3) / mb
            base = base or rate
            print(f"  {factor:3d}x  {mb:6.1f} MB  {dt:7.2f} s  net {rate:6.2f} s/MB  "
                  f"({rate / base:.2f}x the 1x rate)  peak RSS of a process {max(peak, before) / 1024:.0f} MB"
                  f"  jobs={jobs}")


def peak_memory_five() -> None:
    code = ("import resource;from redline import api;api.analyze(api.sample_paths());"
            "print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)")
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT)
    if proc.returncode == 0:
        print(f"Peak memory, analysing the five samples in one process: {int(proc.stdout) / 1024:.0f} MB")


def run_script(name: str, *args: str) -> None:
    script = HERE / name
    if not script.exists():
        print(f"\n== {name}: not present")
        return
    print(f"\n== {name}")
    sys.stdout.flush()
    proc = subprocess.run([sys.executable, str(script), *args], cwd=ROOT)
    if proc.returncode:
        print(f"  ({name} exited {proc.returncode})")


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--quick", action="store_true", help="skip the 50x corpus and the peer")
    ap.add_argument("--runs", type=int, default=5)
    args = ap.parse_args()
    print(f"python {sys.version.split()[0]}, {os.cpu_count()} cores, {time.strftime('%Y-%m-%d')}")
    stage_times(args.runs)
    peak_memory_five()
    per_mb([1, 10] if args.quick else [1, 10, 50])
    for script in ("bench_segment.py", "bench_topics.py", "bench_review.py", "bench_redline.py",
                   "bench_app.py"):
        run_script(script)
    if not args.quick:
        run_script("bench_compare.py")
    return 0


if __name__ == "__main__":
    sys.exit(main())
