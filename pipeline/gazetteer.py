"""A list of named patterns, matched over a text only where they can match.

A gazetteer (hardware.csv, datasets.csv, metrics.csv, the cues) is a list
of entries, each a regex written by a person. Scanning an abstract once per
entry costs a pass of the regex engine per entry; most entries cannot match
at all, because the text lacks a piece of literal text every match of
theirs contains ("H100" for `(?:NVIDIA )?(?:Tesla )?H100(?:-SXM)?`). That
piece is read off the pattern's syntax tree once; one Aho-Corasick pass
(pyahocorasick) finds which of all the entries' pieces a text holds, and
only the entries whose piece is there are run. The matches are exactly those
of running every entry; only the entries that cannot match are skipped.
"""
from __future__ import annotations

import re._constants as sre
import re._parser as sre_parse
from typing import Iterator, NamedTuple, Sequence

import ahocorasick
import regex

_REGEX_ONLY = regex.compile(r"\\(?:([pP])(?:\{[^}]*\}|[A-Z])|.)", regex.S)


def _re_syntax(pattern: str) -> str:
    """`regex`'s property classes (\\p{L}, \\P{Lu}), which `re` does not read, as
    \\w / \\W: one character of a class, never a literal, in or out of [...]."""
    return _REGEX_ONLY.sub(lambda m: m[0] if not m[1] else "\\w" if m[1] == "p" else "\\W", pattern)


def required_literal(pattern: str, ignore_case: bool = False) -> tuple[tuple[str, ...], bool] | None:
    """Literal texts one of which every match of `pattern` contains (the
    longest such choice), and whether they are case-folded (the match
    ignores case); None when there is none or the pattern is not in the
    syntax `re` reads.

    >>> required_literal("(?:(?i:nvidia) )?(?:Tesla )?H100(?:[- ](?:SXM5?|PCIe))?")
    (('H100',), False)
    >>> required_literal("(?i)top-?1 accurac(?:y|ies)")
    (('1 accurac',), True)
    >>> required_literal("(?:RTX ?)?4090|4090(?= GPUs?)")
    (('4090',), False)
    >>> required_literal("TPU ?v5e|Trillium")       # re reads it as T(?:PU ?v5e|rillium)
    (('v5e', 'rillium'), False)
    >>> required_literal(r"\\p{L}+ bench(?![\\p{L}])")  # regex-only classes count as any character
    ((' bench',), False)
    >>> required_literal(r"\\w+") is None
    True
    """
    try:
        parsed = sre_parse.parse(_re_syntax(pattern))
    except (sre.error, ValueError, OverflowError, RecursionError):
        return None
    folded = ignore_case or bool(parsed.state.flags & sre.SRE_FLAG_IGNORECASE)
    best = max(_requirements(parsed), key=lambda alts: min(map(len, alts)), default=None)
    if not best or (folded and not all(a.isascii() for a in best)):
        return None
    return (tuple(a.casefold() for a in best), True) if folded else (best, False)


def _requirements(items) -> Iterator[tuple[str, ...]]:
    """Choices of literal text (one of each choice is in every match): runs
    of literals at the top level, inside groups without flags of their own
    and inside repeats that happen at least once; for an alternation, one
    literal of each of its branches."""
    run = ""
    for op, av in items:
        if op is sre.LITERAL:
            run += chr(av)
            continue
        if run:
            yield (run,)
            run = ""
        if op is sre.SUBPATTERN and not av[1] and not av[2]:
            yield from _requirements(av[3])
        elif op in (sre.MAX_REPEAT, sre.MIN_REPEAT) and av[0] >= 1:
            yield from _requirements(av[2])
        elif op is sre.BRANCH:
            per_branch = [max(_requirements(b), key=lambda a: min(map(len, a)), default=None)
                          for b in av[1]]
            if all(per_branch):
                yield tuple(dict.fromkeys(a for alts in per_branch for a in alts))
    if run:
        yield (run,)


def leading_literals(pattern: str, ignore_case: bool = False) -> tuple[tuple[str, ...], bool] | None:
    """Literal texts one of which every match of `pattern` starts with, and
    whether they are case-folded; None when some match may start otherwise.
    Lookarounds before the first character are skipped; an optional part
    adds its own beginnings to those of what follows it.

    >>> leading_literals(r"(?<![\\w-])(?:NVIDIA )?(?:Tesla )?H100(?:-SXM)?")
    (('NVIDIA ', 'Tesla ', 'H100'), False)
    >>> leading_literals(r"(?i)(?:peak |GPU )*memory|VRAM")
    (('peak ', 'gpu ', 'memory', 'vram'), True)
    >>> leading_literals(r"(?:a|)b"), leading_literals(r"\\d+ GPUs") is None
    ((('ab', 'b'), False), True)
    """
    try:
        parsed = sre_parse.parse(_re_syntax(pattern))
    except (sre.error, ValueError, OverflowError, RecursionError):
        return None
    folded = ignore_case or bool(parsed.state.flags & sre.SRE_FLAG_IGNORECASE)
    try:
        found = _starts(list(parsed), folded)
    except RecursionError:
        return None
    if not found or (folded and not all(a.isascii() for a in found)):
        return None
    found = tuple(dict.fromkeys(a.casefold() if folded else a for a in found))
    return found, folded


def _starts(items: list, folded: bool) -> list[str] | None:
    """Beginnings of a sequence of parsed items (see leading_literals)."""
    if not items:
        return None                    # the sequence may be empty: no beginning to require
    op, av = items[0]
    rest = items[1:]
    if op is sre.LITERAL:
        run = ""
        for o, a in items:
            if o is not sre.LITERAL:
                break
            run += chr(a)
        return [run]
    if op in (sre.ASSERT, sre.ASSERT_NOT, sre.AT):
        return _starts(rest, folded)    # zero width: the match starts with what follows
    if op is sre.SUBPATTERN:
        _, add, _, sub = av
        if add & sre.SRE_FLAG_IGNORECASE and not folded:
            return None                # a case-blind part in a case-exact automaton
        return _starts(list(sub) + rest, folded)
    if op is sre.BRANCH:
        out: list[str] = []
        for b in av[1]:
            got = _starts(list(b) + rest, folded)
            if got is None:
                return None
            out += got
        return out
    if op in (sre.MAX_REPEAT, sre.MIN_REPEAT):
        lo, _, sub = av
        first = _starts(list(sub), folded)
        if first is None or lo >= 1:
            return first
        after = _starts(rest, folded)    # the repeat may match nothing
        return None if after is None else first + after
    return None


_UNBOUNDED = 10_000        # a width above this is taken as unbounded
_LOOKS_AT_NEXT = {sre.AT_BOUNDARY, sre.AT_NON_BOUNDARY, sre.AT_LOC_BOUNDARY,
                  sre.AT_LOC_NON_BOUNDARY, sre.AT_UNI_BOUNDARY, sre.AT_UNI_NON_BOUNDARY}


def reach(pattern: str) -> tuple[int, int] | None:
    r"""(width, lookahead): the most characters a match of `pattern` spans,
    and the most characters past a match end its lookaheads and word
    boundaries read; None when either is unbounded or the pattern anchors
    at a start or end (a match then depends on where the text stops).
    `\p{..}` classes, which `re` does not read, count as one character.

    >>> reach(r"(?:RTX ?)?4090(?= GPUs?)")
    (8, 5)
    >>> reach(r"(?<![\p{L}\d\-])(?:top-?1 accurac(?:y|ies))(?![\p{L}\d\-])")
    (16, 1)
    >>> reach(r"\w+ bench") is None, reach(r"H100\Z") is None
    (True, True)
    """
    try:
        parsed = sre_parse.parse(_re_syntax(pattern))
        width = parsed.getwidth()[1]
        ahead = _lookahead(parsed)
    except (sre.error, ValueError, OverflowError, RecursionError, _Anchored):
        return None
    if width > _UNBOUNDED or ahead > _UNBOUNDED:
        return None
    return width, ahead


class _Anchored(Exception):
    pass


def _lookahead(items) -> int:
    most = 0
    for op, av in items:
        if op in (sre.ASSERT, sre.ASSERT_NOT):
            direction, sub = av
            most = max(most, sub.getwidth()[1] + _lookahead(sub) if direction == 1 else _lookahead(sub))
        elif op is sre.AT:
            if av not in _LOOKS_AT_NEXT:
                raise _Anchored(av)
            most = max(most, 1)
        elif op in (sre.GROUPREF, sre.GROUPREF_EXISTS):
            raise _Anchored(op)
        elif op is sre.SUBPATTERN:
            most = max(most, _lookahead(av[3]))
        elif op in (sre.MAX_REPEAT, sre.MIN_REPEAT, sre.POSSESSIVE_REPEAT):
            most = max(most, _lookahead(av[2]))
        elif op is sre.ATOMIC_GROUP:
            most = max(most, _lookahead(av))
        elif op is sre.BRANCH:
            most = max([most] + [_lookahead(b) for b in av[1]])
    return most


class Entry(NamedTuple):
    pattern: regex.Pattern
    literals: tuple[int, ...] | None   # keys (see Gazetteer.keys) one of which every match contains
    reach: tuple[int, int] | None      # see reach(): the entry runs only near its literals' places
    anchored: bool = False             # every match starts with one of `literals`


class Gazetteer:
    """Entries compiled as `before + (?:pattern) + after` with `flags`.

    `windowed`: run an entry only in windows around its literals' places
    (see finditer). That pays on long texts (a whole abstract), where each
    entry would otherwise scan every character; on one sentence, finding
    the places costs more than it saves."""

    def __init__(self, patterns: Sequence[str], before: str = "", after: str = "",
                 flags: int | Sequence[int] = 0, windowed: bool = False):
        self.windowed = windowed
        self.entries: list[Entry] = []
        index: dict[tuple[str, bool], int] = {}     # (literal, case-folded) -> key
        for i, p in enumerate(patterns):
            f = flags if isinstance(flags, int) else flags[i]
            whole = before + r"(?:" + p + r")" + after
            compiled = regex.compile(whole, f)
            leading = leading_literals(whole, bool(f & regex.I))
            required = leading or required_literal(p, bool(f & regex.I))
            keys = None
            if required:
                lits, folded = required
                keys = tuple(index.setdefault((lit, folded), len(index)) for lit in lits)
            self.entries.append(Entry(compiled, keys, reach(whole), anchored=leading is not None))
        self.keys = sorted(index, key=index.get)
        self._always = [i for i, e in enumerate(self.entries) if e.literals is None]
        self._entries_of: list[list[int]] = [[] for _ in self.keys]
        for i, e in enumerate(self.entries):
            for k in e.literals or ():
                self._entries_of[k].append(i)
        self._automata: dict[bool, ahocorasick.Automaton] = {}
        for folded in (False, True):
            a = ahocorasick.Automaton()
            for k, (lit, f) in enumerate(self.keys):
                if f == folded:
                    a.add_word(lit, k)
            if len(a):
                a.make_automaton()
                self._automata[folded] = a

    def _places(self, text: str, pos: int, end: int) -> dict[int, list[int]] | None:
        """key -> start offsets of that literal in text[pos:end]; None for the
        case-folded keys when folding changed the text's length ("ß" -> "ss"),
        as their offsets then do not point into `text`."""
        places: dict[int, list[int]] = {}
        if a := self._automata.get(False):
            for last, k in a.iter(text, pos, end):
                places.setdefault(k, []).append(last + 1 - len(self.keys[k][0]))
        if a := self._automata.get(True):
            folded = text.casefold()
            if len(folded) != len(text):
                return None
            for last, k in a.iter(folded, pos, end):
                places.setdefault(k, []).append(last + 1 - len(self.keys[k][0]))
        return places

    def candidates(self, text: str, pos: int = 0, endpos: int | None = None) -> list[int]:
        """Indices of the entries that may match in text[pos:endpos]."""
        end = len(text) if endpos is None else endpos
        found: set[int] = set()
        if a := self._automata.get(False):
            found.update(k for _, k in a.iter(text, pos, end))
        if a := self._automata.get(True):
            folded = text.casefold()
            if len(folded) == len(text):
                found.update(k for _, k in a.iter(folded, pos, end))
            else:        # case-folding changed lengths ("ß" -> "ss"): look everywhere
                found.update(k for _, k in a.iter(folded))
        picked = set(self._always)
        for k in found:
            picked.update(self._entries_of[k])
        return sorted(picked)

    def finditer(self, text: str, pos: int = 0, endpos: int | None = None) -> Iterator[tuple[int, regex.Match]]:
        """(entry index, match) for every match of every entry, entries in
        list order, each entry's matches left to right.

        An entry whose matches all start with one of its literals is tried
        only where those literals start, left to right, skipping the places
        inside the last match: what scanning every position finds, since no
        other position can start a match.

        Otherwise, when windowed, an entry of bounded reach runs only in the
        windows around the places of its literal: a match holding the
        literal at [a, b) starts at b - width or later and ends by a + width,
        and its lookaheads read at most `lookahead` characters further.
        Overlapping windows are merged, so a match never straddles two, and
        each window is scanned left to right as the whole text would be: the
        matches are the same. Any other entry scans text[pos:endpos]."""
        end = len(text) if endpos is None else endpos
        places = self._places(text, pos, end)
        if places is None:       # case-folding changed the text's length: scan the candidates
            for i in self.candidates(text, pos, end):
                for m in self.entries[i].pattern.finditer(text, pos, end):
                    yield i, m
            return
        for i in self._picked(places):
            e = self.entries[i]
            if e.anchored:
                last = pos
                for a in sorted({a for k in e.literals for a in places.get(k, ())}):
                    if a >= last and (m := e.pattern.match(text, a, end)):
                        yield i, m
                        last = m.end()
            elif self.windowed and e.reach is not None and e.literals is not None:
                width, ahead = e.reach
                for lo, hi in _windows(places, e.literals, self.keys, width, ahead, pos, end):
                    for m in e.pattern.finditer(text, lo, hi):
                        yield i, m
            else:
                for m in e.pattern.finditer(text, pos, end):
                    yield i, m

    def _picked(self, places: dict[int, list[int]]) -> list[int]:
        picked = set(self._always)
        for k in places:
            picked.update(self._entries_of[k])
        return sorted(picked)


def _windows(places: dict[int, list[int]], keys: tuple[int, ...], literals: list, width: int,
             ahead: int, pos: int, end: int) -> list[tuple[int, int]]:
    """Merged [lo, hi) windows around every place of the entry's literals."""
    spans = sorted((max(pos, a + len(literals[k][0]) - width), min(end, a + width + ahead))
                   for k in keys for a in places.get(k, ()))
    merged: list[list[int]] = []
    for lo, hi in spans:
        if merged and lo <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], hi)
        else:
            merged.append([lo, hi])
    return [(lo, hi) for lo, hi in merged]


class Guarded:
    """A pattern every match of which holds a match of one of a gazetteer's
    entries ("a metric name, then 'of'"), run only on texts where one of
    those entries may match: on most texts it is answered by the
    Aho-Corasick pass alone, without the regex engine trying every entry at
    every position.

    >>> g = Guarded(regex.compile(r"(?:H100|A100) GPUs?"), Gazetteer(["H100", "A100"]))
    >>> g.search("on 8 H100 GPUs").group(), g.search("on 8 V100 GPUs")
    ('H100 GPUs', None)
    """

    def __init__(self, pattern: regex.Pattern, gazetteer: Gazetteer):
        self.pattern, self.gazetteer = pattern, gazetteer

    def search(self, text: str, pos: int = 0, endpos: int | None = None) -> regex.Match | None:
        end = len(text) if endpos is None else endpos
        return self.pattern.search(text, pos, end) if self.gazetteer.candidates(text, pos, end) else None

    def match(self, text: str, pos: int = 0, endpos: int | None = None) -> regex.Match | None:
        end = len(text) if endpos is None else endpos
        return self.pattern.match(text, pos, end) if self.gazetteer.candidates(text, pos, end) else None
