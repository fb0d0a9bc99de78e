"""Writing the tables: Parquet from declared Arrow schemas, atomically.

Each table is written incrementally, one row group per batch, into a
temporary folder beside the output; `commit()` renames every file into
place, so an interrupted build leaves the last good tables untouched. One
build writes to an output folder at a time: a new build removes the
temporary folders that killed builds left behind.
"""
from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from .schemas import TABLES, schema


class TableWriters:
    def __init__(self, out_dir: Path, tables=TABLES):
        self.out_dir = Path(out_dir)
        self.out_dir.mkdir(parents=True, exist_ok=True)
        for stale in self.out_dir.glob(".building-*"):   # left by a build that was killed
            shutil.rmtree(stale, ignore_errors=True)
        self.tmp = Path(tempfile.mkdtemp(prefix=".building-", dir=self.out_dir))
        self.tables = tables
        self.writers = {t: pq.ParquetWriter(self.tmp / f"{t}.parquet", schema(t)) for t in tables}
        self.counts = {t: 0 for t in tables}

    def write(self, table: str, data: pa.Table) -> None:
        """One row group: an Arrow table of the table's schema (schemas.to_arrow)."""
        if data.num_rows:
            self.writers[table].write_table(data)
            self.counts[table] += data.num_rows

    def commit(self) -> None:
        for w in self.writers.values():
            w.close()
        for t in self.tables:
            os.replace(self.tmp / f"{t}.parquet", self.out_dir / f"{t}.parquet")
            if (self.out_dir / t).is_dir():      # the parts of an earlier Dask build
                shutil.rmtree(self.out_dir / t)
        shutil.rmtree(self.tmp, ignore_errors=True)

    def abort(self) -> None:
        for w in self.writers.values():
            try:
                w.close()
            except Exception:  # noqa: BLE001 - closing a half-written file must not mask the cause
                pass
        shutil.rmtree(self.tmp, ignore_errors=True)

    def __enter__(self):
        return self

    def __exit__(self, exc_type, exc, tb):
        if exc_type is None:
            self.commit()
        else:
            self.abort()
        return False
