"""Bad input through the CLI: exit 2, one line naming the file, nothing written, input unchanged."""

from __future__ import annotations

import hashlib
import zipfile
from pathlib import Path

import pytest

from redline import cli

SAMPLES = Path(__file__).resolve().parent.parent / "resources" / "samples"
LEVEL3 = SAMPLES / "level3-callwave-msa.txt"


def _bad_inputs(tmp: Path):
    (tmp / "empty.txt").write_bytes(b"")
    (tmp / "blank.txt").write_bytes(b"  \n\t\n")
    (tmp / "junk.txt").write_bytes(bytes(range(256)) * 40)
    (tmp / "notzip.docx").write_bytes(b"this is not a zip file at all")
    with zipfile.ZipFile(tmp / "nodoc.docx", "w") as z:
        z.writestr("hello.txt", "x")
    (tmp / "ole.docx").write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 2048)
    (tmp / "corrupt.pdf").write_bytes(b"%PDF-1.4\n garbage garbage")
    (tmp / "agreement.rtf").write_text("{\\rtf1 hello}")
    (tmp / "folder.txt").mkdir()
    return {
        "empty": tmp / "empty.txt", "blank": tmp / "blank.txt", "junk": tmp / "junk.txt",
        "notzip": tmp / "notzip.docx", "nodoc": tmp / "nodoc.docx", "ole": tmp / "ole.docx",
        "corrupt_pdf": tmp / "corrupt.pdf", "unknown_ext": tmp / "agreement.rtf",
        "folder": tmp / "folder.txt", "missing": tmp / "missing.txt",
    }


KINDS = ["empty", "blank", "junk", "notzip", "nodoc", "ole", "corrupt_pdf", "unknown_ext",
         "folder", "missing"]


@pytest.mark.parametrize("kind", KINDS)
def test_bad_input_gets_one_clear_line_and_nothing_is_written(tmp_path, capsys, kind):
    bad = _bad_inputs(tmp_path)[kind]
    before = sorted(p.name for p in tmp_path.iterdir())
    out = tmp_path / "out.docx"
    code = cli.main(["redline", str(bad), "-o", str(out)])
    captured = capsys.readouterr()
    assert code == 2
    lines = [line for line in captured.err.splitlines() if line.strip()]
    assert len(lines) == 1, captured.err
    assert str(bad) in lines[0] or bad.name in lines[0]
    assert "Traceback" not in captured.err and "internal error" not in captured.err
    assert sorted(p.name for p in tmp_path.iterdir()) == before, "nothing may be written"


def _playbook_with(tmp_path: Path, old: str, new: str) -> Path:
    from redline.playbook import default_playbook_path

    text = default_playbook_path().read_text(encoding="utf-8")
    assert old in text
    p = tmp_path / "mine.yaml"
    p.write_text(text.replace(old, new, 1), encoding="utf-8")
    return p


@pytest.mark.parametrize("case", ["yaml_error", "unknown_key", "wrong_type", "bad_regex",
                                  "catastrophic_regex"])
def test_bad_playbook_is_explained_with_file_and_line(tmp_path, capsys, case):
    if case == "yaml_error":
        book = tmp_path / "mine.yaml"
        book.write_text("name: x\ntopics: [\n  - id: a\n", encoding="utf-8")
    elif case == "unknown_key":
        book = _playbook_with(tmp_path, "topics:\n", "colour: red\ntopics:\n")
    elif case == "wrong_type":
        book = _playbook_with(tmp_path, "topics:\n", "topics: 12\nignored:\n")
    else:
        pattern = r"'(unclosed'" if case == "bad_regex" else r"'(a+)+b'"
        book = _playbook_with(tmp_path, "        regex:\n", f"        regex:\n          - {pattern}\n")
    code = cli.main(["review", str(LEVEL3), "--playbook", str(book)])
    err = capsys.readouterr().err
    assert code == 2
    lines = [line for line in err.splitlines() if line.strip()]
    assert len(lines) == 1, err
    assert str(book) in lines[0]
    assert "Traceback" not in err and "internal error" not in err
    if case != "yaml_error":
        assert f"{book}:" in lines[0] and any(ch.isdigit() for ch in lines[0].split(str(book))[1][:8])


def test_existing_output_is_refused_and_untouched(tmp_path, capsys):
    out = tmp_path / "out.docx"
    out.write_bytes(b"earlier work")
    code = cli.main(["redline", str(LEVEL3), "-o", str(out)])
    assert code == 2
    assert "--force" in capsys.readouterr().err
    assert out.read_bytes() == b"earlier work"


def test_output_folder_missing(tmp_path, capsys):
    code = cli.main(["redline", str(LEVEL3), "-o", str(tmp_path / "nope" / "out.docx")])
    assert code == 2
    assert "does not exist" in capsys.readouterr().err


def test_output_equal_to_input_is_refused_even_with_force(tmp_path, capsys):
    src = tmp_path / "a.txt"
    src.write_bytes(LEVEL3.read_bytes())
    digest = hashlib.sha256(src.read_bytes()).hexdigest()
    code = cli.main(["memo", str(src), "-o", str(src), "--force"])
    assert code == 2
    assert "inputs" in capsys.readouterr().err
    assert hashlib.sha256(src.read_bytes()).hexdigest() == digest


def test_control_characters_work_and_exports_stay_valid(tmp_path, capsys):
    from lxml import etree

    src = tmp_path / "ctl.txt"
    text = LEVEL3.read_text(encoding="utf-8")
    src.write_text(text[:6000].replace(" Service", " \x01Ser\x0bvice", 5), encoding="utf-8")
    out = tmp_path / "ctl.docx"
    code = cli.main(["redline", str(src), "-o", str(out)])
    assert code in (0, 1)
    with zipfile.ZipFile(out) as z:
        etree.fromstring(z.read("word/document.xml"))


def test_one_bad_file_in_a_folder_does_not_stop_the_others(tmp_path, capsys):
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "good.txt").write_bytes(LEVEL3.read_bytes())
    (folder / "bad.docx").write_bytes(b"not a zip")
    code = cli.main(["analyze", str(folder), "--json"])
    captured = capsys.readouterr()
    assert code == 2
    assert "bad.docx" in captured.err
    assert '"good.txt"' in captured.out or "good.txt" in captured.out
