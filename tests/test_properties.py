"""Property tests: any text goes through the extractors without an error,
and every row's offsets are valid."""
from hypothesis import given, settings, strategies as st

from pipeline import quantities, sentences
from pipeline.extract import extract
from pipeline.records import Paper

ALPHABET = st.sampled_from(list("0123456789 .,-~%x×$\\{}()[]+/:;abcXYZ")
                           + ["times", " up to ", "GB", "ms", "faster", " by ", "FLOPs",
                              "accuracy", "A100", " and ", "respectively", "\n", "é", "\u200b", "ſix", "İ"])
TEXT = st.lists(ALPHABET, max_size=60).map("".join) | st.text(max_size=300)


@settings(max_examples=300, deadline=None)
@given(TEXT)
def test_quantities_offsets_are_valid(text):
    for m in quantities.find(text):
        assert text[m.start:m.end] == m.text
        assert m.value_max is None or m.value_max >= m.value


@settings(max_examples=300, deadline=None)
@given(TEXT)
def test_sentences_cover_text_in_order(text):
    spans = sentences.split(text)
    assert all(0 <= s < e <= len(text) for s, e in spans)
    assert all(a[1] <= b[0] for a, b in zip(spans, spans[1:]))


@settings(max_examples=200, deadline=None)
@given(TEXT)
def test_extraction_never_raises_and_spans_hold(text):
    ex = extract(Paper("0" * 16, "t", text, ["x"]))
    for row in ex.claims + ex.quantities + ex.hardware:
        assert text[row.char_start:row.char_end] == row.text


@given(st.floats(min_value=0, max_value=1e6, allow_nan=False).map(lambda f: round(f, 2)))
def test_number_round_trip(x):
    s = f"{x:,.2f}"
    assert quantities.parse_number(s) == float(s.replace(",", ""))
