import pytest

from pipeline.errors import InputError, MissingColumnError, UnknownFormatError
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


def test_csv_without_abstract_column_names_the_columns_found():
    with pytest.raises(MissingColumnError, match=r"has no abstract column \(columns found: title, summary_text\)"):
        list(read_file(FIXTURES / "no_abstract_column.csv"))


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


# Issue 19: every input read once, every format read or rejected by name,
# every field checked at the edge.

import bz2  # noqa: E402
import gzip  # noqa: E402
import json  # noqa: E402
import lzma  # noqa: E402
import os  # noqa: E402
import threading  # noqa: E402

from hypothesis import given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

from pipeline.ingest import discover  # noqa: E402
from pipeline.ingest.listing import parse_listing  # noqa: E402
from pipeline.ingest.tabular import parse_json_array  # noqa: E402

GOOD = [{"title": "One", "abstract": "It is 2x faster."}, {"title": "Two", "abstract": "It cuts 40% of memory."}]


def _jsonl(records) -> str:
    return "".join(json.dumps(r) + "\n" for r in records)


def outcome(path):
    """(titles of the papers, reasons of the problems) of one file."""
    recs = list(read_file(path))
    return [r.title for r in recs if isinstance(r, RawPaper)], [r.reason for r in recs if isinstance(r, Problem)]


@pytest.mark.parametrize("sep", [",", ";", "\t", "|"])
def test_csv_of_any_common_separator(tmp_path, sep):
    p = tmp_path / "c.csv"
    p.write_text(f"id{sep}title{sep}abstract\n1{sep}One{sep}\"It is 2x faster{sep} really.\"\n")
    [paper] = papers(p)
    assert paper.title == "One" and paper.abstract == f"It is 2x faster{sep} really." and paper.external_id == "1"


def test_json_array_elements_are_records_each(tmp_path):
    p = tmp_path / "a.json"
    p.write_text('[\n  {"title": "One", "abstract": "It is 2x faster.", "year": 2021},\n  5, "text",\n'
                 '  {"title": ["x"], "abstract": "y"},\n'
                 '  {"title": "Two", "abstract": "It cuts [40%] {of} \\"memory\\"."}\n]\n')
    titles, reasons = outcome(p)
    assert titles == ["One", "Two"]
    assert reasons == ["expected a JSON object with title and abstract"] * 2 + [
        "title: expected text, found a JSON array"]


@settings(max_examples=60, deadline=None)
@given(st.lists(st.fixed_dictionaries({"title": st.text(min_size=1).filter(str.strip),
                                       "abstract": st.text(min_size=1).filter(str.strip),
                                       "x": st.recursive(st.none() | st.text() | st.integers(),
                                                         lambda c: st.lists(c) | st.dictionaries(st.text(), c))}),
                max_size=6),
       st.integers(0, 4), st.integers(1, 50))
def test_json_array_scan_finds_every_element(records, indent, chunk):
    """However the array is laid out and cut into chunks, each element is read as json.loads reads it."""
    text = json.dumps(records, indent=indent or None, ensure_ascii=bool(indent % 2))
    chunks = [text[i:i + chunk] for i in range(0, len(text), chunk)]
    got = list(parse_json_array(chunks, "a.json"))
    assert [(r.title, r.abstract) for r in got] == [(r["title"].strip() and " ".join(r["title"].split()),
                                                    r["abstract"].strip()) for r in records]


@pytest.mark.parametrize("suffix,opener", [(".gz", gzip.open), (".bz2", bz2.open), (".xz", lzma.open)])
def test_compressed_files_by_name(tmp_path, suffix, opener):
    p = tmp_path / f"corpus.jsonl{suffix}"
    with opener(p, "wt") as f:
        f.write(_jsonl(GOOD))
    assert outcome(p) == (["One", "Two"], [])


def test_a_file_named_gz_that_is_not_is_an_error(tmp_path):
    p = tmp_path / "corpus.jsonl.gz"
    p.write_text(_jsonl(GOOD))
    with pytest.raises(InputError, match="corpus.jsonl.gz"):
        list(read_file(p))


def test_a_named_pipe_is_read_once(tmp_path):
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)

    def feed():
        with open(fifo, "w") as f:
            f.write(_jsonl(GOOD))
    t = threading.Thread(target=feed)
    t.start()
    try:
        assert outcome(fifo) == (["One", "Two"], [])   # no extension: the format from the content
    finally:
        t.join(5)


@pytest.mark.parametrize("name", ["notes.md", "paper.pdf", "data.parquet"])
def test_other_formats_name_the_formats_read(tmp_path, name):
    p = tmp_path / name
    p.write_text("# something\n")
    with pytest.raises(UnknownFormatError, match=r"not a format we read.*formats: \.txt listing dumps"):
        list(read_file(p))


def test_subfolders_are_read_and_hidden_files_and_the_output_are_not(tmp_path):
    for rel in ("a.jsonl", "sub/b.jsonl", "sub/deeper/c.jsonl", ".hidden.jsonl", ".git/d.jsonl", "out/e.jsonl"):
        (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / rel).write_text(_jsonl(GOOD))
    found = [f.relative_to(tmp_path).as_posix() for f in discover([tmp_path], exclude=[tmp_path / "out"])]
    assert found == ["a.jsonl", "sub/b.jsonl", "sub/deeper/c.jsonl"]


def test_an_unreadable_file_is_an_input_error(tmp_path):
    p = tmp_path / "bad.jsonl"
    p.mkdir()
    with pytest.raises(InputError, match="bad.jsonl"):
        list(read_file(p))


@pytest.mark.parametrize("value,reason", [
    ("NaN", "nan is not a whole number"), ("1e400", "inf is not a whole number"),
    ('"\\u00b2"', "'²' is not a whole number"), ("99999999999", "does not fit a 32-bit count"),
    ("9" * 5000, "a 5,000-digit number is not a whole number"), ("-1", "does not fit a 32-bit count"),
    ("2.5", "2.5 is not a whole number"), ("true", "True is not a whole number")])
def test_a_value_that_does_not_fit_rejects_its_record_only(tmp_path, value, reason):
    p = tmp_path / "c.jsonl"
    p.write_text(f'{{"title": "Bad", "abstract": "x", "n_authors": {value}}}\n' + _jsonl(GOOD))
    titles, [why] = outcome(p)
    assert titles == ["One", "Two"] and why.startswith("n_authors: ") and reason in why


@pytest.mark.parametrize("line,reason", [
    ("[" * 100_000, "nested too deep"),
    ('{"title": "T", "abstract": "x", "unused": ' + "7" * 5000 + "}", None),
    ('{"title": "T", "abstract": "x", "unused": NaN, "also": 1e999}', None),
    ('{"title": "T", "abstract": "a raw \x00 NUL"}', "one JSON object per line"),
    ('{"title": "T"', "one JSON object per line"),
    ('{"title": "T", "abstract": "' + "x" * 1_100_000 + '"}', "more than 1,000,000; not read"),
])
def test_hostile_json_lines(tmp_path, line, reason):
    p = tmp_path / "h.jsonl"
    p.write_text(line + "\n" + _jsonl(GOOD))
    titles, reasons = outcome(p)
    if reason is None:
        assert titles == ["T", "One", "Two"] and not reasons
    else:
        assert titles == ["One", "Two"] and len(reasons) == 1 and reason in reasons[0]


def test_a_csv_field_over_the_old_limit_is_read_and_one_over_ours_rejected(tmp_path):
    p = tmp_path / "c.csv"
    p.write_text(f'title,abstract\nLong,"{"x" * 200_000}"\nHuge,"{"y" * 1_100_000}"\nOne,It is 2x faster.\n')
    titles, reasons = outcome(p)
    assert titles == ["Long", "One"] and len(reasons) == 1


def test_dates_are_read_and_a_year_alone_is_kept_as_a_year(tmp_path):
    from pipeline.ingest.dates import year_of
    p = tmp_path / "d.jsonl"
    p.write_text(_jsonl([{"title": t, "abstract": "x", **d} for t, d in [
        ("iso", {"date": "2024-05-01"}), ("year", {"year": 2023}), ("text year", {"year": "2022"}),
        ("month", {"published": "2021-07"}), ("update", {"update_date": "2020-01-02"}),
        ("unreadable", {"date": "sometime", "year": 2019}), ("none", {})]]))
    got = {r.title: (str(r.published), year_of(r.published, r.published_text)) for r in papers(p)}
    assert got == {"iso": ("2024-05-01", 2024), "year": ("None", 2023), "text year": ("None", 2022),
                   "month": ("None", 2021), "update": ("2020-01-02", 2020), "unreadable": ("None", 2019),
                   "none": ("None", None)}


LISTING = """Nov 5, 2024

First Paper

First paragraph of its abstract, which is long enough to be one.

A second paragraph of the same abstract, after a blank line inside it.

  • 2 authors
·
Mar 17

Second Paper

Its abstract has a short last paragraph.

Code: https://example.org/x

Third Paper

It is 2x faster than the second. It is dated the year before the page.

  • 99999999999 authors
·
Dec 30

Fourth Paper

Fourth abstract.
"""


def test_listing_entries_follow_the_structure_not_blank_lines_alone():
    recs = list(parse_listing(LISTING, "l.txt"))
    ps = [r for r in recs if isinstance(r, RawPaper)]
    assert [p.title for p in ps] == ["First Paper", "Second Paper", "Fourth Paper"]
    assert ps[0].abstract.endswith("after a blank line inside it.") and "\n\n" in ps[0].abstract
    assert ps[1].abstract.endswith("Code: https://example.org/x")
    assert str(ps[0].published) == "2024-03-17" and ps[0].n_authors == 2      # the year of the page date
    [bad] = [r for r in recs if isinstance(r, Problem)]
    assert "n_authors: 99999999999 does not fit" in bad.reason and bad.raw == "Third Paper"


def test_listing_dates_after_the_page_date_are_of_the_year_before():
    recs = list(parse_listing(LISTING.replace("99999999999", "3"), "l.txt"))
    assert [str(r.published) for r in recs if r.title == "Third Paper"] == ["2023-12-30"]


def test_listing_title_alone_between_entries_is_rejected_and_the_rest_paired():
    """After an entry's author/date lines a title comes; one followed by
    another title and its abstract has none. (Right after an abstract, a short
    line before a title is read as the abstract's last paragraph.)"""
    text = ("One\n\nIts abstract is long enough.\n\n  • 2 authors\n·\nMar 3\n\nA Title Alone\n\n"
            "Two\n\nIts abstract too.\n\nShort last paragraph\n\nThree\n\nThe third abstract.\n")
    recs = list(parse_listing(text, "l.txt"))
    assert [(type(r).__name__, getattr(r, "title", None) or r.reason) for r in recs] == [
        ("RawPaper", "One"), ("Problem", "a title with no abstract after it"), ("RawPaper", "Two"),
        ("RawPaper", "Three")]
    assert recs[2].abstract == "Its abstract too.\n\nShort last paragraph"


def test_the_spill_file_gives_back_every_record_as_it_was(tmp_path):
    """The one pass over the input keeps its records in a scratch Arrow file
    (ingest/spill.py), read back by position: it must hold every field of
    RawPaper and Problem, in their order."""
    import dataclasses
    import datetime as dt

    from pipeline.ingest import spill
    recs = [RawPaper("a.txt", 3, "T", "A b.", dt.date(2024, 3, 17), "Mar 17", 2, "x1"),
            Problem("a.txt", None, "papers", "why", "raw text"),
            RawPaper("b.jsonl", 1, "U", "C.", None, None, None, None)] * 3000
    writer = spill.SpillWriter(tmp_path / "s")
    for r in recs:
        writer.add(r)
    writer.close()
    assert list(spill.read(tmp_path / "s")) == recs
    assert [f.name for f in dataclasses.fields(RawPaper)] == spill.SCHEMA.names[:8]
    assert [f.name for f in dataclasses.fields(Problem)] == spill.SCHEMA.names[:2] + spill.SCHEMA.names[8:]


_words = st.text(st.sampled_from("abcdefgh XYZ-:0123456789"), min_size=1, max_size=60).map(str.strip).filter(bool)


@settings(max_examples=80, deadline=None)
@given(st.lists(st.tuples(_words.filter(lambda t: not t.endswith(".")),
                          st.lists(_words.map(lambda t: t + "."), min_size=1, max_size=3),
                          st.booleans()), min_size=1, max_size=6))
def test_listing_entries_are_read_back_whatever_their_paragraphs(entries):
    """A dump of titles, abstracts of one to three paragraphs (each a
    sentence: the title-like block is the ambiguous one, see listing.py) and
    optional author/date lines reads back entry for entry."""
    blocks = []
    for title, paragraphs, meta in entries:
        blocks += [title, *paragraphs] + (["  • 2 authors\n·\nMar 3"] if meta else [])
    got = list(parse_listing("\n\n".join(blocks) + "\n", "l.txt"))
    assert [(r.title, r.abstract) for r in got] == [(t, "\n\n".join(ps)) for t, ps, _ in entries]
