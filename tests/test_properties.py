"""Property tests: any text goes through the extractors without an error,
and every row's offsets are valid."""
import textwrap

from hypothesis import example, given, settings, strategies as st

from pipeline import find
from pipeline.extract import extract
from pipeline.find import sentences
from pipeline.find.quantities import parse_number
from pipeline.find.reading import reading_copy
from pipeline.records import Paper
from pipeline.rules import default

from .conftest import raw_abstracts

ALPHABET = st.sampled_from(list("0123456789 .,-~%x×$\\{}()[]+/:;abcXYZ")
                           + ["times", " up to ", "GB", "ms", "faster", " by ", "FLOPs", "\\textbf{", "~\\cite{",
                              "accuracy", "A100", " and ", "respectively", "\n", "é", "\u200b", "ſix", "İ"])
R = default()
TEXT = st.lists(ALPHABET, max_size=60).map("".join) | st.text(max_size=300)


@settings(max_examples=300, deadline=None)
@example("$0$times")
@given(TEXT)
def test_quantities_offsets_are_valid(text):
    """The Doc's numbers are spans of its reading copy (LaTeX markup blanked:
    "$0$times" reads " 0 times"); the rows written are spans of the text."""
    doc = find.document("p", text, R)
    for m in doc.numbers:
        assert doc.read[m.start:m.end] == m.text
        assert m.value_max is None or m.value_max >= m.value
    for q in extract(Paper("p" * 16, "t", text, ["s"]), R).quantities:
        assert text[q.char_start:q.char_end] == q.text


@settings(max_examples=300, deadline=None)
@given(TEXT)
def test_sentences_cover_text_in_order(text):
    spans = sentences.split(text, R)
    assert all(0 <= s < e <= len(text) for s, e in spans)
    assert all(a[1] <= b[0] for a, b in zip(spans, spans[1:]))


@settings(max_examples=200, deadline=None)
@given(TEXT)
def test_extraction_never_raises_and_spans_hold(text):
    ex = extract(Paper("0" * 16, "t", text, ["x"]), R)
    for row in ex.claims + ex.quantities + ex.hardware:
        assert text[row.char_start:row.char_end] == row.text


@settings(max_examples=300, deadline=None)
@given(TEXT)
def test_reading_copy_keeps_every_offset(text):
    read = reading_copy(text, R)
    assert len(read) == len(text)
    assert all(a == b or b == " " for a, b in zip(text, read))


def _rows(text: str) -> list[tuple]:
    ex = extract(Paper("0" * 16, "t", text, ["x"]), R)
    for row in ex.claims + ex.quantities + ex.hardware:
        assert text[row.char_start:row.char_end] == row.text
    for c in ex.claims:
        assert text[c.sentence_start:c.sentence_start + len(c.sentence)] == c.sentence
    return [(c.char_start, c.char_end, c.claim_type, c.form, c.value, c.factor, c.qualifier, c.direction,
             c.subject, c.baseline, c.hardware, c.metric, c.dataset) for c in ex.claims] + \
           [(q.char_start, q.char_end, q.value, q.unit, q.is_claim) for q in ex.quantities] + \
           [(h.char_start, h.hardware, h.count) for h in ex.hardware]


def test_line_wrapped_abstracts_give_the_same_rows():
    """The arXiv snapshot wraps abstracts at ~80 characters: a line break
    reads as the space it replaced (wrapping at 80 lost 24 of 1,503 claims
    of the raw and external abstracts, and changed 68, before)."""
    for text in raw_abstracts()[::2]:
        for width in (50, 80):
            wrapped = textwrap.fill(text, width, break_long_words=False, break_on_hyphens=False)
            if len(wrapped) == len(text):      # only spaces became line breaks
                assert _rows(wrapped) == _rows(text), text[:60]


@given(st.floats(min_value=0, max_value=1e6, allow_nan=False).map(lambda f: round(f, 2)))
def test_number_round_trip(x):
    s = f"{x:,.2f}"
    assert parse_number(s) == float(s.replace(",", ""))
