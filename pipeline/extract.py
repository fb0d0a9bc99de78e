"""Extraction of one paper: sentences -> quantities -> claims -> attributes.

`extract(paper)` is a pure function from a Paper to its claim, quantity and
hardware rows; `pipeline/build.py` maps it over batches.
"""
from __future__ import annotations

import functools
from dataclasses import dataclass, field, replace

import regex

from . import attributes, claims, hardware, lexicon, normalize, quantities, resources, sentences
from .config import MAX_ABSTRACT_CHARS, MAX_MENTIONS_PER_SENTENCE
from .records import Claim, HardwareMention, Paper, Problem, Quantity


# The text is read with some characters as spaces, one for one, so that
# offsets hold. Line breaks and tabs: the arXiv snapshot wraps abstracts at
# ~80 characters, and "up\nto 2.3x" or "compared\nto vLLM" are the phrases
# of the resource files all the same. The dollar that opens LaTeX math
# before a number, and the one that closes a plain number ("a perplexity of
# $5.2$ on WikiText-2", "up to $12.5\\times$"): they hid it from its context.
# LaTeX markup and citations (resources/reading.toml).
_BREAKS = "\n\r\t\v\f"
_MATH_DOLLAR = regex.compile(r"\$(?:(?=\d)|(?<=\$\d[\d.,]*\$))")


@functools.cache
def _latex() -> regex.Pattern:
    r = resources.toml("reading.toml")
    alt = lambda words: "|".join(sorted(map(regex.escape, words), key=len, reverse=True))
    return regex.compile(r"(?P<markup>\\(?:" + alt(r["markup_commands"]) + r")\{)(?P<body>[^{}$]*)\}"
                         r"|~?\\(?:" + alt(r["dropped_commands"]) + r")\{[^{}]*\}")


def _blank_markup(m: regex.Match) -> str:
    if m["markup"]:
        return " " * len(m["markup"]) + m["body"] + " "
    return " " * len(m.group())


def reading_copy(text: str) -> str:
    """`text` as extraction reads it: the same length, the same offsets.

    >>> reading_copy("up\\nto $12.5\\\\times$, a perplexity of $5.2$")
    'up to  12.5\\\\times$, a perplexity of  5.2 '
    >>> reading_copy("\\\\textsc{Foo} beats vLLM~\\\\cite{kwon23}.")
    '        Foo  beats vLLM              .'
    """
    if "$" in text:         # plain str tests first: most abstracts have neither
        text = _MATH_DOLLAR.sub(" ", text)
    if "\\" in text:
        text = _latex().sub(_blank_markup, text)
    for c in _BREAKS:
        if c in text:
            text = text.replace(c, " ")
    return text


@dataclass
class Extraction:
    claims: list[Claim] = field(default_factory=list)
    quantities: list[Quantity] = field(default_factory=list)
    hardware: list[HardwareMention] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)


def extract(paper: Paper) -> Extraction:
    """The rows of one paper. Its text is read with line breaks, LaTeX markup
    and the dollars around a number as spaces (reading_copy); the rows quote
    the abstract as it is (claims-spec section 1)."""
    read = reading_copy(paper.abstract)
    if read != paper.abstract:
        return _quoting(paper.abstract, _extract(replace(paper, abstract=read)))
    return _extract(paper)


def _quoting(text: str, out: Extraction) -> Extraction:
    """The extraction's spans and sentences as `text` has them."""
    for c in out.claims:
        c.text = text[c.char_start:c.char_end]
        c.sentence = text[c.sentence_start:c.sentence_start + len(c.sentence)]
    for row in (*out.quantities, *out.hardware):
        row.text = text[row.char_start:row.char_end]
    return out


def _extract(paper: Paper) -> Extraction:
    text = paper.abstract
    source = paper.sources[0] if paper.sources else ""
    if len(text) > MAX_ABSTRACT_CHARS:
        return Extraction(problems=[Problem(
            source, None, "claims",
            f"abstract of {len(text)} characters exceeds {MAX_ABSTRACT_CHARS}; not extracted",
            paper.paper_id)])
    hw = hardware.find(paper.paper_id, text)
    benchmarks = lexicon.dataset_hits(text)
    # a number inside a device's or a benchmark's name ("RTX 4090", "Gaudi 2", "MATH 500") is no quantity
    names = [(h.char_start, h.char_end) for h in hw] + [(s, e) for s, e, _ in benchmarks]
    mentions = [m for m in quantities.find(text) if not any(s < m.end and m.start < e for s, e in names)]
    if counts := hardware.device_counts(text, mentions, hw):
        mentions = [replace(m, rule="num.device_count") if m.start in counts else m for m in mentions]
    out = Extraction(hardware=hw)
    claimed: set[int] = set()
    last_baseline: str | None = None
    last_dataset: str | None = None
    for span in sentences.split(text):
        inside = [m for m in mentions if span[0] <= m.start < span[1]]
        named = attributes.in_sentence(benchmarks, span)
        if not inside:
            last_dataset = attributes.carry_dataset([], named, last_dataset)
            continue
        if len(inside) > MAX_MENTIONS_PER_SENTENCE:
            out.problems.append(Problem(
                source, None, "claims",
                f"sentence at {span[0]}-{span[1]} has {len(inside)} quantities, more than "
                f"{MAX_MENTIONS_PER_SENTENCE}; its quantities are kept, no claims extracted",
                paper.paper_id))
            continue
        on_hardware = any(span[0] <= h.char_start < span[1] for h in hw)
        found = claims.classify(text, span, inside, paper.paper_id, on_hardware, on_benchmark=bool(named))
        attributes.attach(found, text, span, hw, named)
        last_baseline = attributes.carry_baseline(found, last_baseline)
        last_dataset = attributes.carry_dataset(found, named, last_dataset)
        for c in found:
            normalize.claim(c)
            claimed.add(c.char_start)
        out.claims.extend(found)
    for m in mentions:
        out.quantities.append(normalize.quantity(paper.paper_id, m, m.start in claimed))
    return out
