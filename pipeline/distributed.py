"""The build on Dask: the same per-batch function, run on a Dask cluster.

`build(..., scheduler=ADDRESS)` connects to a running scheduler; without an
address it starts a LocalCluster of `workers` processes (what the tests use).
Ingest stays on the client, which streams batches to the cluster with at
most two per worker in flight. Each task runs `process_batch` and writes its
rows as one part file per table (`OUT/<table>/part-NNNNN.parquet`, a
partitioned Parquet dataset that pandas, pyarrow and DuckDB read as one
table); on a real cluster OUT must be a filesystem every worker sees. Parts
are written under a temporary folder and moved into place at the end; then,
as after a local build, claims.duckdb (tables and views) and, if asked, the
great-expectations data docs are made from them on the client.
"""
from __future__ import annotations

import collections
import os
import shutil
import tempfile
import time
from pathlib import Path

import pyarrow.parquet as pq

from . import database
from . import validate as validation
from .build import Report, input_batches, process_batch
from .schemas import TABLES, schema


def process_and_write(batch, part: int, tmp: str) -> dict:
    """Run one batch and write its part files; return only the small figures."""
    result = process_batch(batch)
    for t, table in result.tables.items():
        if table.num_rows:
            folder = Path(tmp) / t
            folder.mkdir(parents=True, exist_ok=True)
            pq.write_table(table, folder / f"part-{part:05d}.parquet")
    return {"extracted": result.extracted, "timings": result.timings, "warnings": result.warnings,
            "rejected_tables": result.rejected_by_table, "problems": result.problems,
            "written": {t: table.num_rows for t, table in result.tables.items()}}


def build(inputs: list[Path], out_dir: Path, batch_size: int | None = None, workers: int = 2,
          scheduler: str | None = None, data_docs: bool = False) -> Report:
    from dask.distributed import Client, LocalCluster

    start = time.perf_counter()
    out_dir = Path(out_dir).resolve()
    out_dir.mkdir(parents=True, exist_ok=True)
    report = Report()
    batches, _, _ = input_batches(inputs, batch_size, report, workers)
    tmp = Path(tempfile.mkdtemp(prefix=".building-dask-", dir=out_dir))
    cluster = None if scheduler else LocalCluster(n_workers=workers, threads_per_worker=1,
                                                  processes=True, dashboard_address=None)
    try:
        with Client(scheduler or cluster) as client:
            window = 2 * max(1, len(client.scheduler_info()["workers"]))
            pending: collections.deque = collections.deque()

            def collect(figures: dict) -> None:
                report.tally(figures["extracted"], figures["rejected_tables"], figures["problems"],
                             figures["timings"], figures["warnings"])
                for t in TABLES:
                    report.written[t] += figures["written"][t]

            for part, batch in enumerate(batches):
                pending.append(client.submit(process_and_write, batch, part, str(tmp), pure=False))
                if len(pending) >= window:
                    collect(pending.popleft().result())
            while pending:
                collect(pending.popleft().result())
        report.require_papers(inputs)
        for t in TABLES:
            folder = tmp / t
            folder.mkdir(exist_ok=True)
            if not any(folder.iterdir()):   # an empty table still has its schema
                pq.write_table(schema(t).empty_table(), folder / "part-00000.parquet")
            target = out_dir / t
            if target.exists():
                shutil.rmtree(target)
            os.replace(folder, target)
            (out_dir / f"{t}.parquet").unlink(missing_ok=True)    # the table of an earlier local build
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
        if cluster is not None:
            cluster.close()
    database.write(out_dir)
    if data_docs:
        report.data_docs = validation.data_docs(out_dir)
    report.seconds = time.perf_counter() - start
    return report
