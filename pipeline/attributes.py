"""Attribute attachment: subject, baseline, hardware, dataset of each claim.

Works on one sentence and its claims; patterns come from
resources/attributes.toml, datasets.csv and the hardware gazetteer.
"""
from __future__ import annotations

import functools
from typing import Sequence

import regex

from . import lexicon, quantities
from .gazetteer import Gazetteer
from .records import Claim, HardwareMention

_NAME = regex.compile(
    r"(?<![\p{L}\d\-])(?P<name>[\p{L}\d][\p{L}\d]*(?:[-+_.^{}/][\p{L}\d{}]+)*\+*)(?:'s|’s)?(?![\p{L}\d\-])")
# Without a verb after it, the first name-like token of a sentence is still
# the best guess at its subject (dev gold: subject accuracy 0.76 with, 0.73
# without).
FALLBACK_TO_FIRST_NAME = True
# A name inside a prepositional phrase ("on Llama2-7B", "of ViT-H") is what
# the claim was measured on, not who makes it.
_IN_PHRASE = lexicon.backwards(lexicon.pattern("in_phrase"))
_RESPECTIVELY = lexicon.pattern("respectively")
_RETAINED_SHARE = lexicon.pattern("retained_share")
_MULTIPLE_OF = lexicon.pattern("multiple_of")
_TRAILING_WORDS = lexicon.pattern("trailing_words")
_EMPTY_PHRASE = lexicon.pattern("empty_phrase")
_EXAMPLES_INTRO = lexicon.pattern("examples_intro")
_NUMBERISH = regex.compile(r"[\d.,]+\w?")
_BY_DOING = lexicon.pattern("by_doing")
_LEADING_COMPARISON = lexicon.pattern("leading_comparison")
_PURE_NUMBER = lexicon.pattern("pure_number")
_COMMA_BEFORE_PARTICIPLE = lexicon.backwards(lexicon.pattern("comma_before_participle"))
_FIGURE_OF = lexicon.pattern("figure_of")
_NEXT_PHRASE = regex.compile(r"[,;]|\band\s+(?:on|for|in)\b")
_OPEN_BRACKET = regex.compile(r"\s*\(\s*")
_BY_FIGURE = regex.compile(r"(?i)\s+by\s+(?:\S+\s+){0,2}?\d")
_SPLIT_LIST = regex.compile(r"\s*,\s*(?:and\s+|or\s+)?|\s+and\s+|\s+or\s+")


@functools.cache
def _baseline_patterns():
    """(phrases, stops, max_words): the phrases that introduce a baseline, as
    a gazetteer of two entries (0: "compared to", 1: "outperforms"); the
    words that end its noun phrase; the longest noun phrase kept."""
    a = lexicon.attributes()["baseline"]
    phrases = Gazetteer([a["after"], a["verbs"]], r"(?<![\p{L}\-])", r"\s+", regex.I)
    words = r"(?i)\s+(?:" + a["stop_words"] + r")(?![\p{L}\-])|\.(?:\s|\Z)|\s+\d[\d.,]*(?![\p{L}\d\-])|\s*[;:()\[\]"
    # a list of baselines ("A, B, and C ..., respectively") may hold commas
    return phrases, (regex.compile(words + ",]"), regex.compile(words + "]")), int(a["max_words"])


@functools.cache
def _subject_patterns():
    a = lexicon.attributes()
    verbs = regex.compile(r"(?i)\s*(?:\([^)]*\)\s*)?(?:,\s*)?(?:(?:" + a["subject"]["adverbs"] + r")\s+)*(?:"
                          + a["subject"]["verbs"] + r")\b")
    # unit symbols ("GB", "PFLOPS") and cue words ("Latency", "Energy",
    # lexicon.cue_word) name what is measured, not the system that measures it
    not_names = frozenset(a["subject"]["not_names"]) | frozenset(quantities.units().physical_map)
    merit_of = lexicon.backwards(regex.compile(r"(?i)\b(?:" + a["subject"]["merit_of"] + r")\s+\Z"))
    return verbs, not_names, merit_of


def _is_quantity(token: str) -> bool:
    """ "100ms", "3", "2x" are quantities; "3DGS", "3D-Cube" are names."""
    found = quantities.find(token)
    return bool(found) and found[0].start == 0 and found[0].end >= len(token.rstrip(".,"))


def _noun_phrase(sentence: str, pos: int, allow_commas: bool = False) -> tuple[str, int, int] | None:
    _, stops, max_words = _baseline_patterns()
    rest = sentence[pos:]
    m = stops[1 if allow_commas else 0].search(rest)
    np = (rest[:m.start()] if m else rest).rstrip(" ,.")
    np = _TRAILING_WORDS.sub("", np)
    np = np.strip().rstrip(".")
    if _FIGURE_OF.match(np):
        trim = np.index(" of ") + 4
        np, pos = np[trim:], pos + trim
    words = np.split()
    if not words or _is_quantity(words[0]):
        return None
    if len(words) > max_words + (6 if allow_commas else 0):
        np = " ".join(words[:max_words])
    if _EMPTY_PHRASE.fullmatch(np):
        return None
    return np, pos, pos + len(np)


def baseline_phrases(sentence: str) -> list[tuple[int, int]]:
    """(start, end) of every phrase of a sentence that introduces a baseline:
    "compared to", "over" (not "over 90%"), then "outperforms", "beats". The
    same for every claim of the sentence, so attach() finds them once."""
    phrases, _, _ = _baseline_patterns()
    return [m.span() for i, m in phrases.finditer(sentence)
            if i == 1 or not _PURE_NUMBER.match(sentence, m.start())]


def reference_of(sentence: str, rel_end: int, pattern: regex.Pattern) -> tuple[str, int, int] | None:
    """The system a share or multiple names right after it (`pattern`:
    context.toml retained_share or multiple_of): "97.7% of GPT-4's
    performance" -> GPT-4, "95% of the accuracy of full fine-tuning" -> full
    fine-tuning, "3.2x the throughput of TGI" -> TGI; None when it names
    none ("99% of its original accuracy")."""
    m = pattern.match(sentence[rel_end:])
    if m is None:
        return None
    if m["whose"]:
        return m["whose"], rel_end + m.start("whose"), rel_end + m.end("whose")
    return _noun_phrase(sentence, rel_end + m.end()) if m["of"] else None


def _participle_after_comma(sentence: str, phrase: tuple[int, int]) -> bool:
    """", surpassing X": a comparing participle that opens a phrase after a
    comma, and whose comparison has no figure of its own (", surpassing X by
    2.4%" compares the 2.4%)."""
    if not sentence[phrase[0]:phrase[1]].rstrip().lower().endswith("ing") \
            or not _COMMA_BEFORE_PARTICIPLE.search(sentence, max(0, phrase[0] - 30), phrase[0]):
        return False
    np = _noun_phrase(sentence, phrase[1])
    return np is not None and not _BY_FIGURE.match(sentence, np[2])


def baseline(sentence: str, rel_start: int, rel_end: int, list_pos: int, list_len: int,
             absolute: bool = False, phrases: list[tuple[int, int]] | None = None):
    """The baseline of a claim at [rel_start, rel_end) in `sentence`, with its span.

    An introducing phrase after the claim anywhere in its sentence ("2x
    faster ... compared to X") is preferred; one before it ("outperforms X by
    2x") otherwise. A sentence opening with "Compared to X," compares
    every claim in it with X. An absolute value takes a baseline only from a
    phrase before it ("surpasses X with an accuracy of 50.9%") or from a
    participle after a comma ("reaches 0.78, surpassing X").
    `phrases`: baseline_phrases(sentence), when already found.
    """
    if phrases is None:
        phrases = baseline_phrases(sentence)
    cands = [p for p in phrases if not rel_start <= p[0] < rel_end]
    after = [p for p in cands if p[0] >= rel_end and (not absolute or _participle_after_comma(sentence, p))]
    before = [p for p in cands if p[1] <= rel_start]
    chosen_end = None
    if after:
        chosen_end = after[0][1]
    elif before and rel_start - before[-1][1] < 100:
        chosen_end = before[-1][1]
    elif (lead := _LEADING_COMPARISON.match(sentence)) and lead.end() <= rel_start:
        chosen_end = lead.end()
    if chosen_end is None:
        return None
    resp = list_len > 1 and _RESPECTIVELY.search(sentence)
    np = _noun_phrase(sentence, chosen_end, allow_commas=bool(resp))
    if np is None:
        return None
    text, s, e = np
    if resp:
        if m := _EXAMPLES_INTRO.search(text):
            text = text[m.end():]
        parts = [p for p in _SPLIT_LIST.split(text) if p]
        if len(parts) == list_len:
            return parts[list_pos], s, e
        np = _noun_phrase(sentence, chosen_end)
        if np is None:
            return None
        text, s, e = np
    return text, s, e


@functools.cache
def _adjective_suffixes() -> tuple[str, ...]:
    return tuple(lexicon.attributes()["subject"]["not_name_suffixes"])


def _is_name(token: str, not_names: frozenset) -> bool:
    # lower-case words ("high-quality", "fine-tune", "4-bit") are never names;
    # islower() answers most words at once, any() the rest (digits, marks)
    if token.islower() or len(token) < 2 or not any(c.isupper() for c in token):
        return False
    if token in not_names or token.rstrip("s") in not_names:
        return False
    if _NUMBERISH.fullmatch(token) or (token[0].isdigit() and _is_quantity(token)):    # "48GB"
        return False
    return not token.lower().endswith(_adjective_suffixes())


def subject(sentence: str, rel_start: int, exclude: list[tuple[int, int]]) -> str | None:
    """The system the claim's sentence names as doing what the claim says."""
    verbs, not_names, merit_of = _subject_patterns()
    cue_word = lexicon.cue_word()
    first_plain = None
    m_by = _BY_DOING.match(sentence)
    for m in _NAME.finditer(sentence, 0, rel_start):
        tok = m["name"]
        if not _is_name(tok, not_names) or cue_word.fullmatch(tok):
            continue
        if any(s <= m.start() < e for s, e in exclude):
            continue
        # a hyphen marks a name ("Flash-LLM", "Ladder-residual"), but not in
        # the capitalised first word of a sentence ("Ontology-aligned prompts")
        strong = any(c.isupper() for c in tok[1:]) or any(c.isdigit() for c in tok) \
            or ("-" in tok and m.start() > 0)
        if not strong and m.start() > 0 and not tok[0].isupper():
            continue
        if verbs.match(sentence, m.end()) or (sentence.endswith("of ", 0, m.start())     # plain test first
                                              and merit_of.search(sentence, max(0, m.start() - 40), m.start())):
            return tok
        if m_by and m_by.start("n") == m.start():
            return tok
        if strong and first_plain is None and FALLBACK_TO_FIRST_NAME \
                and not _IN_PHRASE.search(sentence, max(0, m.start() - 40), m.start()):
            first_plain = tok
    return first_plain


def _vocabulary_spans(sentence: str, datasets: list) -> list[tuple[int, int]]:
    """Spans of dataset and metric names in a sentence: never the subject of a claim."""
    return [(s, e) for s, e, _ in datasets] + [(s, e) for s, e, _ in lexicon.sentence_metrics(sentence)]


def in_sentence(hits: list[tuple[int, int, str]], span: tuple[int, int]) -> list[tuple[int, int, str]]:
    """The (start, end, name) hits of the abstract that lie in a sentence, in
    the sentence's own offsets."""
    return [(s - span[0], e - span[0], n) for s, e, n in hits if span[0] <= s and e <= span[1]]


def respective_dataset(sentence: str, rel_start: int, rel_end: int, claim: Claim,
                       datasets: list[tuple[int, int, str]]) -> tuple[str, int, int] | None:
    """"74.00% and 52.00% pass@1, respectively, on Mathvista and PathVQA";
    "on both the R2R and REVERIE datasets (38.8% and 28.4% success rate,
    respectively)": the list of benchmarks after the scores, else the one
    right before them."""
    if claim.list_len < 2 or not _RESPECTIVELY.search(sentence):
        return None
    after = sorted((s, name, e) for s, e, name in datasets if s >= rel_end)
    if len(after) != claim.list_len:
        before = sorted((s, name, e) for s, e, name in datasets if e <= rel_start)
        if len(after) or len(before) < claim.list_len:
            return None
        after = before[-claim.list_len:]
    start, name, end = after[claim.list_pos]
    return name, start, end


def carry_dataset(claims: list[Claim], datasets: list[tuple[int, int, str]], previous: str | None) -> str | None:
    """Scores whose sentence names no benchmark were measured on the one the
    abstract named last ("On COCO, ... . It also beats X by 1.7 mAP").
    `datasets` are the benchmarks named in the sentence."""
    for c in claims:
        if c.claim_type == "accuracy" and c.dataset is None and previous:
            c.dataset = previous
    return max((s, name) for s, _, name in datasets)[1] if datasets else previous


def dataset(sentence: str, rel: int, rel_end: int | None,
            datasets: list[tuple[int, int, str]]) -> tuple[str, int, int] | None:
    """The benchmark of a score: the one written right after it ("77.7% for
    PIQA"), else the nearest in its sentence, after it preferred."""
    found = [(name, s, e) for s, e, name in datasets]
    if rel_end is not None and (m := lexicon.dataset_after_value().match(sentence, rel_end)):
        right_after = [f for f in found if f[1] < m.end() <= f[2] or f[2] == m.end()]
        if right_after:
            return right_after[0]
    # "CIFAR-100 (91.7%), Flowers (98.8%)": the score in brackets after its benchmark
    bracketed = [f for f in found if f[2] <= rel and _OPEN_BRACKET.fullmatch(sentence, f[2], rel)]
    if bracketed:
        return bracketed[-1]
    # nearest, after preferred, but not past the start of the next phrase
    # ("on MMLU with accuracy at 84.50% and on HumanEval with pass@1 at 89.90%")
    def score(f):
        if f[1] < rel:
            return (rel - f[1]) * 1.5
        return f[1] - rel + (100 if _NEXT_PHRASE.search(sentence, rel, f[1]) else 0)
    return min(found, key=score) if found else None


def hardware_of(claim: Claim, devices: list[HardwareMention],
                exclude: Sequence[tuple[int, int]] = ()) -> str | None:
    """The device a claim was measured on: a device named in its sentence,
    specific before generic, not one inside a baseline ("3.7x over a DGX
    H100 and 6.6x over a DGX A100": neither)."""
    devices = [h for h in devices if not any(s <= h.char_start < e for s, e in exclude)]
    specific = [h for h in devices if not h.rule.endswith("generic")]
    pool = specific or devices
    if not pool:
        return None
    devices = [h for h in pool if h.kind not in ("instance",)] or pool
    after = [h for h in devices if h.char_start >= claim.char_end]
    return (after[0] if after else devices[-1]).hardware


def attach(claims: list[Claim], text: str, span: tuple[int, int],
           hardware: list[HardwareMention], datasets: list[tuple[int, int, str]]) -> None:
    """Fill subject, baseline, hardware and dataset of the claims of one
    sentence; `datasets` are the benchmarks named in it (in_sentence)."""
    sentence = text[span[0]:span[1]]
    devices = [h for h in hardware if span[0] <= h.char_start < span[1]]
    hw_spans = [(h.char_start - span[0], h.char_end - span[0]) for h in devices]
    not_subjects = _vocabulary_spans(sentence, datasets) if claims else []
    phrases = baseline_phrases(sentence) if claims else []
    # devices named as what is compared with are no claim's platform
    compared = [(span[0] + np[1], span[0] + np[2]) for p in phrases
                if devices and (np := _noun_phrase(sentence, p[1]))]
    for c in claims:
        rs, re_ = c.char_start - span[0], c.char_end - span[0]
        # a share a score keeps of a reference's, and a multiple of a
        # system's figure, name their baseline right after the number
        share = c.claim_type == "accuracy" and c.form == "fraction"
        multiple = c.factor is not None and c.form in ("factor", "fraction")
        b = (share and reference_of(sentence, re_, _RETAINED_SHARE)) \
            or (multiple and reference_of(sentence, re_, _MULTIPLE_OF)) \
            or baseline(sentence, rs, re_, c.list_pos, c.list_len, absolute=c.form == "absolute" or share,
                        phrases=phrases)
        exclude = list(hw_spans)
        baseline_span = None
        if b:
            c.baseline = b[0]
            exclude.append((b[1], b[2]))
            baseline_span = (span[0] + b[1], span[0] + b[2])
        ds = None
        if c.claim_type == "accuracy":
            ds = respective_dataset(sentence, rs, re_, c, datasets) or dataset(sentence, rs, re_, datasets)
            c.dataset = ds[0] if ds else None
            if ds:
                exclude.append((ds[1], ds[2]))
        c.subject = subject(sentence, rs, exclude + not_subjects)
        c.hardware = hardware_of(c, devices, compared + ([baseline_span] if baseline_span else []))


def carry_baseline(claims: list[Claim], previous: str | None) -> str | None:
    """A sentence that names no baseline continues the comparison of the
    sentence before it ("X outperforms Y ... . It is also 7x faster"): its
    relative claims take the baseline last named. Returns the baseline to
    carry on."""
    named = [c.baseline for c in claims if c.baseline and (c.factor is not None or c.form in ("delta", "percent"))]
    if named:
        return named[-1]
    if any(c.baseline for c in claims):
        return None      # a score's baseline ("reaches 99%, matching X") is no comparison to go on with
    if previous:
        for c in claims:
            if c.factor is not None or c.form == "delta":
                c.baseline = previous
    return previous

