"""Bad rows of each kind go to rejected.parquet with the expectation they failed."""
import pytest

from pipeline.errors import TableValidationError
from pipeline.extract import extract
from pipeline.records import Paper
from pipeline.rules import default
from pipeline.validate import validate

ABSTRACT = "FireQ achieves 1.68x faster inference than QServe and 38.2% mAP on COCO."
PAPER = Paper("a" * 16, "t", ABSTRACT, ["x"])


def good_claims():
    return [c.row() for c in extract(PAPER, default()).claims]


@pytest.mark.parametrize("field,value,reason", [
    ("claim_type", "vibes", "expect_column_values_to_be_in_set(claim_type)"),
    ("form", "guess", "expect_column_values_to_be_in_set(form)"),
    ("qualifier", "maybe", "expect_column_values_to_be_in_set(qualifier)"),
    ("text", "1.69x", "expect_column_values_to_be_in_set(_span_ok)"),
    ("paper_id", "b" * 16, "expect_column_values_to_be_in_set(_paper_known)"),
    ("factor", -2.0, "expect_column_values_to_be_between(factor)"),
])
def test_bad_claim_row_is_rejected_with_reason(field, value, reason):
    rows = good_claims()
    assert len(rows) == 2
    rows[0][field] = value
    out = validate("claims", rows, {PAPER.paper_id: ABSTRACT})
    assert [r["paper_id"] for r in out.good] == [rows[1]["paper_id"]]
    assert len(out.rejected) == 1 and reason in out.rejected[0]["reason"]
    assert out.rejected[0]["table"] == "claims"


def test_cross_field_rules():
    rows = good_claims()
    rows[0]["factor"] = None            # a relative claim with no factor
    rows[1]["value_max"] = 1.0          # value_max below value
    out = validate("claims", rows, {PAPER.paper_id: ABSTRACT})
    assert not out.good
    reasons = " ".join(r["reason"] for r in out.rejected)
    assert "_factor_ok" in reasons and "value_max,value" in reasons


def test_empty_papers_table_stops_the_build():
    with pytest.raises(TableValidationError):
        validate("papers", [], {})


@pytest.mark.parametrize("metric,kept", [("mAP", False), (None, False), ("MAPE", True), ("word error rate", True)])
def test_a_score_in_percent_is_at_most_100_but_an_error_may_be_more(metric, kept):
    """An absolute accuracy in % above 100 is rejected, unless its metric is an
    error (lower is better): "a 1103.54% MAPE on formation energies" is real."""
    rows = good_claims()
    rows[1].update(value=138.2, metric=metric)      # the "38.2% mAP" row
    out = validate("claims", rows, {PAPER.paper_id: ABSTRACT})
    assert len(out.good) == 1 + kept
    if not kept:
        assert "expect_column_values_to_be_between(value)" in out.rejected[0]["reason"]
