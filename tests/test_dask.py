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
    (tmp_path / "dask").mkdir()
    (tmp_path / "dask" / "claims.parquet").write_bytes(b"a table of an earlier local build")
    report = distributed.build(inputs, tmp_path / "dask", batch_size=40, workers=2, data_docs=True)
    assert report.papers_seen == pq.read_table(tmp_path / "local" / "papers.parquet").num_rows
    for t in ("papers", "claims", "quantities", "hardware", "comparisons"):
        parts = sorted((tmp_path / "dask" / t).glob("part-*.parquet"))
        assert len(parts) >= 2 or t == "comparisons", t
        dask_rows = [r for p in parts for r in pq.read_table(p).to_pylist()]
        assert dask_rows == pq.read_table(tmp_path / "local" / f"{t}.parquet").to_pylist(), t
    # as after a local build: no stale single-file table, claims.duckdb, data docs
    assert not (tmp_path / "dask" / "claims.parquet").exists()
    import duckdb
    con = duckdb.connect(str(tmp_path / "dask" / "claims.duckdb"), read_only=True)
    local = pq.read_table(tmp_path / "local" / "claims.parquet")
    assert con.execute("select count(*) from claims").fetchone()[0] == local.num_rows
    assert con.execute("select claim_id from claims").fetchall() == [(c,) for c in local["claim_id"].to_pylist()]
    assert con.execute("select count(*) from speedups_by_hardware").fetchone() is not None
    assert report.data_docs and report.data_docs.exists()
