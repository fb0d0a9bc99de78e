import pytest

from pipeline.errors import InputError, UnknownFormatError
from pipeline.identity import paper_id
from pipeline.ingest import read_file
from pipeline.records import Problem, RawPaper

from .conftest import FIXTURES, ROOT, SHARED


def papers(path):
    return [r for r in read_file(path) if isinstance(r, RawPaper)]


def test_paper_id_matches_spec_example():
    title = "Mixture-of-Transformers: A Sparse and Scalable Architecture for Multi-Modal Foundation Models"
    assert paper_id(title) == "273076d7eb52429e"
    assert paper_id("  " + title.upper().replace(" ", "\n ")) == "273076d7eb52429e"


def test_plain_listing_skips_furniture():
    ps = papers(FIXTURES / "listing_plain.txt")
    assert [p.title for p in ps] == ["FastThing: A Faster Thing", "Another Paper Title"]
    assert ps[1].abstract == "Another abstract with 38.2% mAP on COCO."
    assert all(p.n_authors is None and p.published is None for p in ps)


def test_listing_with_authors_and_dates():
    ps = papers(FIXTURES / "listing_authors.txt")
    assert [p.title for p in ps] == ["FastThing: A Faster Thing", "Third Paper"]
    assert ps[0].n_authors == 2 and str(ps[0].published) == "2024-08-23"
    # an organisation instead of an author count, and a date with no year
    assert ps[1].n_authors is None and ps[1].published is None and ps[1].published_text == "Mar 17 2"


def test_jsonl_csv_and_arxiv_formats():
    j = papers(FIXTURES / "corpus.jsonl")
    assert [p.title for p in j] == ["JSON Paper One", "JSON Paper Two"]
    assert j[0].external_id == "x1" and str(j[0].published) == "2024-05-01"
    c = papers(FIXTURES / "corpus.csv")
    assert c[0].abstract.startswith("It reaches 1,200 tokens/s")
    a = papers(FIXTURES / "arxiv.json")
    assert a[0].title == "An arXiv Paper" and a[0].abstract == "We cut latency by 40%."
    assert a[0].n_authors == 3 and str(a[0].published) == "2024-01-03"


def test_arxiv_snapshot_papers_are_dated_by_their_first_version():
    # update_date is the day of the last revision: a 2019 paper revised in 2024 is not a 2024 paper
    a = papers(FIXTURES / "arxiv.json")
    assert [str(p.published) for p in a] == ["2024-01-03", "2019-06-03", "None"]
    assert a[1].published_text == "Mon, 3 Jun 2019 17:59:59 GMT" and a[1].n_authors == 2
    assert a[2].published_text == "sometime in 2020"      # kept as written, like any unreadable date


def test_unknown_format_is_a_clear_error():
    with pytest.raises(UnknownFormatError, match="unknown.bin"):
        list(read_file(FIXTURES / "unknown.bin"))


def test_csv_without_abstract_column_is_reported():
    out = list(read_file(FIXTURES / "no_abstract_column.csv"))
    assert len(out) == 1 and isinstance(out[0], Problem) and "abstract" in out[0].reason


def test_empty_file_names_the_file(tmp_path):
    p = tmp_path / "empty.jsonl"
    p.write_text("")
    with pytest.raises(InputError, match="empty.jsonl"):
        list(read_file(p))


def test_real_raw_dumps_hold_413_unique_papers():
    from pipeline.ingest import discover
    recs = [r for f in discover([ROOT / "data" / "raw"]) for r in read_file(f)]
    ps = [r for r in recs if isinstance(r, RawPaper)]
    assert len(ps) == 498
    assert len({paper_id(p.title) for p in ps}) == 413
    assert not [r for r in recs if isinstance(r, Problem)]


@pytest.mark.skipif(not (SHARED / "external" / "abstracts" / "abstracts.jsonl").exists(),
                    reason="shared/ not beside the checkout")
def test_external_abstracts_go_through_cleanly():
    path = SHARED / "external" / "abstracts" / "abstracts.jsonl"
    recs = list(read_file(path))
    n = sum(1 for line in open(path, encoding="utf-8") if line.strip())
    assert len([r for r in recs if isinstance(r, RawPaper)]) == n
    assert not [r for r in recs if isinstance(r, Problem)]
