"""The playbook: topics (taxonomy), the customer's positions, rules and required topics.

PLACEHOLDER loader (issue 5 writes the validated loader, issue 6 the rules).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Optional, Tuple

import yaml

from redline.errors import PlaybookError

DEFAULT_PLAYBOOK = Path(__file__).resolve().parent.parent / "playbooks" / "customer-telecom.yaml"


@dataclass(frozen=True)
class Topic:
    id: str
    name: str
    synonyms: Tuple[str, ...] = ()
    evidence: Tuple[str, ...] = ()
    position: str = ""
    rules: Tuple[object, ...] = ()


@dataclass(frozen=True)
class Playbook:
    path: str
    name: str
    topics: Tuple[Topic, ...]
    required: Tuple[object, ...] = ()

    def topic(self, topic_id: str) -> Topic:
        for t in self.topics:
            if t.id == topic_id:
                return t
        raise KeyError(topic_id)


def default_playbook_path() -> Path:
    return DEFAULT_PLAYBOOK


def load_playbook(path=None) -> Playbook:
    """Return the playbook at `path` (the default one when None), validated."""
    p = Path(path) if path else default_playbook_path()
    try:
        data = yaml.safe_load(p.read_text(encoding="utf-8"))
    except OSError as exc:
        raise PlaybookError(f"cannot read the playbook: {exc.strerror}", path=str(p)) from None
    except yaml.YAMLError as exc:
        raise PlaybookError(f"not valid YAML: {exc}", path=str(p)) from None
    topics = tuple(Topic(id=t["id"], name=t.get("name", t["id"])) for t in (data or {}).get("topics", []))
    return Playbook(path=str(p), name=(data or {}).get("name", p.stem), topics=topics)
