"""The reading copy of an abstract: the same length, the same offsets.

Some characters are read as spaces, one for one, so that every offset
holds (resources/reading.toml): line breaks and tabs (the arXiv snapshot
wraps abstracts at ~80 characters, and "up\\nto 2.3x" is "up to 2.3x" all
the same); the dollar that opens LaTeX math before a number and the one
that closes a plain number ("a perplexity of $5.2$", "up to $12.5\\times$");
LaTeX markup, which keeps its text ("\\textsc{FooServe}", "{\\bf 2x}"),
and citations, which go ("~\\cite{dao2022}"); inline math delimiters
("\\(", "\\)"). Symbols written as words read as the symbol, padded
with spaces before it ("\\sim", "\\textasciitilde" and a "sim" glued to a
number read "~").
"""
from __future__ import annotations

import regex

from ..rules import Rules


def _blank_markup(m: regex.Match) -> str:
    if m["markup"]:
        return " " * len(m["markup"]) + m["body"] + " "
    return " " * len(m.group())


def reading_copy(text: str, rules: Rules) -> str:
    """`text` as extraction reads it.

    >>> from pipeline.rules import default
    >>> reading_copy("up\\nto $12.5\\\\times$, a perplexity of $5.2$", default())
    'up to  12.5\\\\times$, a perplexity of  5.2 '
    >>> reading_copy("\\\\textsc{Foo} beats vLLM~\\\\cite{kwon23}.", default())
    '        Foo  beats vLLM              .'
    """
    if "$" in text:         # plain str tests first: most abstracts have neither
        text = rules.math_dollar.sub(" ", text)
    if "\\" in text:
        text = rules.reading_markup.sub(_blank_markup, text)
        text = rules.reading_fonts.sub(_blank_markup, text)
    for pattern, symbol, literal in rules.reading_symbols:
        if literal is None or any(a in (text.casefold() if literal[1] else text) for a in literal[0]):
            text = pattern.sub(lambda m: " " * (len(m.group()) - len(symbol)) + symbol, text)
    if "\\" in text or "$" in text:
        text = rules.reading_blank.sub(lambda m: " " * len(m.group()), text)
    for c in rules.breaks:
        if c in text:
            text = text.replace(c, " ")
    return text
