"""Return what LibreOffice (headless) sees in a document: one soffice per test session.

Python-UNO imports only under Debian's /usr/bin/python3, so this module (venv side) starts
``soffice --headless`` with its own profile and a socket, and a long-lived helper process
``/usr/bin/python3 tests/lo_probe.py PORT`` that talks to it; requests go over the helper's
stdin/stdout as JSON lines.

LibreOffice 7.4 (Debian 12) crashes when a document carrying comments is loaded through the UNO
socket (the bridge thread lays out the comment margin). So: whether a file opens, and its counts
of tracked changes and comments, come from converting the real file to ODT through a second
``soffice --convert-to`` with the session's profile, which hands the work to the running instance
(done on its main thread; the probe holds a blank hidden document so the instance outlives the
conversion); the accept-all / reject-all texts come from the session's soffice over UNO, on a
copy with only the comment anchors removed (comments carry no body text). PDF conversion takes
the same path.

API (tests get a ready instance from the session fixture ``libreoffice`` in tests/conftest.py):

    lo = LibreOffice.start()          # raises LibreOfficeMissing when soffice / uno is absent
    views = lo.open_many(paths)       # the same for several files, one conversion run for all
    view = lo.open(path)              # LOView: opened (bool), changes (tracked changes LibreOffice
                                      # counts; it merges adjacent ones), comments,
                                      # accepted / rejected (body text after Accept All / Reject All,
                                      # paragraphs and table cells joined by "\\n"), error
    lo.to_pdf(docx_path, pdf_path, comments=False)   # convert a document LibreOffice opens to PDF
                                      # (comments=True: Word comments as PDF annotations); returns it
    lo.close()                        # terminate LibreOffice and the helper (the fixture does it)

    missing_reason() -> str | None    # why LibreOffice cannot be used here, or None
    require() -> bool                 # True when REDLINE_REQUIRE_LIBREOFFICE=1 (then tests must fail,
                                      # not skip, when LibreOffice is missing)
"""

from __future__ import annotations

import io
import json
import os
import shutil
import signal
import socket
import subprocess
import tempfile
import threading
import time
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Dict, List, Optional

SYSTEM_PYTHON = "/usr/bin/python3"
PROBE = Path(__file__).resolve().parent / "lo_probe.py"


def _without_comment_anchors(data: bytes) -> bytes:
    """Return the .docx `data` with comment ranges and reference runs removed from the body."""
    from lxml import etree

    W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as zin, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zout:
        for item in zin.infolist():
            blob = zin.read(item.filename)
            if item.filename == "word/document.xml":
                root = etree.fromstring(blob)
                for tag in ("commentRangeStart", "commentRangeEnd"):
                    for el in list(root.iter(W + tag)):
                        el.getparent().remove(el)
                for el in list(root.iter(W + "commentReference")):
                    run = el.getparent()
                    run.remove(el)
                    if run.tag == W + "r" and not [c for c in run if c.tag != W + "rPr"]:
                        run.getparent().remove(run)
                blob = etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)
            zout.writestr(item, blob)
    return out.getvalue()


def _wait_for(files, timeout: float) -> None:
    """Wait until every file exists and its size has stopped changing (or `timeout` passes)."""
    deadline = time.time() + timeout
    sizes = None
    while time.time() < deadline:
        if all(f.exists() for f in files):
            now = [f.stat().st_size for f in files]
            if now == sizes and all(now):
                return
            sizes = now
        time.sleep(0.1)


class LibreOfficeMissing(RuntimeError):
    """LibreOffice or its Python-UNO bridge is not installed."""


@dataclass(frozen=True)
class LOView:
    opened: bool
    changes: int = 0
    comments: int = 0
    text: str = ""
    accepted: str = ""
    rejected: str = ""
    error: str = ""


def require() -> bool:
    """Return True when LibreOffice tests must run (env REDLINE_REQUIRE_LIBREOFFICE=1)."""
    return os.environ.get("REDLINE_REQUIRE_LIBREOFFICE", "") not in ("", "0")


def soffice_path() -> Optional[str]:
    return shutil.which("soffice") or shutil.which("libreoffice")


def missing_reason() -> Optional[str]:
    """Return why LibreOffice cannot be used on this machine, or None when it can."""
    if not soffice_path():
        return "LibreOffice (soffice) is not installed (apt-get install libreoffice-writer-nogui)"
    if not os.path.exists(SYSTEM_PYTHON):
        return f"{SYSTEM_PYTHON} is missing (Python-UNO needs the system Python)"
    try:
        subprocess.run([SYSTEM_PYTHON, "-c", "import uno"], check=True, capture_output=True,
                       timeout=30)
    except (subprocess.SubprocessError, OSError):
        return "Python-UNO is not installed for /usr/bin/python3 (apt-get install python3-uno)"
    return None


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class LibreOffice:
    """One headless soffice and the probe talking to it."""

    def __init__(self, soffice: subprocess.Popen, probe: subprocess.Popen, profile: str) -> None:
        self._soffice = soffice
        self._probe = probe
        self._profile = profile
        self._lock = threading.Lock()

    @classmethod
    def start(cls, timeout: float = 90.0) -> "LibreOffice":
        """Start soffice and the probe; return when LibreOffice answers."""
        reason = missing_reason()
        if reason:
            raise LibreOfficeMissing(reason)
        profile = tempfile.mkdtemp(prefix="redline-lo-")
        port = _free_port()
        soffice = subprocess.Popen(
            [soffice_path(), "--headless", "--invisible", "--nologo", "--norestore",
             "--nolockcheck",
             f"--accept=socket,host=127.0.0.1,port={port};urp;StarOffice.ComponentContext",
             f"-env:UserInstallation=file://{profile}"],
            stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
            start_new_session=True)
        env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTHON", "VIRTUAL_ENV"))}
        probe = subprocess.Popen([SYSTEM_PYTHON, str(PROBE), str(port)], stdin=subprocess.PIPE,
                                 stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                                 env=env, cwd=str(PROBE.parent))
        lo = cls(soffice, probe, profile)
        ready = {}

        def wait():
            line = probe.stdout.readline()
            if line:
                ready.update(json.loads(line))

        t = threading.Thread(target=wait, daemon=True)
        t.start()
        t.join(timeout)
        if not ready.get("ready"):
            err = ""
            if probe.poll() is not None:
                err = probe.stderr.read()[-500:]
            lo.close()
            raise LibreOfficeMissing(f"LibreOffice did not start within {timeout:.0f} s {err}")
        lo._ask({"cmd": "hold"})
        return lo

    def _ask_or_restart(self, request: dict) -> dict:
        """Ask; if LibreOffice died on the way (it sometimes does), start it again and ask once more."""
        try:
            a = self._ask(request)
            if "disposed" not in str(a.get("error", "")).lower():
                return a
        except RuntimeError:
            pass
        fresh = LibreOffice.start()
        old_soffice, old_probe, old_profile = self._soffice, self._probe, self._profile
        self._soffice, self._probe, self._profile = fresh._soffice, fresh._probe, fresh._profile
        LibreOffice(old_soffice, old_probe, old_profile).close()
        return self._ask(request)

    def _ask(self, request: dict) -> dict:
        with self._lock:
            if self._probe.poll() is not None:
                raise RuntimeError("the LibreOffice probe has stopped")
            self._probe.stdin.write(json.dumps(request) + "\n")
            self._probe.stdin.flush()
            line = self._probe.stdout.readline()
        if not line:
            raise RuntimeError("the LibreOffice probe gave no answer: "
                               + (self._probe.stderr.read()[-500:] if self._probe.poll() is not None else ""))
        return json.loads(line)

    def _convert(self, paths, fmt: str) -> Dict[str, Optional[Path]]:
        """Convert `paths` to `fmt`; return {str(path): file or None}.

        The conversion is forwarded to the session's soffice (a second ``soffice --convert-to``
        with the same profile hands its work to the running instance, which does it on its main
        thread; a blank hidden document held by the probe keeps that instance alive afterwards).
        Should that fail, a one-shot soffice with a profile of its own does it.
        """
        paths = [Path(p).resolve() for p in paths]
        ext = fmt.split(":")[0]
        for profile, wait in ((self._profile, True), (self._profile + "-convert", False)):
            out_dir = Path(tempfile.mkdtemp(prefix="redline-lo-conv-"))
            try:
                subprocess.run([soffice_path(), "--headless", "--nologo", "--norestore",
                                f"-env:UserInstallation=file://{profile}", "--convert-to", fmt,
                                "--outdir", str(out_dir)] + [str(p) for p in paths],
                               stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                               stderr=subprocess.DEVNULL, timeout=60 + 30 * len(paths))
            except subprocess.TimeoutExpired:
                pass
            expected = {str(p): out_dir / (p.stem + "." + ext) for p in paths}
            if wait:
                _wait_for(list(expected.values()), 30 + 10 * len(paths))
            out = {k: (v if v.exists() else None) for k, v in expected.items()}
            if all(out.values()) or not wait:
                return out
            shutil.rmtree(out_dir, ignore_errors=True)
        return out

    def open(self, path) -> LOView:
        """Return what LibreOffice sees in the document at `path`."""
        return self.open_many([path])[0]

    def open_many(self, paths) -> List[LOView]:
        """Return what LibreOffice sees in each document (one conversion run for all of them)."""
        converted = self._convert(paths, "odt")
        views = []
        for path in paths:
            odt = converted[str(Path(path).resolve())]
            if odt is None:
                views.append(LOView(opened=False, error="LibreOffice could not open or convert the file"))
                continue
            with zipfile.ZipFile(odt) as z:
                content = z.read("content.xml")
            changes = content.count(b"<text:changed-region ")
            comments = content.count(b"<office:annotation ") + content.count(b"<office:annotation>")
            copy = Path(tempfile.mkdtemp(prefix="redline-lo-nc-")) / Path(path).name
            copy.write_bytes(_without_comment_anchors(Path(path).read_bytes()))
            try:
                a = self._ask_or_restart({"cmd": "open", "path": str(copy)})
            finally:
                shutil.rmtree(copy.parent, ignore_errors=True)
            views.append(LOView(opened=bool(a.get("opened")), changes=changes, comments=comments,
                                text=a.get("text", ""), accepted=a.get("accepted", ""),
                                rejected=a.get("rejected", ""), error=a.get("error", "")))
        for made in converted.values():
            if made is not None:
                shutil.rmtree(made.parent, ignore_errors=True)
                break
        return views

    def to_pdf(self, path, pdf_path, *, comments: bool = False) -> Path:
        """Convert the document at `path` to PDF at `pdf_path`; return `pdf_path`.

        With `comments`, Word comments become PDF text annotations (tracked changes always show).
        """
        out = Path(pdf_path).resolve()
        fmt = "pdf"
        if comments:
            fmt = 'pdf:writer_pdf_Export:{"ExportNotes":{"type":"boolean","value":"true"}}'
        made = self._convert([path], fmt)[str(Path(path).resolve())]
        if made is None:
            raise RuntimeError(f"LibreOffice could not convert {path} to PDF")
        shutil.move(str(made), str(out))
        shutil.rmtree(made.parent, ignore_errors=True)
        return out

    def close(self) -> None:
        """Terminate LibreOffice and the probe (only the processes this instance started)."""
        try:
            if self._probe.poll() is None:
                try:
                    self._ask({"cmd": "quit"})
                except Exception:  # noqa: BLE001
                    pass
                try:
                    self._probe.stdin.close()
                except Exception:  # noqa: BLE001
                    pass
                try:
                    self._probe.wait(10)
                except subprocess.TimeoutExpired:
                    self._probe.kill()
        finally:
            try:
                self._soffice.wait(15)
                # oosplash may exit before soffice.bin: end what is left of the group we lead
                try:
                    os.killpg(self._soffice.pid, signal.SIGTERM)
                except OSError:
                    pass
            except subprocess.TimeoutExpired:
                # soffice runs soffice.bin as a child in the session it leads: end that group only
                try:
                    os.killpg(self._soffice.pid, signal.SIGTERM)
                    self._soffice.wait(10)
                except (OSError, subprocess.TimeoutExpired):
                    try:
                        os.killpg(self._soffice.pid, signal.SIGKILL)
                    except OSError:
                        pass
            shutil.rmtree(self._profile, ignore_errors=True)
            shutil.rmtree(self._profile + "-convert", ignore_errors=True)
