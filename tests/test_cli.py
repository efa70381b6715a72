"""The CLI's conventions, run in-process on the real samples."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from redline import cli

SAMPLES = Path(__file__).resolve().parent.parent / "resources" / "samples"
VELVETEL = SAMPLES / "velvetel-msa.txt"
SUBCOMMANDS = ["outline", "analyze", "review", "redline", "compare", "memo", "demo"]


def run(capsys, *argv):
    code = cli.main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


@pytest.mark.parametrize("name", SUBCOMMANDS)
def test_every_subcommand_has_help_with_examples(capsys, name):
    code, out, _ = run(capsys, name, "--help")
    assert code == 0
    assert "examples:" in out
    assert f"redline {name}" in out.split("examples:")[1]
    assert "exit codes:" in out


def test_top_level_help_lists_every_subcommand(capsys):
    code, out, _ = run(capsys, "--help")
    assert code == 0
    for name in SUBCOMMANDS:
        assert name in out
    assert "--selftest" in out


def test_no_command_is_a_usage_error(capsys):
    code, _, err = run(capsys)
    assert code == 2
    assert "usage" in err


def test_unknown_option_is_a_usage_error(capsys):
    code, _, err = run(capsys, "outline", "--no-such-flag", str(VELVETEL))
    assert code == 2
    assert "unrecognized arguments" in err


def test_outline_json_is_on_stdout_and_parses(capsys):
    code, out, err = run(capsys, "outline", str(VELVETEL), "--json")
    assert code == 0
    data = json.loads(out)
    assert data["path"] == str(VELVETEL)
    assert data["clauses"], "the Velvetel MSA has numbered clauses"
    text = VELVETEL.read_bytes().decode("utf-8-sig")
    for c in data["clauses"]:
        assert 0 <= c["start"] < c["end"] <= len(text)


def test_missing_file_is_one_line_exit_2_no_traceback(capsys, tmp_path):
    missing = tmp_path / "nope.txt"
    code, out, err = run(capsys, "outline", str(missing))
    assert code == 2
    assert out == ""
    lines = [line for line in err.splitlines() if line.strip()]
    assert len(lines) == 1
    assert str(missing) in lines[0]
    assert "Traceback" not in err


def test_empty_file_is_refused_with_a_clear_message(capsys, tmp_path):
    empty = tmp_path / "empty.txt"
    empty.write_bytes(b"")
    code, _, err = run(capsys, "analyze", str(empty))
    assert code == 2
    assert str(empty) in err and "empty" in err


def test_debug_shows_the_traceback(tmp_path):
    missing = tmp_path / "nope.txt"
    proc = subprocess.run([sys.executable, "-m", "redline", "--debug", "outline", str(missing)],
                          capture_output=True, text=True)
    assert proc.returncode != 0
    assert "Traceback" in proc.stderr


def test_review_exit_code_says_whether_findings_were_found(capsys):
    code, out, _ = run(capsys, "review", str(VELVETEL), "--json")
    data = json.loads(out)
    found = sum(len(a["findings"]) for a in data["agreements"])
    assert code == (1 if found else 0)


def test_analyze_takes_a_folder_and_skips_non_agreements(capsys, tmp_path):
    folder = tmp_path / "in"
    (folder / "sub").mkdir(parents=True)
    (folder / "sub" / "a.txt").write_bytes(VELVETEL.read_bytes())
    (folder / "notes.csv").write_text("x,y\n")
    code, out, err = run(capsys, "analyze", str(folder), "--json")
    assert code == 0
    data = json.loads(out)
    assert [Path(a["path"]).name for a in data["agreements"]] == ["a.txt"]
    assert "notes.csv" in err


def test_analyze_out_dir_writes_one_json_per_agreement(capsys, tmp_path):
    out_dir = tmp_path / "out"
    out_dir.mkdir()
    code, out, _ = run(capsys, "analyze", str(VELVETEL), str(SAMPLES / "level3-callwave-msa.txt"),
                       "--out-dir", str(out_dir))
    assert code == 0
    names = sorted(p.name for p in out_dir.iterdir())
    assert names == ["level3-callwave-msa.json", "velvetel-msa.json"]
    assert json.loads((out_dir / "velvetel-msa.json").read_text())["version"] == 1
    # A second run without --force refuses to replace them and leaves them untouched.
    before = (out_dir / "velvetel-msa.json").read_bytes()
    code, _, err = run(capsys, "analyze", str(VELVETEL), "--out-dir", str(out_dir))
    assert code == 2 and "--force" in err
    assert (out_dir / "velvetel-msa.json").read_bytes() == before


def test_progress_and_messages_stay_off_stdout(capsys, tmp_path):
    code, out, err = run(capsys, "analyze", str(VELVETEL))
    assert code == 0
    assert "\r" not in out and "\r" not in err  # no bar when stderr is not a terminal


def test_version(capsys):
    with pytest.raises(SystemExit):
        cli.build_parser().parse_args(["--version"])
    assert "redline" in capsys.readouterr().out


def test_out_dir_gives_inputs_with_one_stem_their_own_files(capsys, tmp_path):
    for sub in ("a", "b"):
        (tmp_path / sub).mkdir()
        (tmp_path / sub / "msa.txt").write_bytes(VELVETEL.read_bytes())
    out_dir = tmp_path / "out"
    out_dir.mkdir()
    code, _, _ = run(capsys, "analyze", str(tmp_path / "a" / "msa.txt"), str(tmp_path / "b" / "msa.txt"),
                     "--out-dir", str(out_dir))
    assert code == 0
    written = sorted(p.name for p in out_dir.iterdir())
    assert written == ["msa.2.json", "msa.json"]
    paths = {json.loads((out_dir / n).read_text())["agreements"][0]["path"] for n in written}
    assert len(paths) == 2


def test_an_engine_failure_on_one_file_does_not_end_the_batch(capsys, tmp_path, monkeypatch):
    from redline import api

    real = api.analyze_agreement

    def flaky(agreement, *a, **k):
        if agreement.path.endswith("bad.txt"):
            raise ValueError("simulated engine bug")
        return real(agreement, *a, **k)

    monkeypatch.setattr(api, "analyze_agreement", flaky)
    (tmp_path / "bad.txt").write_bytes(VELVETEL.read_bytes())
    code, out, err = run(capsys, "analyze", str(tmp_path / "bad.txt"), str(VELVETEL), "--json")
    assert code == 2
    assert "bad.txt" in err and "simulated engine bug" in err and "Traceback" not in err
    assert [a["path"] for a in json.loads(out)["agreements"]] == [str(VELVETEL)]
