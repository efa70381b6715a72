"""Print the desktop app's time to a window, time to the five samples analysed, and peak memory.

    python bench/bench_app.py [--runs N]

Each run is a fresh process (as a user starts the app): it imports Qt and Redline, shows the main
window offscreen, loads the five bundled samples through the app's worker, and waits until the
matrix and the findings are on screen. Targets (issue 10): window + five samples under 2 s; peak
memory under 300 MB with the five loaded.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile

CHILD = r"""
import json, os, resource, sys, time
t0 = time.perf_counter()
from PySide6.QtWidgets import QApplication
from redline.ui.mainwindow import MainWindow
app = QApplication([])
w = MainWindow(interactive=False)
w.resize(1366, 768)
w.show()
app.processEvents()
t_window = time.perf_counter() - t0
w.open_samples()
ok = w.wait_idle(120000)
app.processEvents()
t_loaded = time.perf_counter() - t0
findings = w.findings.model.rowCount()
topics = w.matrix.model.rowCount()
w.tabs.setCurrentIndex(1)
topic = next(iter(w.document.analysis.matrix), None)
t1 = time.perf_counter()
if topic:
    w.open_topic(topic)
app.processEvents()
t_topic = time.perf_counter() - t1
peak_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
import multiprocessing
helper_kb = 0
for child in multiprocessing.active_children():
    try:
        with open(f"/proc/{child.pid}/status") as fh:
            helper_kb += next(int(l.split()[1]) for l in fh if l.startswith("VmHWM:"))
    except (OSError, StopIteration):
        pass
ru = resource.getrusage(resource.RUSAGE_SELF)
from redline import api
t2 = time.perf_counter()
api.analyze(api.sample_paths())
t_engine = time.perf_counter() - t2
print(json.dumps({"engine": t_engine, "cpu": ru.ru_utime + ru.ru_stime, "ok": ok, "window": t_window, "loaded": t_loaded, "topic": t_topic,
                  "findings": findings, "topics": topics, "agreements": len(w.document.items),
                  "peak_mb": peak_kb / 1024, "helpers_mb": helper_kb / 1024,
                  "helpers": len(multiprocessing.active_children())}))
w.autosaver.enabled = False
w.close()
"""


def run_once() -> dict:
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", REDLINE_NO_OPEN="1", REDLINE_NONINTERACTIVE="1",
               REDLINE_DATA_DIR=tempfile.mkdtemp(prefix="redline-bench-"))
    out = subprocess.run([sys.executable, "-c", CHILD], capture_output=True, text=True, env=env, timeout=300)
    for line in out.stdout.splitlines():
        if line.startswith("{"):
            return json.loads(line)
    raise SystemExit(f"the app did not report:\n{out.stderr[-2000:]}")


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--runs", type=int, default=3)
    args = ap.parse_args()
    runs = [run_once() for _ in range(max(1, args.runs))]
    med = lambda key: statistics.median(r[key] for r in runs)  # noqa: E731
    last = runs[-1]
    print(f"app: {last['agreements']} agreements, {last['topics']} topics, {last['findings']} findings "
          f"(median of {len(runs)} fresh processes, offscreen)")
    print(f"  window up (imports + main window)      {med('window'):6.2f} s")
    print(f"  window + five samples analysed         {med('loaded'):6.2f} s   target < 2 s")
    print(f"    of which the engine (api.analyze alone, same process, warm)  {med('engine'):5.2f} s")
    print(f"  CPU time of the process up to then     {med('cpu'):6.2f} s   (load on this machine: "
          f"{os.getloadavg()[0]:.1f})")
    print(f"  open a topic side by side              {med('topic') * 1000:6.0f} ms")
    top = max(runs, key=lambda r: r["peak_mb"] + r["helpers_mb"])
    print(f"  peak memory (max RSS)                  {top['peak_mb']:6.0f} MB  + {top['helpers_mb']:.0f} MB in "
          f"{top['helpers']} helper process(es) = {top['peak_mb'] + top['helpers_mb']:.0f} MB  target < 300 MB")
    return 0 if all(r["ok"] for r in runs) else 1


if __name__ == "__main__":
    sys.exit(main())
