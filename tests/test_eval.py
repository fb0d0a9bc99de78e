"""`make eval` reports the same figures as the shared scorer (spec section 7)."""
import importlib.util
import subprocess
import sys

import pyarrow.parquet as pq
import pytest

from pipeline import evaluate

from .conftest import ROOT, SHARED

SCORER = SHARED / "eval" / "score_claims.py"
GOLD = ROOT / "tests" / "golden" / "dev.jsonl"


@pytest.mark.skipif(not SCORER.exists(), reason="shared/eval not beside the checkout")
def test_figures_equal_the_shared_scorer(built):
    out, _ = built
    spec = importlib.util.spec_from_file_location("score_claims", SCORER)
    shared = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(shared)
    gold = evaluate.load_gold(GOLD)
    preds = [p for p in pq.read_table(out / "claims.parquet").to_pylist()
             if p["paper_id"] in {g["paper_id"] for g in gold}]
    hw = pq.read_table(out / "hardware.parquet").to_pylist()
    theirs, _ = shared.score(gold, preds, hw)
    ours, _ = evaluate.score(gold, preds, hw)
    assert ours == pytest.approx(theirs)


def test_scorer_matches_by_overlap_and_type():
    gold = [{"paper_id": "p", "hardware": ["NVIDIA A100"], "claims": [
        {"text": "2.9x", "char_start": 10, "char_end": 14, "claim_type": "speedup", "factor": 2.9,
         "baseline": "the Sputnik library"}]}]
    pred = [{"paper_id": "p", "char_start": 9, "char_end": 14, "claim_type": "speedup", "factor": 2.95,
             "baseline": "Sputnik"},
            {"paper_id": "p", "char_start": 30, "char_end": 33, "claim_type": "accuracy"}]
    res, errors = evaluate.score(gold, pred, [{"paper_id": "p", "hardware": "A100"}])
    assert res["typed_p"] == 0.5 and res["typed_r"] == 1.0
    assert res["acc_factor"] == 1.0 and res["acc_baseline"] == 1.0 and res["hw_f1"] == 1.0
    assert [e[0] for e in errors] == ["spurious"]


def test_make_eval_command_writes_errors(built, tmp_path):
    out, _ = built
    errors = tmp_path / "errors.tsv"
    proc = subprocess.run([sys.executable, "-m", "pipeline", "eval", "--tables", str(out),
                           "--errors", str(errors), "--external", str(tmp_path / "none")],
                          capture_output=True, text=True, cwd=ROOT)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip().splitlines()[-1].startswith("typed_f1=")
    assert errors.read_text().startswith("kind\tpaper_id\ttext")
