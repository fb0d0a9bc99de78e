"""great-expectations (seconds to import) is imported for the data docs
only: never for `--help`, never by a build with --no-data-docs, in no
worker; a build with the data docs imports it once, in the build's own
process. Checked on the real command line, with `python -X importtime`,
which lists every module each process imports (workers included)."""
import json
import re
import subprocess
import sys

import pytest

from .conftest import ROOT

ABSTRACTS = [{"title": "FireQ", "abstract": "FireQ achieves 1.68x faster inference than QServe on 8 A100 GPUs."},
             {"title": "Other", "abstract": "We reach 38.2% mAP on COCO, 2x faster than the baseline."}]


def imported(args: list[str]) -> list[str]:
    """The modules `python -m pipeline ARGS` imports, one entry per process
    that imports it; the summary's last line is the last entry."""
    proc = subprocess.run([sys.executable, "-X", "importtime", "-m", "pipeline", *args], cwd=ROOT,
                          capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, proc.stderr[-2000:]
    return re.findall(r"^import time:\s*\d+ \|\s*\d+ \|\s*(\S+)$", proc.stderr, re.M) + \
        proc.stdout.strip().splitlines()[-1:]


@pytest.fixture(scope="module")
def two_abstracts(tmp_path_factory):
    path = tmp_path_factory.mktemp("two") / "two.jsonl"
    path.write_text("".join(json.dumps(a) + "\n" for a in ABSTRACTS))
    return path


def test_help_imports_no_great_expectations_nor_the_pipeline():
    modules = imported(["--help"])
    assert "pipeline.cli" in modules
    assert not [m for m in modules if m.startswith(("great_expectations", "pandas", "pipeline.build", "duckdb"))]


@pytest.mark.parametrize("workers", ["1", "2"])
def test_a_build_without_data_docs_never_imports_great_expectations(two_abstracts, tmp_path, workers):
    modules = imported(["build", str(two_abstracts), "--out", str(tmp_path / "out"), "--no-progress",
                        "--no-data-docs", "--workers", workers, "--batch-size", "1"])
    assert "pipeline.build" in modules and "pipeline.checks" in modules
    assert modules[-1].endswith(f"{workers} worker{'s' * (workers == '2')})")
    assert not [m for m in modules if m.startswith("great_expectations")]


@pytest.mark.slow
def test_a_build_with_data_docs_imports_great_expectations_once(two_abstracts, tmp_path):
    """The control: the same check sees great-expectations when it is imported."""
    modules = imported(["build", str(two_abstracts), "--out", str(tmp_path / "out"), "--no-progress"])
    assert modules.count("great_expectations") == 1
    assert (tmp_path / "out" / "data_docs" / "index.html").exists()
