"""Validation, before anything is written, and the data docs, after.

Suites are data: schemas/expectations/<table>.toml, great-expectations'
expectations. Each batch of rows is checked by those suites compiled to
vectorized Arrow checks (pipeline/checks.py, held to great-expectations'
verdicts by tests/test_validate_gx.py); a row that fails a row-level
expectation goes to rejected.parquet with the name of every expectation it
failed (a row whose values do not even fit the declared column types is
rejected before, with the column named); a failed table-level expectation
raises TableValidationError, and the build stops with the previous tables
in place. A `level = "warn"` expectation keeps the row and counts it under
its `message`, which the build prints in words.

great-expectations runs once per build, in the build's own process, on the
written tables: its validation result is the data docs (HTML), made from
the tables and from the rows that failed, as typed Arrow rows handed over
by the build: rejected rows are text in rejected.parquet and never parsed
again. It is imported there only (a worker, `--help` and a build with
--no-data-docs never import it). Every text value is HTML-escaped before
great-expectations sees it (it writes values into the pages as they are),
and the pages carry no script and load nothing from the network: a
Content-Security-Policy forbids scripts, the CDN stylesheets and scripts of
great-expectations are removed for a small stylesheet of ours, and the
index page is ours, so the docs read offline and a value can never run as
code.
"""
from __future__ import annotations

import contextlib
import errno
import functools
import html
import json
import logging
import math
import re
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from . import checks, resources
from .checks import declarations
from .errors import ResourceError, TableValidationError
from .rules import default as default_rules
from .schemas import schema, to_arrow_fitting, vocabularies

VALIDATED = ("papers", "claims", "quantities", "hardware")
# the "_" columns each table's rows get before their checks (see claims.toml)
DERIVED = {"claims": ("_paper_known", "_span_ok", "_factor_ok", "_scope_ok", "_unit_normalized",
                      "_capped_at_100"),
           "quantities": ("_paper_known", "_span_ok"), "hardware": ("_paper_known", "_span_ok")}


@dataclass
class Outcome:
    good: list[dict]
    rejected: list[dict] = field(default_factory=list)
    warnings: dict[str, int] = field(default_factory=dict)   # message -> rows, of level "warn"
    table: pa.Table | None = None     # the good rows as Arrow (schemas.to_arrow)
    failed: pa.Table | None = None    # the rows that failed an expectation, as Arrow (for the data docs)


def _class_name(snake: str) -> str:
    return "".join(w.capitalize() for w in snake.split("_"))


@functools.cache
def frame_schema(table: str) -> pa.Schema:
    """The columns the checks see: the table's, dictionaries as plain
    strings, and the derived "_" columns (booleans)."""
    plain = [f.with_type(pa.string()) if pa.types.is_dictionary(f.type) else f for f in schema(table)]
    return pa.schema(plain + [pa.field(c, pa.bool_()) for c in DERIVED.get(table, ())])


def suite(table: str) -> tuple[checks.Check, ...]:
    return checks.compiled(table, frame_schema(table))


def _frame(table: str, arrow: pa.Table, rows: list[dict], abstracts: dict[str, str],
           columns: list[str] | None = None) -> pa.Table:
    """The rows as the checks see them (frame_schema), or only `columns` of them."""
    wanted = frame_schema(table).names if columns is None else columns
    derived = _derived(table, arrow, rows, abstracts) if any(c in wanted for c in DERIVED.get(table, ())) else {}
    cols = []
    for c in wanted:
        col = derived[c] if c in derived else arrow.column(c)
        cols.append(col.cast(pa.string()) if pa.types.is_dictionary(col.type) else col)
    return pa.Table.from_arrays(cols, names=list(wanted))


def _derived(table: str, arrow: pa.Table, rows: list[dict], abstracts: dict[str, str]) -> dict[str, pa.Array]:
    """The derived "_" columns of the rows (`arrow`, and as dicts `rows`).
    The span check reads the row dicts: Python lists iterate faster than
    Arrow columns."""
    out: dict[str, pa.Array] = {}
    if table not in DERIVED:
        return out
    out["_paper_known"] = pc.fill_null(pc.is_in(arrow.column("paper_id"),
                                                value_set=pa.array(list(abstracts), pa.string())), False)
    out["_span_ok"] = pa.array([_span_ok(abstracts.get(r.get("paper_id")), r.get("char_start"), r.get("char_end"),
                                         r.get("text")) for r in rows], pa.bool_())
    if table == "claims":
        def isin(column: str, values) -> pa.Array:
            col = arrow.column(column)
            col = col.cast(pa.string()) if pa.types.is_dictionary(col.type) else col
            return pc.fill_null(pc.is_in(col, value_set=pa.array(sorted(values), pa.string())), False)

        def present(column: str) -> pa.Array:          # pandas' notna: neither null nor NaN
            return pc.invert(pc.is_null(arrow.column(column), nan_is_null=True))
        is_rel, has_factor = isin("claim_type", vocabularies()["relative_claim_type"]), present("factor")
        out["_factor_ok"] = pc.equal(is_rel, has_factor)
        scoped = isin("claim_type", ["accuracy", "throughput"])
        out["_scope_ok"] = pc.or_(scoped, pc.and_(pc.is_null(arrow.column("metric")),
                                                  pc.is_null(arrow.column("dataset"))))
        # a unit declared with an SI target (resources/units.csv) has its value_si
        out["_unit_normalized"] = pc.or_(pc.or_(pc.invert(isin("unit", _units_with_si())), present("value_si")),
                                         has_factor)
        # a score in % is at most 100, but an error can be more (MAPE, WER with insertions):
        # the metric as written ("WER", "top-5 test error") names an error of metrics.csv
        metric = arrow.column("metric")
        metric = metric.cast(pa.string()) if pa.types.is_dictionary(metric.type) else metric
        errors = [m for m in pc.unique(metric).to_pylist() if isinstance(m, str) and _is_error_metric(m)]
        out["_capped_at_100"] = pc.invert(isin("metric", errors))
    return {k: v.combine_chunks() if isinstance(v, pa.ChunkedArray) else v for k, v in out.items()}


@functools.cache
def _units_with_si() -> frozenset[str]:
    """Units that resources/units.csv converts to SI (dB, for one, has none),
    and its rates a magnitude may stand before (quantities.toml) with each
    magnitude's prefix ("ktoken/s")."""
    declared = frozenset(r["unit"] for r in resources.csv_rows("units.csv") if r["si"])
    q = resources.toml("quantities.toml")
    return declared | {m["prefix"] + rate for m in q["rate_magnitude"] for rate in q["magnitude_rates"]
                       if rate in declared}


@functools.lru_cache(maxsize=4096)
def _is_error_metric(written: str) -> bool:
    """The metric column names an error, whose % may pass 100: its name or
    a spelling of a lower-is-better metric of metrics.csv is in it."""
    return any(m.name == written or m.pattern.search(written) for m in default_rules().metrics if m.lower_is_better)


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


def as_text(row: dict) -> str:
    """A row as the text rejected.parquet keeps (JSON; values JSON has no
    type for, as their str)."""
    return json.dumps(row, default=str, ensure_ascii=False)


def rejected_row(table: str, row: dict, reason: str) -> dict:
    """The rejected.parquet row of a `table` row that failed: kept as text."""
    return {"table": table, "source": None, "line": None, "paper_id": row.get("paper_id"),
            "reason": reason, "row": as_text(row)}


def validate(table: str, rows: list[dict], abstracts: dict[str, str]) -> Outcome:
    """Good rows (as dicts and as an Arrow table), and rejected rows each with
    every failed expectation named, in the suite's order.

    The rows are converted to Arrow once; the checks run on that table (and
    the derived columns), and the good rows are the table filtered, so no
    row is converted twice."""
    if table not in VALIDATED:
        return Outcome(rows)
    arrow, unfit = to_arrow_fitting(table, rows)
    unfit_rows = [rejected_row(table, rows[i], reason) for i, reason in unfit]
    if unfit:
        bad = {i for i, _ in unfit}
        rows = [r for i, r in enumerate(rows) if i not in bad]
    if not rows:
        if table == "papers":
            raise TableValidationError(table, "expect_table_row_count_to_be_between",
                                       "no paper in this batch")
        return Outcome([], unfit_rows, table=arrow)
    frame = _frame(table, arrow, rows, abstracts)
    failed: list[tuple[checks.Check, np.ndarray]] = []
    warnings: dict[str, int] = {}
    for check in suite(table):
        v = check.verdict(frame)
        if v.success:
            continue
        if check.level == "warn":
            warnings[check.message] = warnings.get(check.message, 0) + (
                0 if v.unexpected is None else int(v.unexpected.sum()))
        elif check.level == "table" or v.unexpected is None:
            raise TableValidationError(table, check.name, json.dumps(v.result, default=str)[:300])
        else:
            failed.append((check, v.unexpected))
    if not failed:
        return Outcome(rows, unfit_rows, warnings, arrow)
    bad = np.logical_or.reduce([m for _, m in failed])
    good, rejected = [], unfit_rows
    for i, row in enumerate(rows):
        if bad[i]:
            rejected.append(rejected_row(table, row, "; ".join(c.name for c, m in failed if m[i])))
        else:
            good.append(row)
    keep = pa.array(~bad)
    return Outcome(good, rejected, warnings, arrow.filter(keep), arrow.filter(pc.invert(keep)))


@functools.cache
def _gx():
    """great-expectations, imported once per process and only for the data
    docs (its import takes seconds)."""
    import great_expectations as gx
    logging.getLogger("great_expectations").setLevel(logging.ERROR)
    return gx


def _new_gx() -> _GX:
    """An ephemeral GX context with a suite and a dataframe asset per table,
    their names the tables' own (the data docs show them)."""
    gx = _gx()
    from great_expectations.data_context.types.base import ProgressBarsConfig

    ctx = gx.get_context(mode="ephemeral")
    ctx.variables.progress_bars = ProgressBarsConfig(globally=False)
    source = ctx.data_sources.add_pandas("rows")
    suites, batch_defs = {}, {}
    for table in VALIDATED:
        suite(table)                # a declaration the checks refuse is refused here too, in the same words
        exps = []
        for d in declarations(table):
            args = {k: v for k, v in d.items() if k not in ("type", "level", "message")}
            cls = getattr(gx.expectations, _class_name(d["type"]), None)
            if cls is None:
                raise ResourceError(checks.suite_path(table), None,
                                    f"a great-expectations expectation, not {d['type']!r}")
            exps.append(cls(**args, meta={"name": checks.name(d), "level": d.get("level", "row"),
                                          "message": d.get("message", checks.name(d))}))
        suites[table] = ctx.suites.add(gx.ExpectationSuite(name=table, expectations=exps))
        asset = source.add_dataframe_asset(name=table)
        batch_defs[table] = asset.add_batch_definition_whole_dataframe(f"{table}-batch")
    return _GX(ctx, suites, batch_defs)


@dataclass
class _GX:
    context: object
    suites: dict
    batch_defs: dict


def checked_columns(table: str) -> list[str]:
    """The columns the table's suite reads, its row conditions' among them."""
    return list(dict.fromkeys(c for check in suite(table) for c in check.columns))


DOCS_TITLE = "paper-claims data docs"
DOCS_READ_BATCH = 4096      # rows read at a time from a written table for the data docs
_CSP = ("default-src 'none'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; font-src 'self'; "
        "base-uri 'none'; form-action 'none'")
_CSS = """
body { font-family: system-ui, sans-serif; margin: 1.5em auto; max-width: 75em; padding: 0 1em; color: #222; }
table { border-collapse: collapse; margin: .5em 0 1em; }
th, td { border: 1px solid #ccc; padding: .25em .5em; text-align: left; vertical-align: top; }
th { background: #f2f2f2; }
.show-scrollbars { max-height: 20em; overflow: auto; }
img { max-height: 2em; }
.ok { color: #1a7f37; } .failed { color: #b42318; }
"""
_SCRIPT = re.compile(r"<script\b.*?</script\s*>", re.IGNORECASE | re.DOTALL)
_REMOTE = re.compile(r"<link\b[^>]*\bhref=[\"']?https?://[^>]*>|<img\b[^>]*\bsrc=[\"']?https?://[^>]*>",
                     re.IGNORECASE)
_STATIC = re.compile(r"static/[\w/.-]+")
_TITLE = re.compile(r"<title>.*?</title>", re.IGNORECASE | re.DOTALL)
_HEAD = re.compile(r"<head>", re.IGNORECASE)


def data_docs(folder: Path, failed: dict[str, list[pa.Table]] | None = None, sample_rows: int = 20000) -> Path:
    """Great-expectations data docs in `folder`/data_docs: each table's suite
    run over its first `sample_rows` written rows together with the rows
    that failed (`failed`: typed Arrow rows from the build), so the pages
    show what passed and what failed. Values are HTML-escaped before GX sees
    them, and the pages are made script-free and offline (see the module)."""
    import pyarrow.dataset as ds
    import pyarrow.parquet as pq

    gx = _gx()
    folder = Path(folder).resolve()
    site_dir = folder / "data_docs"
    g = _new_gx()
    ctx = g.context
    ctx.add_data_docs_site(site_name="paper-claims", site_config={
        "class_name": "SiteBuilder",
        "store_backend": {"class_name": "TupleFilesystemStoreBackend", "base_directory": str(site_dir)},
        "site_index_builder": {"class_name": "DefaultSiteIndexBuilder"}})
    results = {}
    for table in VALIDATED:
        # read a batch at a time, none ahead: the rows of a whole row group are not held
        sample = ds.dataset(folder / f"{table}.parquet").scanner(
            batch_size=DOCS_READ_BATCH, batch_readahead=0, fragment_readahead=0).head(sample_rows)
        bad = [t.cast(sample.schema) for t in (failed or {}).get(table, [])]
        arrow = pa.concat_tables([sample, *bad])
        if not arrow.num_rows:
            continue
        rows = arrow.to_pylist()
        ids = sorted({r["paper_id"] for r in rows if isinstance(r.get("paper_id"), str)})
        # the abstracts of those rows only, a batch of papers.parquet at a time (the
        # abstracts of a million papers are ~1.7 GB)
        wanted, abstracts = pa.array(ids, pa.string()), {}
        for b in pq.ParquetFile(folder / "papers.parquet").iter_batches(
                batch_size=DOCS_READ_BATCH, columns=["paper_id", "abstract"]):
            b = b.filter(pc.is_in(b.column("paper_id"), value_set=wanted))
            abstracts.update(zip(b.column("paper_id").to_pylist(), b.column("abstract").to_pylist()))
        df = _frame(table, arrow, rows, abstracts, checked_columns(table)).to_pandas()
        vd = ctx.validation_definitions.add(gx.ValidationDefinition(
            name=table, data=g.batch_defs[table], suite=g.suites[table]))
        cp = ctx.checkpoints.add(gx.Checkpoint(
            name=table, validation_definitions=[vd],
            actions=[gx.checkpoint.UpdateDataDocsAction(name="docs", site_names=["paper-claims"])],
            result_format={"result_format": "SUMMARY"}))
        with _raising_gx_errors():
            run = cp.run(batch_parameters={"dataframe": _escaped(df)})
        results[table] = (next(iter(run.run_results.values())), len(sample), sum(t.num_rows for t in bad))
    _make_static(site_dir, results)
    return site_dir / "index.html"


class _Errors(logging.Handler):
    def __init__(self):
        super().__init__(logging.ERROR)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(record.getMessage())


@contextlib.contextmanager
def _raising_gx_errors():
    """great-expectations logs an error of rendering or writing the docs (a
    full disk among them) with its traceback, and goes on: here the error
    is raised instead, as an OSError when it is one, and nothing is printed."""
    logger = logging.getLogger("great_expectations")
    handler, propagate = _Errors(), logger.propagate
    logger.addHandler(handler)
    logger.propagate = False
    try:
        yield
    finally:
        logger.removeHandler(handler)
        logger.propagate = propagate
    if handler.messages:
        if m := re.search(r"\[Errno (\d+)\] ([^\n'\"]+)", handler.messages[0]):
            raise OSError(int(m[1]), m[2].strip())
        raise OSError(errno.EIO, "great-expectations could not write the data docs: "
                                 + handler.messages[0].strip().splitlines()[0][:200])


def _escaped(df):
    """Every text value HTML-escaped (great-expectations writes values into
    its pages as they are). Escaping is one-to-one and leaves the values of
    the vocabularies and the paper_id pattern as they are, so every
    expectation gives the same verdict as on the raw values."""
    import pandas as pd
    out = df.copy()
    for col in out.columns:
        if out[col].dtype == object or pd.api.types.is_string_dtype(out[col]):
            out[col] = pd.Series([_escape(v) for v in out[col]], index=out.index, dtype=object)
    return out


def _escape(value):
    if isinstance(value, str):
        return html.escape(value)
    if isinstance(value, (list, tuple)):
        return [_escape(v) for v in value]
    if isinstance(value, dict):
        return {html.escape(str(k)): _escape(v) for k, v in value.items()}
    return value


def _make_static(site_dir: Path, results: dict) -> None:
    """Every page of the site made script-free and offline, with a stable
    title, and an index page of ours listing each table's result; the
    static files no page uses (4 MB of images and fonts) removed."""
    used: set[str] = set()
    for page in site_dir.rglob("*.html"):
        text = page.read_text(encoding="utf-8")
        used.update(_STATIC.findall(text))
        rel = page.relative_to(site_dir)
        what = (f"{rel.parts[1]}, validation result" if rel.parts[0] == "validations" else
                f"{rel.stem}, expectation suite" if rel.parts[0] == "expectations" else rel.stem)
        _write_static(page, text, f"{DOCS_TITLE}: {what}")
    for f in [f for f in (site_dir / "static").rglob("*") if f.is_file()]:
        if f.relative_to(site_dir).as_posix() not in used:
            f.unlink()
    rows = []
    for table, (res, sampled, failed) in results.items():
        stats = res.statistics
        pages = sorted((site_dir / "validations" / table).rglob("*.html"))
        if not pages:       # great-expectations logs some write errors instead of raising them
            raise OSError(errno.EIO, f"great-expectations wrote no page for {table}")
        page = pages[0].relative_to(site_dir).as_posix()
        status = ("<span class=ok>passed</span>" if res.success else
                  f"<span class=failed>{stats['unsuccessful_expectations']} of {stats['evaluated_expectations']} "
                  f"expectations failed</span>")
        link = f'<a href="{html.escape(page, quote=True)}">{html.escape(table)}</a>'
        rows.append(f"<tr><td>{link}</td><td>{status}</td><td>{sampled:,}</td><td>{failed:,}</td>"
                    f'<td><a href="expectations/{html.escape(table)}.html">suite</a></td></tr>')
    body = (f"<h1>{DOCS_TITLE}</h1><p>Each table's expectations (schemas/expectations/&lt;table&gt;.toml) "
            f"run over its first written rows and the rows that failed validation, which are in "
            f"rejected.parquet with their reasons.</p><table><tr><th>table</th><th>result</th>"
            f"<th>written rows checked</th><th>rejected rows shown</th><th>expectations</th></tr>"
            f"{''.join(rows)}</table>")
    _write_static(site_dir / "index.html", f"<!DOCTYPE html><html><head></head><body>{body}</body></html>",
                  DOCS_TITLE)


def _write_static(page: Path, text: str, title: str) -> None:
    text = _REMOTE.sub("", _SCRIPT.sub("", text))
    text = _TITLE.sub("", text)
    head = (f'<head><meta charset="utf-8"><meta http-equiv="Content-Security-Policy" content="{_CSP}">'
            f"<title>{html.escape(title)}</title><style>{_CSS}</style>")
    page.write_text(_HEAD.sub(lambda _: head, text, count=1), encoding="utf-8")


def no_data_docs(folder: Path) -> Path:
    """A one-page site saying the data docs were not built (--no-data-docs),
    so OUT/data_docs never points to the docs of other tables."""
    site = Path(folder) / "data_docs"
    site.mkdir()
    _write_static(site / "index.html", "<!DOCTYPE html><html><head></head><body><h1>No data docs</h1>"
                  "<p>This build was run with --no-data-docs; build again without it to get them.</p>"
                  "</body></html>", DOCS_TITLE)
    return site / "index.html"
