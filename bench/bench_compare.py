"""Print Compare's figures beside the python-redlines (Docxodus) peer: whole processes, one run.

    python bench/bench_compare.py            # all sizes, the peer stopped after --peer-timeout s
    python bench/bench_compare.py --no-peer

Pairs (written to a temporary folder as .docx, and .txt for reference):
  CenturyLink      the 173 KB sample as Word paragraphs (one per compared paragraph), 3% of the
                   words edited and one paragraph moved
  five samples     all five concatenated (414 KB), same edits
  3x five          three times that (1.2 MB)
  4 MB             ten times that
Each run is a fresh process as a user starts it (`redline compare OLD NEW -o OUT.docx`, and for
the peer a Python process calling `DocxodusEngine().run_redline`), timed wall-clock, with peak
memory from getrusage of the children of a small wrapper process. Targets (issue 8): the
CenturyLink compare at least 3x faster than the peer; the 4 MB pair under 10 s and 500 MB; the
time per MB flat.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import signal
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
SAMPLES = ROOT / "resources" / "samples"
sys.path.insert(0, str(ROOT))

WRAPPER = r"""
import json, resource, subprocess, sys, time
t0 = time.perf_counter()
p = subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
dt = time.perf_counter() - t0
ru = resource.getrusage(resource.RUSAGE_CHILDREN)
print(json.dumps({"rc": p.returncode, "seconds": dt, "peak_mb": ru.ru_maxrss / 1024,
                  "cpu": ru.ru_utime + ru.ru_stime,
                  "stderr": p.stderr[-400:]}))
"""

PEER = r"""
import sys
from pathlib import Path
from python_redlines.engines import DocxodusEngine
old, new, out = sys.argv[1:4]
engine = DocxodusEngine()
data, _stdout, _stderr = engine.run_redline("bench", Path(old).read_bytes(), Path(new).read_bytes())
Path(out).write_bytes(data)
"""

FILLER = "provider customer notice written charges thirty service term".split()


def paragraphs_of(path: Path):
    """Return the compared paragraphs of a sample (as Compare sees them)."""
    from redline.api import read_agreement
    from redline.compare import units

    return [u.text for u in units(read_agreement(path))]


def edit(paras, seed: int):
    """Return `paras` with 3% of the words edited and one paragraph moved."""
    rnd = random.Random(seed)
    out = []
    for p in paras:
        words = p.split(" ")
        for k in range(len(words)):
            if re.fullmatch(r"[A-Za-z]{3,}", words[k]) and rnd.random() < 0.03:
                kind = rnd.random()
                if kind < 0.5:
                    words[k] = rnd.choice(FILLER)
                elif kind < 0.75:
                    words[k] = ""
                else:
                    words[k] = words[k] + " " + rnd.choice(FILLER)
        out.append(" ".join(w for w in words if w))
    big = [i for i, p in enumerate(out) if 300 < len(p) < 3000]
    if big:
        i = big[len(big) // 3]
        moved = out.pop(i)
        out.insert(min(len(out), i + max(5, len(out) // 3)), moved)
    return out


def write_docx(paras, path: Path) -> None:
    import docx

    d = docx.Document()
    for p in paras:
        d.add_paragraph(p)
    d.save(str(path))


def measure(cmd, timeout: float):
    """Return {"rc", "seconds", "peak_mb", "stderr"} for one run of `cmd` (None if it timed out)."""
    proc = subprocess.Popen([sys.executable, "-c", WRAPPER, *map(str, cmd)], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, start_new_session=True)
    try:
        out, _err = proc.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        try:
            os.killpg(proc.pid, signal.SIGKILL)  # the wrapper's own session: it and its children
        except OSError:
            pass
        proc.communicate()
        return None
    try:
        return json.loads(out.strip().splitlines()[-1])
    except (ValueError, IndexError):
        return {"rc": proc.returncode, "seconds": float("nan"), "peak_mb": float("nan"), "stderr": out}


def peer_reason():
    """Return why the peer cannot run here, or None."""
    try:
        from python_redlines.engines import DocxodusEngine
    except ImportError as exc:
        return f"python-redlines is not installed ({exc}); pip install 'python-redlines[docxodus]'"
    try:
        DocxodusEngine()
    except Exception as exc:  # noqa: BLE001 - whatever stops the peer, say it
        return f"{type(exc).__name__}: {exc}"
    return None


def redline_cmd():
    exe = Path(sys.executable).with_name("redline")
    return [str(exe)] if exe.exists() else [sys.executable, "-m", "redline"]


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--no-peer", action="store_true")
    ap.add_argument("--peer-timeout", type=float, default=120.0,
                    help="seconds after which a peer run is stopped (default 120)")
    ap.add_argument("--only", help="comma-separated pair names to run (centurylink,five,3x,4mb)")
    args = ap.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="redline-bench-compare-"))
    try:
        return run(args, tmp)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def run(args, tmp: Path) -> int:
    from redline.api import read_agreement

    samples = sorted(SAMPLES.glob("*.txt"))
    century = [p for p in samples if "centurylink" in p.name][0]
    five = []
    for p in samples:
        five += paragraphs_of(p)
    pairs = {
        "centurylink": paragraphs_of(century),
        "five": five,
        "3x": five * 3,
        "4mb": five * 10,
    }
    wanted = set(args.only.split(",")) if args.only else set(pairs)
    reason = "disabled (--no-peer)" if args.no_peer else peer_reason()
    print(f"python {sys.version.split()[0]}, {os.cpu_count()} cores; one run per figure")
    print("peer: python-redlines (Docxodus)" + (f" unavailable: {reason}" if reason else ""))
    # does redline read .docx here? (the reader is issue 4's)
    probe = tmp / "probe.docx"
    write_docx(["1. Probe. One paragraph."], probe)
    try:
        ours_docx = read_agreement(probe).document.kind == "docx"
    except Exception:  # noqa: BLE001
        ours_docx = False
    if not ours_docx:
        print("note: redline cannot read .docx in this tree yet; redline compares the .txt forms "
              "of the same pairs (the peer needs .docx)")
    print(f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores (wall times grow with "
          "it; cpu = user+sys seconds of the processes)")
    head = f"{'pair':12} {'size':>8} {'paras':>6} | {'redline s':>9} {'cpu':>6} {'MB':>6} {'s/MB':>6} | " \
           f"{'peer s':>8} {'cpu':>6} {'MB':>6} {'s/MB':>6} | {'x faster':>8}"
    print(head)
    print("-" * len(head))
    for name, paras in pairs.items():
        if name not in wanted:
            continue
        new = edit(paras, seed=len(paras))
        files = {}
        for side, ps in (("old", paras), ("new", new)):
            t = tmp / f"{name}.{side}.txt"
            t.write_text("\n".join(ps) + "\n", encoding="utf-8")
            d = tmp / f"{name}.{side}.docx"
            write_docx(ps, d)
            files[side] = (t, d)
        size_mb = files["old"][0].stat().st_size / 1e6
        pick = 1 if ours_docx else 0
        ours = measure(redline_cmd() + ["-q", "compare", files["old"][pick], files["new"][pick], "-o",
                                        tmp / f"{name}.ours.docx", "--force"], timeout=600)
        peer = None
        peer_note = ""
        if not reason:
            peer = measure([sys.executable, "-c", PEER, files["old"][1], files["new"][1],
                            tmp / f"{name}.peer.docx"], timeout=args.peer_timeout)
            if peer is None:
                peer_note = f"> {args.peer_timeout:.0f} s (stopped)"
            elif peer["rc"] != 0:
                peer_note = "failed: " + peer["stderr"].strip().splitlines()[-1][:60] if peer["stderr"].strip() else "failed"
                peer = None
        else:
            peer_note = "unavailable"

        def cells(m):
            if m is None:
                return None
            return (f"{m['seconds']:9.2f} {m.get('cpu', float('nan')):6.2f} {m['peak_mb']:6.0f} "
                    f"{m['seconds'] / size_mb:6.2f}")

        ours_cells = cells(ours) if ours and ours["rc"] in (0, 1) else f"{'failed':>31}"
        if ours and ours["rc"] not in (0, 1):
            print(f"  redline failed on {name}: {ours['stderr'].strip()[-300:]}")
        peer_cells = cells(peer) if peer else f"{peer_note:>29}"
        ratio = (f"{peer['seconds'] / ours['seconds']:8.1f}" if peer and ours and ours["rc"] in (0, 1)
                 else f"{'-':>8}")
        print(f"{name:12} {size_mb * 1000:7.0f}K {len(paras):6d} | {ours_cells} | {peer_cells} | {ratio}")
        sys.stdout.flush()
    print("targets: centurylink >= 3x faster than the peer; 4mb under 10 s and 500 MB; s/MB flat")
    return 0


if __name__ == "__main__":
    sys.exit(main())
