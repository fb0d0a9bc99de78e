"""The reference the compiled checks are held to: a batch validated by
great-expectations itself, as pipeline/validate.py did before the checks
were compiled to Arrow (issue 18). The derived "_" columns are computed
here with pandas, independently of pipeline/validate.py's Arrow code, so a
test over this reference checks both the derived columns and the checks."""
from __future__ import annotations

import copy
import functools
import json

import pandas as pd
import pyarrow as pa

from pipeline import validate as validation
from pipeline.errors import TableValidationError
from pipeline.schemas import to_arrow_fitting, vocabularies

_DERIVED_FROM = {"claims": ("claim_type", "factor", "metric", "dataset", "unit", "value_si")}


@functools.cache
def gx_context():
    return validation._new_gx()


def gx_validate(table: str, rows: list[dict], abstracts: dict[str, str]) -> validation.Outcome:
    """validate.validate as great-expectations ran it, batch by batch."""
    arrow, unfit = to_arrow_fitting(table, rows)
    unfit_rows = [validation.rejected_row(table, rows[i], reason) for i, reason in unfit]
    if unfit:
        bad = {i for i, _ in unfit}
        rows = [r for i, r in enumerate(rows) if i not in bad]
    if not rows:
        if table == "papers":
            raise TableValidationError(table, "expect_table_row_count_to_be_between", "no paper in this batch")
        return validation.Outcome([], unfit_rows, table=arrow)
    g = gx_context()
    given = [c for c in arrow.column_names
             if c in validation.checked_columns(table) or c in _DERIVED_FROM.get(table, ())]
    df = _derived(table, arrow.select(given).to_pandas(), rows, abstracts)
    batch = g.batch_defs[table].get_batch(batch_parameters={"dataframe": df})
    failed = [r.expectation_config for r in batch.validate(
        g.suites[table], result_format={"result_format": "BOOLEAN_ONLY"}).results if not r.success]
    reasons: dict[int, list[str]] = {}
    warnings: dict[str, int] = {}
    for r in _explain(batch, failed):
        meta = r.expectation_config.meta or {}
        name = meta["name"]
        if meta.get("level") == "warn":
            warnings[meta["message"]] = warnings.get(meta["message"], 0) + len(
                r.result.get("unexpected_index_list") or [])
            continue
        if meta.get("level") == "table" or "unexpected_index_list" not in (r.result or {}):
            raise TableValidationError(table, name, json.dumps(r.result, default=str)[:300])
        for i in r.result["unexpected_index_list"] or []:
            reasons.setdefault(int(i), []).append(name)
    good, rejected = [], unfit_rows
    for i, row in enumerate(rows):
        if i in reasons:
            rejected.append(validation.rejected_row(table, row, "; ".join(reasons[i])))
        else:
            good.append(row)
    return validation.Outcome(good, rejected, warnings)


def _explain(batch, failed: list) -> list:
    if not failed:
        return []
    import great_expectations as gx
    again = gx.ExpectationSuite(name="failed", expectations=[copy.copy(c.to_domain_obj()) for c in failed])
    return [r for r in batch.validate(again, result_format={"result_format": "COMPLETE"}).results
            if not r.success]


def _derived(table: str, df: pd.DataFrame, rows: list[dict], abstracts: dict[str, str]) -> pd.DataFrame:
    if table in ("claims", "quantities", "hardware"):
        df["_paper_known"] = [r.get("paper_id") in abstracts for r in rows]
        df["_span_ok"] = [validation._span_ok(abstracts.get(r.get("paper_id")), r.get("char_start"),
                                              r.get("char_end"), r.get("text")) for r in rows]
    if table == "claims":
        relative = set(vocabularies()["relative_claim_type"])
        is_rel = df["claim_type"].isin(relative)
        has_factor = df["factor"].notna()
        df["_factor_ok"] = (is_rel & has_factor) | (~is_rel & ~has_factor)
        scoped = df["claim_type"].isin(["accuracy", "throughput"])
        df["_scope_ok"] = scoped | (df["metric"].isna() & df["dataset"].isna())
        df["_unit_normalized"] = ~df["unit"].isin(validation._units_with_si()) | df["value_si"].notna() | has_factor
        df["_capped_at_100"] = [not (isinstance(m, str) and validation._is_error_metric(m)) for m in df["metric"]]
    return df


def gx_verdicts(decls: list[dict], frame: pa.Table) -> list[tuple[bool, list[int] | None]]:
    """Each declaration run by great-expectations over `frame` (as pandas):
    its success and the indices of its unexpected rows (None for a
    table-level expectation)."""
    import great_expectations as gx
    ctx = gx_context().context
    exps = [getattr(gx.expectations, validation._class_name(d["type"]))(
        **{k: v for k, v in d.items() if k not in ("type", "level", "message")}, meta={"at": n})
        for n, d in enumerate(decls)]
    suite = gx.ExpectationSuite(name="synthetic", expectations=exps)
    source = ctx.data_sources.all().get("synthetic") or ctx.data_sources.add_pandas("synthetic")
    asset = next((a for a in source.assets if a.name == "frame"), None) or source.add_dataframe_asset("frame")
    batch_def = next((b for b in asset.batch_definitions if b.name == "whole"), None) or \
        asset.add_batch_definition_whole_dataframe("whole")
    batch = batch_def.get_batch(batch_parameters={"dataframe": frame.to_pandas()})
    out = []
    results = batch.validate(suite, result_format={"result_format": "COMPLETE"}).results
    for r in sorted(results, key=lambda r: r.expectation_config.meta["at"]):
        assert "raised_exception': True" not in str(r.exception_info), r.exception_info
        idx = r.result.get("unexpected_index_list")
        out.append((r.success, None if "unexpected_index_list" not in r.result else sorted(map(int, idx or []))))
    return out
