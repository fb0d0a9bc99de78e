"""Extraction of one paper: find the layers of its abstract, decide its rows.

`extract(paper, rules)` is a pure function from a Paper to its claim,
quantity and hardware rows; `pipeline/build.py` maps it over batches. The
abstract is read as its reading copy (line breaks, LaTeX markup and the
dollars around a number as spaces: pipeline/find/reading.py); the rows
quote the abstract as it is (claims-spec section 1).
"""
from __future__ import annotations

from dataclasses import dataclass, field, replace

from . import decide, find
from .config import MAX_ABSTRACT_CHARS, MAX_MENTIONS_PER_SENTENCE
from .records import Claim, HardwareMention, Paper, Problem, Quantity
from .rules import Rules


@dataclass
class Extraction:
    claims: list[Claim] = field(default_factory=list)
    quantities: list[Quantity] = field(default_factory=list)
    hardware: list[HardwareMention] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)


def extract(paper: Paper, rules: Rules) -> Extraction:
    """The rows of one paper."""
    text = paper.abstract
    source = paper.sources[0] if paper.sources else ""
    if len(text) > MAX_ABSTRACT_CHARS:
        return Extraction(problems=[Problem(
            source, None, "claims",
            f"abstract of {len(text)} characters exceeds {MAX_ABSTRACT_CHARS}; not extracted",
            paper.paper_id)])
    doc = find.document(paper.paper_id, text, rules)
    claims, quantities, problems = decide.claims(doc, rules, MAX_MENTIONS_PER_SENTENCE)
    out = Extraction(claims, quantities, list(doc.devices),
                     [Problem(source, None, "claims", p, paper.paper_id) for p in problems])
    return _quoting(text, out) if doc.read != text else out


def _quoting(text: str, out: Extraction) -> Extraction:
    """The extraction's spans and sentences as `text` has them."""
    return Extraction(
        [replace(c, text=text[c.char_start:c.char_end],
                 sentence=text[c.sentence_start:c.sentence_start + len(c.sentence)]) for c in out.claims],
        [replace(q, text=text[q.char_start:q.char_end]) for q in out.quantities],
        [replace(h, text=text[h.char_start:h.char_end]) for h in out.hardware],
        out.problems)
