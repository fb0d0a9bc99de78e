"""Sentence splitting with offsets into the abstract.

A sentence ends at '.', '!' or '?' (optionally followed by closing quotes or
brackets) that is followed by white space and an upper-case letter, digit or
opening bracket (resources/sentences.toml), unless the word before the
period is an abbreviation ("et al.", "e.g.", "Fig.", "vs.") or the period
sits inside a number.
"""
from __future__ import annotations

from ..rules import Rules

def _word_before(text: str, end: int, reach: int = 40) -> str | None:
    """The run of letters and periods ending at `end` ("e.g", "al"), if it
    starts the text or follows a space or "(" within `reach` characters.

    >>> _word_before("see e.g. this", 7), _word_before("x-al", 4), _word_before("(Fig", 4)
    ('e.g', None, 'Fig')
    """
    start, low = end, max(0, end - reach)
    while start > low and (text[start - 1].isalpha() or text[start - 1] == "."):
        start -= 1
    if start == end or not (start == 0 or text[start - 1].isspace() or text[start - 1] == "("):
        return None
    return text[start:end]


def split(text: str, rules: Rules) -> list[tuple[int, int]]:
    """(start, end) spans of the sentences of `text`, covering its non-space text.

    >>> from pipeline.rules import default
    >>> t = "We use e.g. GPUs. It is 2.5x faster than Smith et al. We win."
    >>> [t[s:e] for s, e in split(t, default())]
    ['We use e.g. GPUs.', 'It is 2.5x faster than Smith et al. We win.']
    """
    spans, start = [], 0
    for m in rules.sentence_end.finditer(text):
        end = m.end()
        if m.group().startswith("."):
            w = _word_before(text, m.start(), rules.abbreviation_reach)
            if w and (w.lower().strip(".") in rules.abbreviations or len(w) == 1):
                continue
        spans.append((start, end))
        start = end
        while start < len(text) and text[start].isspace():
            start += 1
    if start < len(text):
        spans.append((start, len(text.rstrip())))
    return [(s, e) for s, e in spans if e > s]
