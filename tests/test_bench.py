"""`make bench` runs and says what it measured (its figures are never asserted)."""
import json
import subprocess
import sys
from pathlib import Path

import pytest

from bench import measure
from bench.corpus import abstracts, write_corpus

ROOT = Path(__file__).resolve().parent.parent
PAPERS = [{"title": "A", "abstract": "We are 2x faster."}, {"title": "B", "abstract": "It uses 3 GB less memory."}]


def test_corpus_is_resampled_with_unique_titles(tmp_path):
    path = write_corpus(PAPERS, 50, tmp_path / "c.jsonl")
    rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]
    assert len(rows) == 50 and len({r["title"] for r in rows}) == 50
    assert {r["abstract"] for r in rows} == {p["abstract"] for p in PAPERS}
    assert abstracts(path, 3) == [r["abstract"] for r in rows[:3]]


def test_a_run_is_measured_alone_and_a_failure_says_why():
    busy = measure.run([sys.executable, "-c", "import time\nt = time.process_time()\n"
                        "while time.process_time() - t < 0.3: pass\nb = bytearray(200 * 2**20)\nprint('ok')"])
    assert busy.stdout.strip() == "ok" and busy.cpu >= 0.3 and busy.wall >= busy.cpu * 0.5
    assert busy.peak_mb >= 200
    idle = measure.run([sys.executable, "-c", "pass"])
    assert idle.peak_mb < 200 and idle.cpu < 0.3          # not the earlier child's high-water mark
    with pytest.raises(RuntimeError, match="exited 3"):
        measure.run([sys.executable, "-c", "import sys; sys.exit(3)"])


@pytest.mark.slow
def test_bench_runs_at_a_tiny_size_and_prints_its_figures(tmp_path):
    report = tmp_path / "bench.json"
    proc = subprocess.run([sys.executable, "-m", "bench.run", "--n", "30", "--small", "20", "--sample", "3",
                           "--repeat", "1", "--json", str(report)],
                          cwd=ROOT, capture_output=True, text=True, timeout=900)
    assert proc.returncode == 0, proc.stderr[-3000:]
    for line in ("where the time goes, 20 abstracts, --workers 1", "peak RSS, --workers 1, 30 abstracts",
                 "--workers 2 vs 1, 30 abstracts", "one-abstract build, wall, median of 3",
                 "python -m pipeline --help (wall)", "regex calls / gazetteer scans per abstract"):
        assert line in proc.stdout, (line, proc.stdout)
    figures = json.loads(report.read_text(encoding="utf-8"))["bench"]
    assert figures["ours_default_build"]["cpu"] > 0 and figures["stages_n_workers_1"]["peak_mb"] > 0
    assert figures["stages_small_workers_1"]["exit"] == 0 and not figures["stages_small_workers_1"]["missing"]
