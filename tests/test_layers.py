"""The engine imports nothing from Qt; the CLI starts light."""

from __future__ import annotations

import subprocess
import sys

ENGINE = ["redline.api", "redline.model", "redline.ingest", "redline.segment", "redline.topics",
          "redline.review", "redline.playbook", "redline.jsonout", "redline.cli"]


def test_engine_does_not_load_qt():
    code = ("import sys\n" + "".join(f"import {m}\n" for m in ENGINE)
            + "from redline import api\n"
            + "api.analyze(api.sample_paths())\n"
            + "bad = [m for m in sys.modules if m.startswith(('PySide6', 'shiboken6', 'redline.ui'))]\n"
            + "print(','.join(bad))\n")
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert proc.stdout.strip() == ""


def test_cli_start_up_does_not_import_heavy_modules():
    code = ("import sys\nfrom redline import cli\ncli.build_parser()\n"
            "print(','.join(m for m in ('docx', 'PySide6', 'lxml', 'pypdf') if m in sys.modules))\n")
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert proc.stdout.strip() == ""
