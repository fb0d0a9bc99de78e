"""Bad input never crashes the run and never vanishes (issue 8).

Each file of tests/bad_inputs/ is built together with a good file; the
manifest says what each must get. The bound on time is a hang detector
(a pathological regex would never finish), not a performance assertion.
"""
import json
import os
import signal
import subprocess
import sys
import time
import tomllib
from contextlib import contextmanager
from pathlib import Path

import pyarrow.parquet as pq
import pytest

from pipeline.build import build

from .conftest import FIXTURES, ROOT

BAD = ROOT / "tests" / "bad_inputs"
CASES = tomllib.loads((BAD / "manifest.toml").read_text())["case"]
GOOD = FIXTURES / "corpus.jsonl"          # two good papers
HANG_SECONDS = 120


@contextmanager
def hang_guard(seconds=HANG_SECONDS):
    def fail(*_):
        raise TimeoutError(f"did not finish within {seconds}s")
    old = signal.signal(signal.SIGALRM, fail)
    signal.alarm(seconds)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, old)


@pytest.mark.parametrize("case", CASES, ids=[c["file"] for c in CASES])
def test_bad_input(case, tmp_path):
    with hang_guard():
        report = build([BAD / case["file"], GOOD], tmp_path, progress=False)
    papers = pq.read_table(tmp_path / "papers.parquet").num_rows
    rejected = pq.read_table(tmp_path / "rejected.parquet").to_pylist()
    if case["expect"] == "error":
        assert any(case["file"] in e and case["reason"] in e for e in report.input_errors), report.input_errors
        assert papers == 2                       # the rest of the input is still processed
        assert any(case["reason"] in r["reason"] for r in rejected)
    elif case["expect"] == "rejected":
        assert any(case["reason"] in r["reason"] for r in rejected), rejected
        assert papers == case["papers"] + 2
    else:
        assert not report.input_errors and not rejected, rejected
        assert papers == case["papers"] + 2
    abstracts = {p["paper_id"]: p["abstract"] for p in pq.read_table(tmp_path / "papers.parquet").to_pylist()}
    for t in ("claims", "quantities", "hardware"):
        for r in pq.read_table(tmp_path / f"{t}.parquet").to_pylist():
            assert abstracts[r["paper_id"]][r["char_start"]:r["char_end"]] == r["text"]


def test_ten_megabyte_single_line(tmp_path):
    big = tmp_path / "big.jsonl"
    big.write_text(json.dumps({"title": "Huge", "abstract": "It is 2x faster than X. " * 440_000}) + "\n")
    assert big.stat().st_size > 10_000_000
    with hang_guard():
        build([big, GOOD], tmp_path / "out", progress=False)
    rejected = pq.read_table(tmp_path / "out" / "rejected.parquet").to_pylist()
    assert any("exceeds" in r["reason"] for r in rejected)
    assert pq.read_table(tmp_path / "out" / "papers.parquet").num_rows == 3


def test_unknown_format_exits_1_and_names_the_file(tmp_path):
    proc = subprocess.run([sys.executable, "-m", "pipeline", "build", str(BAD / "binary.bin"), str(GOOD),
                           "--out", str(tmp_path), "--no-data-docs"], capture_output=True, text=True, cwd=ROOT)
    assert proc.returncode == 1
    assert "binary.bin" in proc.stderr
    assert pq.read_table(tmp_path / "papers.parquet").num_rows == 2


def test_killed_build_leaves_previous_tables(tmp_path):
    out = tmp_path / "out"
    build([GOOD], out, progress=False)
    before = {t: (out / f"{t}.parquet").read_bytes() for t in ("papers", "claims", "rejected")}
    corpus = tmp_path / "corpus.jsonl"
    rows = [p for p in pq.read_table(ROOT / "data" / "processed" / "papers.parquet").to_pylist()] \
        if (ROOT / "data" / "processed" / "papers.parquet").exists() else []
    if not rows:
        from pipeline.build import index_sources, stream_papers
        from pipeline.ingest import discover
        files = discover([ROOT / "data" / "raw"])
        idx, _ = index_sources(files, [])
        rows = [p.row() for p in stream_papers(files, idx) if not isinstance(p, dict)]
    with open(corpus, "w") as f:
        for i in range(20):
            for p in rows:
                f.write(json.dumps({"title": f"{p['title']} #{i}", "abstract": p["abstract"]}) + "\n")
    proc = subprocess.Popen([sys.executable, "-m", "pipeline", "build", str(corpus), "--out", str(out),
                             "--no-data-docs", "--batch-size", "200", "--workers", "2"], cwd=ROOT,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.time() + 60
    while time.time() < deadline and not list(out.glob(".building-*/claims.parquet")):
        time.sleep(0.05)
    time.sleep(1.0)                               # mid-run: some row groups written
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    assert _gone(str(corpus), 10), "worker processes outlived the killed build"
    for t, data in before.items():
        assert (out / f"{t}.parquet").read_bytes() == data, t
    report = build([corpus], out, progress=False)  # the next build completes
    assert report.written["papers"] == len(rows) * 20
    assert not list(out.glob(".building-*"))


def _gone(needle: str, seconds: float) -> bool:
    """No process whose command line holds `needle` is left within `seconds`."""
    deadline = time.time() + seconds
    while time.time() < deadline:
        alive = []
        for cmd in Path("/proc").glob("[0-9]*/cmdline"):
            try:
                if needle in cmd.read_bytes().decode(errors="replace"):
                    alive.append(cmd)
            except OSError:
                pass
        if not alive:
            return True
        time.sleep(0.2)
    return False
