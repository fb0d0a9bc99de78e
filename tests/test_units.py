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


def test_a_magnitude_before_a_rate_is_declared_with_its_si_value():
    """"ktoken/s" is no row of units.csv: its SI value comes from the rate's
    and the magnitude's factor (quantities.toml), and validation expects it."""
    from pipeline.validate import _units_with_si
    assert {"ktoken/s", "Mevent/s", "Gsample/s"} <= _units_with_si()
    assert to_si(407, "ktoken/s", default()) == (407000.0, "token / second")


def test_a_lone_capital_with_a_space_is_a_magnitude_only_before_a_rate():
    assert [(m.text, m.unit) for m in find("a 7 B model at 30 tokens/s, 2 M tokens/s", default(), [])] == \
        [("7", None), ("30 tokens/s", "token/s"), ("2 M tokens/s", "Mtoken/s")]
