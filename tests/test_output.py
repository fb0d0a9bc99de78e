"""The output folder as generations (pipeline/write.py): the README's paths,
the switch, the lock, the clean-up of what older or killed builds left, and
the errors of an output that cannot be written (issue 19)."""
import fcntl
import json
import os
import signal
import sys

import duckdb
import pandas as pd
import pyarrow.parquet as pq
import pytest

from pipeline import database, write
from pipeline.build import build
from pipeline.errors import BuildInterrupted, BuildLockedError, OutputError

from .conftest import FIXTURES, out_folder_is_clean

CORPUS = FIXTURES / "corpus.jsonl"


def test_the_readme_paths_read_the_current_generation(tmp_path):
    build([CORPUS], tmp_path, progress=False, data_docs=True)
    first = write.current_generation(tmp_path)
    assert pd.read_parquet(tmp_path / "claims.parquet").shape[0] == 1
    assert duckdb.sql(f"select count(*) from '{tmp_path}/claims.parquet'").fetchall() == [(1,)]
    con = duckdb.connect(str(tmp_path / "claims.duckdb"), read_only=True)
    assert con.execute("select count(*) from papers").fetchone() == (2,)
    con.close()
    assert (tmp_path / "data_docs" / "index.html").exists()
    manifest = json.loads((tmp_path / "current" / "manifest.json").read_text())
    assert manifest["rows"]["papers"] == 2 and manifest["data_docs"] is True
    build([FIXTURES / "listing_authors.txt"], tmp_path, progress=False)     # the next build replaces it all
    assert write.current_generation(tmp_path) != first
    assert pq.read_table(tmp_path / "papers.parquet")["title"].to_pylist() == ["FastThing: A Faster Thing",
                                                                               "Third Paper"]
    assert "--no-data-docs" in (tmp_path / "data_docs" / "index.html").read_text()   # not the old docs
    out_folder_is_clean(tmp_path)


def test_a_folder_of_the_old_layout_and_what_killed_builds_left_are_cleaned(tmp_path):
    (tmp_path / "claims.parquet").write_bytes(b"a table of a build before generations")
    (tmp_path / "claims.duckdb").write_bytes(b"old")
    for d in ("data_docs", ".building-x1", ".data_docs-y2", ".duckdb.tmp", "claims",
              ".generations/20240101T000000-1-abcdef", ".generations/.old-data_docs-1"):
        (tmp_path / d).mkdir(parents=True)
        (tmp_path / d / "f").write_text("x")
    (tmp_path / ".claims.duckdb.tmp").write_text("x")
    os.symlink(".generations/nowhere", tmp_path / ".current-123")
    build([CORPUS], tmp_path, progress=False)
    out_folder_is_clean(tmp_path)
    assert pq.read_table(tmp_path / "claims.parquet").num_rows == 1


def test_a_second_build_into_the_same_folder_fails_at_once_naming_the_first(tmp_path):
    build([CORPUS], tmp_path, progress=False)
    fd = os.open(tmp_path / ".lock", os.O_RDWR)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        os.pwrite(fd, b"pid 12345, started 2024-01-01 00:00:00", 0)
        with pytest.raises(BuildLockedError, match=r"another build is writing here \(pid 12345, started"):
            build([CORPUS], tmp_path, progress=False)
    finally:
        os.close(fd)
    out_folder_is_clean(tmp_path)
    build([CORPUS], tmp_path, progress=False)       # the lock goes with its holder


def test_an_output_that_is_a_file_is_said_so(tmp_path):
    (tmp_path / "out").write_text("not a folder")
    with pytest.raises(OutputError, match="is a file, expected a folder"):
        build([CORPUS], tmp_path / "out", progress=False)


def test_duckdb_out_of_memory_is_written_again_under_its_default_limit(tmp_path, monkeypatch):
    """Long strings need more than the bounded limit (a 200 MB abstract used to
    leave new Parquet beside the old claims.duckdb); the file is written once
    more under DuckDB's default."""
    corpus = tmp_path / "long.jsonl"
    corpus.write_text("".join(json.dumps({"title": f"Long {i}", "abstract": "Lorem ipsum dolor sit amet. " * 1_800})
                              + "\n" for i in range(30)))
    monkeypatch.setattr(database, "DUCKDB_MEMORY_LIMIT", "1MB")
    limits = []
    real = database._write

    def write_(folder, scratch, limit):
        limits.append(limit)
        return real(folder, scratch, limit)
    monkeypatch.setattr(database, "_write", write_)
    build([corpus], tmp_path / "out", progress=False)
    assert limits == ["1MB", None]
    con = duckdb.connect(str(tmp_path / "out" / "claims.duckdb"), read_only=True)
    assert con.execute("select count(*), min(length(abstract)) from papers").fetchone() == (30, 50_400 - 1)


def test_a_signal_met_in_a_destructor_stops_the_build_without_a_traceback(tmp_path, monkeypatch):
    """A SIGTERM that comes while a __del__ runs (the regex module's, as the
    rules compile) raises BuildInterrupted where Python cannot pass it on:
    Python's unraisable hook printed 'Exception ignored in ... Traceback'
    and the build ran on to its end. It is silent, and the build stops at
    its next check."""
    printed = []
    monkeypatch.setattr(sys, "unraisablehook", printed.append)   # what Python prints to stderr

    class Finalized:
        def __del__(self):
            os.kill(os.getpid(), signal.SIGTERM)
            sum(range(10_000))                  # the handler runs here, inside __del__

    out, went_on = tmp_path / "out", []
    with pytest.raises(BuildInterrupted, match="SIGTERM"):
        with write.transaction(out) as gen:
            Finalized()
            gen.check()
            went_on.append(True)
    assert not printed and not went_on
    assert not list((out / write.GENERATIONS).iterdir())
