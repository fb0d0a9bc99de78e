"""The fast paths give the same answers as the slow ones.

Gazetteers (pipeline/gazetteer.py: hardware, datasets, metrics, cues and
number words) skip an entry when the text lacks a literal every match of
it contains, and run the others only in windows around that literal. Those
are shortcuts, so each is checked against running everything, on texts
built from the very words the resources list; and every doctest of the
package runs here.
"""
import doctest
import importlib
import pkgutil

import pytest
from hypothesis import given, settings, strategies as st

import pipeline
from pipeline import hardware, lexicon, quantities, resources

from .conftest import raw_abstracts

MODULES = sorted(m.name for m in pkgutil.walk_packages(pipeline.__path__, "pipeline.")
                 if m.name != "pipeline.__main__")


@pytest.mark.parametrize("name", MODULES)
def test_doctests(name):
    result = doctest.testmod(importlib.import_module(name), optionflags=doctest.ELLIPSIS)
    assert result.failed == 0


def _surfaces(csv_name: str) -> list[str]:
    """Words that make up the entries of a gazetteer, cut from its patterns."""
    import regex
    out = set()
    for row in resources.csv_rows(csv_name):
        out.update(w for w in regex.split(r"[^\w@.\-]+", row["pattern"]) if w)
    return sorted(out)


NOISE = [" ", "  ", ", ", "-", ".", "(", ")", "NVIDIA ", "nvidia ", "Tesla ", "RTX ", "GPUs", "x",
         "on ", "the ", "é", "İ", "ſ", "\u212a", "ß", "\u200b", "2", "80GB", "SXM", "Pro", "Verified", "top-1 ", "@"]


def _examples(patterns: list[str]):
    """Texts that match one of the patterns (hypothesis.from_regex reads `re`
    syntax; regex-only classes become \\w), within noise."""
    from pipeline.gazetteer import _re_syntax
    import re
    readable = []
    for p in patterns:
        try:
            readable.append(re.compile(_re_syntax(p)))
        except re.error:
            pass
    noise = st.lists(st.sampled_from(NOISE), max_size=3).map("".join)
    example = st.sampled_from(readable).flatmap(lambda r: st.from_regex(r, fullmatch=True))
    return st.tuples(noise, example, noise, example).map("".join)


def _texts(csv_name: str):
    words = st.lists(st.sampled_from(_surfaces(csv_name) + NOISE), max_size=25).map("".join)
    return words | _examples([r["pattern"] for r in resources.csv_rows(csv_name)])


def _brute(gaz, text):
    return [(i, m.span()) for i, e in enumerate(gaz.entries) for m in e.pattern.finditer(text)]


@settings(max_examples=400, deadline=None)
@given(_texts("hardware.csv"))
def test_hardware_gazetteer_equals_running_every_entry(text):
    gaz = hardware.gazetteer()[1]
    assert [(i, m.span()) for i, m in gaz.finditer(text)] == _brute(gaz, text)


@settings(max_examples=400, deadline=None)
@given(_texts("datasets.csv"))
def test_dataset_gazetteer_equals_running_every_entry(text):
    gaz = lexicon._dataset_gazetteer()
    assert [(i, m.span()) for i, m in gaz.finditer(text)] == _brute(gaz, text)


@settings(max_examples=400, deadline=None)
@given(_texts("metrics.csv"))
def test_metric_gazetteer_equals_running_every_entry(text):
    gaz = lexicon._metric_gazetteer()
    assert [(i, m.span()) for i, m in gaz.finditer(text)] == _brute(gaz, text)


def _number_word_texts():
    q = resources.toml("quantities.toml")
    words = [*q["cardinals"], *q["factor_words"], *q["fraction_words"]]
    words += [w.title() for w in words] + [w.upper() for w in words[:5]]
    units = [s for s in quantities.units().physical_map if s.isalpha()]
    units += [u.title() for u in units]
    glue = ["times", "fold", "-fold", "x", "×", "X", " ", " ", "-", ",", "3", "é", "the", "someone", "ſix", "ſ"]
    piece = st.sampled_from(words) | st.sampled_from(units) | st.sampled_from(glue)
    return st.lists(piece, max_size=8).map("".join)


@settings(max_examples=600, deadline=None)
@given(_number_word_texts() | _examples([e.pattern.pattern for e in quantities.units().number_words.entries]))
def test_number_word_gazetteer_equals_running_every_pattern(text):
    gaz = quantities.units().number_words
    assert [(i, m.span()) for i, m in gaz.finditer(text)] == _brute(gaz, text)


def _cue_words() -> list[str]:
    import regex
    words = set()
    for c in resources.toml("cues.toml")["cue"]:
        words.update(w for w in regex.split(r"[^\w@.\-]+", c["pattern"]) if w)
    return sorted(words)


@settings(max_examples=400, deadline=None)
@given(st.lists(st.sampled_from(_cue_words() + NOISE + ["TTFT", "Latency", "ſ"]), max_size=20).map("".join)
       | _examples([c["pattern"] for c in lexicon._cue_rows()]),
       st.integers(0, 400), st.integers(0, 400))
def test_cue_gazetteer_within_a_span_equals_running_every_cue(text, a, b):
    """Cues are looked for within one sentence of the abstract (pos, endpos)."""
    pos, end = sorted((min(a, len(text)), min(b, len(text))))
    gaz = lexicon.cue_gazetteer()
    brute = [(i, m.span()) for i, e in enumerate(gaz.entries) for m in e.pattern.finditer(text, pos, end)]
    assert [(i, m.span()) for i, m in gaz.finditer(text, pos, end)] == brute


GLUE = [" of ", " on ", " on the ", " for ", " in ", " score", " rate", " is ", ": ", " = ", " up to ", " only ",
        " reaches ", " achieves ", "a ", "  "]


@settings(max_examples=400, deadline=None)
@given(st.lists(st.sampled_from(_surfaces("metrics.csv") + _surfaces("datasets.csv") + NOISE + GLUE),
                max_size=12).map("".join), st.integers(0, 60))
def test_guarded_patterns_equal_their_regex(text, pos):
    """metric_before_value, metric_at_start and dataset_after_value answer
    without the regex engine when no metric or dataset name can be there."""
    pos = min(pos, len(text))
    for guarded in (lexicon.metric_before_value(), lexicon.metric_at_start(), lexicon.dataset_after_value()):
        for method in ("search", "match"):
            fast = getattr(guarded, method)(text, pos)
            slow = getattr(guarded.pattern, method)(text, pos)
            assert (fast and fast.span()) == (slow and slow.span())


MIXED = ["(?:NVIDIA )?H100", r"\d+ GPUs?", r"[A-Z]{2}\d", r"(?i:(?:peak )*memory)", "x"]


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(["NVIDIA ", "H100", "8", "16 ", " GPUs", "GPU", "AB", "A", "Peak ",
                                 "peak ", "Memory", "x", " ", "ſ", "ß"]), max_size=15).map("".join))
def test_anchored_scanned_and_unfiltered_entries_together(text):
    """Entries of each kind (anchored; with a required literal only; with
    none) in one gazetteer find what running each everywhere finds."""
    from pipeline.gazetteer import Gazetteer
    gaz = Gazetteer(MIXED, r"(?<![\w])", r"(?![\w])")
    assert [(e.anchored, e.literals is not None) for e in gaz.entries] == \
        [(True, True), (False, True), (False, False), (True, True), (True, True)]
    assert [(i, m.span()) for i, m in gaz.finditer(text)] == _brute(gaz, text)


GAZETTEERS = {"hardware.csv": lambda: hardware.gazetteer()[1], "datasets.csv": lexicon._dataset_gazetteer,
              "metrics.csv": lexicon._metric_gazetteer}


@settings(max_examples=400, deadline=None)
@given(st.sampled_from(sorted(GAZETTEERS)).flatmap(lambda name: st.tuples(st.just(name), _texts(name))))
def test_every_match_starts_with_a_leading_literal(named_text):
    """The analysis behind anchored entries (gazetteer.leading_literals):
    running every entry everywhere, each match starts with one of the
    literals its entry is tried at."""
    name, text = named_text
    gaz = GAZETTEERS[name]()
    for i, span in _brute(gaz, text):
        e = gaz.entries[i]
        if e.anchored:
            starts = [gaz.keys[k] for k in e.literals]
            at = text[span[0]:]
            assert any((at.casefold() if folded else at).startswith(lit) for lit, folded in starts), \
                (e.pattern.pattern, text[span[0]:span[1]])


def _backwards_patterns() -> dict:
    from pipeline import attributes, claims
    pats = {"to_left": claims._TO_LEFT, "by_left": claims._BY_LEFT, "change_left": claims._CHANGE_LEFT,
            "average_before": claims._AVERAGE_BEFORE, "sibling_end": claims._SIBLING_END,
            "score_verb_before": claims._SCORE_VERB,
            "in_phrase": attributes._IN_PHRASE, "not_claim.before": lexicon.not_claim()[1],
            "metric_before_value": lexicon.metric_before_value().pattern}
    pats.update({f"qualifier.{q}": p for q, p in lexicon.qualifier_patterns()[0]})
    return pats


def _forwards(p):
    import regex
    return regex.compile(p.pattern, p.flags & ~regex.REVERSE)


def test_backwards_patterns_answer_as_forwards_on_the_raw_abstracts():
    """lexicon.backwards: searching from the end says yes exactly when
    searching from the start does, on every left context of every 5th
    character of the raw abstracts."""
    pats = _backwards_patterns()
    assert len(pats) >= 10 and all(p.flags & __import__("regex").REVERSE for p in pats.values())
    for text in raw_abstracts()[::3]:
        for end in range(0, len(text), 5):
            for width in (40, 110):
                left = text[max(0, end - width):end]
                for name, p in pats.items():
                    assert bool(p.search(left)) == bool(_forwards(p).search(left)), (name, left)


@settings(max_examples=300, deadline=None)
@given(st.data())
def test_backwards_patterns_answer_as_forwards_on_their_own_words(data):
    import regex
    pats = _backwards_patterns()
    name = data.draw(st.sampled_from(sorted(pats)))
    words = sorted(set(regex.findall(r"[A-Za-z@]+", pats[name].pattern)))
    text = data.draw(st.lists(st.sampled_from(words + [" ", "  ", ", ", "(", "3", "-", "up ", "by "]),
                              max_size=12).map("".join))
    assert bool(pats[name].search(text)) == bool(_forwards(pats[name]).search(text))


@settings(max_examples=200, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 2), _texts("hardware.csv") | _texts("datasets.csv")), max_size=6))
def test_a_group_of_gazetteers_finds_what_each_finds_alone(calls):
    """gazetteer.Group scans a text once for all its members and keeps the
    last text's places: members asked in any order, about any texts, find
    what each finds with its own scan."""
    from pipeline.gazetteer import Gazetteer, Group
    group = Group()
    sources = [[r["pattern"] for r in resources.csv_rows(n)] for n in ("hardware.csv", "datasets.csv", "metrics.csv")]
    grouped = [Gazetteer(p, r"(?<![\w\-.])", r"(?![\w])", group=group) for p in sources]
    alone = [Gazetteer(p, r"(?<![\w\-.])", r"(?![\w])") for p in sources]
    for m, text in calls:
        assert [(i, x.span()) for i, x in grouped[m].finditer(text)] == \
            [(i, x.span()) for i, x in alone[m].finditer(text)]
