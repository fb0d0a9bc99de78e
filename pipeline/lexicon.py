"""Compiled views of the resource files used by the claim stages.

Each loader reads its file once and returns compiled patterns; nothing here
holds extraction knowledge of its own.
"""
from __future__ import annotations

import functools
from dataclasses import dataclass

import regex

from . import resources
from .gazetteer import WHOLE_TEXT, Gazetteer, Guarded

WORD_BEFORE, WORD_AFTER = r"(?<![\p{L}\d\-])", r"(?![\p{L}\d\-])"


def word_regex(pattern: str, flags=regex.I) -> regex.Pattern:
    """A pattern matched on word boundaries (hyphens count as word characters)."""
    return regex.compile(WORD_BEFORE + r"(?:" + pattern + r")" + WORD_AFTER, flags)


@dataclass(frozen=True, eq=False)
class Cue:
    id: str
    type: str
    measure: str
    pattern: regex.Pattern
    factor_type: str | None = None


def _cue_rows() -> list[dict]:
    """Cues of cues.toml, plus every metric of metrics.csv as an accuracy cue."""
    rows = list(resources.toml("cues.toml")["cue"])
    names = "|".join(r["pattern"] for r in resources.csv_rows("metrics.csv"))
    return rows + [{"id": "accuracy.metrics_csv", "type": "accuracy", "measure": "score", "pattern": names}]


@functools.cache
def cues() -> tuple[Cue, ...]:
    """The cues, each with its pattern as cue_gazetteer compiled it."""
    entries = cue_gazetteer().entries
    return tuple(Cue(c["id"], c["type"], c["measure"], e.pattern, c.get("factor_type"))
                 for c, e in zip(_cue_rows(), entries))


@functools.cache
def relative_of() -> dict[str, str]:
    """Absolute claim type -> the relative type of a change of it (cues.toml)."""
    return dict(resources.toml("cues.toml")["relative_of"])


@functools.cache
def cue_word() -> regex.Pattern:
    """Any cue of cues.toml, ignoring case, to fullmatch a word: "Latency",
    "Energy" name what is measured."""
    return regex.compile(r"(?i)(?:" + "|".join(c["pattern"] for c in resources.toml("cues.toml")["cue"]) + r")")


@functools.cache
def cue_gazetteer() -> Gazetteer:
    """The cues' patterns (in cues() order) on word boundaries, ignoring case."""
    return Gazetteer([c["pattern"] for c in _cue_rows()], WORD_BEFORE, WORD_AFTER, regex.I)


@functools.cache
def not_claim() -> tuple[regex.Pattern, regex.Pattern]:
    """(after, before): what marks a number as a setting, a count or the share
    of a breakdown when written right after it, or right before it."""
    nc = resources.toml("cues.toml")["not_claim"]
    return (regex.compile(r"(?i)\A\s*(?:" + nc["after"] + "|" + nc["breakdown_after"] + ")"),
            backwards(regex.compile(r"(?i)(?:" + nc["before"] + "|" + nc["breakdown_before"] + r")\Z")))


@functools.cache
def not_a_result() -> tuple[regex.Pattern, regex.Pattern]:
    """(bigger, trend): settings made possible, and trends of the field."""
    nc = resources.toml("cues.toml")["not_claim"]
    return regex.compile(r"(?i)\A\s*" + nc["bigger"]), regex.compile(r"(?i)" + nc["trend"])


@dataclass(frozen=True)
class Metric:
    name: str
    percentage: bool
    lower_is_better: bool
    pattern: regex.Pattern


def _metric_flags(pattern: str) -> int:
    """Metric names written in capitals ("AP", "EM") are matched as written."""
    return 0 if pattern.isupper() else regex.I


@functools.cache
def metrics() -> tuple[Metric, ...]:
    """The metrics, each with its pattern as _metric_gazetteer compiled it."""
    entries = _metric_gazetteer().entries
    return tuple(Metric(r["name"], r["percentage"] == "1", r["lower_is_better"] == "1", e.pattern)
                 for r, e in zip(resources.csv_rows("metrics.csv"), entries))


@functools.cache
def _metric_gazetteer() -> Gazetteer:
    rows = resources.csv_rows("metrics.csv")
    return Gazetteer([r["pattern"] for r in rows], WORD_BEFORE, WORD_AFTER,
                     [_metric_flags(r["pattern"]) for r in rows])


def metric_hits(text: str, pos: int = 0, endpos: int | None = None) -> list[tuple[int, int, Metric]]:
    """(start, end, metric) of every metric name in text[pos:endpos]."""
    ms = metrics()
    return [(m.start(), m.end(), ms[i]) for i, m in _metric_gazetteer().finditer(text, pos, endpos)]


@functools.lru_cache(maxsize=8)    # the claims of one sentence; small, so that a
def sentence_metrics(sentence: str) -> tuple[tuple[int, int, Metric], ...]:
    """metric_hits of one sentence, kept for the next claim of the same
    sentence (a large cache would make a resampled benchmark corpus look faster)."""
    return tuple(metric_hits(sentence))


@functools.cache
def metric_by_name() -> dict[str, Metric]:
    return {m.name.lower(): m for m in metrics()}


@functools.cache
def datasets() -> tuple[tuple[str, regex.Pattern], ...]:
    """(name, pattern) of every benchmark, the pattern as _dataset_gazetteer compiled it."""
    entries = _dataset_gazetteer().entries
    return tuple((r["name"], e.pattern) for r, e in zip(resources.csv_rows("datasets.csv"), entries))


@functools.cache
def _dataset_gazetteer() -> Gazetteer:
    return Gazetteer([r["pattern"] for r in resources.csv_rows("datasets.csv")], WORD_BEFORE, WORD_AFTER,
                     group=WHOLE_TEXT)


def dataset_hits(text: str, pos: int = 0, endpos: int | None = None) -> list[tuple[int, int, str]]:
    """(start, end, name) of every benchmark named in text[pos:endpos], in
    text order, the longest first where several start at the same place
    ("SWE-bench Verified" before "SWE-bench")."""
    names = datasets()
    hits = [(m.start(), m.end(), names[i][0]) for i, m in _dataset_gazetteer().finditer(text, pos, endpos)]
    return sorted(hits, key=lambda h: (h[0], -h[1]))


@functools.cache
def attributes() -> dict:
    return resources.toml("attributes.toml")


@functools.cache
def qualifier_patterns() -> tuple[list[tuple[str, regex.Pattern]], list[tuple[str, regex.Pattern]]]:
    a = attributes()
    before = [(q, backwards(regex.compile(r"(?i)(?:^|(?<=[\s(\[]))(?:" + p + r")\s*(?:of\s+|by\s+)?(?:a\s+|an\s+)?\Z")))
              for q, p in a["qualifier_before"].items()]
    after = [(q, regex.compile(r"(?i)\A\s*(?:" + p + r")(?![\p{L}])"))
             for q, p in a["qualifier_after"].items()]
    return before, after


@functools.cache
def direction_patterns() -> dict[str, regex.Pattern]:
    return {d: regex.compile(r"(?i)(?:(?<![\p{L}])(?:" + p + r")(?![\p{L}]))")
            for d, p in attributes()["direction"].items()}


@functools.cache
def worse_pattern() -> regex.Pattern:
    return word_regex(attributes()["worse"]["pattern"])


def _scoped(p: regex.Pattern) -> str:
    return f"(?{'i' if p.flags & regex.I else '-i'}:{p.pattern})"


@functools.cache
def metric_before_value() -> Guarded:
    """A metric name right before a score: "accuracy of", "F1-score of", "pass@1 at"."""
    names = "|".join(_scoped(m.pattern) for m in metrics())
    return Guarded(backwards(regex.compile(
        r"(?:" + names + r")\s*(?:score|rate)?\s*(?:of|at|is|was|:|=|reaches|reaching|achieves|up to|"
        r"more than|over|around|approximately|from|to)?\s*(?:only|just|a|an|about|nearly)?\s*\Z")),
        _metric_gazetteer())


@functools.cache
def metric_at_start() -> Guarded:
    return Guarded(regex.compile(r"\s*(?:" + "|".join(_scoped(m.pattern) for m in metrics()) + ")"),
                   _metric_gazetteer())


@functools.cache
def dataset_before_bracket() -> Guarded:
    """A benchmark right before a score in brackets: "GSM8K (90.8%)"."""
    return Guarded(backwards(regex.compile(r"(?:" + "|".join(_scoped(p) for _, p in datasets())
                                           + r")\s*\(\s*\Z")), _dataset_gazetteer())


@functools.cache
def dataset_after_value() -> Guarded:
    """ "on HumanEval", "for the COCO" right after a score."""
    return Guarded(regex.compile(r"\s*(?:on|for|in)\s+(?:the\s+)?(?:"
                                 + "|".join(_scoped(p) for _, p in datasets()) + ")"),
                   _dataset_gazetteer())


@functools.cache
def share_of(cue: Cue) -> regex.Pattern:
    """ "of the FLOPs" after a percentage: a fraction of what the cue names."""
    return regex.compile(r"(?i)\A\s*of\s+(?:the\s+)?(?:\S+\s+){0,3}?" + _scoped(cue.pattern))


def backwards(p: regex.Pattern) -> regex.Pattern:
    r"""A pattern that ends at the end of the text (\Z), compiled to search
    from the end. For yes/no tests of a left context ("does it end with 'by'?"):
    searching forwards, the engine tries the pattern at every position and
    all but the last fail at \Z; backwards it starts where a match must end.
    Which span a match has may differ, so use it only for its truth.

    >>> bool(backwards(regex.compile(r"\bby\s+\Z")).search("reduced memory by "))
    True
    """
    if not p.pattern.endswith(r"\Z"):
        raise ValueError(f"not anchored at the end of the text: {p.pattern[-40:]!r}")
    return regex.compile(p.pattern, p.flags | regex.REVERSE)


@functools.cache
def pattern(name: str) -> regex.Pattern:
    """A context pattern of resources/context.toml, compiled."""
    patterns = resources.toml("context.toml")
    if name not in patterns:
        from .errors import ResourceError
        raise ResourceError("pipeline/resources/context.toml", None, f"a pattern named {name!r}")
    return regex.compile(patterns[name])
