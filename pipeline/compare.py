"""Comparisons: claims that state both a subject and a baseline, with both
names canonicalized (resources/systems.csv) so rows compare across papers.
"""
from __future__ import annotations

import functools
import re

import regex

from . import resources

_ARTICLES = re.compile(r"(?i)^(?:the|a|an|our|their|its)\s+")
_SPACE = re.compile(r"\s+")


@functools.cache
def _systems() -> tuple[tuple[str, regex.Pattern, regex.Pattern], ...]:
    out = []
    for row in resources.csv_rows("systems.csv"):
        out.append((row["canonical"], regex.compile(r"(?i)(?:" + row["pattern"] + r")"),
                    regex.compile(r"(?i)(?<![\w\-])(?:" + row["pattern"] + r")(?![\w\-])")))
    return tuple(out)


@functools.lru_cache(maxsize=65536)
def canonical(name: str | None) -> str | None:
    """The canonical name of a system as written in a claim.

    >>> canonical("the vllm"), canonical("Flash Attention 2"), canonical("state-of-the-art systems like vLLM")
    ('vLLM', 'FlashAttention-2', 'vLLM')
    """
    if not name:
        return None
    clean = _SPACE.sub(" ", _ARTICLES.sub("", name.strip())).strip(" .,;:")
    for canon, whole, _ in _systems():
        if whole.fullmatch(clean):
            return canon
    for canon, _, inside in _systems():
        if inside.search(clean):
            return canon
    return clean or None


COLUMNS = ("paper_id", "claim_id", "claim_type", "subject", "baseline", "subject_text",
           "baseline_text", "factor", "factor_max", "form", "value", "value_max", "unit",
           "qualifier", "metric", "dataset", "hardware")


def comparisons(claim_rows: list[dict]) -> list[dict]:
    """One row per claim with a subject and a baseline."""
    out = []
    for c in claim_rows:
        if not c.get("subject") or not c.get("baseline"):
            continue
        row = {k: c.get(k) for k in COLUMNS}
        row.update(subject=canonical(c["subject"]), baseline=canonical(c["baseline"]),
                   subject_text=c["subject"], baseline_text=c["baseline"])
        out.append(row)
    return out
