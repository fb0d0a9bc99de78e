"""The fast paths give the same answers as the slow ones.

Gazetteers (pipeline/gazetteer.py: devices, benchmarks, metrics, cues,
number words and baseline phrases) skip an entry when the text lacks a
literal every match of it contains, and run the others only in windows
around that literal; one Scanner finds the literals of all of them in one
pass. The checks of the claim stage that read the layers (a metric before a
score, a benchmark after it) stand for big alternations run on the text.
Those are shortcuts, so each is checked against running everything, on
texts built from the very words the resources list; and every doctest of
the package runs here.
"""
import doctest
import importlib
import pkgutil

import pytest
from hypothesis import given, settings, strategies as st

import pipeline
import regex

from pipeline import find, resources
from pipeline.decide import cues as cue_finding
from pipeline.doc import Doc
from pipeline.rules import default

from .conftest import raw_abstracts

R = default()
GAZ = R.scanner.gazetteers
MODULES = sorted(m.name for m in pkgutil.walk_packages(pipeline.__path__, "pipeline.")
                 if m.name != "pipeline.__main__")


@pytest.mark.parametrize("name", MODULES)
def test_doctests(name):
    result = doctest.testmod(importlib.import_module(name), optionflags=doctest.ELLIPSIS)
    assert result.failed == 0


def _patterns(name: str) -> list[str]:
    """The patterns of a gazetteer: a CSV resource's column, or the forms the
    device grammar (devices.toml) compiles into the scan."""
    if name == "devices.toml":
        return [e.pattern.pattern for e in GAZ["devices"].entries]
    return [r["pattern"] for r in resources.csv_rows(name)]


def _surfaces(csv_name: str) -> list[str]:
    """Words that make up the entries of a gazetteer, cut from its patterns."""
    import regex
    out = set()
    for pattern in _patterns(csv_name):
        out.update(w for w in regex.split(r"[^\w@.\-]+", pattern) if w)
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
    return words | _examples(_patterns(csv_name))


def _brute(gaz, text):
    return [(i, m.span()) for i, e in enumerate(gaz.entries) for m in e.pattern.finditer(text)]


@settings(max_examples=400, deadline=None)
@given(_texts("devices.toml"))
def test_hardware_gazetteer_equals_running_every_entry(text):
    gaz = GAZ["devices"]
    assert [(i, m.span()) for i, m in gaz.finditer(text)] == _brute(gaz, text)


@settings(max_examples=400, deadline=None)
@given(_texts("datasets.csv"))
def test_dataset_gazetteer_equals_running_every_entry(text):
    gaz = GAZ["benchmarks"]
    assert [(i, m.span()) for i, m in gaz.finditer(text)] == _brute(gaz, text)


@settings(max_examples=400, deadline=None)
@given(_texts("metrics.csv"))
def test_metric_gazetteer_equals_running_every_entry(text):
    gaz = GAZ["metrics"]
    assert [(i, m.span()) for i, m in gaz.finditer(text)] == _brute(gaz, text)


def _number_word_texts():
    q = resources.toml("quantities.toml")
    words = [*q["cardinals"], *q["factor_words"], *q["fraction_words"]]
    words += [w.title() for w in words] + [w.upper() for w in words[:5]]
    units = [s for s in R.units.physical_map if s.isalpha()]
    units += [u.title() for u in units]
    glue = ["times", "fold", "-fold", "x", "×", "X", " ", " ", "-", ",", "3", "é", "the", "someone", "ſix", "ſ"]
    piece = st.sampled_from(words) | st.sampled_from(units) | st.sampled_from(glue)
    return st.lists(piece, max_size=8).map("".join)


@settings(max_examples=600, deadline=None)
@given(_number_word_texts() | _examples([e.pattern.pattern for e in GAZ["number_words"].entries]))
def test_number_word_gazetteer_equals_running_every_pattern(text):
    gaz = GAZ["number_words"]
    assert [(i, m.span()) for i, m in gaz.finditer(text)] == _brute(gaz, text)


def _cue_words() -> list[str]:
    import regex
    words = set()
    for c in resources.toml("cues.toml")["cue"]:
        words.update(w for w in regex.split(r"[^\w@.\-]+", c["pattern"]) if w)
    return sorted(words)


@settings(max_examples=400, deadline=None)
@given(st.lists(st.sampled_from(_cue_words() + NOISE + ["TTFT", "Latency", "ſ"]), max_size=20).map("".join)
       | _examples([c.pattern.pattern for c in R.cues]),
       st.integers(0, 400), st.integers(0, 400))
def test_cue_gazetteer_within_a_span_equals_running_every_cue(text, a, b):
    """Cues are looked for within one sentence of the abstract (pos, endpos)."""
    pos, end = sorted((min(a, len(text)), min(b, len(text))))
    gaz = GAZ["cues"]
    brute = [(i, m.span()) for i, e in enumerate(gaz.entries) for m in e.pattern.finditer(text, pos, end)]
    assert [(i, m.span()) for i, m in gaz.finditer(text, pos, end)] == brute


GLUE = [" of ", " on ", " on the ", " for ", " in ", " score", " rate", " is ", ": ", " = ", " up to ", " only ",
        " reaches ", " achieves ", "a ", "  "]


def _scoped(p) -> str:
    return f"(?{'i' if p.flags & regex.I else '-i'}:{p.pattern})"


def _alternations() -> dict:
    """The checks as one regex each over every metric or benchmark name (the slow way)."""
    metrics = "|".join(_scoped(m.pattern) for m in R.metrics)
    benchmarks = "|".join(_scoped(e.pattern) for e in GAZ["benchmarks"].entries)
    return {
        "metric_before": regex.compile(r"(?:" + metrics + r")" + R.context["metric_to_value"].pattern + r"\Z"),
        "metric_at": regex.compile(r"\s*(?:" + metrics + r")"),
        "benchmark_after": regex.compile(R.context["value_to_dataset"].pattern + r"(?:" + benchmarks + r")"),
        "benchmark_bracket": regex.compile(r"(?:" + benchmarks + r")\s*\(\s*\Z"),
    }


@settings(max_examples=400, deadline=None)
@given(st.lists(st.sampled_from(_surfaces("metrics.csv") + _surfaces("datasets.csv") + NOISE + GLUE),
                max_size=12).map("".join), st.integers(0, 60))
def test_layer_checks_equal_their_alternations(text, pos):
    """metric_before, metric_at, benchmark_after and benchmark_before_bracket
    read the metric and benchmark layers instead of running an alternation of
    every name; on a window ending at pos (left) or starting there (right)
    of the whole text they answer as the alternation does. A window of the
    extractor starts or ends where a number does, never inside a word, nor
    at the hyphen of a hyphenated one ("ROUGE-L": the name is one hit)."""
    from hypothesis import assume
    pos = min(pos, len(text))
    assume(not (0 < pos < len(text) and text[pos - 1].isalnum() and text[pos].isalnum()))
    hyphen = lambda i: 0 < i < len(text) - 1 and text[i] == "-" and text[i - 1].isalnum() \
        and text[i + 1].isalnum()                                       # noqa: E731
    assume(not (hyphen(pos) or hyphen(pos - 1)))
    hits = find.scan(text, R, [(0, len(text))], layers=["metrics", "benchmarks"])
    doc = Doc("p", text, text, benchmarks=tuple(hits["benchmarks"]), metrics=tuple(hits["metrics"]))
    slow = _alternations()
    assert cue_finding.metric_before(doc, 0, pos, R) == bool(slow["metric_before"].search(text, 0, pos))
    assert cue_finding.metric_at(doc, pos, len(text)) == bool(slow["metric_at"].match(text, pos))
    assert (cue_finding.benchmark_after(doc, pos, len(text), R) is not None) == \
        bool(slow["benchmark_after"].match(text, pos))
    assert cue_finding.benchmark_before_bracket(doc, 0, pos, R) == \
        bool(text[:pos].rstrip().endswith("(") and slow["benchmark_bracket"].search(text, 0, pos))


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


GAZETTEERS = {"devices.toml": lambda: GAZ["devices"], "datasets.csv": lambda: GAZ["benchmarks"],
              "metrics.csv": lambda: GAZ["metrics"]}


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
    """Every pattern the rules compile to search from the end (rules._backwards_if_anchored)."""
    pats = {k: p for k, p in R.context.items() if p.flags & regex.REVERSE}
    pats.update({"not_claim.before": R.not_claim["before"], "merit_of": R.merit_of})
    pats.update({f"qualifier.{q}": p for q, p in R.qualifier_before})
    return pats


def _forwards(p):
    import regex
    return regex.compile(p.pattern, p.flags & ~regex.REVERSE)


@pytest.mark.slow
def test_backwards_patterns_answer_as_forwards_on_the_raw_abstracts():
    """A pattern compiled backwards: searching from the end says yes exactly when
    searching from the start does, on every left context of every 5th
    character of the raw abstracts."""
    pats = _backwards_patterns()
    assert len(pats) >= 10 and all(p.flags & regex.REVERSE for p in pats.values())
    for text in raw_abstracts()[::3]:
        for end in range(0, len(text), 5):
            for width in (40, 110):
                left = text[max(0, end - width):end]
                for name, p in pats.items():
                    assert bool(p.search(left)) == bool(_forwards(p).search(left)), (name, left)


@settings(max_examples=300, deadline=None)
@given(st.data())
def test_backwards_patterns_answer_as_forwards_on_their_own_words(data):
    pats = _backwards_patterns()
    name = data.draw(st.sampled_from(sorted(pats)))
    words = sorted(set(regex.findall(r"[A-Za-z@]+", pats[name].pattern)))
    text = data.draw(st.lists(st.sampled_from(words + [" ", "  ", ", ", "(", "3", "-", "up ", "by "]),
                              max_size=12).map("".join))
    assert bool(pats[name].search(text)) == bool(_forwards(pats[name]).search(text))


@pytest.mark.slow
@settings(max_examples=200, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 2), _texts("devices.toml") | _texts("datasets.csv")), max_size=6))
def test_a_scanner_finds_what_each_gazetteer_finds_alone(calls):
    """gazetteer.Scanner finds the literals of all its gazetteers in one
    pass: each gazetteer, over any text and any span of it, finds what it
    finds with its own scan."""
    from pipeline.gazetteer import Gazetteer, Scanner
    sources = [_patterns(n) for n in ("devices.toml", "datasets.csv", "metrics.csv")]
    names = ["a", "b", "c"]
    scanner = Scanner({n: Gazetteer(p, r"(?<![\w\-.])", r"(?![\w])") for n, p in zip(names, sources)})
    alone = [Gazetteer(p, r"(?<![\w\-.])", r"(?![\w])") for p in sources]
    for m, text in calls:
        places = scanner.places(text)
        assert [(i, x.span()) for i, x in scanner.finditer(names[m], text, places)] == \
            [(i, x.span()) for i, x in alone[m].finditer(text)]
        half = [(0, len(text) // 2), (len(text) // 2, len(text))]
        assert [(i, x.span()) for i, x in scanner.finditer(names[m], text, places, half)] == \
            [(i, x.span()) for a, b in half for i, x in alone[m].finditer(text, a, b)]


def _guarded_patterns() -> dict:
    """Every pattern of the rules guarded by its literals (pipeline/guarded.py), by where it is."""
    import dataclasses
    from collections.abc import Mapping
    from pipeline.guarded import Guarded
    found = {}

    def walk(x, path: str) -> None:
        if isinstance(x, Guarded):
            found[path] = x
        elif dataclasses.is_dataclass(x) and not isinstance(x, type):
            for f in dataclasses.fields(x):
                walk(getattr(x, f.name), f"{path}.{f.name}")
        elif isinstance(x, Mapping):
            for k, v in x.items():
                walk(v, f"{path}[{k!r}]")
        elif isinstance(x, tuple):
            for i, v in enumerate(x):
                walk(v, f"{path}[{i}]")
    walk(R, "rules")
    return found


GUARDED = _guarded_patterns()
# what `regex` matches with an ASCII letter ignoring case, beside the letter itself
CASE_TWINS = {"s": "ſ", "k": "\u212a", "i": "İ", "S": "ſ", "K": "\u212a", "I": "ı"}


def _answers(p, text: str, pos: int, end: int) -> tuple:
    span = lambda m: None if m is None else (m.span(), m.groups())       # noqa: E731
    return (span(p.search(text, pos, end)), span(p.match(text, pos, end)), span(p.fullmatch(text, pos, end)),
            [span(m) for m in p.finditer(text, pos, end)], p.sub("#", text), p.split(text))


@settings(max_examples=600, deadline=None)
@given(st.data())
def test_guarded_patterns_answer_as_their_patterns(data):
    """A guarded pattern answers "no match" without running when the text
    lacks all of the literals it needs; over texts of its own words and
    literals (in either case, or with a letter that folds to an ASCII one),
    within any pos and endpos, each method answers as the pattern does."""
    assert len(GUARDED) >= 60
    name = data.draw(st.sampled_from(sorted(GUARDED)))
    g = GUARDED[name]
    words = sorted(set(regex.findall(r"[A-Za-z@]+", g.pattern)))
    literals = sorted(set(g.needs or ()) | {lit for _, _, lits in g.starts or () for lit in lits})
    twin = st.sampled_from(literals).map(lambda n: "".join(CASE_TWINS.get(c, c) for c in n))
    piece = st.sampled_from(words + literals + [" ", "  ", ", ", "(", ")", "3", "2.5x", "-", "$", "}", "\n"]) \
        | st.sampled_from(literals).map(str.upper) | twin
    text = data.draw(st.lists(piece, max_size=12).map("".join))
    pos, end = sorted(data.draw(st.tuples(st.integers(0, len(text)), st.integers(0, len(text)))))
    assert _answers(g, text, pos, end) == _answers(g.compiled, text, pos, end), (name, text)


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(["}", "$", "}$", "$}", " ", "x", "\\%", "3", "ſ"]), max_size=8).map("".join),
       st.integers(0, 20), st.integers(0, 20))
def test_the_latex_closer_is_read_as_its_pattern_reads_it(text, a, b):
    """Units.latex_end runs latex_wrap only after a character its matches
    start with (gazetteer.opening_characters); elsewhere it says no LaTeX."""
    u = R.units
    assert u.latex_openers
    pos, end = min(a, len(text)), min(b, len(text))
    m = u.latex_wrap.match(text, pos, end)
    assert u.latex_end(text, pos, end) == (m.end() if m else pos)
    m = u.latex_wrap.match(text, pos)
    assert u.latex_end(text, pos) == (m.end() if m else pos)
