"""The engines of the one scan per abstract give what running `regex` gives.

The gazetteer scan (pipeline/gazetteer.py) skips an entry when RE2 finds
no match of its superset in the text (a pattern without lookarounds that
matches wherever the entry does), finds the literals with Hyperscan, and
does not try an entry after a character its leading lookbehind bars. The
quantity stage (pipeline/find/quantities.py) reads a number and what
follows it with one joined pattern instead of a chain of calls. Each
shortcut is held here to the slow way, on texts built from the resources'
own words with characters beyond ASCII ("ſ" and the Kelvin sign fold to
ASCII letters, "ß" and "ﬁ" change the length of the case-folded text, a
lone surrogate has no UTF-8).
"""
import pickle
import threading
from dataclasses import replace

import re2
import regex
from hypothesis import given, settings, strategies as st

from pipeline import resources
from pipeline.find import quantities
from pipeline.gazetteer import Gazetteer
from pipeline.rules import default

R = default()
GAZ = R.scanner.gazetteers
UNICODE = ["é", "ſ", "\u212a", "ß", "ﬁ", "İ", "\u00a0", "\u2009", "−", "×", "\u200b", "\ud800"]
NOISE = [" ", "  ", ", ", "-", ".", "(", ")", "\n", "2", "80GB", "x", "on ", "the ", "@", "/", "'s"] + UNICODE


def _words(patterns: list[str]) -> list[str]:
    out = set()
    for p in patterns:
        out.update(w for w in regex.split(r"[^\w@.\-+%]+", p) if w)
    return sorted(out)


WORDS = {name: _words([e.pattern.pattern for e in g.entries]) for name, g in GAZ.items()}


FOLDS = {"s": "ſ", "k": "\u212a", "K": "\u212a", "e": "é", "i": "İ", "fi": "ﬁ", "ss": "ß"}


def _folded(word: str, which: int) -> str:
    """`word` with one of its letters written as a character beyond ASCII
    that case-folds to it (or looks like it)."""
    keys = [k for k in FOLDS if k in word]
    return word.replace(keys[which % len(keys)], FOLDS[keys[which % len(keys)]], 1) if keys else word


def _examples(name: str):
    """Texts matching an entry: hypothesis writes them from the entry's
    pattern (`re` syntax; regex-only classes as \\w), any characters."""
    import re
    from pipeline.gazetteer import _re_syntax
    readable = []
    for e in GAZ[name].entries:
        try:
            readable.append(re.compile(_re_syntax(e.pattern.pattern), re.I if e.pattern.flags & regex.I else 0))
        except re.error:
            pass
    return st.sampled_from(readable).flatmap(lambda r: st.from_regex(r, fullmatch=True))


def _text(name: str):
    word = st.sampled_from(WORDS[name])
    pieces = word | word.map(str.upper) | st.tuples(word, st.integers(0, 5)).map(lambda w: _folded(*w)) \
        | st.sampled_from(NOISE)
    return st.lists(pieces, max_size=20).map("".join) | st.tuples(
        st.sampled_from(NOISE), _examples(name), st.sampled_from(NOISE)).map("".join)


def _all_layers():
    return st.sampled_from(sorted(GAZ)).flatmap(lambda name: st.tuples(st.just(name), _text(name)))


def _brute(g: Gazetteer, text: str, pos: int = 0, end: int | None = None):
    end = len(text) if end is None else end
    return [(i, m.span()) for i, e in enumerate(g.entries) for m in e.pattern.finditer(text, pos, end)]


@settings(max_examples=500, deadline=None)
@given(_all_layers(), st.integers(0, 300), st.integers(0, 300))
def test_every_match_is_a_match_of_the_superset_and_follows_no_barred_character(named, a, b):
    name, text = named
    pos, end = sorted((min(a, len(text)), min(b, len(text))))
    for e in GAZ[name].entries:
        for m in e.pattern.finditer(text, pos, end):
            if e.superset is not None and "\ud800" not in m.group():
                assert re2.fullmatch(e.superset, m.group()), (e.pattern.pattern, m.group())
            assert not (m.start() and text[m.start() - 1] in e.barred), (e.pattern.pattern, text, m.span())


@settings(max_examples=500, deadline=None)
@given(_all_layers(), st.integers(0, 300), st.integers(0, 300))
def test_the_scanner_finds_what_running_every_entry_finds(named, a, b):
    """Over the whole text and over a span of it, every layer, any characters."""
    name, text = named
    pos, end = sorted((min(a, len(text)), min(b, len(text))))
    places = R.scanner.places(text)
    assert [(i, m.span()) for i, m in R.scanner.finditer(name, text, places)] == _brute(GAZ[name], text)
    assert [(i, m.span()) for i, m in R.scanner.finditer(name, text, places, [(pos, end)])] == \
        _brute(GAZ[name], text, pos, end)


def test_a_failed_filter_or_an_unreadable_text_tries_every_entry():
    """A lone surrogate (no UTF-8) and a text RE2 gives no answer for fall
    back to trying the entries, as before the filter."""
    g = Gazetteer(["H100", "A100s?", r"\d+ GPUs"], r"(?<![\w])", r"(?![\w])")
    text = "8 GPUs: A100s and H100\ud800 H100"
    assert [(i, m.span()) for i, m in g.finditer(text)] == _brute(g, text)
    found = g.find("H100 and 8 GPUs")
    assert found.passing == {0, 2}
    unfiltered = found._replace(passing=None)
    assert [(i, m.span()) for i, m in g.finditer("H100 and 8 GPUs", found=unfiltered)] == \
        _brute(g, "H100 and 8 GPUs")


def test_the_scanner_survives_pickling_and_threads():
    """A Scanner pickles (its engines compile anew) and scans from several
    threads at once (Hyperscan's scratch space is per thread)."""
    texts = ["COCO on 8 A100 GPUs, 2.5x faster than vLLM", "ImageNet top-1 accuracy of 81.2%", "ſpeedup ﬁne"]
    want = [{name: list(R.scanner.finditer(name, t, R.scanner.places(t))) for name in GAZ} for t in texts]
    want = [{k: [(i, m.span()) for i, m in v] for k, v in w.items()} for w in want]
    for g in GAZ.values():
        g.find(texts[0])                   # each gazetteer's own engine, compiled: a cache, not pickled
    again = pickle.loads(pickle.dumps(R.scanner))
    assert pickle.loads(pickle.dumps(GAZ["cues"])).find(texts[0]) == GAZ["cues"].find(texts[0])

    def spans(scanner, t):
        places = scanner.places(t)
        return {name: [(i, m.span()) for i, m in scanner.finditer(name, t, places)] for name in GAZ}
    assert [spans(again, t) for t in texts] == want
    errors, got = [], []

    def work():
        try:
            for _ in range(30):
                got.append([spans(R.scanner, t) for t in texts])
        except Exception as e:      # noqa: BLE001 - the test reports it
            errors.append(e)
    threads = [threading.Thread(target=work) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors and all(g == want for g in got)


# ---- the quantity stage's joined pattern ----------------------------------------

Q = resources.toml("quantities.toml")
QUANTITY_PIECES = ["2", "2.5", "1,024", "12", "-3", "+", "+1.3", "0.5", " ", "  ", "\u00a0", "~", "\\,", "}", "$",
                   "e-3", " x 10^4", "×10−5", "10^{3}", "^", "/", "s", "B", "M", "K", " GB", "GB", " ms", " hours",
                   " and ", "between ", "from ", "ranging from ", " to ", "-", "--", "–", "%", "\\%", " mAP", " AP",
                   " points", "pp", " per second", " queries/sec", " tokens/s", " million events per second", " thousand queries per second", " samples/s", " MEPS",
                   "x", "X", "times", "-fold", " fold", "ile", "3D", "ResNet-50", "Table ", "by a factor of ",
                   "(", ")", ",", ".", "ſ", "é", "İ"] + Q["factor_tokens"] + Q["percent_tokens"]


@settings(max_examples=1500, deadline=None)
@given(st.lists(st.sampled_from(QUANTITY_PIECES), max_size=14).map("".join))
def test_the_joined_pattern_reads_what_the_chain_of_calls_reads(text):
    assert R.units.reader is not None
    part_by_part = replace(R, units=replace(R.units, reader=None))
    assert quantities.find(text, R) == quantities.find(text, part_by_part)


def test_a_part_that_cannot_be_joined_leaves_the_chain():
    """A part with flags of its own (here: verbose) cannot be joined: no
    joined pattern, and find reads number by number."""
    units = replace(R.units, percent=regex.compile(R.units.percent.pattern, regex.X))
    assert quantities.reader(units, R.context["and_between"]) is None
    assert quantities.reader(R.units, None) is None


def test_a_number_beyond_a_float_is_no_quantity_and_no_crash():
    """"3e400" overflows a float: before, the quantity stage raised."""
    assert [m.text for m in quantities.find("a 3e400x gain, 2e3 GPUs and 10^999 tokens", R)] == ["2e3"]


def test_the_folded_text_has_every_character_that_matches_an_ascii_letter_ignoring_case_as_that_letter():
    """Case-folded literals are looked for in gazetteer._folded(text), one
    character for one: every character `regex` matches with an ASCII
    letter ignoring case must be that letter there ("İ" is "i", though
    str.casefold makes it two characters)."""
    import string
    from pipeline.gazetteer import _folded
    beyond = "".join(chr(c) for c in range(128, 0x110000) if not 0xD800 <= c < 0xE000)
    assert len(_folded(beyond)) == len(beyond)
    for x in string.ascii_letters:
        for c in regex.findall(regex.escape(x), beyond, flags=regex.I) + regex.findall(f"[{x}]", beyond, flags=regex.I):
            assert _folded(c) == x.lower(), (x, c)
