"""data/processed/claims.duckdb: the tables and the views of schemas/views.sql
in one DuckDB file, written to a temporary file and renamed into place."""
from __future__ import annotations

import os
import shutil
from pathlib import Path

import duckdb

from .config import RESOURCES, SCHEMAS
from .schemas import TABLES, duckdb_source


def write(out_dir: Path) -> Path:
    out_dir = Path(out_dir)
    target = out_dir / "claims.duckdb"
    tmp = out_dir / ".claims.duckdb.tmp"
    tmp.unlink(missing_ok=True)
    # bounded memory however large the tables: DuckDB spills to disk past the limit
    con = duckdb.connect(str(tmp), config={"memory_limit": "64MB", "threads": 1, "preserve_insertion_order": True,
                                           "temp_directory": str(out_dir / ".duckdb.tmp")})
    try:
        for t in TABLES:
            con.execute(f"create table {t} as select * from read_parquet(?)", [duckdb_source(out_dir, t)])
        con.execute("create table metrics as select * from read_csv(?, comment = '#', header = true)",
                    [str(RESOURCES / "metrics.csv")])
        con.execute((SCHEMAS / "views.sql").read_text())
    finally:
        con.close()
        shutil.rmtree(out_dir / ".duckdb.tmp", ignore_errors=True)
    os.replace(tmp, target)
    return target
