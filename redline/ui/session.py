"""Saving and reopening a review (`.redline` JSON), autosave and crash recovery, and settings.

A session file holds the agreements by path and SHA-256, the party names the user set, every
decision (with edited proposals), the reference agreement and the playbook. The agreements
themselves are read again on opening (a changed file is reported). Autosave writes the same
format into the user data folder while there are unsaved changes; a clean exit removes it, so a
file left behind by a process that is gone means a crash, and the app offers to recover it.
"""

from __future__ import annotations

import json
import os
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Dict, List, Optional, Tuple

from PySide6.QtCore import QObject, QSettings, QTimer

from redline.errors import InputError
from redline.outputs import write_text
from redline.ui.decisions import Decision, Key

FORMAT = "redline-session"
VERSION = 1
SUFFIX = ".redline"


def data_dir() -> Path:
    """Return the app's user data folder (``REDLINE_DATA_DIR`` overrides it), created if needed."""
    env = os.environ.get("REDLINE_DATA_DIR")
    if env:
        path = Path(env)
    else:
        from platformdirs import user_data_dir

        path = Path(user_data_dir("Redline", "Redline"))
    path.mkdir(parents=True, exist_ok=True)
    return path


@dataclass
class SessionData:
    """What a `.redline` file says."""

    agreements: List[dict] = field(default_factory=list)
    """Each {"path", "sha256", "provider"?, "customer"?}."""
    decisions: Dict[Key, Decision] = field(default_factory=dict)
    reference: Optional[str] = None
    playbook: str = ""
    saved: str = ""

    @property
    def paths(self) -> List[str]:
        return [a["path"] for a in self.agreements]

    def parties(self) -> Dict[str, Tuple[str, str]]:
        return {a["path"]: (a["provider"], a["customer"]) for a in self.agreements
                if a.get("provider") and a.get("customer")}


def session_json(document) -> dict:
    """Return the JSON object saving `document` (a `ReviewDocument`)."""
    decisions: Dict[str, Dict[str, dict]] = {}
    for (path, fid), d in document.decisions.items():
        decisions.setdefault(path, {})[fid] = d.to_json()
    agreements = []
    for item in document.items:
        entry = {"path": item.path, "sha256": item.agreement.document.sha256}
        if item.path in document.user_parties:
            entry["provider"], entry["customer"] = document.user_parties[item.path]
        agreements.append(entry)
    return {"format": FORMAT, "version": VERSION, "saved": time.strftime("%Y-%m-%dT%H:%M:%S"),
            "playbook": document.playbook_path or "", "reference": document.reference,
            "agreements": agreements, "decisions": decisions}


def write_session(path, document) -> Path:
    """Write `document` to `path` as a `.redline` file (atomically) and return the path."""
    text = json.dumps(session_json(document), ensure_ascii=False, indent=2)
    return write_text(path, text, force=True, inputs=[i.path for i in document.items])


def read_session(path) -> SessionData:
    """Return the `SessionData` in the `.redline` file at `path` (InputError if it is not one)."""
    p = Path(path)
    try:
        text = p.read_text(encoding="utf-8")
    except OSError as exc:
        raise InputError(f"cannot read the session: {exc.strerror}", path=str(p),
                         hint="check the file and try again") from None
    except UnicodeDecodeError:
        raise InputError("this is not a Redline session (not text)", path=str(p),
                         hint="open a .redline file saved by Redline") from None
    try:
        data = json.loads(text)
    except ValueError as exc:
        if f'"{FORMAT}"' in text[:200]:
            raise InputError(f"this Redline session is damaged: it is cut short or was edited by hand "
                             f"(line {getattr(exc, 'lineno', '?')})", path=str(p),
                             hint="the file was left as it is; open an earlier copy of it, or open the "
                                  "agreements again and redo the decisions") from None
        raise InputError("this is not a Redline session (not valid JSON)", path=str(p),
                         hint="open a .redline file saved by Redline") from None
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        raise InputError("this is not a Redline session", path=str(p),
                         hint="open a .redline file saved by Redline")
    try:
        return _session_data(p, data)
    except (TypeError, ValueError, AttributeError, KeyError) as exc:
        raise InputError(f"this Redline session is damaged ({_what(exc)})", path=str(p),
                         hint="the file was left as it is; open an earlier copy of it, or open the "
                              "agreements again and redo the decisions") from None


def _what(exc: BaseException) -> str:
    """Return a short account of where a session's contents went wrong."""
    return str(exc).splitlines()[0][:120] if str(exc) else type(exc).__name__


def _session_data(p: Path, data: dict) -> SessionData:
    version = data.get("version", 0)
    if isinstance(version, bool) or not isinstance(version, int):
        raise ValueError(f"its version is {version!r}, not a number")
    if version > VERSION:
        raise InputError("this session was saved by a newer Redline", path=str(p),
                         hint="update Redline to open it")
    agreements = data.get("agreements") or []
    decisions = data.get("decisions") or {}
    if not isinstance(agreements, list):
        raise ValueError("its list of agreements is not a list")
    if not isinstance(decisions, dict):
        raise ValueError("its decisions are not a mapping")
    out = SessionData(reference=data.get("reference"), playbook=str(data.get("playbook") or ""),
                      saved=str(data.get("saved", "")))
    base = p.resolve().parent
    for entry in agreements:
        if not isinstance(entry, dict) or not entry.get("path"):
            continue
        if not isinstance(entry["path"], str):
            raise ValueError(f"an agreement's path is {entry['path']!r}, not text")
        entry = dict(entry)
        ap = Path(entry["path"])
        if not ap.is_absolute():
            entry["path"] = str((base / ap).resolve())
        out.agreements.append(entry)
    for apath, per in decisions.items():
        if isinstance(per, dict):
            for fid, value in per.items():
                d = Decision.from_json(value)
                if d.state != "open":
                    out.decisions[(str(apath), str(fid))] = d
    return out


def missing_files(session: SessionData) -> List[str]:
    """Return the session's agreement paths that are no longer files."""
    return [entry["path"] for entry in session.agreements if not Path(entry["path"]).is_file()]


def changed_files(session: SessionData, items) -> List[str]:
    """Return the paths of loaded `items` whose contents differ from when the session was saved
    (compared by the hash the engine took as it read each file: no file is read again)."""
    saved = {entry["path"]: entry.get("sha256") for entry in session.agreements}
    return [i.path for i in items
            if saved.get(i.path) and i.agreement.document.sha256 and i.agreement.document.sha256 != saved[i.path]]


# ---------------------------------------------------------------------------------------------
# Autosave and recovery


def autosave_dir() -> Path:
    path = data_dir() / "autosave"
    path.mkdir(parents=True, exist_ok=True)
    return path


def _alive(pid: int) -> bool:
    if pid <= 0:
        return False
    if pid == os.getpid():
        return True
    if os.name == "nt":  # os.kill would terminate the process on Windows
        import ctypes

        handle = ctypes.windll.kernel32.OpenProcess(0x1000, False, pid)  # type: ignore[attr-defined]
        if handle:
            ctypes.windll.kernel32.CloseHandle(handle)  # type: ignore[attr-defined]
            return True
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def recoverable() -> List[Path]:
    """Return autosave files left by processes that are gone (newest first)."""
    out = []
    for f in autosave_dir().glob(f"autosave-*{SUFFIX}"):
        try:
            pid = int(f.stem.split("-", 1)[1])
        except (IndexError, ValueError):
            continue
        if not _alive(pid):
            out.append(f)
    return sorted(out, key=lambda f: f.stat().st_mtime, reverse=True)


class Autosaver(QObject):
    """Writes the document to the autosave file shortly after each change; removes it when clean."""

    def __init__(self, document, parent: Optional[QObject] = None, *, delay_ms: Optional[int] = None) -> None:
        super().__init__(parent)
        self.document = document
        self.path = autosave_dir() / f"autosave-{os.getpid()}{SUFFIX}"
        self.timer = QTimer(self)
        self.timer.setSingleShot(True)
        env = os.environ.get("REDLINE_AUTOSAVE_MS")
        self.timer.setInterval(delay_ms if delay_ms is not None else int(env) if env else 2000)
        self.timer.timeout.connect(self.save_now)
        self.enabled = True
        self.writes = 0
        document.decisions.changed.connect(self.schedule)
        document.decisions.reset.connect(self.schedule)
        document.modifiedChanged.connect(lambda _m: self.schedule())
        document.analysisChanged.connect(self.schedule)

    def schedule(self, *_args) -> None:
        if self.enabled:
            self.timer.start()

    def save_now(self) -> None:
        """Write the autosave now if there are unsaved changes (remove it otherwise)."""
        if not self.enabled:
            return
        if self.document.is_modified() and self.document.items:
            try:
                write_session(self.path, self.document)
                self.writes += 1
            except Exception:  # noqa: BLE001 - autosave must never interrupt the user
                pass
        else:
            self.discard()

    def discard(self) -> None:
        try:
            self.path.unlink()
        except OSError:
            pass


# ---------------------------------------------------------------------------------------------
# Settings


class Settings:
    """Recent files, author name, playbook and window layout (QSettings, in the data folder)."""

    MAX_RECENT = 8

    def __init__(self) -> None:
        self.qs = QSettings(str(data_dir() / "settings.ini"), QSettings.Format.IniFormat)

    def _get(self, key: str, default):
        value = self.qs.value(key, default)
        return default if value is None else value

    @property
    def author(self) -> str:
        return str(self._get("author", "Customer counsel")) or "Customer counsel"

    @author.setter
    def author(self, value: str) -> None:
        self.qs.setValue("author", value.strip() or "Customer counsel")

    @property
    def playbook(self) -> str:
        return str(self._get("playbook", ""))

    @playbook.setter
    def playbook(self, value: str) -> None:
        self.qs.setValue("playbook", value or "")

    @property
    def matter(self) -> str:
        return str(self._get("matter", "Vendor agreement review"))

    @matter.setter
    def matter(self, value: str) -> None:
        self.qs.setValue("matter", value)

    @property
    def open_results(self) -> bool:
        """Open an export when it is written (never under tests: REDLINE_NO_OPEN=1)."""
        if os.environ.get("REDLINE_NO_OPEN"):
            return False
        return str(self._get("open_results", "true")).lower() in ("1", "true", "yes")

    @open_results.setter
    def open_results(self, value: bool) -> None:
        self.qs.setValue("open_results", "true" if value else "false")

    def recent(self) -> List[str]:
        value = self._get("recent", [])
        if isinstance(value, str):
            value = [value] if value else []
        return [str(v) for v in value if v]

    def add_recent(self, path: str) -> None:
        items = [path] + [p for p in self.recent() if p != path]
        self.qs.setValue("recent", items[: self.MAX_RECENT])

    def save_window(self, geometry, state) -> None:
        self.qs.setValue("window/geometry", geometry)
        self.qs.setValue("window/state", state)

    def window(self):
        return self.qs.value("window/geometry"), self.qs.value("window/state")

    def sync(self) -> None:
        self.qs.sync()
