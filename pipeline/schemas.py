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
    """Where a built table is: OUT/<table>.parquet (local build) or the
    folder OUT/<table>/ of part files (Dask build). Both read as one table in
    pandas and pyarrow; DuckDB takes the folder as OUT/<table>/*.parquet."""
    single = Path(out_dir) / f"{table}.parquet"
    return single if single.exists() else Path(out_dir) / table


def duckdb_source(out_dir, table: str) -> str:
    """table_path for DuckDB's read_parquet (a glob for a folder of parts)."""
    p = table_path(out_dir, table)
    return str(p / "*.parquet") if p.is_dir() else str(p)


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


@functools.cache
def _as_strings(table: str) -> pa.Schema:
    """The table's schema with its dictionary columns as plain strings."""
    return pa.schema([f.with_type(pa.string()) if pa.types.is_dictionary(f.type) else f for f in schema(table)])
