"""The same per-batch function on a local Dask cluster gives the same rows."""
import pyarrow.parquet as pq
import pytest

from pipeline.build import build

from .conftest import FIXTURES, ROOT

pytest.importorskip("dask.distributed")


def test_dask_engine_matches_local_build(tmp_path):
    from pipeline import distributed
    inputs = [ROOT / "data" / "raw" / "000_2e77e666c2248825.txt", FIXTURES / "corpus.jsonl"]
    build(inputs, tmp_path / "local", batch_size=40, progress=False)
    report = distributed.build(inputs, tmp_path / "dask", batch_size=40, workers=2)
    assert report.papers_seen == pq.read_table(tmp_path / "local" / "papers.parquet").num_rows
    for t in ("papers", "claims", "quantities", "hardware", "comparisons"):
        parts = sorted((tmp_path / "dask" / t).glob("part-*.parquet"))
        assert len(parts) >= 2 or t == "comparisons", t
        dask_rows = [r for p in parts for r in pq.read_table(p).to_pylist()]
        assert dask_rows == pq.read_table(tmp_path / "local" / f"{t}.parquet").to_pylist(), t
