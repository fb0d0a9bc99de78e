"""Arrow schemas of the output tables, built from schemas/tables.toml."""
from __future__ import annotations

import functools
from pathlib import Path

import pyarrow as pa

from . import resources
from .errors import ResourceError

_TYPES = {
    "string": pa.string(), "int32": pa.int32(), "int64": pa.int64(), "float64": pa.float64(),
    "bool": pa.bool_(), "date32": pa.date32(), "list<string>": pa.list_(pa.string()),
    "dictionary<string>": pa.dictionary(pa.int32(), pa.string()),
}
TABLES = ("papers", "claims", "quantities", "hardware", "comparisons", "rejected")


def vocabularies() -> dict[str, list[str]]:
    return resources.toml("vocabularies.toml")


@functools.cache
def schema(table: str) -> pa.Schema:
    decl = resources.toml("tables.toml")
    if table not in decl:
        raise ResourceError("schemas/tables.toml", None, f"a [{table}] table")
    fields = []
    for col in decl[table]["columns"]:
        if col["type"] not in _TYPES:
            raise ResourceError("schemas/tables.toml", None,
                                f"a type in {sorted(_TYPES)} for {table}.{col['name']}")
        meta = {"vocabulary": col["vocabulary"]} if "vocabulary" in col else None
        fields.append(pa.field(col["name"], _TYPES[col["type"]],
                               nullable=col.get("nullable", True), metadata=meta))
    return pa.schema(fields, metadata={"table": table})


def table_path(out_dir, table: str) -> Path:
    """Where a built table is: OUT/<table>.parquet, whichever engine built it
    (a link into the current generation, see pipeline/write.py)."""
    return Path(out_dir) / f"{table}.parquet"


def duckdb_source(out_dir, table: str) -> str:
    """table_path as DuckDB's read_parquet takes it."""
    return str(table_path(out_dir, table))


def columns(table: str) -> list[str]:
    return schema(table).names


def to_arrow(table: str, rows: list[dict]) -> pa.Table:
    """Rows (dicts; a missing key is a null) to an Arrow table of the declared
    schema, columns in order. Arrow converts the rows in C++ with dictionary
    columns read as strings, which are then dictionary-encoded."""
    sch = schema(table)
    plain = pa.Table.from_pylist(rows, schema=_as_strings(table))
    return pa.Table.from_arrays(
        [plain.column(i).dictionary_encode() if pa.types.is_dictionary(f.type) else plain.column(i)
         for i, f in enumerate(sch)], schema=sch)


def to_arrow_fitting(table: str, rows: list[dict]) -> tuple[pa.Table, list[tuple[int, str]]]:
    """to_arrow of the rows whose values fit their columns, and (index,
    reason) of those that do not (a count beyond int32, text in a number
    column): such a row is rejected, not the batch. The batch is converted
    at once; only a batch that fails is converted row by row."""
    try:
        return to_arrow(table, rows), []
    except (pa.ArrowException, OverflowError, ValueError, TypeError):
        pass
    fits, unfit = [], []
    for i, row in enumerate(rows):
        reason = _unfit(table, row)
        if reason:
            unfit.append((i, reason))
        else:
            fits.append(row)
    return to_arrow(table, fits), unfit


def _unfit(table: str, row: dict) -> str | None:
    """Why a row does not fit the table's columns, or None if it does."""
    for f in _as_strings(table):
        value = row.get(f.name)
        try:
            pa.array([value], type=f.type)
        except (pa.ArrowException, OverflowError, ValueError, TypeError):
            shown = repr(value) if len(repr(value)) <= 60 else repr(value)[:57] + "..."
            return f"{f.name}: {shown} does not fit the column's type ({f.type})"
        if value is None and not f.nullable:
            return f"{f.name}: empty, and the column holds a value in every row"
    return None


@functools.cache
def _as_strings(table: str) -> pa.Schema:
    """The table's schema with its dictionary columns as plain strings."""
    return pa.schema([f.with_type(pa.string()) if pa.types.is_dictionary(f.type) else f for f in schema(table)])
