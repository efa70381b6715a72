"""Return the validated playbook: topics (the taxonomy), the customer's positions, rules, required.

A playbook is a YAML file read with `yaml.safe_load` semantics (a `SafeLoader` subclass that also
records line numbers), then checked against the schema; every error is a `PlaybookError` that
names the file, the line and the key, and says what is expected.

Top-level sections::

    name: Customer-side telecom and IT services   # required, string
    version: 1                                     # optional, int or string
    description: ...                               # optional, string
    topics:                                        # required, list (this module)
      - id: limitation_of_liability                # required, [a-z0-9_]+, unique
        name: Limitation of liability              # required, display name
        description: ...                           # optional, what the topic covers
        synonyms: [limitation of liability, ...]   # heading words (fuzzy-matched to headings)
        evidence: [consequential damages, ...]     # body phrases (counted in the clause's text);
                                                   # "!phrase" is decisive: one use is enough
        exclude: [invoice, ...]                    # optional heading/body words arguing against
        exclusive: false                           # optional; true: a clause headed so is about
                                                   # this topic only (definitions, precedence)
    review: ...                                    # positions and rules (redline/rules.py)
    required: ...                                  # topics every agreement must address

Interface for the `review:` / `required:` loader (issue 6). If `redline.rules` exists and defines
`load_review(node, path) -> (positions, rules, required)`, it is imported lazily and called with
`node` = the WHOLE top-level mapping (a `LineDict`; read `node.get("review")` and
`node.get("required")`, and `node["topics"]` if you want the topic ids) and `path` = the file's
path as a string. It returns `positions` (dict topic id -> paragraph), `rules` (tuple) and
`required` (tuple); they land on `Playbook.positions/.rules/.required`. Without that module the
three are empty.

Node classes the loader builds (use them to report lines):

- `LineDict(dict)`: `.line` (1-based line of the mapping) and `.key_lines` {key: line of key}.
- `LineList(list)`: `.line` and `.item_lines` [line of item i].
- scalars are plain Python values (str, int, float, bool, None).
- `fail(path, node, key, message, expected)` raises `PlaybookError` pointing at `node[key]`'s line
  (`key` a dict key or list index, or None for the node itself), e.g.
  ``fail(path, rule, "severity", "unknown severity 'urgent'", "one of high, medium, low")``
  -> ``playbooks/x.yaml:41: key 'severity': unknown severity 'urgent' (expected one of ...)``.
- `check_keys(path, node, where, allowed, required=())` refuses unknown and missing keys.
- `get_str`, `get_str_list` read a typed value or fail.
"""

from __future__ import annotations

import importlib
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable, Mapping, Optional, Tuple

import yaml

from redline.errors import PlaybookError

DEFAULT_PLAYBOOK = Path(__file__).resolve().parent.parent / "playbooks" / "customer-telecom.yaml"

_TOP_KEYS = ("name", "version", "description", "topics", "review", "required")
_TOPIC_KEYS = ("id", "name", "description", "synonyms", "evidence", "exclude", "exclusive")
_ID = re.compile(r"^[a-z][a-z0-9_]*$")


@dataclass(frozen=True)
class Topic:
    """One topic of the taxonomy: how to recognise it in headings and in clause text."""

    id: str
    name: str
    synonyms: Tuple[str, ...] = ()
    """Heading words: compared (rapidfuzz) with a clause's heading."""
    evidence: Tuple[str, ...] = ()
    """Body phrases: counted in a clause's own text."""
    position: str = ""
    rules: Tuple[object, ...] = ()
    description: str = ""
    exclude: Tuple[str, ...] = ()
    """Phrases that argue against the topic (e.g. "invoice" for dispute resolution)."""
    line: Optional[int] = None
    """Where the topic is defined in the playbook file."""
    exclusive: bool = False
    """A clause whose heading names this topic addresses nothing else (e.g. a definitions list)."""


@dataclass(frozen=True)
class Playbook:
    """A loaded, validated playbook."""

    path: str
    name: str
    topics: Tuple[Topic, ...]
    required: Tuple[object, ...] = ()
    version: str = ""
    positions: Mapping[str, str] = field(default_factory=dict)
    """Topic id -> the customer's standard position (from `review:`)."""
    rules: Tuple[object, ...] = ()
    """The review rules (built by `redline.rules.load_review`)."""

    def topic(self, topic_id: str) -> Topic:
        """Return the topic with `topic_id` (KeyError if there is none)."""
        for t in self.topics:
            if t.id == topic_id:
                return t
        raise KeyError(topic_id)

    @property
    def topic_ids(self) -> Tuple[str, ...]:
        return tuple(t.id for t in self.topics)


# ---------------------------------------------------------------------------------------------
# Line-keeping YAML nodes


class LineDict(dict):
    """A mapping from the playbook with `.line` and `.key_lines` {key: 1-based line}."""

    line: int = 0

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.line = 0
        self.key_lines: dict = {}

    def line_of(self, key) -> int:
        """Return the line of `key` (the mapping's own line when absent)."""
        return self.key_lines.get(key, self.line)


class LineList(list):
    """A sequence from the playbook with `.line` and `.item_lines` [1-based line per item]."""

    line: int = 0

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.line = 0
        self.item_lines: list = []

    def line_of(self, index) -> int:
        """Return the line of item `index` (the list's own line when out of range)."""
        if isinstance(index, int) and 0 <= index < len(self.item_lines):
            return self.item_lines[index]
        return self.line


def _line_of(node, key) -> Optional[int]:
    if key is not None and hasattr(node, "line_of"):
        return node.line_of(key)
    return getattr(node, "line", None) or None


def fail(path, node, key, message: str, expected: str = ""):
    """Raise `PlaybookError` for `node[key]` (or `node` itself when `key` is None)."""
    where = f"key '{key}': " if key is not None and not isinstance(key, int) else ""
    if isinstance(key, int):
        where = f"item {key + 1}: "
    raise PlaybookError(f"{where}{message}", path=str(path), line=_line_of(node, key),
                        hint=f"expected {expected}" if expected else "")


def check_keys(path, node, where: str, allowed: Iterable[str], required: Iterable[str] = ()) -> None:
    """Refuse a `node` that is not a mapping, has a key outside `allowed` or lacks a `required` one."""
    allowed = tuple(allowed)
    if not isinstance(node, dict):
        fail(path, node, None, f"{where} must be a mapping, not {_kind(node)}",
             "a mapping with keys " + ", ".join(allowed))
    for key in node:
        if key not in allowed:
            fail(path, node, key, f"unknown key in {where}", "one of " + ", ".join(allowed))
    for key in required:
        if key not in node or node[key] in (None, ""):
            fail(path, node, None, f"{where} has no '{key}'", f"a '{key}:' entry")


def get_str(path, node, key, *, default: Optional[str] = None, required: bool = False) -> Optional[str]:
    """Return the string at `node[key]` (numbers are accepted and turned into text)."""
    if key not in node or node[key] is None:
        if required:
            fail(path, node, None, f"missing '{key}'", f"a '{key}:' string")
        return default
    value = node[key]
    if isinstance(value, bool) or not isinstance(value, (str, int, float)):
        fail(path, node, key, f"must be a string, not {_kind(value)}", "a string")
    return str(value).strip()


def get_str_list(path, node, key) -> Tuple[str, ...]:
    """Return the list of non-empty strings at `node[key]` (a single string is a list of one)."""
    value = node.get(key)
    if value is None:
        return ()
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list):
        fail(path, node, key, f"must be a list of strings, not {_kind(value)}", "a list of strings")
    out = []
    for i, item in enumerate(value):
        if isinstance(item, bool) or not isinstance(item, (str, int, float)) or not str(item).strip():
            fail(path, value, i, f"in '{key}': must be a non-empty string, not {_kind(item)}",
                 "a list of strings")
        out.append(str(item).strip())
    return tuple(out)


def _kind(value) -> str:
    if value is None:
        return "empty"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, (int, float)):
        return f"the number {value}"
    return f"'{value}'" if len(str(value)) < 40 else "a string"


# libyaml's parser when PyYAML was built with it (the wheels are): the same safe constructors,
# about five times faster on the default playbook, which the app and every run load first.
_SafeBase = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class _LineLoader(_SafeBase):
    """A SafeLoader that builds `LineDict`/`LineList` and refuses duplicate keys."""

    playbook_path = "<playbook>"


def _construct_map(loader: _LineLoader, node):
    data = LineDict()
    data.line = node.start_mark.line + 1
    yield data
    loader.flatten_mapping(node)
    for key_node, value_node in node.value:
        key = loader.construct_object(key_node, deep=True)
        line = key_node.start_mark.line + 1
        try:
            hash(key)
        except TypeError:
            raise PlaybookError("a mapping key must be a plain value", path=loader.playbook_path,
                                line=line, hint="expected a word such as 'id' or 'name'") from None
        if key in data:
            raise PlaybookError(f"key '{key}': duplicate key (first on line {data.key_lines[key]})",
                                path=loader.playbook_path, line=line,
                                hint="expected each key once per mapping")
        data[key] = loader.construct_object(value_node, deep=True)
        data.key_lines[key] = line


def _construct_seq(loader: _LineLoader, node):
    data = LineList()
    data.line = node.start_mark.line + 1
    yield data
    for item in node.value:
        data.append(loader.construct_object(item, deep=True))
        data.item_lines.append(item.start_mark.line + 1)


_LineLoader.add_constructor("tag:yaml.org,2002:map", _construct_map)
_LineLoader.add_constructor("tag:yaml.org,2002:seq", _construct_seq)


def parse_yaml(text: str, path: str = "<playbook>"):
    """Return the YAML document in `text` as LineDict/LineList/scalars (safe_load semantics)."""
    loader = _LineLoader(text)
    loader.playbook_path = str(path)
    try:
        return loader.get_single_data()
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark is not None else None
        problem = " ".join(str(p) for p in (exc.context, exc.problem) if p)
        raise PlaybookError(f"not valid YAML: {problem}", path=str(path), line=line,
                            hint="check the indentation and quoting near that line") from None
    except yaml.YAMLError as exc:
        raise PlaybookError(f"not valid YAML: {exc}", path=str(path)) from None
    finally:
        loader.dispose()


# ---------------------------------------------------------------------------------------------
# Loading


def default_playbook_path() -> Path:
    """Return the path of the bundled default playbook."""
    return DEFAULT_PLAYBOOK


def load_playbook(path=None) -> Playbook:
    """Return the playbook at `path` (the default one when None), validated."""
    p = Path(path) if path else default_playbook_path()
    try:
        text = p.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise PlaybookError("no such playbook file", path=str(p),
                            hint="give the path of a playbook .yaml file") from None
    except UnicodeDecodeError:
        raise PlaybookError("the playbook is not UTF-8 text", path=str(p),
                            hint="save it as UTF-8 YAML") from None
    except OSError as exc:
        raise PlaybookError(f"cannot read the playbook: {exc.strerror}", path=str(p)) from None
    return parse_playbook(text, str(p))


def parse_playbook(text: str, path: str = "<playbook>") -> Playbook:
    """Return the playbook in the YAML `text` (errors name `path`), validated."""
    root = parse_yaml(text, path)
    if root is None:
        raise PlaybookError("the playbook is empty", path=path, line=1,
                            hint="expected a mapping with name, topics, review and required")
    check_keys(path, root, "the playbook", _TOP_KEYS, required=("name", "topics"))
    name = get_str(path, root, "name", required=True)
    version = get_str(path, root, "version", default="")
    get_str(path, root, "description", default="")
    topics = _topics(path, root)
    positions, rules, required = _review(path, root)
    return Playbook(path=str(path), name=name or Path(path).stem, topics=topics,
                    required=tuple(required), version=version or "",
                    positions=dict(positions), rules=tuple(rules))


def _topics(path, root) -> Tuple[Topic, ...]:
    items = root["topics"]
    if not isinstance(items, list) or not items:
        fail(path, root, "topics", f"must be a non-empty list of topics, not {_kind(items)}",
             "a list of '- id: ...' entries")
    seen: dict = {}
    out = []
    for i, node in enumerate(items):
        if not isinstance(node, dict):
            fail(path, items, i, f"a topic must be a mapping, not {_kind(node)}",
                 "'- id: ...' with name, synonyms and evidence")
        check_keys(path, node, f"topic {i + 1}", _TOPIC_KEYS, required=("id",))
        tid = get_str(path, node, "id", required=True)
        if not _ID.match(tid):
            fail(path, node, "id", f"'{tid}' is not a valid topic id",
                 "lower-case letters, digits and underscores, e.g. limitation_of_liability")
        if tid in seen:
            fail(path, node, "id", f"duplicate topic id '{tid}' (first on line {seen[tid]})",
                 "each topic id once")
        seen[tid] = node.line_of("id")
        name = get_str(path, node, "name", required=True)
        exclusive = node.get("exclusive", False)
        if not isinstance(exclusive, bool):
            fail(path, node, "exclusive", f"must be true or false, not {_kind(exclusive)}", "true or false")
        out.append(Topic(exclusive=exclusive, id=tid, name=name, synonyms=get_str_list(path, node, "synonyms"),
                         evidence=get_str_list(path, node, "evidence"),
                         description=get_str(path, node, "description", default="") or "",
                         exclude=get_str_list(path, node, "exclude"), line=node.line))
    return tuple(out)


def _review(path, root):
    try:
        rules_module = importlib.import_module("redline.rules")
    except ModuleNotFoundError as exc:
        if exc.name not in ("redline.rules",):
            raise
        rules_module = None
    load_review = getattr(rules_module, "load_review", None)
    if load_review is None:
        return {}, (), ()
    positions, rules, required = load_review(root, str(path))
    return dict(positions or {}), tuple(rules or ()), tuple(required or ())
