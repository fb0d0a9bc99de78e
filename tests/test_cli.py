"""The command line checks its arguments before any work, and no traceback
reaches a user for anything they can cause (tests/cases/cli.toml)."""
import json
import os
import re
import tomllib

import pytest

from pipeline import cli

from .conftest import ROOT

CASES = tomllib.loads((ROOT / "tests" / "cases" / "cli.toml").read_text())["case"]
GOOD_PAPER = {"title": "A paper", "abstract": "Our kernel is 2.1x faster than FlashAttention on an A100."}


def lay_out(folder, case: dict) -> None:
    """The files a case runs among (tests/cases/cli.toml)."""
    (folder / "my.jsonl").write_text(json.dumps(GOOD_PAPER) + "\n")
    for name, content in case.get("files", {}).items():
        (folder / name).write_bytes(content.encode("utf-8"))
    for name in case.get("dirs", []):
        (folder / name).mkdir()


def check_output(case: dict, code: int, out: str, err: str) -> None:
    assert code == case["exit"], (code, out, err)
    assert "Traceback" not in out + err
    for words in case["says"]:
        assert words in err, (words, err)
    if case.get("one_line"):
        assert len(err.strip().splitlines()) == 1, err


def run(argv, capsys):
    code = cli.main(argv)
    out, err = capsys.readouterr()
    return code, out, err


@pytest.mark.parametrize("case", CASES, ids=[c["id"] for c in CASES])
def test_a_wrong_command_line_gets_a_message(case, tmp_path, monkeypatch, capsys):
    lay_out(tmp_path, case)
    monkeypatch.chdir(tmp_path)
    check_output(case, *run(case["args"], capsys))
    assert not (tmp_path / "out").exists()          # checked before any work


def test_an_output_folder_that_cannot_be_written(tmp_path, monkeypatch, capsys):
    read_only = tmp_path / "read-only"
    read_only.mkdir()
    read_only.chmod(0o555)
    try:
        if os.access(read_only, os.W_OK):           # root writes anywhere: use a read-only file system
            read_only = next((p for p in (ROOT.anchor + "sys", ROOT.anchor + "proc")
                              if os.path.isdir(p) and not _writable(p)), None)
            if read_only is None:
                pytest.skip("no folder this user cannot write")
        lay_out(tmp_path, {})
        monkeypatch.chdir(tmp_path)
        code, out, err = run(["build", "my.jsonl", "--out", f"{read_only}/tables"], capsys)
        assert code == 2 and "cannot write" in err and "Traceback" not in err, err
    finally:
        (tmp_path / "read-only").chmod(0o755)


def _writable(folder) -> bool:
    import tempfile
    try:
        with tempfile.TemporaryFile(dir=folder):
            return True
    except OSError:
        return False


def test_an_internal_error_asks_for_a_report_and_shows_the_traceback_only_with_debug(monkeypatch, capsys):
    def boom(args):
        raise KeyError("unexpected")
    monkeypatch.setattr(cli, "_cmd_query", boom)
    code, out, err = run(["query", "select 1"], capsys)
    assert code == 1 and "please report" in err and "--debug" in err and "Traceback" not in err
    assert len(err.strip().splitlines()) == 1
    with pytest.raises(KeyError):
        cli.main(["query", "select 1", "--debug"])


def test_a_file_system_error_is_one_line(monkeypatch, capsys):
    def full(args):
        raise OSError(28, "No space left on device", "data/processed/claims.parquet")
    monkeypatch.setattr(cli, "_cmd_build", full)
    code, out, err = run(["build"], capsys)
    assert code == 1 and err.strip() == "error: data/processed/claims.parquet: no space left on device"


def test_a_file_that_cannot_be_read_beside_good_ones_is_built_around(tmp_path, monkeypatch, capsys):
    lay_out(tmp_path, {"files": {"notes.md": "# Notes\n"}})
    monkeypatch.chdir(tmp_path)
    code, out, err = run(["build", "my.jsonl", "notes.md", "--out", "out", "--no-data-docs", "--no-progress"],
                         capsys)
    assert code == 1 and err.count("notes.md") == 1 and "Traceback" not in err, err
    assert (tmp_path / "out" / "claims.parquet").exists()


def test_query_runs_sql_on_the_tables(built, capsys):
    out_dir, _ = built
    code, out, err = run(["query", "select claim_type, count(*) as n from claims group by 1 order by 1",
                          "--tables", str(out_dir), "--format", "csv"], capsys)
    assert code == 0, err
    lines = out.splitlines()
    assert lines[0] == "claim_type,n" and "speedup" in {ln.split(",")[0] for ln in lines[1:]}
    code, out, err = run(["query", "select * from baselines_beaten_most limit 3", "--tables", str(out_dir),
                          "--format", "json"], capsys)
    assert code == 0 and len(out.splitlines()) == 3 and json.loads(out.splitlines()[0])["papers"] >= 1


@pytest.mark.parametrize("sql, says", [("selec 1", "Parser Error"), ("select * from nope", "nope")])
def test_a_query_duckdb_refuses_is_one_line(sql, says, built, capsys):
    code, out, err = run(["query", sql, "--tables", str(built[0])], capsys)
    assert code == 2 and says in err and len(err.strip().splitlines()) == 1, err


def test_every_command_and_option_is_documented():
    """docs/cli.md names every subcommand and every option of each."""
    doc = (ROOT / "docs" / "cli.md").read_text()
    sub = next(a for a in cli.parser()._actions if a.dest == "command")
    for name, p in sub.choices.items():
        assert re.search(rf"^## `paper-claims {name}", doc, re.M), name
        for action in p._actions:
            for opt in action.option_strings:
                if opt not in ("-h", "--help"):
                    assert f"`{opt}" in doc, (name, opt)
