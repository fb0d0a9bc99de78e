"""No input a user can send crashes a build, loses a good row or vanishes
(issues 8, 19, 20).

Every case of tests/bad_inputs/manifest.toml is built through the CLI beside
a good file, on its own (in this process, `pipeline.cli.main`, data docs
off, so each case is quick and isolated), and all of them together in one
`python -m pipeline build` run with data docs on. Each build must end
without a traceback, with the exit code of the manifest, the good papers
written, no temporary folder left, and every input record accounted for.
The time bound is a hang detector (a pathological regex would never
finish), not a performance assertion.
"""
import gzip
import json
import os
import signal
import subprocess
import sys
import tomllib
from contextlib import contextmanager
from pathlib import Path

import pyarrow.parquet as pq
import pytest

from pipeline import cli
from pipeline.build import build
from pipeline.ingest import discover

from .conftest import FIXTURES, ROOT, out_folder_is_clean

BAD = ROOT / "tests" / "bad_inputs"
CASES = tomllib.loads((BAD / "manifest.toml").read_text())["case"]
GOOD = FIXTURES / "corpus.jsonl"          # two good papers
GOOD_TITLES = {"JSON Paper One", "JSON Paper Two"}
HANG_SECONDS = 300
ROOT_USER = os.geteuid() == 0


def _name(case) -> str:
    return case.get("file") or case["make"]


def _jsonl(path: Path, records) -> Path:
    path.write_text("".join(json.dumps(r) + "\n" for r in records))
    return path


def _good_line(title):
    return {"title": title, "abstract": f"{title} is 2x faster than the baseline."}


def _make_unreadable(p: Path) -> Path:
    """chmod 000; root reads such a file all the same, so for root the file
    is a link to /proc/self/mem, whose first page no process can read (EIO)."""
    if ROOT_USER:
        p.symlink_to("/proc/self/mem")
    else:
        _jsonl(p, [_good_line("Unreadable Paper")])
        p.chmod(0)
    return p


def _make_empty_folder(p: Path) -> Path:
    p.mkdir()
    (p / ".hidden.jsonl").write_text(json.dumps(_good_line("Hidden Paper")) + "\n")
    return p


def _make_gz(p: Path) -> Path:
    with gzip.open(p, "wt") as f:
        f.write("".join(json.dumps(_good_line(t)) + "\n" for t in ("Gzip One", "Gzip Two")))
    return p


def _make_huge_abstract(p: Path) -> Path:
    with open(p, "w") as f:
        f.write('{"title": "Huge Abstract", "abstract": "')
        chunk = "It is 2x faster. " * 62_500                 # 1,062,500 characters
        for _ in range(188):
            f.write(chunk)
        f.write("x" * (200_000_000 - 188 * len(chunk)) + '"}\n')
        f.write(json.dumps(_good_line("Beside The Huge One")) + "\n")
    return p


def _repeated(text: str, title: str):
    return lambda p: _jsonl(p, [{"title": title, "abstract": (text * (99_000 // len(text) + 1))[:99_000]}])


def _text(*lines: str):
    def make(p: Path) -> Path:
        p.write_text("".join(line + "\n" for line in lines))
        return p
    return make


MAKERS = {
    "long_rejected_line.jsonl": _text('{"title": "Long Rejected", "abstract": "' + "<b>x</b>" * 700,
                                      json.dumps(_good_line("After The Long Line"))),
    "long_csv_field.csv": _text("title,abstract", 'Long Field,"' + "It is 2x faster. " * 12_000 + '"',
                                "Short Field,It is 3x faster than X."),
    "deep_nesting.jsonl": _text("[" * 100_000, json.dumps(_good_line("Not Nested"))),
    "big_int_unused.jsonl": _text('{"title": "Big Integer", "abstract": "It is 2x faster.", "citations": '
                                  + "7" * 5000 + "}"),
    "unreadable.jsonl": _make_unreadable,
    "huge_abstract.jsonl": _make_huge_abstract,
    "corpus.jsonl.gz": _make_gz,
    "empty_folder": _make_empty_folder,
    "gpu_repeated.jsonl": _repeated("GPU ", "GPU Repeated"),
    "a100_repeated.jsonl": _repeated("A100 ", "A100 Repeated"),
    "a1_repeated.jsonl": _repeated("A 1. ", "A 1 Repeated"),
}


def case_input(case, folder: Path) -> Path:
    if "file" in case:
        return BAD / case["file"]
    return MAKERS[case["make"]](folder / case["make"])


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


def check_case(case, path: Path, out: Path, code: int, stderr: str) -> None:
    """The manifest's outcome of one case, in a build of `out` (alone or with others)."""
    assert "Traceback" not in stderr
    assert code == case.get("exit", 0), stderr
    if "error" in case:
        assert case["error"] in stderr, stderr
    names = {f.name for f in discover([path])} if path.is_dir() else {path.name}
    papers = [p for p in pq.read_table(out / "papers.parquet").to_pylist() if names & set(p["sources"])]
    assert len(papers) == case["papers"], [p["title"] for p in papers]
    if "titles" in case:
        assert [p["title"] for p in papers] == case["titles"]
    ids = {p["paper_id"] for p in papers}
    rejected = [r for r in pq.read_table(out / "rejected.parquet").to_pylist()
                if r["source"] in names or (r["source"] is None and r["paper_id"] in ids)]
    assert all(isinstance(r["row"], str) and r["reason"] for r in rejected)
    reasons = [r["reason"] for r in rejected]
    if case.get("core"):        # extraction may add rows of its own, each with a reason
        reasons = [r["reason"] for r in rejected if r["table"] == "papers"]
    expected = case["rejected"]
    assert len(reasons) == len(expected) and all(e in r for e, r in zip(expected, reasons)), reasons
    if case.get("exit", 0) == 0:     # every record is a paper, the same paper again, or a rejected row
        replaced = [r for r in rejected if r["table"] == "papers" and "replaced by U+FFFD" not in r["reason"]]
        assert case["records"] == len(papers) + case.get("merged", 0) + len(replaced)


def check_build(out: Path) -> None:
    """The good file's papers are there, spans are exact, nothing temporary is left."""
    papers = pq.read_table(out / "papers.parquet").to_pylist()
    assert GOOD_TITLES <= {p["title"] for p in papers}
    abstracts = {p["paper_id"]: p["abstract"] for p in papers}
    for t in ("claims", "quantities", "hardware"):
        for r in pq.read_table(out / f"{t}.parquet").to_pylist():
            assert abstracts[r["paper_id"]][r["char_start"]:r["char_end"]] == r["text"]
    out_folder_is_clean(out)


def _run_cli(args: list[str], capsys) -> tuple[int, str]:
    with hang_guard():
        code = cli.main(args)
    captured = capsys.readouterr()
    return code, captured.out + captured.err


@pytest.mark.parametrize("case", [pytest.param(c, marks=[pytest.mark.slow] if c.get("slow") else [])
                                  for c in CASES], ids=[_name(c) for c in CASES])
def test_bad_input_beside_good_ones(case, tmp_path, capsys):
    path = case_input(case, tmp_path)
    out = tmp_path / "out"
    code, output = _run_cli(["build", str(path), str(GOOD), "--out", str(out), "--no-progress",
                             "--no-data-docs"], capsys)
    check_case(case, path, out, code, output)
    check_build(out)


def test_every_bad_input_in_one_cli_build_with_data_docs(tmp_path):
    """All the quick cases at once, as a user runs the CLI: one process, data
    docs on. Exit 1 (some files cannot be read at all), every other file
    written, each case's outcome as on its own."""
    cases = [c for c in CASES if not c.get("slow")]
    paths = [case_input(c, tmp_path) for c in cases]
    out = tmp_path / "out"
    proc = subprocess.run([sys.executable, "-m", "pipeline", "build", *map(str, paths), str(GOOD), "--out",
                           str(out), "--no-progress"], cwd=ROOT, capture_output=True, text=True,
                          timeout=HANG_SECONDS)
    assert proc.returncode == 1, proc.stderr
    for case, path in zip(cases, paths):
        check_case(case, path, out, proc.returncode if case.get("exit") else 0,
                   proc.stderr if case.get("exit") else "")
    check_build(out)
    assert "Traceback" not in proc.stderr + proc.stdout
    docs = (out / "data_docs" / "index.html").read_text()
    assert "<script" not in docs.lower() and "rejected rows shown" in docs


@pytest.mark.parametrize("inputs,code,why", [
    (["empty_folder"], 2, "no file to read there"),
    (["paper.pdf"], 2, "paper.pdf: not a format we read (.pdf files are not read); formats: .txt listing dumps, "
                       ".jsonl / .ndjson JSON lines, .json (JSON lines or one array), .csv / .tsv"),
    (["notes.md"], 2, "notes.md: not a format we read"),
    (["no_abstract_column.csv"], 2, "no_abstract_column.csv: has no abstract column (columns found: title, "
                                    "summary_text)"),
    (["empty.jsonl"], 2, "empty.jsonl: expected at least one entry, found an empty file"),
    (["paper.pdf", "notes.md"], 2, "paper.pdf: not a format we read (.pdf files are not read); formats: "),
    (["all_bad.jsonl"], 1, "3 records rejected: expected one JSON object per line (2); "
                           "a record with no abstract (1)"),
])
def test_inputs_with_no_paper_say_why_in_plain_words(inputs, code, why, tmp_path, capsys):
    """Issue 20: an empty folder, a .pdf, a .md, a CSV without an abstract
    column, records all rejected: one line saying why, nothing written (it
    used to be "table 'papers' failed expect_table_row_count..."). Inputs
    none of which can be read are a wrong command line (exit 2, checked
    before any work); inputs that can be read but hold no paper are a
    build that found none (exit 1); both in the same words."""
    paths = []
    for i in inputs:
        if i == "empty_folder":
            paths.append(_make_empty_folder(tmp_path / "empty"))
        elif i == "all_bad.jsonl":
            paths.append(tmp_path / i)
            paths[-1].write_text('{"title": "x"\n{"title": "No Abstract"}\n[1, 2]]\n')
        else:
            paths.append(BAD / i)
    out = tmp_path / "out"
    exit_code, output = _run_cli(["build", *map(str, paths), "--out", str(out), "--no-progress",
                                  "--no-data-docs"], capsys)
    assert exit_code == code and "Traceback" not in output and len(output.strip().splitlines()) == 1, output
    assert f"error: no papers found in {', '.join(map(str, paths))}: " in output and why in output, output
    assert not (out / "papers.parquet").exists() and not list((out / ".generations").glob("*"))
    if code == 2:
        assert not out.exists()


def test_a_pipe_is_an_input_read_once(tmp_path):
    """`<(zcat x.gz)`: a pipe can be read once only; it used to hang."""
    gz = _make_gz(tmp_path / "c.jsonl.gz")
    out = tmp_path / "out"
    proc = subprocess.run(["bash", "-c", f'"{sys.executable}" -m pipeline build <(zcat "{gz}") "{GOOD}" '
                           f'--out "{out}" --no-progress --no-data-docs'],
                          cwd=ROOT, capture_output=True, text=True, timeout=HANG_SECONDS)
    assert proc.returncode == 0, proc.stderr
    titles = {p["title"] for p in pq.read_table(out / "papers.parquet").to_pylist()}
    assert titles == {"Gzip One", "Gzip Two"} | GOOD_TITLES


def test_two_builds_into_one_folder(tmp_path):
    """Two builds started together: one writes, the other stops at once with
    a clear message (it used to crash with FileNotFoundError); the folder
    holds one complete build."""
    out = tmp_path / "out"
    cmd = [sys.executable, "-m", "pipeline", "build", str(ROOT / "data" / "raw"), "--out", str(out),
           "--no-progress", "--no-data-docs"]
    first = subprocess.Popen(cmd, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    import time
    deadline = time.time() + 60
    while not (out / ".generations").is_dir() and first.poll() is None and time.time() < deadline:
        time.sleep(0.05)
    second = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, timeout=HANG_SECONDS)
    _, err1 = first.communicate(timeout=HANG_SECONDS)
    assert first.returncode == 0, err1
    assert second.returncode == 1 and "another build is writing here" in second.stderr
    assert "Traceback" not in second.stderr + err1
    assert pq.read_table(out / "papers.parquet").num_rows == 413
    out_folder_is_clean(out)


def test_unknown_format_exits_1_and_names_the_file(tmp_path):
    proc = subprocess.run([sys.executable, "-m", "pipeline", "build", str(BAD / "binary.bin"), str(GOOD),
                           "--out", str(tmp_path), "--no-data-docs"], capture_output=True, text=True, cwd=ROOT)
    assert proc.returncode == 1
    assert "binary.bin" in proc.stderr and "Traceback" not in proc.stderr
    assert pq.read_table(tmp_path / "papers.parquet").num_rows == 2


@pytest.mark.slow
def test_memory_is_flat_with_a_million_junk_lines(tmp_path):
    """Rejected rows travel in batches like papers: a million junk lines take
    about the memory 100k do (3M used to take 2.8 GB; see the issue note for
    the 3M run)."""
    peaks = []
    for n in (100_000, 1_000_000):
        junk = tmp_path / f"junk{n}.jsonl"
        with open(junk, "w") as f:
            for i in range(0, n, 1000):
                f.write("".join(f"not json {j}\n" for j in range(i, min(i + 1000, n))))
        code = ("import resource, sys\nfrom pathlib import Path\nfrom pipeline.build import build\n"
                f"r = build([Path({str(junk)!r}), Path({str(GOOD)!r})], Path({str(tmp_path / f'out{n}')!r}))\n"
                "print(r.written['rejected'], resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)\n")
        proc = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True,
                              timeout=1800)
        assert proc.returncode == 0, proc.stderr
        written, rss_kb = map(int, proc.stdout.split()[-2:])
        assert written == n
        peaks.append(rss_kb / 1024)
    assert peaks[1] < peaks[0] * 1.3 + 50, peaks


def test_ten_megabyte_single_line_is_one_rejected_row(tmp_path):
    big = tmp_path / "big.jsonl"
    big.write_text(json.dumps({"title": "Huge", "abstract": "It is 2x faster than X. " * 440_000}) + "\n")
    assert big.stat().st_size > 10_000_000
    with hang_guard():
        build([big, GOOD], tmp_path / "out", progress=False)
    rejected = pq.read_table(tmp_path / "out" / "rejected.parquet").to_pylist()
    size = big.stat().st_size - 1           # the line, less its newline
    assert [r["reason"] for r in rejected] == [f"a record of {size:,} bytes, more than 1,000,000; not read"]
    assert pq.read_table(tmp_path / "out" / "papers.parquet").num_rows == 2


def _extraction_raises_on_paper_two(monkeypatch, error: Exception) -> None:
    """pipeline.build.extract raising `error` for "JSON Paper Two" of GOOD."""
    import pipeline.build

    real = pipeline.build.extract

    def extract(paper, rules):
        if "Two" in paper.title:
            raise error
        return real(paper, rules)
    monkeypatch.setattr(pipeline.build, "extract", extract)


def test_an_exception_in_extraction_is_that_papers_rejected_row(tmp_path, monkeypatch):
    _extraction_raises_on_paper_two(monkeypatch, OverflowError("(34, 'Numerical result out of range')"))
    report = build([GOOD], tmp_path, progress=False)
    [row] = pq.read_table(tmp_path / "rejected.parquet").to_pylist()
    assert row["table"] == "claims" and row["reason"].startswith("extraction failed (OverflowError: ")
    assert report.written["papers"] == 2 and report.rejected["input"] == 1


def test_a_signal_during_extraction_stops_the_build(tmp_path, monkeypatch):
    """Ctrl-C raises BuildInterrupted wherever the build is (pipeline/write.py),
    also inside one paper's extraction: that is no failure of the paper (a
    rejected row, and the build going on to its end), but the build's stop."""
    from pipeline.errors import BuildInterrupted

    _extraction_raises_on_paper_two(monkeypatch, BuildInterrupted("SIGINT"))
    with pytest.raises(BuildInterrupted):
        build([GOOD], tmp_path, progress=False)
    assert not (tmp_path / "papers.parquet").exists()
