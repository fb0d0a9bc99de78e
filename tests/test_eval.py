"""`make eval`: the dev sets scored side by side, with the same figures as
the team's reference scorer, and the regression floors of tests/floors.toml."""
import importlib.util
import subprocess
import sys
import tomllib

import pytest

from pipeline import cli, evaluate

from .conftest import FIXTURES, ROOT, SHARED

SCORER = SHARED / "eval" / "score_claims.py"
FLOORS = tomllib.loads((ROOT / "tests" / "floors.toml").read_text())
DEV, DEV2 = evaluate.DEV_SETS["dev"], evaluate.DEV_SETS["dev2"]


@pytest.fixture(scope="module")
def dev2_built(tmp_path_factory):
    """dev2's abstracts built as a user's corpus, through the command line."""
    out = tmp_path_factory.mktemp("dev2")
    proc = subprocess.run([sys.executable, "-m", "pipeline", "build", str(DEV2.inputs), "--out", str(out),
                           "--no-data-docs", "--no-progress"], capture_output=True, text=True, cwd=ROOT)
    assert proc.returncode == 0, proc.stderr
    return out


@pytest.fixture(scope="module")
def tables(built, dev2_built):
    """The built tables of each dev set."""
    return {"dev": built[0], "dev2": dev2_built}


@pytest.mark.slow
@pytest.mark.parametrize("name", ["dev", "dev2"])
def test_dev_set_floors(name, tables):
    res, _ = evaluate.score_tables(evaluate.load_gold(evaluate.DEV_SETS[name].gold), tables[name])
    below = {k: (round(res[k], 3), floor) for k, floor in FLOORS[name].items() if res[k] < floor}
    assert not below, f"{name}: figures below their floors (figure, floor): {below}"


def test_floors_name_figures_the_scorer_reports():
    res, _ = evaluate.score([], [])
    assert set(FLOORS) == set(evaluate.DEV_SETS)
    for name, floors in FLOORS.items():
        assert set(floors) <= set(res), name


@pytest.mark.slow
@pytest.mark.skipif(not SCORER.exists(), reason="the reference scorer is not beside the checkout")
@pytest.mark.parametrize("name", ["dev", "dev2"])
def test_figures_equal_the_reference_scorer(name, tables):
    spec = importlib.util.spec_from_file_location("score_claims", SCORER)
    shared = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(shared)
    gold = evaluate.load_gold(evaluate.DEV_SETS[name].gold)
    wanted = {g["paper_id"] for g in gold}
    preds = [p for p in evaluate.read_rows(tables[name], "claims") if p["paper_id"] in wanted]
    hw = evaluate.read_rows(tables[name], "hardware")
    theirs, _ = shared.score(gold, preds, hw)
    ours, _ = evaluate.score_tables(gold, tables[name])
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


@pytest.mark.slow
def test_eval_reports_both_sets_side_by_side(tables, tmp_path, monkeypatch, capsys):
    for name, folder in tables.items():
        s = evaluate.DEV_SETS[name]
        monkeypatch.setitem(evaluate.DEV_SETS, name, evaluate.GoldSet(name, s.gold, folder, s.inputs))
    assert cli.main(["eval", "--errors-dir", str(tmp_path), "--json", str(tmp_path / "f.json")]) == 0
    out, err = capsys.readouterr()
    lines = out.strip().splitlines()
    assert lines[0].split() == ["figure", "dev", "dev2"]
    assert lines[-1].split()[0] == "typed_f1" and len(lines[-1].split()) == 3
    assert "warning" not in err, err
    for name in ("dev", "dev2"):
        assert (tmp_path / f"eval_errors_{name}.tsv").read_text().startswith("kind\tpaper_id\ttext")


def test_eval_says_when_the_tables_were_not_built_from_the_set(tmp_path, capsys):
    out = tmp_path / "tables"
    assert cli.main(["build", str(FIXTURES / "corpus.jsonl"), "--out", str(out), "--no-data-docs",
                     "--no-progress"]) == 0
    capsys.readouterr()
    assert cli.main(["eval", "--set", "dev", "--tables", str(out), "--errors-dir", str(tmp_path)]) == 0
    _, err = capsys.readouterr()
    assert "not built from data/raw as it is now (their papers come from corpus.jsonl)" in err
    assert f"only 0 of the {len(evaluate.load_gold(DEV.gold))} gold papers" in err
