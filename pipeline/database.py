"""data/processed/claims.duckdb: the tables and the views of schemas/views.sql
in one DuckDB file, written to a temporary file and renamed into place."""
from __future__ import annotations

import os
from pathlib import Path

import duckdb

from .config import RESOURCES, SCHEMAS

TABLES = ("papers", "claims", "quantities", "hardware", "comparisons", "rejected")


def write(out_dir: Path) -> Path:
    out_dir = Path(out_dir)
    target = out_dir / "claims.duckdb"
    tmp = out_dir / ".claims.duckdb.tmp"
    tmp.unlink(missing_ok=True)
    con = duckdb.connect(str(tmp))
    try:
        for t in TABLES:
            con.execute(f"create table {t} as select * from read_parquet(?)", [str(out_dir / f"{t}.parquet")])
        con.execute("create table metrics as select * from read_csv(?, comment = '#', header = true)",
                    [str(RESOURCES / "metrics.csv")])
        con.execute((SCHEMAS / "views.sql").read_text())
    finally:
        con.close()
    os.replace(tmp, target)
    return target
