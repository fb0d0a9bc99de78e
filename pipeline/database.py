"""claims.duckdb: the tables and the views of schemas/views.sql in one
DuckDB file, written inside the build's generation folder (pipeline/write.py
switches it in with the tables).

DuckDB works under DUCKDB_MEMORY_LIMIT, spilling to the generation's scratch
folder, so memory stays flat with the corpus; strings of tens of kilobytes
(very long abstracts) need more than that, so a write that runs out of
memory is done once more under DuckDB's default limit (80% of RAM). A write
that still fails is an OutputError: the build stops, the previous
generation stays.
"""
from __future__ import annotations

import errno
import os
import shutil
from pathlib import Path

import duckdb

from .config import DUCKDB_MEMORY_LIMIT, RESOURCES, SCHEMAS
from .errors import OutputError
from .schemas import TABLES

NAME = "claims.duckdb"


def write(folder: Path, scratch: Path | None = None) -> Path:
    """claims.duckdb in `folder`, from the tables in `folder`."""
    folder = Path(folder)
    scratch = Path(scratch or folder)
    try:
        return _write(folder, scratch, DUCKDB_MEMORY_LIMIT)
    except duckdb.Error as e:
        text = str(e).lower()
        if "memory" not in text and "pin block" not in text:
            raise _error(e) from e
    try:
        return _write(folder, scratch, None)
    except duckdb.Error as e:
        raise _error(e) from e


_FILESYSTEM = ((errno.ENOSPC, "no space left"), (errno.EFBIG, "file too large"), (errno.EDQUOT, "quota"),
               (errno.EACCES, "permission denied"), (errno.EROFS, "read-only file system"))


def _error(e: Exception) -> Exception:
    """A DuckDB error as ours: an error of the output filesystem (a full disk)
    as the OSError it is, which write.py words for the user; else OutputError."""
    text = str(e).lower()
    for code, words in _FILESYSTEM:
        if words in text:
            return OSError(code, f"{os.strerror(code)} (DuckDB: {_first_line(e)})")
    return OutputError(NAME, f"DuckDB could not write it ({_first_line(e)})")


def _first_line(e: Exception) -> str:
    return str(e).strip().splitlines()[0] if str(e).strip() else type(e).__name__


def _write(folder: Path, scratch: Path, memory_limit: str | None) -> Path:
    target = folder / NAME
    target.unlink(missing_ok=True)
    Path(f"{target}.wal").unlink(missing_ok=True)
    temp = scratch / "duckdb.tmp"
    config = {"threads": 1, "preserve_insertion_order": True, "temp_directory": str(temp)}
    if memory_limit:
        config["memory_limit"] = memory_limit
    con = duckdb.connect(str(target), config=config)
    try:
        for t in TABLES:
            con.execute(f"create table {t} as select * from read_parquet(?)", [str(folder / f"{t}.parquet")])
        con.execute("create table metrics as select * from read_csv(?, comment = '#', header = true)",
                    [str(RESOURCES / "metrics.csv")])
        con.execute((SCHEMAS / "views.sql").read_text())
    finally:
        con.close()
        shutil.rmtree(temp, ignore_errors=True)
    return target
