"""Validation through great-expectations, before anything is written.

Suites are data: schemas/expectations/<table>.toml. Each batch of rows is
validated as a pandas DataFrame; a row that fails a row-level expectation
goes to rejected.parquet with the name of every expectation it failed; a
failed table-level expectation raises TableValidationError, and the build
stops with the previous tables in place.
"""
from __future__ import annotations

import copy
import functools
import json
import logging
import math
import os
import shutil
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd
import pyarrow as pa

from . import resources
from .rules import default as default_rules
from .errors import ResourceError, TableValidationError
from .schemas import to_arrow, vocabularies

VALIDATED = ("papers", "claims", "quantities", "hardware")
logging.getLogger("great_expectations").setLevel(logging.ERROR)


@dataclass
class Outcome:
    good: list[dict]
    rejected: list[dict] = field(default_factory=list)
    warnings: dict[str, int] = field(default_factory=dict)
    table: pa.Table | None = None     # the good rows as Arrow (schemas.to_arrow)


def _class_name(snake: str) -> str:
    return "".join(w.capitalize() for w in snake.split("_"))


def _name(decl: dict) -> str:
    col = decl.get("column") or ",".join(str(decl[k]) for k in ("column_A", "column_B") if k in decl)
    return f"{decl['type']}({col})" if col else decl["type"]


@functools.cache
def declarations(table: str) -> tuple[dict, ...]:
    path = f"expectations/{table}.toml"
    decls = resources.toml(path).get("expect", [])
    vocab = vocabularies()
    out = []
    for d in decls:
        d = dict(d)
        for k, v in list(d.items()):
            if isinstance(v, str) and v.startswith("@vocab:"):
                if v[7:] not in vocab:
                    raise ResourceError(f"schemas/{path}", None, f"a vocabulary named {v[7:]!r}")
                d[k] = list(vocab[v[7:]])
        out.append(d)
    return tuple(out)


@functools.cache
def suite_columns(table: str) -> tuple[str, ...] | None:
    """The columns the table's suite reads (None: all, for an expectation on
    the set of columns). Only these are handed to great-expectations: it
    fingerprints every batch it is given, and a list column such as
    papers.sources makes it fall back to pickling the whole frame."""
    cols: dict[str, None] = {}
    for d in declarations(table):
        if d["type"].startswith("expect_table_column"):
            return None
        for k in ("column", "column_A", "column_B"):
            if k in d:
                cols[d[k]] = None
        cols.update(dict.fromkeys(d.get("column_list", ())))
    return tuple(cols)


@dataclass
class _GX:
    context: object
    suites: dict
    batch_defs: dict


@functools.cache
def _gx() -> _GX:
    """One ephemeral GX context per process, with a suite and asset per table."""
    import great_expectations as gx
    from great_expectations.data_context.types.base import ProgressBarsConfig

    ctx = gx.get_context(mode="ephemeral")
    ctx.variables.progress_bars = ProgressBarsConfig(globally=False)
    source = ctx.data_sources.add_pandas("rows")
    suites, batch_defs = {}, {}
    for table in VALIDATED:
        exps = []
        for d in declarations(table):
            args = {k: v for k, v in d.items() if k not in ("type", "level")}
            cls = getattr(gx.expectations, _class_name(d["type"]), None)
            if cls is None:
                raise ResourceError(f"schemas/expectations/{table}.toml", None,
                                    f"a great-expectations expectation, not {d['type']!r}")
            exps.append(cls(**args, meta={"name": _name(d), "level": d.get("level", "row")}))
        suites[table] = ctx.suites.add(gx.ExpectationSuite(name=table, expectations=exps))
        asset = source.add_dataframe_asset(name=table)
        batch_defs[table] = asset.add_batch_definition_whole_dataframe(f"{table}-batch")
    return _GX(ctx, suites, batch_defs)


_DERIVED_FROM = {"claims": ("claim_type", "factor", "metric", "dataset", "unit", "value_si")}


def _derived(table: str, df: pd.DataFrame, rows: list[dict], abstracts: dict[str, str]) -> pd.DataFrame:
    """Adds the derived "_" columns to df, the DataFrame of rows. Per-row
    checks read the row dicts: iterating Python lists is several times faster
    than iterating pandas' Arrow-backed string columns."""
    if table in ("claims", "quantities", "hardware"):
        df["_paper_known"] = [r.get("paper_id") in abstracts for r in rows]
        df["_span_ok"] = [_span_ok(abstracts.get(r.get("paper_id")), r.get("char_start"), r.get("char_end"),
                                   r.get("text")) for r in rows]
    if table == "claims":
        relative = set(vocabularies()["relative_claim_type"])
        is_rel = df["claim_type"].isin(relative)
        has_factor = df["factor"].notna()
        df["_factor_ok"] = (is_rel & has_factor) | (~is_rel & ~has_factor)
        scoped = df["claim_type"].isin(["accuracy", "throughput"])
        df["_scope_ok"] = scoped | (df["metric"].isna() & df["dataset"].isna())
        plain = df["unit"].isna() | df["unit"].isin(["x", "%", "points"])
        df["_unit_normalized"] = plain | df["value_si"].notna() | has_factor
        # a score in % is at most 100, but an error can be more (MAPE, WER with insertions)
        errors = [m.name for m in default_rules().metrics if m.lower_is_better]
        df["_capped_at_100"] = ~df["metric"].isin(errors)
    return df


def _span_ok(abstract, start, end, text) -> bool:
    """abstract[start:end] == text, with integral offsets inside the abstract."""
    if type(start) is int and type(end) is int and type(abstract) is str:     # the usual row, at once
        return 0 <= start < end <= len(abstract) and abstract[start:end] == text
    if not isinstance(abstract, str) or isinstance(start, bool) or isinstance(end, bool):
        return False
    if not isinstance(start, (int, float)) or not isinstance(end, (int, float)):
        return False
    if math.isnan(start) or math.isnan(end) or not 0 <= start < end <= len(abstract):
        return False
    return abstract[int(start):int(end)] == text


def _jsonable(row: dict) -> str:
    return json.dumps(row, default=str, ensure_ascii=False)


def validate(table: str, rows: list[dict], abstracts: dict[str, str]) -> Outcome:
    """Good rows (as dicts and as an Arrow table), and rejected rows each with
    every failed expectation named.

    The rows are converted to Arrow once; great-expectations sees that table
    as pandas (a cheap, columnar conversion), and the good rows are the table
    filtered, so no row is converted twice. The suite runs first with the
    cheapest result format, which only says which expectations failed; only
    those run again to name the failing rows."""
    if table not in VALIDATED:
        return Outcome(rows)
    arrow = to_arrow(table, rows)
    if not rows:
        if table == "papers":
            raise TableValidationError(table, "expect_table_row_count_to_be_between",
                                       "no paper in this batch")
        return Outcome([], table=arrow)
    g = _gx()
    wanted = suite_columns(table)
    given = arrow.column_names if wanted is None else [
        c for c in arrow.column_names if c in wanted or c in _DERIVED_FROM.get(table, ())]
    df = _derived(table, arrow.select(given).to_pandas(), rows, abstracts)
    batch = g.batch_defs[table].get_batch(batch_parameters={"dataframe": df})
    suite = g.suites[table]
    failed = [r.expectation_config for r in batch.validate(
        suite, result_format={"result_format": "BOOLEAN_ONLY"}).results if not r.success]
    reasons: dict[int, list[str]] = {}
    warnings: dict[str, int] = {}
    for r in _explain(batch, failed):
        meta = r.expectation_config.meta or {}
        name = meta.get("name", r.expectation_config.type)
        if meta.get("level") == "warn":
            warnings[name] = warnings.get(name, 0) + len(r.result.get("unexpected_index_list") or [])
            continue
        if meta.get("level") == "table" or "unexpected_index_list" not in (r.result or {}):
            raise TableValidationError(table, name, json.dumps(r.result, default=str)[:300])
        for i in r.result["unexpected_index_list"] or []:
            reasons.setdefault(int(i if not isinstance(i, dict) else next(iter(i.values()))), []).append(name)
    if not reasons:
        return Outcome(rows, [], warnings, arrow)
    good, rejected = [], []
    for i, row in enumerate(rows):
        if i in reasons:
            rejected.append({"table": table, "source": None, "line": None,
                             "paper_id": row.get("paper_id"), "reason": "; ".join(reasons[i]),
                             "row": _jsonable(row)})
        else:
            good.append(row)
    keep = pa.array([i not in reasons for i in range(len(rows))])
    return Outcome(good, rejected, warnings, arrow.filter(keep))


def _explain(batch, failed: list) -> list:
    """The failed expectations run again with the complete result format,
    which lists the index of every failing row. Suite order is kept, so
    a rejected row's reasons are named in the suite's order."""
    if not failed:
        return []
    import great_expectations as gx
    # copies: an expectation of the table's suite may not belong to a second one
    again = gx.ExpectationSuite(name="failed", expectations=[copy.copy(c.to_domain_obj()) for c in failed])
    return [r for r in batch.validate(again, result_format={"result_format": "COMPLETE"}).results
            if not r.success]


def data_docs(out_dir: Path, sample_rows: int = 20000) -> Path:
    """GX data docs (HTML) next to the tables: each table's suite run over its
    first `sample_rows` written rows together with its rejected rows, so the
    pages show what passed and what failed. Written to a temporary folder and
    renamed into `out_dir/data_docs`."""
    import great_expectations as gx
    import pyarrow.compute as pc
    import pyarrow.dataset as ds
    import pyarrow.parquet as pq

    from .schemas import table_path

    g = _gx()
    ctx = g.context
    out_dir = Path(out_dir).resolve()
    tmp = Path(tempfile.mkdtemp(prefix=".data_docs-", dir=out_dir))
    site = f"site-{tmp.name}"
    ctx.add_data_docs_site(site_name=site, site_config={
        "class_name": "SiteBuilder",
        "store_backend": {"class_name": "TupleFilesystemStoreBackend", "base_directory": str(tmp)},
        "site_index_builder": {"class_name": "DefaultSiteIndexBuilder"}})
    rejected = pq.read_table(table_path(out_dir, "rejected")).to_pylist()
    for table in VALIDATED:
        rows = []
        for batch in ds.dataset(table_path(out_dir, table)).to_batches(batch_size=min(sample_rows, 65536)):
            rows.extend(batch.to_pylist())
            if len(rows) >= sample_rows:
                break
        rows = rows[:sample_rows] + [json.loads(r["row"]) for r in rejected
                                     if r["table"] == table and r["row"].startswith("{")]
        if not rows:
            continue
        ids = sorted({r["paper_id"] for r in rows})
        papers = pq.read_table(table_path(out_dir, "papers"), columns=["paper_id", "abstract"],
                               filters=pc.field("paper_id").isin(ids))
        abstracts = dict(zip(papers["paper_id"].to_pylist(), papers["abstract"].to_pylist()))
        df = _derived(table, pd.DataFrame(rows), rows, abstracts)
        name = f"{table}-{tmp.name}"
        vd = ctx.validation_definitions.add(gx.ValidationDefinition(
            name=name, data=g.batch_defs[table], suite=g.suites[table]))
        cp = ctx.checkpoints.add(gx.Checkpoint(
            name=name, validation_definitions=[vd],
            actions=[gx.checkpoint.UpdateDataDocsAction(name="docs", site_names=[site])],
            result_format={"result_format": "SUMMARY"}))
        cp.run(batch_parameters={"dataframe": df})
    target = out_dir / "data_docs"
    if target.exists():
        shutil.rmtree(target)
    os.replace(tmp, target)
    return target / "index.html"
