"""The build on Dask: the same per-batch function, run on a Dask cluster.

`build(..., scheduler=ADDRESS)` connects to a running scheduler; without an
address it starts a LocalCluster of `workers` processes (what the tests use).
Everything but where `process_batch` runs is the local build's
(pipeline/build.py): ingest stays on the client, which streams batches to
the cluster with at most two per worker in flight, and each batch's Arrow
tables come back to the client, which writes them in input order into the
build's generation, as the local build does. So both engines write the same
layout (OUT/<table>.parquet, claims.duckdb, data_docs/, one transaction),
the same rows, and no worker needs to see the output folder. The client is
the input's reader already, and a batch's tables are about as large as its
abstracts, so sending them back costs about what sending the batch did.
"""
from __future__ import annotations

import collections
import contextlib
import functools
from pathlib import Path
from typing import Callable, Iterable, Iterator

from . import write
from .build import Report
from .build import build as local_build


@contextlib.contextmanager
def dask_runner(workers: int, gen: write.Generation, scheduler: str | None = None
                ) -> Iterator[Callable[[Callable, Iterable], Iterator]]:
    """fn over items on a Dask cluster (at `scheduler`, else a LocalCluster
    of `workers` processes), results in input order, at most two per worker
    in flight."""
    from dask.distributed import Client, LocalCluster

    cluster = None if scheduler else LocalCluster(n_workers=workers, threads_per_worker=1,
                                                  processes=True, dashboard_address=None)
    try:
        with Client(scheduler or cluster) as client:
            window = 2 * max(1, len(client.scheduler_info()["workers"]))

            def run(fn: Callable, items: Iterable) -> Iterator:
                pending: collections.deque = collections.deque()
                try:
                    for item in items:
                        pending.append(client.submit(fn, item, pure=False))
                        if len(pending) >= window:
                            yield pending.popleft().result()
                    while pending:
                        yield pending.popleft().result()
                finally:
                    for f in pending:
                        f.cancel()
            yield run
    finally:
        if cluster is not None:
            cluster.close()


def build(inputs: list[Path], out_dir: Path, batch_size: int | None = None, workers: int = 2,
          scheduler: str | None = None, data_docs: bool = False) -> Report:
    """The local build's tables, with the batches run on Dask."""
    runner = functools.partial(dask_runner, scheduler=scheduler)
    return local_build(inputs, out_dir, batch_size=batch_size, workers=workers, progress=False,
                       data_docs=data_docs, runner=runner, engine="dask")
