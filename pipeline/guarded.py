"""Patterns that answer "no match" without the engine when a text lacks
the literals every match needs.

Most context patterns of the deciders ("respectively", "on average", the
verbs of outperforming) are asked about a window of a few words that
cannot hold a match: none of the literal texts one of which every match
contains is in it. `guarded(p)` reads those literals once from the
pattern's syntax tree (gazetteer.required_literal: runs of literals, one
per branch of an alternation, one of a class of a few characters) and
answers such a window with a substring test: no match. A pattern whose
matches all start with one of a few literals (gazetteer.leading_literals:
"with", "using" or "on" for "\\A(?:with|using|on)\\s+") is matched at a
place only when the text there starts with one. Any other window is
matched by the pattern itself, so the answers are the pattern's own
(tests/test_fast_paths.py holds every guarded pattern of the rules to its
pattern). A case-blind pattern's literals are looked for in the window
folded one character for one, as the gazetteer scan looks for them
("ſ", the Kelvin sign, "İ" as "s", "k", "i").

Regex calls per abstract of extraction on the 413 raw abstracts
(bench/run.py): 107.8 with the patterns of the rules unguarded, 47.6
guarded. The substring tests cost about what the calls they save cost:
the rate of extraction is unchanged within the noise of a shared machine.
"""
from __future__ import annotations

from typing import Iterator

import regex

from .gazetteer import _folded, leading_literals, required_literal


class Guarded:
    """A compiled pattern; the literals one of which every match contains
    (`needs`, case-folded when `folded`; None: not known); and the literals
    one of which every match starts with (`starts`: (length, case-folded,
    the literals of that length), None: not known). Matching methods take
    what the pattern's take."""
    __slots__ = ("compiled", "needs", "folded", "starts")

    def __init__(self, compiled: regex.Pattern, needs: tuple[str, ...] | None, folded: bool,
                 starts: tuple[tuple[int, bool, frozenset[str]], ...] | None = None):
        self.compiled, self.needs, self.folded, self.starts = compiled, needs, folded, starts

    def __reduce__(self):
        return Guarded, (self.compiled, self.needs, self.folded, self.starts)

    def __repr__(self) -> str:
        return f"Guarded({self.compiled!r}, needs={self.needs!r})"

    @property
    def pattern(self) -> str:
        return self.compiled.pattern

    @property
    def flags(self) -> int:
        return self.compiled.flags

    @property
    def groupindex(self):
        return self.compiled.groupindex

    def may_match(self, string: str, pos: int | None = None, endpos: int | None = None) -> bool:
        """Whether string[pos:endpos] holds one of the needed literals."""
        if self.needs is None:
            return True
        part = string[pos:endpos]
        if self.folded:
            part = _fold(part)
        return any(map(part.__contains__, self.needs))

    def may_start(self, string: str, pos: int | None = None) -> bool:
        """Whether string[pos:] starts with one of the literals every match starts with."""
        if self.starts is None:
            return True
        pos = pos or 0
        for size, folded, literals in self.starts:
            part = string[pos:pos + size]
            if (_fold(part) if folded else part) in literals:
                return True
        return False

    def search(self, string: str, pos: int | None = None, endpos: int | None = None) -> regex.Match | None:
        return self.compiled.search(string, pos, endpos) if self.may_match(string, pos, endpos) else None

    def match(self, string: str, pos: int | None = None, endpos: int | None = None) -> regex.Match | None:
        return self.compiled.match(string, pos, endpos) \
            if self.may_start(string, pos) and self.may_match(string, pos, endpos) else None

    def fullmatch(self, string: str, pos: int | None = None, endpos: int | None = None) -> regex.Match | None:
        return self.compiled.fullmatch(string, pos, endpos) \
            if self.may_start(string, pos) and self.may_match(string, pos, endpos) else None

    def finditer(self, string: str, pos: int | None = None, endpos: int | None = None) -> Iterator[regex.Match]:
        return self.compiled.finditer(string, pos, endpos) if self.may_match(string, pos, endpos) else iter(())

    def sub(self, repl, string: str, count: int = 0) -> str:
        return self.compiled.sub(repl, string, count) if self.may_match(string) else string

    def split(self, string: str, maxsplit: int = 0) -> list[str]:
        return self.compiled.split(string, maxsplit) if self.may_match(string) else [string]


def guarded(p: regex.Pattern) -> regex.Pattern | Guarded:
    """`p` guarded by its literals; `p` itself when some match may hold none
    and start with anything (or `p` is of a syntax the literals are not read
    from: full case-folding, version 1 sets). A pattern matched backwards
    (REVERSE) starts its matches at their end: only its needed literals count.

    >>> p = guarded(regex.compile(r"(?i)\\brespectively\\b"))
    >>> p.needs, p.search("2x and 3x, RESPECTIVELY").group(), p.search("2x and 3x")
    (('respectively',), 'RESPECTIVELY', None)
    >>> p = guarded(regex.compile(r"(?i)\\A(?:with|using|on)\\s+"))
    >>> sorted(p.starts), p.match("upon X"), p.match("With X").group()
    ([(2, True, frozenset({'on'})), (4, True, frozenset({'with'})), (5, True, frozenset({'using'}))], None, 'With ')
    >>> guarded(regex.compile(r"\\d+")).pattern
    '\\\\d+'
    """
    if p.flags & (regex.FULLCASE | regex.V1):
        return p
    need = required_literal(p.pattern, bool(p.flags & regex.I))
    starts = None if p.flags & regex.REVERSE else leading_literals(p.pattern, bool(p.flags & regex.I))
    if need is None and starts is None:
        return p
    by_length: dict[tuple[int, bool], set[str]] = {}
    for lit, folded in starts or ():
        by_length.setdefault((len(lit), folded), set()).add(lit)
    return Guarded(p, *(need or (None, False)),
                   tuple((n, f, frozenset(lits)) for (n, f), lits in by_length.items()) if starts else None)


def _fold(text: str) -> str:
    """`text` case-folded one character for one, as case-folded literals are looked for."""
    return text.lower() if text.isascii() else _folded(text)
