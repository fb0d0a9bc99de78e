"""Patterns that answer "no match" without the engine when a text lacks
the literals every match needs.

Most context patterns of the deciders ("respectively", "on average", the
verbs of outperforming) are asked about a window of a few words that
cannot hold a match: none of the literal texts one of which every match
contains is in it. `guarded(p)` reads those literals once from the
pattern's syntax tree (gazetteer.required_literal: runs of literals, one
per branch of an alternation, one of a class of a few characters) and
answers such a window with a substring test: no match. Any other window
is matched by the pattern itself, so the answers are the pattern's own
(tests/test_fast_paths.py holds every guarded pattern of the rules to its
pattern). A case-blind pattern's literals are looked for in the window
folded one character for one, as the gazetteer scan looks for them
("ſ", the Kelvin sign, "İ" as "s", "k", "i").

Regex calls per abstract of extraction on the 413 raw abstracts (bench/run.py):
136.6 with every context pattern run, 97.7 guarded.
"""
from __future__ import annotations

from typing import Iterator

import regex

from .gazetteer import _folded, required_literal


class Guarded:
    """A compiled pattern, and the literals one of which every match contains
    (case-folded when `folded`). Matching methods take what the pattern's take."""
    __slots__ = ("compiled", "needs", "folded")

    def __init__(self, compiled: regex.Pattern, needs: tuple[str, ...], folded: bool):
        self.compiled, self.needs, self.folded = compiled, needs, folded

    def __reduce__(self):
        return Guarded, (self.compiled, self.needs, self.folded)

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
        part = string[pos:endpos]
        if self.folded:
            part = part.lower() if part.isascii() else _folded(part)
        for need in self.needs:
            if need in part:
                return True
        return False

    def search(self, string: str, pos: int | None = None, endpos: int | None = None) -> regex.Match | None:
        return self.compiled.search(string, pos, endpos) if self.may_match(string, pos, endpos) else None

    def match(self, string: str, pos: int | None = None, endpos: int | None = None) -> regex.Match | None:
        return self.compiled.match(string, pos, endpos) if self.may_match(string, pos, endpos) else None

    def fullmatch(self, string: str, pos: int | None = None, endpos: int | None = None) -> regex.Match | None:
        return self.compiled.fullmatch(string, pos, endpos) if self.may_match(string, pos, endpos) else None

    def finditer(self, string: str, pos: int | None = None, endpos: int | None = None) -> Iterator[regex.Match]:
        return self.compiled.finditer(string, pos, endpos) if self.may_match(string, pos, endpos) else iter(())

    def sub(self, repl, string: str, count: int = 0) -> str:
        return self.compiled.sub(repl, string, count) if self.may_match(string) else string

    def split(self, string: str, maxsplit: int = 0) -> list[str]:
        return self.compiled.split(string, maxsplit) if self.may_match(string) else [string]


def guarded(p: regex.Pattern) -> regex.Pattern | Guarded:
    """`p` guarded by its literals; `p` itself when some match may hold none
    (or `p` is of a syntax the literals are not read from: full case-folding,
    version 1 sets).

    >>> p = guarded(regex.compile(r"(?i)\\brespectively\\b"))
    >>> p.needs, p.search("2x and 3x, RESPECTIVELY").group(), p.search("2x and 3x")
    (('respectively',), 'RESPECTIVELY', None)
    >>> guarded(regex.compile(r"\\d+")).pattern
    '\\\\d+'
    """
    if p.flags & (regex.FULLCASE | regex.V1):
        return p
    need = required_literal(p.pattern, bool(p.flags & regex.I))
    return p if need is None else Guarded(p, need[0], need[1])
