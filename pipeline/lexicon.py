"""Compiled views of the resource files used by the claim stages.

Each loader reads its file once and returns compiled patterns; nothing here
holds extraction knowledge of its own.
"""
from __future__ import annotations

import functools
from dataclasses import dataclass

import regex

from . import resources


def word_regex(pattern: str, flags=regex.I) -> regex.Pattern:
    """A pattern matched on word boundaries (hyphens count as word characters)."""
    return regex.compile(r"(?<![\p{L}\d\-])(?:" + pattern + r")(?![\p{L}\d\-])", flags)


@dataclass(frozen=True, eq=False)
class Cue:
    id: str
    type: str
    measure: str
    pattern: regex.Pattern


@functools.cache
def cues() -> tuple[Cue, ...]:
    """Cues of cues.toml, plus every metric of metrics.csv as an accuracy cue."""
    out = [Cue(c["id"], c["type"], c["measure"], word_regex(c["pattern"]))
           for c in resources.toml("cues.toml")["cue"]]
    names = "|".join(r["pattern"] for r in resources.csv_rows("metrics.csv"))
    out.append(Cue("accuracy.metrics_csv", "accuracy", "score", word_regex(names)))
    return tuple(out)


@functools.cache
def not_claim() -> tuple[regex.Pattern, regex.Pattern]:
    nc = resources.toml("cues.toml")["not_claim"]
    return regex.compile(r"(?i)\A\s*" + nc["after"]), regex.compile(r"(?i)" + nc["before"])


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


@functools.cache
def metrics() -> tuple[Metric, ...]:
    return tuple(Metric(r["name"], r["percentage"] == "1", r["lower_is_better"] == "1",
                        word_regex(r["pattern"], 0 if r["pattern"].isupper() else regex.I))
                 for r in resources.csv_rows("metrics.csv"))


@functools.cache
def metric_by_name() -> dict[str, Metric]:
    return {m.name.lower(): m for m in metrics()}


@functools.cache
def datasets() -> tuple[tuple[str, regex.Pattern], ...]:
    return tuple((r["name"], word_regex(r["pattern"], 0)) for r in resources.csv_rows("datasets.csv"))


@functools.cache
def attributes() -> dict:
    return resources.toml("attributes.toml")


@functools.cache
def qualifier_patterns() -> tuple[list[tuple[str, regex.Pattern]], list[tuple[str, regex.Pattern]]]:
    a = attributes()
    before = [(q, regex.compile(r"(?i)(?:^|(?<=[\s(\[]))(?:" + p + r")\s*(?:of\s+|by\s+)?(?:a\s+|an\s+)?\Z"))
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
def metric_before_value() -> regex.Pattern:
    """A metric name right before a score: "accuracy of", "F1-score of", "pass@1 at"."""
    names = "|".join(_scoped(m.pattern) for m in metrics())
    return regex.compile(
        r"(?:" + names + r")\s*(?:score|rate)?\s*(?:of|at|is|was|:|=|reaches|reaching|achieves|up to|"
        r"more than|over|around|approximately|from|to)?\s*(?:only|just|a|an|about|nearly)?\s*\Z")


@functools.cache
def metric_at_start() -> regex.Pattern:
    return regex.compile(r"\s*(?:" + "|".join(_scoped(m.pattern) for m in metrics()) + ")")


@functools.cache
def dataset_after_value() -> regex.Pattern:
    """ "on HumanEval", "for the COCO" right after a score."""
    return regex.compile(r"\s*(?:on|for|in)\s+(?:the\s+)?(?:"
                         + "|".join(_scoped(p) for _, p in datasets()) + ")")


@functools.cache
def share_of(cue: Cue) -> regex.Pattern:
    """ "of the FLOPs" after a percentage: a fraction of what the cue names."""
    return regex.compile(r"(?i)\A\s*of\s+(?:the\s+)?(?:\S+\s+){0,3}?" + _scoped(cue.pattern))


@functools.cache
def pattern(name: str) -> regex.Pattern:
    """A context pattern of resources/context.toml, compiled."""
    patterns = resources.toml("context.toml")
    if name not in patterns:
        from .errors import ResourceError
        raise ResourceError("pipeline/resources/context.toml", None, f"a pattern named {name!r}")
    return regex.compile(patterns[name])
