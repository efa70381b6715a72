"""The command line: a thin layer over `redline.api` and the exports.

Conventions (tested in tests/test_cli.py):
- data on stdout (`--json` for machine-readable output), messages and progress on stderr;
- exit 0 success, 1 done and findings or differences were found, 2 usage or input error;
- one clear line for an error, never a traceback (`--debug` shows one);
- outputs written to a temporary file and renamed; an existing file replaced only with --force.

Heavy modules (python-docx, Qt) are imported inside the commands that need them.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path
from typing import Callable, List, Optional, Sequence

from redline import __version__
from redline.errors import Cancelled, RedlineError

EXIT_OK, EXIT_FOUND, EXIT_ERROR = 0, 1, 2
DEFAULT_AUTHOR = "Customer counsel"

EXIT_CODES = """exit codes:
  0  success
  1  done, and findings or differences were found
  2  usage or input error (one line on stderr says what to do)"""


# ---------------------------------------------------------------------------------------------
# Output helpers


class Reporter:
    """Messages and a progress bar on stderr; the bar only on a terminal and after a second."""

    def __init__(self, quiet: bool = False, stream=None) -> None:
        self.quiet = quiet
        self.stream = stream or sys.stderr
        self.started = time.monotonic()
        self.tty = hasattr(self.stream, "isatty") and self.stream.isatty()
        self._drawn = False

    def say(self, message: str) -> None:
        if not self.quiet:
            self._clear()
            print(message, file=self.stream)

    def step(self, done: int, total: int, label: str = "") -> None:
        if self.quiet or not self.tty or time.monotonic() - self.started < 1.0 or total <= 0:
            return
        width = 30
        filled = int(width * min(done, total) / total)
        bar = "#" * filled + "-" * (width - filled)
        self.stream.write(f"\r[{bar}] {done}/{total} {label[:40]:<40}")
        self.stream.flush()
        self._drawn = True

    def cancelled(self) -> bool:
        return False

    def _clear(self) -> None:
        if self._drawn:
            self.stream.write("\r" + " " * 80 + "\r")
            self.stream.flush()
            self._drawn = False

    def done(self) -> None:
        self._clear()


def _print_json(obj) -> None:
    sys.stdout.write(json.dumps(obj, ensure_ascii=False, indent=2))
    sys.stdout.write("\n")


def _table(rows: Sequence[Sequence[str]], headers: Sequence[str]) -> str:
    cols = [list(map(str, col)) for col in zip(headers, *rows)] if rows else [[h] for h in headers]
    widths = [min(max(len(x) for x in col), 48) for col in cols]

    def fmt(row):
        return "  ".join(str(x)[:w].ljust(w) for x, w in zip(row, widths)).rstrip()

    lines = [fmt(headers), fmt(["-" * w for w in widths])]
    lines += [fmt(r) for r in rows]
    return "\n".join(lines)


def _load_book(args):
    from redline.playbook import load_playbook

    return load_playbook(getattr(args, "playbook", None))


_NOT_AGREEMENTS = {"README", "LICENSE", "LICENCE", "CHANGELOG", "NOTICE"}


def _expand_inputs(paths: Sequence[str], reporter: Reporter) -> List[Path]:
    """Return the agreement files named by `paths` (folders are searched recursively)."""
    from redline.errors import InputError

    from redline.ingest import SUPPORTED

    known = set(SUPPORTED)
    out: List[Path] = []
    for raw in paths:
        p = Path(raw)
        if p.is_dir():
            found = sorted(f for f in p.rglob("*") if f.is_file())
            for f in found:
                if (f.suffix.lower() in known and not f.name.startswith((".", "~$"))
                        and f.stem.upper() not in _NOT_AGREEMENTS):
                    out.append(f)
                else:
                    reporter.say(f"note: skipped {f} (not an agreement file)")
            if not any(f.suffix.lower() in known for f in found):
                raise InputError("the folder holds no agreements (.txt, .md, .docx, .pdf)",
                                 path=str(p), hint="point at a folder of agreements")
        elif not p.exists():
            raise InputError("no such file or folder", path=str(p), hint="check the path")
        else:
            out.append(p)
    return out


# ---------------------------------------------------------------------------------------------
# Commands


def cmd_outline(args, reporter: Reporter) -> int:
    from redline import api
    from redline.spans import join_pieces, own_pieces

    agreement = api.read_agreement(args.file, progress=reporter)
    if args.json:
        _print_json({
            "path": agreement.path,
            "title": agreement.title,
            "parts": [{"id": p.id, "title": p.title, "kind": p.kind, "start": p.start, "end": p.end}
                      for p in agreement.parts],
            "clauses": [{"id": c.id, "part": c.part, "number": c.number, "heading": c.heading,
                         "level": c.level, "parent": c.parent, "start": c.start, "end": c.end}
                        for c in agreement.clauses],
        })
        return EXIT_OK
    print(f"{agreement.title}  ({agreement.path})")
    by_part = {}
    for c in agreement.clauses:
        by_part.setdefault(c.part, []).append(c)
    for part in agreement.parts:
        print(f"\n== {part.title or part.id}  [{part.id}]")
        for c in by_part.get(part.id, []):
            body = [(max(s, c.body_start), e) for s, e in own_pieces(agreement, c) if e > c.body_start]
            words = " ".join(join_pieces(agreement.text, body).split()[:10])
            head = f"{c.heading}  " if c.heading else ""
            print(f"{'  ' * (c.level - 1)}{c.number or '-'}  {head}| {words[:70]}")
    return EXIT_OK


class _Failures:
    """Files that could not be analysed: reported one line each; the run goes on."""

    def __init__(self) -> None:
        self.errors: List[Exception] = []

    def note(self, exc: Exception, reporter: Reporter) -> None:
        self.errors.append(exc)
        reporter.done()
        print(f"redline: error: {exc}", file=sys.stderr)

    def exit_code(self, ok_code: int) -> int:
        return EXIT_ERROR if self.errors else ok_code


def _iter_analyses(args, reporter: Reporter, failures: _Failures):
    """Yield each agreement's analysis (streamed); unreadable files go to `failures`."""
    from redline import api

    paths = _expand_inputs(args.files, reporter)
    book = _load_book(args)
    args._book = book
    for _path, item, error in api.analyze_each(
            paths, playbook=book, provider=getattr(args, "provider", None),
            customer=getattr(args, "customer", None), jobs=max(1, getattr(args, "jobs", 1) or 1),
            progress=reporter):
        if error is not None:
            failures.note(error, reporter)
        else:
            yield item


def _analysis(args, reporter: Reporter, failures: _Failures):
    """Return the combined `Analysis` of the inputs (raise if none could be read)."""
    from redline import api

    items = list(_iter_analyses(args, reporter, failures))
    if not items and failures.errors:
        raise failures.errors[0]
    return api.combine(items, args._book)


def _write_json_per_agreement(args, reporter: Reporter, failures: _Failures) -> int:
    """Write one JSON file per agreement into --out-dir, one at a time (bounded memory)."""
    from redline.errors import OutputError
    from redline.jsonout import VERSION, agreement_json
    from redline.outputs import check_target, write_text

    folder = Path(args.out_dir)
    if not folder.is_dir():
        raise OutputError("the output folder does not exist", path=str(folder),
                          hint="create it first or choose another folder")
    found = 0
    written: set = set()
    for item in _iter_analyses(args, reporter, failures):
        # Two inputs with one stem (a/msa.txt, b/msa.docx) must not write one file twice.
        stem = Path(item.path).stem
        target = folder / f"{stem}.json"
        n = 2
        while target in written:
            target = folder / f"{stem}.{n}.json"
            n += 1
        written.add(target)
        try:
            check_target(target, force=args.force, inputs=[item.path])
        except OutputError as exc:
            failures.note(exc, reporter)
            continue
        payload = {"version": VERSION, "agreements": [agreement_json(item)], "market": {}}
        write_text(target, json.dumps(payload, ensure_ascii=False, indent=2), force=args.force,
                   inputs=[item.path])
        found += len(item.findings)
        reporter.say(f"wrote {target}")
    return found


def cmd_analyze(args, reporter: Reporter) -> int:
    from redline.jsonout import to_json

    failures = _Failures()
    if args.out_dir:
        _write_json_per_agreement(args, reporter, failures)
        return failures.exit_code(EXIT_OK)
    analysis = _analysis(args, reporter, failures)
    reporter.done()
    if args.json:
        _print_json(to_json(analysis))
    else:
        print(_matrix_text(analysis))
        print()
        print(_key_terms_text(analysis))
    return failures.exit_code(EXIT_OK)


def _short(path: str) -> str:
    return Path(path).stem[:18]


def _matrix_text(analysis) -> str:
    heads = ["topic"] + [_short(a.path) for a in analysis.agreements]
    rows = []
    for topic, cells in analysis.matrix.items():
        row = [topic]
        for cell in cells:
            if cell.state == "addressed":
                row.append(str(len(cell.clauses)))
            else:
                row.append(cell.state)
        rows.append(row)
    return _table(rows, heads) if rows else "(no topics classified)"


def _key_terms_text(analysis) -> str:
    names: List[str] = []
    for a in analysis.agreements:
        for n in a.key_terms:
            if n not in names:
                names.append(n)
    heads = ["key term"] + [_short(a.path) for a in analysis.agreements]
    rows = []
    for n in names:
        row = [n]
        for a in analysis.agreements:
            t = a.key_terms.get(n)
            row.append("-" if t is None or t.value is None else str(t.value))
        rows.append(row)
    return _table(rows, heads) if rows else "(no key terms found)"


def _section(clause_id: str) -> str:
    """Return a clause id as a section reference: "sow-1/2.5.A" -> "sow-1 2.5.A", "main/3.7(A)" -> "3.7(A)"."""
    part, _, number = clause_id.partition("/")
    return number if part == "main" else f"{part} {number}"


def cmd_review(args, reporter: Reporter) -> int:
    from redline.jsonout import to_json

    failures = _Failures()
    if args.out_dir:
        found = _write_json_per_agreement(args, reporter, failures)
        return failures.exit_code(EXIT_FOUND if found else EXIT_OK)
    analysis = _analysis(args, reporter, failures)
    reporter.done()
    total = sum(len(a.findings) for a in analysis.agreements)
    if args.json:
        _print_json(to_json(analysis))
    else:
        order = {"high": 0, "medium": 1, "low": 2}
        for a in analysis.agreements:
            print(f"\n== {a.agreement.title or a.path}  ({a.path})")
            print(f"   provider: {a.parties.provider}   customer: {a.parties.customer}   "
                  f"risk score: {a.risk_score}   findings: {len(a.findings)}")
            for f in sorted(a.findings, key=lambda f: (order.get(f.severity, 3), f.start or 0)):
                where = _section(f.clause) if f.clause else "(missing)"
                print(f"  [{f.severity.upper():6}] {where:10} {f.title}  ({f.rule})")
                if f.quote:
                    q = " ".join(f.quote.split())
                    print(f"           \"{q[:150]}{'...' if len(q) > 150 else ''}\"")
        if analysis.market:
            print("\n== market (best for the customer, per topic)")
            for topic, m in analysis.market.items():
                if m.best:
                    print(f"  {topic:32} {_short(m.best)}")
    return failures.exit_code(EXIT_FOUND if total else EXIT_OK)


def cmd_redline(args, reporter: Reporter) -> int:
    from redline import api
    from redline.export.redline_docx import write_redline

    book = _load_book(args)
    agreement = api.read_agreement(args.file, progress=reporter)
    item = api.analyze_agreement(agreement, book, provider=args.provider, customer=args.customer)
    only = set(x.strip() for x in args.only.split(",") if x.strip()) if args.only else None
    report = write_redline(item, args.output, author=args.author, only=only, clean=args.clean,
                           force=args.force)
    reporter.done()
    if agreement.document.tracked_changes_in_input:
        reporter.say(f"note: {args.file} carried {agreement.document.tracked_changes_in_input} "
                     "tracked changes; they were accepted before the redline was made")
    for path in report.outputs:
        reporter.say(f"wrote {path}")
    reporter.say(f"{report.changes} tracked changes, {report.comments} comments")
    if args.json:
        _print_json(report.to_json())
    return EXIT_FOUND if report.changes or report.comments else EXIT_OK


def cmd_compare(args, reporter: Reporter) -> int:
    from redline.export.compare import compare_paths

    report = compare_paths(args.old, args.new, args.output, author=args.author,
                           moves=not args.no_moves, ignore_case=args.ignore_case,
                           ignore_whitespace=args.ignore_whitespace, force=args.force,
                           progress=reporter)
    reporter.done()
    if args.json:
        _print_json(report.to_json())
    else:
        s = report.summary
        print(", ".join(f"{k}: {v}" for k, v in s.items()))
    for note in report.notes:
        reporter.say(f"note: {note}")
    reporter.say(f"wrote {args.output}")
    return EXIT_FOUND if report.differs else EXIT_OK


def cmd_memo(args, reporter: Reporter) -> int:
    from redline.export.memo import write_memo

    failures = _Failures()
    analysis = _analysis(args, reporter, failures)
    out = write_memo(analysis, args.output, matter=args.matter, fmt=args.format, force=args.force,
                     playbook=args._book)
    reporter.done()
    reporter.say(f"wrote {out}")
    return failures.exit_code(EXIT_OK)


DEMO_MANIFEST = ".redline-demo.json"


def cmd_demo(args, reporter: Reporter) -> int:
    from redline import api
    from redline.outputs import write_text

    out_dir = Path(args.out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    manifest_path = out_dir / DEMO_MANIFEST
    owned = set()
    if manifest_path.exists():
        try:
            owned = set(json.loads(manifest_path.read_text(encoding="utf-8")).get("files", []))
        except (ValueError, OSError):
            owned = set()
    book = _load_book(args)
    paths = api.sample_paths()
    analysis = api.analyze(paths, playbook=book, progress=reporter)
    reporter.done()
    written: List[str] = []
    skipped: List[str] = []

    def may_write(name: str) -> bool:
        target = out_dir / name
        if target.exists() and name not in owned and not args.force:
            reporter.say(f"note: kept {target}: it was not written by an earlier demo "
                         "(use --force to replace it)")
            return False
        return True

    try:
        from redline.export.redline_docx import write_redline
    except ImportError:
        write_redline = None
        skipped.append("Word redlines (not built yet)")
    rows = []
    for item in analysis.agreements:
        name = Path(item.path).stem + ".redline.docx"
        vendor = not Path(item.path).name.startswith("customer-")
        cell = "-"
        if vendor and write_redline is not None and may_write(name):
            report = write_redline(item, out_dir / name, author=args.author, force=True)
            written.append(name)
            cell = name
        by = {"high": 0, "medium": 0, "low": 0}
        for f in item.findings:
            by[f.severity] = by.get(f.severity, 0) + 1
        rows.append([Path(item.path).stem[:30], item.parties.provider[:20], str(len(item.agreement.clauses)),
                     str(by["high"]), str(by["medium"]), str(by["low"]), str(item.risk_score), cell])
    try:
        from redline.export.memo import write_memo
    except ImportError:
        write_memo = None
        skipped.append("negotiation memo (not built yet)")
    if write_memo is not None and may_write("negotiation-memo.docx"):
        write_memo(analysis, out_dir / "negotiation-memo.docx", matter="Demo: telecom vendor review",
                   fmt="docx", force=True, playbook=book)
        written.append("negotiation-memo.docx")
    write_text(manifest_path, json.dumps({"files": sorted(set(written) | owned)}, indent=2), force=True)
    print(_table(rows, ["agreement", "provider", "clauses", "high", "medium", "low", "risk", "redline"]))
    for name in written:
        reporter.say(f"wrote {out_dir / name}")
    for what in skipped:
        reporter.say(f"skipped: {what}")
    return EXIT_OK


def run_selftest(reporter: Reporter) -> int:
    from redline.selftest import selftest

    return selftest(reporter)


# ---------------------------------------------------------------------------------------------
# Parser


class _Formatter(argparse.RawDescriptionHelpFormatter):
    pass


def _sub(subs, name: str, help_: str, examples: str, func: Callable):
    p = subs.add_parser(name, help=help_, description=help_,
                        epilog=f"examples:\n{examples}\n\n{EXIT_CODES}", formatter_class=_Formatter)
    p.set_defaults(func=func)
    return p


def _common_out(p, *, many: bool = False) -> None:
    if many:
        p.add_argument("--out-dir", metavar="DIR", help="write one file per agreement into DIR")
    p.add_argument("--force", action="store_true", help="replace an existing output file")


def _parties_args(p) -> None:
    p.add_argument("--provider", metavar="NAME", help="the provider's name, if Redline guessed wrong")
    p.add_argument("--customer", metavar="NAME", help="the customer's name, if Redline guessed wrong")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="redline",
        description="Redline: review vendors' agreements from the customer's side, offline.",
        epilog="examples:\n  redline demo\n  redline review vendor.txt --json\n  "
               "redline redline vendor.docx -o vendor.redline.docx\n\n" + EXIT_CODES,
        formatter_class=_Formatter,
    )
    parser.add_argument("--version", action="version", version=f"redline {__version__}")
    parser.add_argument("--selftest", action="store_true",
                        help="run the whole pipeline on the bundled samples and exit 0 if all worked")
    parser.add_argument("--debug", action="store_true", help="show a traceback on errors")
    parser.add_argument("-q", "--quiet", action="store_true", help="no messages on stderr")
    subs = parser.add_subparsers(dest="command", metavar="COMMAND")

    p = _sub(subs, "outline", "Print an agreement's clause tree (parts, numbers, headings).",
             "  redline outline resources/samples/velvetel-msa.txt\n"
             "  redline outline contract.docx --json > tree.json", cmd_outline)
    p.add_argument("file", metavar="FILE")
    p.add_argument("--json", action="store_true", help="machine-readable output on stdout")

    p = _sub(subs, "analyze", "Analyse agreements: clauses, topics, key terms, cross-references "
             "(the versioned JSON contract with --json).",
             "  redline analyze resources/samples/*.txt\n"
             "  redline analyze vendors/ --json > analysis.json\n"
             "  redline analyze vendors/ --out-dir analyses/", cmd_analyze)
    p.add_argument("files", nargs="+", metavar="FILE")
    p.add_argument("--json", action="store_true", help="the version-1 JSON contract on stdout")
    p.add_argument("--playbook", metavar="P", help="playbook YAML (default: the bundled one)")
    p.add_argument("--jobs", type=int, default=1, metavar="N", help="worker processes")
    _parties_args(p)
    _common_out(p, many=True)

    p = _sub(subs, "review", "Review agreements against a playbook: one-sided terms, why, and "
             "the customer's language.",
             "  redline review vendor.txt\n  redline review vendor.docx --playbook mine.yaml --json",
             cmd_review)
    p.add_argument("files", nargs="+", metavar="FILE")
    p.add_argument("--json", action="store_true", help="the version-1 JSON contract on stdout")
    p.add_argument("--playbook", metavar="P", help="playbook YAML (default: the bundled one)")
    p.add_argument("--jobs", type=int, default=1, metavar="N", help="worker processes")
    _parties_args(p)
    _common_out(p, many=True)

    p = _sub(subs, "redline", "Write a Word redline: the playbook's proposals as tracked changes "
             "with margin comments.",
             "  redline redline vendor.txt -o vendor.redline.docx\n"
             "  redline redline vendor.docx --only late-interest,auto-renewal --clean -o out.docx",
             cmd_redline)
    p.add_argument("file", metavar="FILE")
    p.add_argument("-o", "--output", required=True, metavar="OUT.docx")
    p.add_argument("--playbook", metavar="P", help="playbook YAML (default: the bundled one)")
    p.add_argument("--author", default=DEFAULT_AUTHOR, help=f"tracked-change author (default: {DEFAULT_AUTHOR!r})")
    p.add_argument("--only", metavar="RULE,...", help="apply only these rule ids")
    p.add_argument("--clean", action="store_true", help="also write OUT.clean.docx with all changes accepted")
    p.add_argument("--json", action="store_true", help="a summary as JSON on stdout")
    _parties_args(p)
    _common_out(p)

    p = _sub(subs, "compare", "Compare two versions of an agreement, clause by clause, into a "
             "Word document with tracked changes.",
             "  redline compare v1.docx v2.docx -o v1-v2.compare.docx\n"
             "  redline compare old.txt new.pdf --no-moves --json -o diff.docx", cmd_compare)
    p.add_argument("old", metavar="OLD")
    p.add_argument("new", metavar="NEW")
    p.add_argument("-o", "--output", required=True, metavar="OUT.docx")
    p.add_argument("--author", default=DEFAULT_AUTHOR)
    p.add_argument("--no-moves", action="store_true", help="write moves as a deletion and an insertion")
    p.add_argument("--ignore-case", action="store_true")
    p.add_argument("--ignore-whitespace", action="store_true")
    p.add_argument("--json", action="store_true", help="each change with its clause ids as JSON")
    _common_out(p)

    p = _sub(subs, "memo", "Write the negotiation memo for the loaded agreements.",
             "  redline memo resources/samples/*.txt -o memo.docx\n"
             "  redline memo a.txt b.docx --matter \"Acme SIP RFP\" --format md -o memo.md", cmd_memo)
    p.add_argument("files", nargs="+", metavar="FILE")
    p.add_argument("-o", "--output", required=True, metavar="MEMO.docx")
    p.add_argument("--playbook", metavar="P")
    p.add_argument("--matter", default="Vendor agreement review", metavar="NAME")
    p.add_argument("--format", choices=["docx", "md"], default="docx")
    _parties_args(p)
    _common_out(p)

    p = _sub(subs, "demo", "Run the main job on the bundled samples: four Word redlines and the "
             "negotiation memo.",
             "  redline demo\n  redline demo --out-dir /tmp/redline-demo", cmd_demo)
    p.add_argument("--out-dir", default="redline-out", metavar="DIR", help="default: ./redline-out/")
    p.add_argument("--playbook", metavar="P")
    p.add_argument("--author", default=DEFAULT_AUTHOR)
    p.add_argument("--force", action="store_true", help="also replace files the demo did not write")
    return parser


def main(argv: Optional[Sequence[str]] = None) -> int:
    """Run the CLI with `argv` (default: sys.argv[1:]) and return the exit code."""
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:  # argparse exits 2 on usage errors and 0 on --help
        return int(exc.code or 0)
    reporter = Reporter(quiet=args.quiet)
    try:
        if args.selftest:
            return run_selftest(reporter)
        if not args.command:
            parser.print_help(sys.stderr)
            return EXIT_ERROR
        return int(args.func(args, reporter))
    except Cancelled:
        reporter.say("cancelled")
        return EXIT_ERROR
    except RedlineError as exc:
        if args.debug:
            raise
        reporter.done()
        print(f"redline: error: {exc}", file=sys.stderr)
        return EXIT_ERROR
    except KeyboardInterrupt:
        print("redline: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        # stdout closed early (e.g. piped into head): not an error of ours.
        try:
            sys.stdout = open(os.devnull, "w")
        except OSError:
            pass
        return EXIT_OK
    except Exception as exc:  # noqa: BLE001 - the last line of defence: one message, no traceback
        if args.debug:
            raise
        reporter.done()
        print(f"redline: internal error: {type(exc).__name__}: {exc} "
              "(run again with --debug and report the traceback)", file=sys.stderr)
        return EXIT_ERROR


if __name__ == "__main__":
    sys.exit(main())
