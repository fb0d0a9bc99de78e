"""Golden cases as data (tests/cases/*.toml): adding a case adds a test."""
import tomllib

import pytest

from pipeline import find
from pipeline.extract import extract
from pipeline.records import Paper
from pipeline.rules import default

from .conftest import ROOT

CASES = ROOT / "tests" / "cases"
Q = tomllib.loads((CASES / "quantities.toml").read_text())["case"]
C = tomllib.loads((CASES / "claims.toml").read_text())["case"]


def _null(v):
    return None if v == "" else v


@pytest.mark.parametrize("case", Q, ids=[c["text"][:40] for c in Q])
def test_quantities(case):
    got = [(m.text, m.value, m.value_max, m.unit) for m in find.document("p", case["text"], default()).numbers]
    want = [(t, v, _null(vm), _null(u)) for t, v, vm, u in case["expected"]]
    assert [(t, pytest.approx(v), vm if vm is None else pytest.approx(vm), u) for t, v, vm, u in want] == got


@pytest.mark.parametrize("case", C, ids=[c["text"][:40] for c in C])
def test_claims(case):
    claims = extract(Paper("0" * 16, "t", case["text"], ["test"]), default()).claims
    assert [c.text for c in claims] == [w["text"] for w in case.get("claims", [])]
    for want, got in zip(case.get("claims", []), claims):
        for field, value in want.items():
            actual = getattr(got, field)
            if isinstance(value, float):
                assert actual == pytest.approx(value, rel=0.02), field
            else:
                assert actual == _null(value), field
