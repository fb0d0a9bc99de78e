"""The same per-batch function on a local Dask cluster gives the same rows,
in the same layout as the local build (issues 18, 19)."""
import duckdb
import pyarrow.parquet as pq
import pytest

from pipeline.build import build
from pipeline.schemas import TABLES

from .conftest import FIXTURES, ROOT, out_folder_is_clean

pytest.importorskip("dask.distributed")


def test_dask_engine_matches_local_build(tmp_path):
    from pipeline import distributed
    inputs = [ROOT / "data" / "raw" / "000_2e77e666c2248825.txt", FIXTURES / "corpus.jsonl"]
    build(inputs, tmp_path / "local", batch_size=40, progress=False)
    (tmp_path / "dask").mkdir()
    (tmp_path / "dask" / "claims.parquet").write_bytes(b"a table of a build before generations")
    (tmp_path / "dask" / "claims").mkdir()       # the part folder of a Dask build before generations
    (tmp_path / "dask" / "claims" / "part-00000.parquet").write_bytes(b"old part")
    report = distributed.build(inputs, tmp_path / "dask", batch_size=40, workers=2, data_docs=True)
    assert report.papers_seen == pq.read_table(tmp_path / "local" / "papers.parquet").num_rows
    for t in TABLES:
        assert pq.read_table(tmp_path / "dask" / f"{t}.parquet").to_pylist() == \
            pq.read_table(tmp_path / "local" / f"{t}.parquet").to_pylist(), t
    # the same layout as a local build: one complete generation, nothing of the old layout left
    out_folder_is_clean(tmp_path / "dask")
    out_folder_is_clean(tmp_path / "local")
    con = duckdb.connect(str(tmp_path / "dask" / "claims.duckdb"), read_only=True)
    local = pq.read_table(tmp_path / "local" / "claims.parquet")
    assert con.execute("select claim_id from claims").fetchall() == [(c,) for c in local["claim_id"].to_pylist()]
    assert con.execute("select count(*) from speedups_by_hardware").fetchone() is not None
    assert report.data_docs == tmp_path / "dask" / "data_docs" / "index.html" and report.data_docs.exists()
    # the README's queries, unchanged, on either output
    for out in ("local", "dask"):
        q = f"select claim_type, count(*) from '{tmp_path / out}/claims.parquet' group by 1 order by 1"
        assert duckdb.sql(q).fetchall() == duckdb.sql(q.replace("/dask/", "/local/")).fetchall()
