"""Table-driven: surface string -> value, unit, SI value (as pint's own tests)."""
import csv

import pytest

from pipeline.decide.normalize import to_si
from pipeline.find.quantities import find
from pipeline.rules import default

from .conftest import ROOT

ROWS = [r for r in csv.DictReader(
    ln for ln in open(ROOT / "tests" / "cases" / "units.csv", encoding="utf-8") if not ln.startswith("#"))]


@pytest.mark.parametrize("row", ROWS, ids=[r["surface"] for r in ROWS])
def test_unit_table(row):
    [m] = find(row["surface"], default(), [])
    assert m.value == pytest.approx(float(row["value"]))
    assert m.unit == row["unit"]
    v, u = to_si(m.value, m.unit, default())
    if row["value_si"]:
        assert v == pytest.approx(float(row["value_si"]))
        assert u == row["unit_si"]
    else:
        assert v is None and u is None
