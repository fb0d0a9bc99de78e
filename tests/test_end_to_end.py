"""The real pipeline on the real raw files."""
import json

import duckdb
import pytest
import pyarrow.parquet as pq

from pipeline.build import build
from pipeline.schemas import schema

from .conftest import ROOT, raw_papers


def test_tables_have_declared_schemas(built):
    out, _ = built
    for t in ("papers", "claims", "quantities", "hardware", "rejected"):
        assert pq.read_schema(out / f"{t}.parquet").remove_metadata().equals(
            schema(t).remove_metadata(), check_metadata=False), t


def test_papers_table(built):
    out, report = built
    papers = pq.read_table(out / "papers.parquet").to_pylist()
    assert len(papers) == 413
    assert all(len(p["paper_id"]) == 16 for p in papers)
    assert any(len(p["sources"]) > 1 for p in papers)
    assert report.written["papers"] == 413


def test_every_span_is_exact(built):
    out, _ = built
    abstracts = {p["paper_id"]: p["abstract"] for p in pq.read_table(out / "papers.parquet").to_pylist()}
    for t in ("claims", "quantities", "hardware"):
        rows = pq.read_table(out / f"{t}.parquet").to_pylist()
        assert rows, t
        for r in rows:
            assert abstracts[r["paper_id"]][r["char_start"]:r["char_end"]] == r["text"], (t, r)


def test_counts_are_conserved(built):
    _, report = built
    for t in ("claims", "quantities", "hardware"):
        assert report.extracted[t] == report.written[t] + report.rejected.get(t, 0)


def test_duckdb_query_from_readme(built):
    out, _ = built
    rows = duckdb.sql(f"select claim_type, count(*) from '{out}/claims.parquet' group by 1").fetchall()
    assert {r[0] for r in rows} >= {"speedup", "accuracy", "memory_reduction"}


@pytest.mark.slow
def test_two_builds_are_identical(built, tmp_path):
    out, _ = built
    build([ROOT / "data" / "raw"], tmp_path, batch_size=37, progress=False)
    for t in ("papers", "claims", "quantities", "hardware", "rejected"):
        assert pq.read_table(out / f"{t}.parquet").to_pylist() == \
            pq.read_table(tmp_path / f"{t}.parquet").to_pylist(), t


@pytest.mark.slow
def test_workers_give_identical_output(built, tmp_path):
    out, _ = built
    build([ROOT / "data" / "raw"], tmp_path, batch_size=50, workers=2, progress=False)
    for t in ("papers", "claims", "hardware", "rejected"):
        assert pq.read_table(out / f"{t}.parquet").to_pylist() == \
            pq.read_table(tmp_path / f"{t}.parquet").to_pylist(), t


def test_data_docs_are_written_next_to_the_tables(tmp_path):
    report = build([ROOT / "tests" / "fixtures" / "listing_authors.txt"], tmp_path,
                   progress=False, data_docs=True)
    assert report.data_docs == tmp_path / "data_docs" / "index.html"
    assert report.data_docs.exists()
    pages = list((tmp_path / "data_docs" / "validations").rglob("*.html"))
    assert len(pages) >= 4


def test_failed_table_expectation_keeps_previous_tables(tmp_path):
    import pytest

    from pipeline.errors import TableValidationError
    build([ROOT / "tests" / "fixtures" / "listing_plain.txt"], tmp_path, progress=False)
    before = (tmp_path / "papers.parquet").read_bytes()
    empty = tmp_path / "only_bad.jsonl"
    empty.write_text('{"title": "no abstract here"}\n')
    with pytest.raises(TableValidationError, match="papers"):
        build([empty], tmp_path, progress=False)
    assert (tmp_path / "papers.parquet").read_bytes() == before
    assert not list(tmp_path.glob(".building-*"))


def test_rejected_rows_come_in_input_order_whatever_the_batches(tmp_path, monkeypatch):
    """Input problems, rows failing validation and extraction problems are
    ordered by where they are in the input, so batch size (which the number
    of workers changes) does not change the rejected table. Extraction is
    made to give a bad row (a negative factor) for the claims of two papers."""
    import pipeline.build

    real = pipeline.build.extract

    def extract_badly(paper, rules):
        out = real(paper, rules)
        for c in out.claims if "Bad" in paper.title else ():
            c.factor = -1.0
        return out

    monkeypatch.setattr(pipeline.build, "extract", extract_badly)
    lines = [json.dumps({"title": "A fast paper", "abstract": "Our kernel is 2.1x faster than FlashAttention."}),
             '{"title": "broken JSON',
             json.dumps({"title": "Bad one", "abstract": "It cuts memory by 4x over FP16."}),
             json.dumps({"title": "No abstract"}),
             json.dumps({"title": "Too many", "abstract": "We report " + ", ".join(f"{i}.5%" for i in range(60)) + "."}),
             json.dumps({"title": "Bad two", "abstract": "It is 3x faster than vLLM."})]
    src = tmp_path / "mixed.jsonl"
    src.write_text("\n".join(lines) + "\n")
    tables = []
    for size in (1, 2, 1000):
        out = tmp_path / f"out{size}"
        build([src], out, batch_size=size, progress=False)
        tables.append(pq.read_table(out / "rejected.parquet").to_pylist())
    assert len(tables[0]) >= 4 and {r["table"] for r in tables[0]} >= {"papers", "claims"}
    assert tables[0] == tables[1] == tables[2]


def test_the_raw_files_as_an_arxiv_snapshot_give_the_same_claims(built, tmp_path):
    """The arXiv metadata snapshot wraps titles and abstracts in lines and
    dates papers by their versions: the same papers written that way give
    the same claims, quoted with their line breaks, dated by version 1."""
    import textwrap

    snapshot = tmp_path / "arxiv-metadata-oai-snapshot.json"
    with open(snapshot, "w") as f:
        seen = set()
        for r in raw_papers():
            if r.title not in seen:
                seen.add(r.title)
                f.write(json.dumps({
                    "id": f"2401.{len(seen):05d}",
                    "title": textwrap.fill(r.title, 70, break_on_hyphens=False).replace("\n", "\n  "),
                    "abstract": "  " + textwrap.fill(r.abstract, 80, break_long_words=False,
                                                     break_on_hyphens=False) + "\n",
                    "versions": [{"version": "v1", "created": "Mon, 8 Jan 2024 10:00:00 GMT"}],
                    "update_date": "2025-02-01", "authors": "A. One and B. Two"}) + "\n")
    out = tmp_path / "out"
    build([snapshot], out, batch_size=100, progress=False)
    fields = ["claim_id", "claim_type", "form", "value", "factor", "qualifier", "subject", "baseline",
              "hardware", "metric", "dataset"]
    want = pq.read_table(built[0] / "claims.parquet", columns=fields).to_pylist()
    got = pq.read_table(out / "claims.parquet", columns=fields + ["text", "sentence"]).to_pylist()
    assert [{k: r[k] for k in fields} for r in got] == want
    assert sum("\n" in r["sentence"] for r in got) > 100
    papers = pq.read_table(out / "papers.parquet", columns=["published"]).to_pylist()
    assert {str(p["published"]) for p in papers} == {"2024-01-08"}
