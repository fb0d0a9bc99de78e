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


@pytest.mark.parametrize("metric,kept", [("mAP", False), (None, False), ("MAPE", True), ("word error rate", True),
                                         ("WER", True), ("top-5 test error", True), ("accuracy", False)])
def test_a_score_in_percent_is_at_most_100_but_an_error_may_be_more(metric, kept):
    """An absolute accuracy in % above 100 is rejected, unless its metric is an
    error (lower is better): "a 1103.54% MAPE on formation energies" is real."""
    rows = good_claims()
    rows[1].update(value=138.2, metric=metric)      # the "38.2% mAP" row
    out = validate("claims", rows, {PAPER.paper_id: ABSTRACT})
    assert len(out.good) == 1 + kept
    if not kept:
        assert "expect_column_values_to_be_between(value)" in out.rejected[0]["reason"]


def test_a_value_that_does_not_fit_its_column_rejects_the_row_not_the_batch():
    """'99999999999 H100 GPUs': a count beyond int32 used to abort the build."""
    paper = Paper("c" * 16, "t", "We use 2,048 H800 GPUs and 8 H100 GPUs.", ["x"])
    rows = [h.row() for h in extract(paper, default()).hardware]
    assert len(rows) == 2
    rows[0]["count"] = 99_999_999_999
    out = validate("hardware", rows, {paper.paper_id: paper.abstract})
    assert out.table.num_rows == 1 and out.table["count"].to_pylist() == [8]
    [bad] = out.rejected
    assert bad["reason"] == "count: 99999999999 does not fit the column's type (int32)"
    assert '"count": 99999999999' in bad["row"]


def test_a_unit_without_si_by_declaration_is_no_warning_and_a_failed_conversion_is_one_in_words():
    """dB (a ratio) is declared without an SI unit in resources/units.csv: no
    warning (it used to print '2 rows fail ..._unit_normalized (kept)' on every
    build). A unit declared with one but left without value_si is counted in words."""
    rows = good_claims()
    rows[1].update(unit="dB", value_si=None, unit_si=None)
    assert validate("claims", rows, {PAPER.paper_id: ABSTRACT}).warnings == {}
    rows[1].update(unit="ms", value_si=None)
    out = validate("claims", rows, {PAPER.paper_id: ABSTRACT})
    message = "claims whose unit could not be converted to SI units (kept as written, value_si empty)"
    assert out.warnings == {message: 1}
    assert len(out.good) == 2
