"""Invariance (issue 16, CheckList's INV tests): renaming every system, or
every benchmark, of an abstract to an invented name leaves its claims'
types, values, factors and forms as they were, and the renamed fields
follow the new names. Run over every raw abstract: a rule that reads a
name from a list instead of from its shape and position breaks it.

A benchmark renamed is found again by its shape and position (after "on",
before "dataset", in brackets after a score: resources/benchmarks.toml);
one named only in a list of names ("MMLU, GSM8K and AIME") has no position
to be found by, so the dataset field is held where the benchmark follows
"on"."""
import regex
import pytest

from pipeline.extract import extract
from pipeline.records import Paper
from pipeline.rules import default

from .conftest import raw_abstracts

NAME = regex.compile(r"[\p{Lu}][\w\-]*")


def _extract(text):
    return extract(Paper("0" * 16, "t", text, ["inv"]), default())


def _rename(text: str, names: set[str], stem: str) -> tuple[str, dict[str, str]]:
    mapping = {n: f"{stem}{chr(65 + i)}" for i, n in enumerate(sorted(names, key=len, reverse=True))}
    for old, new in mapping.items():
        text = regex.sub(rf"(?<![\w\-]){regex.escape(old)}(?![\w\-])", new, text)
    return text, mapping


def _names(ex, field: str) -> set[str]:
    """Single-token names of a field, not words the rules read as what is
    measured (a system called "Accelerate") or as a device ("MCU")."""
    rules = default()
    devices = {h.text for h in ex.hardware}
    out = {getattr(c, field) for c in ex.claims if getattr(c, field) and NAME.fullmatch(getattr(c, field))}
    return {n for n in out if not rules.cue_word.fullmatch(n) and n not in devices}


def _cases(fields, stem):
    for text in raw_abstracts():
        ex = _extract(text)
        names = set().union(*(_names(ex, f) for f in fields))
        if names:
            renamed, mapping = _rename(text, names, stem)
            yield text, ex, renamed, _extract(renamed), mapping


@pytest.mark.slow
@pytest.mark.parametrize("fields, stem", [(("subject", "baseline"), "Zorblaxo"), (("dataset",), "QuokkaBench")],
                         ids=["systems", "benchmarks"])
def test_renaming_names_keeps_every_claim(fields, stem):
    changed = [(mapping, text[:60]) for text, ex, _, again, mapping in _cases(fields, stem)
               if [(c.claim_type, c.value, c.factor, c.form) for c in ex.claims]
               != [(c.claim_type, c.value, c.factor, c.form) for c in again.claims]]
    assert not changed, changed[:5]


@pytest.mark.slow
def test_renamed_systems_follow():
    broken = []
    for text, ex, _, again, mapping in _cases(("subject", "baseline"), "Zorblaxo"):
        for a, b in zip(ex.claims, again.claims):
            for f in ("subject", "baseline"):
                if getattr(a, f) in mapping and getattr(b, f) != mapping[getattr(a, f)]:
                    broken.append((f, getattr(a, f), getattr(b, f), a.sentence[:80]))
    assert not broken, broken[:5]


@pytest.mark.slow
def test_renamed_benchmarks_after_on_follow():
    broken = []
    for text, ex, renamed, again, mapping in _cases(("dataset",), "QuokkaBench"):
        for a, b in zip(ex.claims, again.claims):
            old = a.dataset
            if old in mapping and regex.search(rf"(?i)\bon\s+(?:the\s+)?{regex.escape(mapping[old])}\b", b.sentence) \
                    and mapping[old] not in (b.dataset or "").split():
                broken.append((old, b.dataset, a.sentence[:80]))
    assert not broken, broken[:5]


@pytest.mark.slow
def test_every_raw_abstract_in_upper_or_lower_case_is_read_without_an_error():
    """A corpus in capitals ("EXPERIMENTS SHOW A 2.1X SPEEDUP") is read: a
    rule that assumed a case (`str.index(" of ")` after a case-insensitive
    match) raised on it."""
    failed = []
    for text in raw_abstracts():
        for variant in (text.upper(), text.lower()):
            try:
                _extract(variant)
            except Exception as e:  # noqa: BLE001 - the test lists every failure
                failed.append((type(e).__name__, str(e)[:80], variant[:60]))
    assert not failed, failed[:5]
