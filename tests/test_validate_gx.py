"""The compiled Arrow checks (pipeline/checks.py) give great-expectations'
verdicts: the same rejected rows with the same reasons and the same warning
counts as the suites run by great-expectations (tests/gx_reference.py) on
bad rows of every kind, on generated batches, and expectation by
expectation on generated frames for every type and option the checks
support."""
from dataclasses import replace

import numpy as np
import pyarrow as pa
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pipeline import checks, validate
from pipeline.errors import ResourceError, TableValidationError
from pipeline.extract import extract
from pipeline.identity import paper_id
from pipeline.records import Paper
from pipeline.rules import default

from .conftest import raw_papers
from .gx_reference import gx_validate, gx_verdicts

ABSTRACT = "FireQ achieves 1.68x faster inference than QServe and 38.2% mAP on COCO with 8 A100 GPUs."
PAPER = Paper("a" * 16, "FireQ", ABSTRACT, ["x"])
NAN, INF = float("nan"), float("inf")


def rows_of(table: str, papers: list[Paper]) -> tuple[list[dict], dict[str, str]]:
    abstracts = {p.paper_id: p.abstract for p in papers}
    if table == "papers":
        return [p.row() for p in papers], abstracts
    out = []
    for p in papers:
        out.extend(r.row() for r in getattr(extract(p, default()), table))
    return out, abstracts


def same_outcome(table: str, rows: list[dict], abstracts: dict[str, str]) -> validate.Outcome:
    """validate's outcome, asserted equal to great-expectations' (or the same
    TableValidationError)."""
    try:
        want = gx_validate(table, [dict(r) for r in rows], abstracts)
    except TableValidationError as e:
        with pytest.raises(TableValidationError) as got:
            validate.validate(table, [dict(r) for r in rows], abstracts)
        assert got.value.expectation == e.expectation
        return None
    got = validate.validate(table, [dict(r) for r in rows], abstracts)
    assert [r.get("claim_id", r.get("paper_id")) for r in got.good] == \
        [r.get("claim_id", r.get("paper_id")) for r in want.good]
    assert [(r["reason"], r["row"]) for r in got.rejected] == [(r["reason"], r["row"]) for r in want.rejected]
    assert got.warnings == want.warnings
    assert got.table.num_rows == len(got.good) and (got.failed is None or got.failed.num_rows == len(
        [r for r in got.rejected if "does not fit" not in r["reason"] and "holds a value" not in r["reason"]]))
    return got


def mutate(table: str, changes: dict, at: int = 0, papers=(PAPER,), extra=None):
    rows, abstracts = rows_of(table, list(papers))
    rows[at].update(changes)
    if extra:
        extra(rows)
    return table, rows, abstracts


def _dup_claim_id(rows):
    rows[1]["claim_id"] = rows[0]["claim_id"]


def _dup_paper(rows):
    rows.append(dict(rows[0], title="another"))


OTHER = Paper("b" * 16, "Other", "We reach 2x speedup on 4 V100 GPUs at 120 ms latency.", ["y"])

# table, changes of row 0, and what they break (the case's id)
CASES = {
    "claim_type not in set": ("claims", {"claim_type": "vibes"}),
    "form not in set": ("claims", {"form": "guess"}),
    "qualifier not in set": ("claims", {"qualifier": "maybe"}),
    "null qualifier skipped": ("claims", {"qualifier": None, "direction": None}),
    "span": ("claims", {"text": "1.69x"}),
    "unknown paper": ("claims", {"paper_id": "b" * 16}),
    "negative factor": ("claims", {"factor": -2.0}),
    "zero factor (strict_min)": ("claims", {"factor": 0.0}),
    "NaN factor (missing)": ("claims", {"factor": NAN}),
    "null factor": ("claims", {"factor": None}),
    "infinite factor": ("claims", {"factor": INF}),
    "minus infinite factor": ("claims", {"factor": -INF}),
    "NaN value (null)": ("claims", {"value": NAN}),
    "value_max below value": ("claims", {"value_max": 1.0}),
    "value_max equal (or_equal)": ("claims", {"value_max": 1.68}),
    "NaN value_max (ignored)": ("claims", {"value_max": NAN}),
    "factor_max below factor": ("claims", {"factor_max": 1.0}),
    "accuracy at 100 (inclusive)": ("claims", {"value": 100.0}, 1),
    "accuracy over 100": ("claims", {"value": 138.2}, 1),
    "accuracy below 0": ("claims", {"value": -0.5}, 1),
    "accuracy over 100, no metric": ("claims", {"value": 138.2, "metric": None}, 1),
    "error over 100 (row_condition false)": ("claims", {"value": 1103.5, "metric": "MAPE"}, 1),
    "relative accuracy over 100 (row_condition false, but no factor)": ("claims", {"value": 138.2, "form": "relative"}, 1),
    "accuracy over 100 without unit": ("claims", {"value": 138.2, "unit": None}, 1),
    "negative char_start": ("claims", {"char_start": -1}),
    "paper_id upper case (regex)": ("claims", {"paper_id": "A" * 16}),
    "paper_id with a final newline (regex $)": ("claims", {"paper_id": "a" * 16 + "\n"}),
    "paper_id in full-width digits": ("claims", {"paper_id": "\uff10" * 16}),
    "paper_id too long": ("claims", {"paper_id": "a" * 17}),
    "unconverted unit (warning)": ("claims", {"unit": "ms", "value_si": None}, 1),
    "unit without SI (no warning)": ("claims", {"unit": "dB", "value_si": None, "unit_si": None}, 1),
    "scope": ("claims", {"metric": "mAP"}),
    "reasons in great-expectations' order": ("claims", {"value": 138.2, "factor": -1.0, "value_max": 1.0}, 1),
    "many reasons": ("claims", {"claim_type": "vibes", "factor": -1.0, "char_start": -1, "paper_id": "Z"}),
    "quantity NaN value": ("quantities", {"value": NAN}),
    "quantity range reversed": ("quantities", {"value_max": 0.5}),
    "quantity span": ("quantities", {"char_end": 10_000}),
    "hardware count 0": ("hardware", {"count": 0}),
    "hardware null count": ("hardware", {"count": None}),
    "hardware kind": ("hardware", {"kind": "alien"}),
    "papers empty abstract": ("papers", {"abstract": ""}),
    "papers id regex": ("papers", {"paper_id": "not an id"}),
    "papers fine": ("papers", {}),
}


# the cases where great-expectations keeps every row (the others reject one)
KEPT = {"null qualifier skipped", "infinite factor", "value_max equal (or_equal)", "NaN value_max (ignored)",
        "accuracy at 100 (inclusive)", "error over 100 (row_condition false)", "unconverted unit (warning)",
        "accuracy over 100 without unit", "unit without SI (no warning)", "papers fine", "hardware null count"}


@pytest.mark.parametrize("case", sorted(CASES))
def test_same_verdicts_as_great_expectations_on_bad_rows(case):
    table, changes, *at = CASES[case]
    got = same_outcome(*mutate(table, changes, *at, papers=(PAPER, OTHER)))
    assert bool(got.rejected) == (case not in KEPT)


def test_duplicates_are_all_unexpected_like_great_expectations():
    got = same_outcome(*mutate("claims", {}, extra=_dup_claim_id))
    assert [r["reason"] for r in got.rejected] == ["expect_column_values_to_be_unique(claim_id)"] * 2
    got = same_outcome(*mutate("papers", {}, papers=(PAPER, OTHER), extra=_dup_paper))
    assert len(got.rejected) == 2


def test_a_whole_batch_of_bad_rows_is_the_same():
    rows, abstracts = rows_of("claims", [PAPER, OTHER])
    for r in rows:
        r.update(claim_type="vibes")
    assert not same_outcome("claims", rows, abstracts).good


# ---------------------------------------------------------------- generated batches

@pytest.fixture(scope="module")
def seed():
    papers = [Paper(paper_id(r.title), r.title, r.abstract, [r.source]) for r in raw_papers()[:12]]
    papers = list({p.paper_id: p for p in papers}.values())
    return {t: rows_of(t, papers) for t in validate.VALIDATED}


_TEXT = [None, "", "vibes", "accuracy", "speedup", "absolute", "relative", "%", "ms", "dB", "MAPE", "mAP",
         "a" * 16, "0123456789abcdef", "0123456789abcdef\n", "0123456789ABCDEF", "\u0661" * 16, "é"]
_NUMBER = [None, NAN, INF, -INF, -1.0, 0.0, 0.5, 1.0, 99.99, 100.0, 100.5, 1e9]
_INT = [None, -1, 0, 1, 3, 10_000]
FIELDS = {
    "claims": {"claim_id": _TEXT, "paper_id": _TEXT, "claim_type": _TEXT, "form": _TEXT, "qualifier": _TEXT,
               "direction": _TEXT, "unit": _TEXT, "metric": _TEXT, "dataset": _TEXT, "text": _TEXT,
               "value": _NUMBER, "value_max": _NUMBER, "factor": _NUMBER, "factor_max": _NUMBER,
               "value_si": _NUMBER, "char_start": _INT},
    "quantities": {"paper_id": _TEXT, "value": _NUMBER, "value_max": _NUMBER, "char_start": _INT,
                   "char_end": _INT, "text": _TEXT},
    "hardware": {"paper_id": _TEXT, "hardware": _TEXT, "kind": _TEXT + ["gpu", "tpu"], "count": _INT,
                 "char_start": _INT},
    "papers": {"paper_id": _TEXT, "title": _TEXT, "abstract": _TEXT},
}


@st.composite
def batches(draw, table: str, seed_rows: list[dict]):
    start = draw(st.integers(0, max(0, len(seed_rows) - 1)))
    rows = [dict(r) for r in seed_rows[start:start + draw(st.integers(1, 40))]]
    fields = FIELDS[table]
    for _ in range(draw(st.integers(0, 12))):
        i = draw(st.integers(0, len(rows) - 1))
        f = draw(st.sampled_from(sorted(fields)))
        rows[i][f] = draw(st.sampled_from(fields[f]))
    for _ in range(draw(st.integers(0, 2))):          # repeated ids
        i, j = draw(st.integers(0, len(rows) - 1)), draw(st.integers(0, len(rows) - 1))
        key = "claim_id" if table == "claims" else "paper_id"
        rows[j][key] = rows[i].get(key)
    return rows


@pytest.mark.parametrize("table", validate.VALIDATED)
def test_generated_batches_get_great_expectations_verdicts(table, seed):
    seed_rows, abstracts = seed[table]

    @settings(max_examples=12, deadline=None, suppress_health_check=list(HealthCheck), database=None)
    @given(batches(table, seed_rows))
    def check(rows):
        same_outcome(table, rows, abstracts)
    check()


# ---------------------------------------------------------------- every type and option, one by one

SCHEMA = pa.schema([("f", pa.float64()), ("g", pa.float64()), ("i", pa.int32()), ("s", pa.string()),
                    ("t", pa.string()), ("b", pa.bool_())])
E = "expect_column_values_to_"
DECLS = [
    {"type": E + "not_be_null", "column": "s"},
    {"type": E + "not_be_null", "column": "f", "mostly": 0.5},
    {"type": E + "be_in_set", "column": "s", "value_set": ["a", "b"]},
    {"type": E + "be_in_set", "column": "s", "value_set": ["a", "ab"], "mostly": 0.6},
    {"type": E + "be_in_set", "column": "i", "value_set": [1, 2]},
    {"type": E + "be_in_set", "column": "b", "value_set": [True]},
    {"type": E + "be_in_set", "column": "f", "value_set": [0.5, 1, 0]},
    {"type": E + "be_between", "column": "f", "min_value": 0, "max_value": 1},
    {"type": E + "be_between", "column": "f", "min_value": 0, "strict_min": True},
    {"type": E + "be_between", "column": "f", "max_value": 1, "strict_max": True},
    {"type": E + "be_between", "column": "i", "min_value": 1, "max_value": 3, "strict_min": True, "strict_max": True},
    {"type": E + "be_between", "column": "i", "min_value": 0.5},
    {"type": E + "be_between", "column": "f", "min_value": 0, "max_value": 1, "mostly": 0.5},
    {"type": E + "be_between", "column": "f", "min_value": 0, "max_value": 100,
     "row_condition": 's == "a" and b == True', "condition_parser": "pandas"},
    {"type": E + "be_between", "column": "f", "min_value": 0, "row_condition": 's != "a"',
     "condition_parser": "pandas"},
    {"type": E + "be_between", "column": "f", "min_value": 0,
     "row_condition": 's in ["a", "b"] or not (i > 1)', "condition_parser": "pandas"},
    {"type": E + "be_between", "column": "f", "min_value": 0,
     "row_condition": '`s` not in ["a"] & i >= 2 | b', "condition_parser": "pandas"},
    {"type": E + "be_between", "column": "f", "min_value": 0, "mostly": 0.5,
     "row_condition": "1 <= i < 3 and g != f", "condition_parser": "pandas"},
    {"type": E + "not_be_null", "column": "g", "mostly": 0.5, "row_condition": "t == 'a'",
     "condition_parser": "pandas"},
    {"type": E + "match_regex", "column": "s", "regex": "^[0-9a-f]{2}$"},
    {"type": E + "match_regex", "column": "s", "regex": "a"},
    {"type": E + "match_regex", "column": "s", "regex": r"^\d+$"},
    {"type": E + "match_regex", "column": "s", "regex": r"(?i)^A\w*$"},
    {"type": E + "match_regex", "column": "s", "regex": r"^(?!b)\S"},
    {"type": E + "match_regex", "column": "s", "regex": r"^\s*\w{1,2}\Z"},
    {"type": E + "match_regex", "column": "t", "regex": "b", "mostly": 0.5},
    {"type": E + "be_unique", "column": "s"},
    {"type": E + "be_unique", "column": "f"},
    {"type": E + "be_unique", "column": "i", "mostly": 0.5},
    {"type": E + "be_unique", "column": "t", "row_condition": "b == False", "condition_parser": "pandas"},
    {"type": "expect_column_value_lengths_to_be_between", "column": "s", "min_value": 1},
    {"type": "expect_column_value_lengths_to_be_between", "column": "s", "min_value": 1, "max_value": 2,
     "strict_max": True},
    {"type": "expect_column_value_lengths_to_be_between", "column": "t", "max_value": 1, "strict_min": True,
     "min_value": 0},
    {"type": "expect_column_pair_values_a_to_be_greater_than_b", "column_A": "f", "column_B": "g"},
    {"type": "expect_column_pair_values_a_to_be_greater_than_b", "column_A": "f", "column_B": "g",
     "or_equal": True, "ignore_row_if": "either_value_is_missing"},
    {"type": "expect_column_pair_values_a_to_be_greater_than_b", "column_A": "f", "column_B": "g",
     "or_equal": True, "ignore_row_if": "neither"},
    {"type": "expect_column_pair_values_a_to_be_greater_than_b", "column_A": "i", "column_B": "f",
     "mostly": 0.5},
    {"type": "expect_table_row_count_to_be_between", "min_value": 1},
    {"type": "expect_table_row_count_to_be_between", "min_value": 2, "max_value": 4, "strict_max": True},
    {"type": "expect_table_row_count_to_be_between", "max_value": 2, "row_condition": "b",
     "condition_parser": "pandas"},
]
_COMPILED = [checks.compile_one(d, SCHEMA) for d in DECLS]
_S = [None, "a", "b", "", "ab", "0f", "0f\n", "12", "\u0661\u0662", "A", "Ab", "ß", "é", "a\nb", "x y", " a"]
_F = [None, NAN, INF, -INF, -1.0, 0.0, -0.0, 0.5, 1.0, 100.0, 100.5]


@st.composite
def frames(draw):
    n = draw(st.integers(0, 9))
    col = lambda values: draw(st.lists(st.sampled_from(values), min_size=n, max_size=n))  # noqa: E731
    return pa.table({"f": pa.array(col(_F), pa.float64()), "g": pa.array(col(_F), pa.float64()),
                     "i": pa.array(col([None, -1, 0, 1, 2, 3, 4]), pa.int32()), "s": pa.array(col(_S), pa.string()),
                     "t": pa.array(col(_S[:6]), pa.string()), "b": pa.array(col([True, False]), pa.bool_())},
                    schema=SCHEMA)


def ours(frame: pa.Table) -> list[tuple[bool, list[int] | None]]:
    out = []
    for check in _COMPILED:
        v = check.verdict(frame)
        out.append((v.success, None if v.unexpected is None else np.flatnonzero(v.unexpected).tolist()))
    return out


@settings(max_examples=40, deadline=None, suppress_health_check=list(HealthCheck), database=None)
@given(frames())
def test_every_type_and_option_as_great_expectations_gives_it(frame):
    want = gx_verdicts(DECLS, frame)
    got = ours(frame)
    for d, w, g in zip(DECLS, want, got):
        assert g == w, (d, frame.to_pydict())


@pytest.mark.parametrize("rows", [
    {"f": [NAN, None, 1.0], "g": [None, NAN, 1.0], "i": [1, None, 1], "s": ["a", "a", None],
     "t": ["a", None, "a"], "b": [True, True, False]},
    {"f": [-1.0, 0.0, -0.0], "g": [-1.0, 0.0, 100.5], "i": [0, 3, 4], "s": ["0f\n", "ab", "\u0661\u0662"],
     "t": ["", "b", "b"], "b": [False, False, True]},
])
def test_fixed_frames_as_great_expectations_gives_them(rows):
    frame = pa.table(rows, schema=SCHEMA)
    assert ours(frame) == gx_verdicts(DECLS, frame)


# ---------------------------------------------------------------- the suites are the contract

@pytest.mark.parametrize("decl,expected", [
    ({"type": "expect_column_values_to_be_dateutil_parseable", "column": "s"}, "an expectation type in"),
    ({"type": E + "be_between", "column": "s", "min_value": 0}, "bounds comparable with s"),
    ({"type": E + "be_between", "column": "f"}, "min_value or max_value"),
    ({"type": E + "be_in_set", "column": "nope", "value_set": [1]}, "a column of the table"),
    ({"type": E + "be_in_set", "column": "s", "value_set": ["a"], "min_value": 1}, "not min_value"),
    ({"type": E + "match_regex", "column": "s", "regex": "("}, "a regular expression"),
    ({"type": E + "not_be_null", "column": "s", "row_condition": "s.str.len() > 1",
      "condition_parser": "pandas"}, "in the row_condition"),
    ({"type": E + "not_be_null", "column": "s", "row_condition": "s == 'a'"}, 'condition_parser = "pandas"'),
    ({"type": E + "not_be_null", "column": "s", "level": "fatal"}, "a level in"),
])
def test_a_declaration_the_checks_do_not_know_is_a_resource_error(decl, expected):
    with pytest.raises(ResourceError, match="suite.toml:7: expected .*" + expected.replace("(", r"\(")):
        checks.compile_one(decl, SCHEMA, "suite.toml", 7)


def test_a_new_declaration_of_a_known_type_is_picked_up(monkeypatch):
    extra = {"type": "expect_column_value_lengths_to_be_between", "column": "title", "max_value": 5}
    real = checks.declarations("papers")
    monkeypatch.setattr(checks, "declarations", lambda table: real + (extra,) if table == "papers" else
                        checks.declarations.__wrapped__(table))
    checks._compiled.cache_clear()
    try:
        rows, abstracts = rows_of("papers", [PAPER, replace(OTHER, title="A longer title")])
        out = validate.validate("papers", rows, abstracts)
        assert [r["reason"] for r in out.rejected] == ["expect_column_value_lengths_to_be_between(title)"]
    finally:
        checks._compiled.cache_clear()


def test_suites_on_disk_compile_and_name_their_file_and_line(monkeypatch):
    for table in validate.VALIDATED:
        assert validate.suite(table)
    bad = {"type": "expect_column_values_to_be_increasing", "column": "paper_id"}
    real = checks.declarations("hardware")
    monkeypatch.setattr(checks, "declarations", lambda table: real + (bad,))
    checks._compiled.cache_clear()
    try:
        with pytest.raises(ResourceError, match=r"schemas/expectations/hardware.toml: expected an expectation type"):
            validate.suite("hardware")
    finally:
        checks._compiled.cache_clear()
