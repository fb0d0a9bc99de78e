"""A list of named patterns, matched over a text only where they can match.

A gazetteer (hardware.csv, datasets.csv, metrics.csv, the cues, the number
words) is a list of entries, each a regex written by a person. Scanning a
text once per entry costs a pass of the regex engine per entry, and most
entries cannot match at all. So each pattern's syntax tree is read once
for the literal texts its matches start with ("NVIDIA ", "Tesla " or
"H100" for `(?:NVIDIA )?(?:Tesla )?H100`), or, when some match may start
otherwise, a literal every match contains. One Aho-Corasick pass
(pyahocorasick) finds where all those literals are in the text; an entry
with none of its literals there is skipped, and an entry whose matches
start with its literals is tried only at their places. The matches are
exactly those of scanning the text with every entry (property tests in
tests/test_fast_paths.py hold the two equal).
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


def _parse(pattern: str, ignore_case: bool):
    """`re`'s syntax tree of a pattern, and whether it ignores case; None
    when `re` cannot read it."""
    try:
        parsed = sre_parse.parse(_re_syntax(pattern))
    except (sre.error, ValueError, OverflowError, RecursionError):
        return None
    return parsed, ignore_case or bool(parsed.state.flags & sre.SRE_FLAG_IGNORECASE)


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
    if (read := _parse(pattern, ignore_case)) is None:
        return None
    parsed, folded = read
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


def leading_literals(pattern: str, ignore_case: bool = False) -> tuple[tuple[str, bool], ...] | None:
    """(literal, case-folded) pairs, one of which every match of `pattern`
    starts with; None when some match may start otherwise. Lookarounds
    before the first character are skipped; an optional part adds its own
    beginnings to those of what follows it; a case-blind part ((?i:...),
    [Mm]) is looked for case-folded.

    >>> leading_literals(r"(?<![\\w-])(?:(?i:nvidia) )?(?:Tesla )?H100(?:-SXM)?")
    (('nvidia ', True), ('Tesla ', False), ('H100', False))
    >>> leading_literals(r"(?i)(?:peak |GPU )*memory|VRAM")
    (('peak ', True), ('gpu ', True), ('memory', True), ('vram', True))
    >>> leading_literals(r"[Mm]obile GPUs?"), leading_literals(r"(?:a|)b")
    ((('mobile gpu', True),), (('ab', False), ('b', False)))
    >>> leading_literals(r"\\d+ GPUs") is None
    True
    """
    if (read := _parse(pattern, ignore_case)) is None:
        return None
    parsed, folded = read
    try:
        found = _starts(list(parsed), folded)
    except RecursionError:
        return None
    if not found or any(f and not lit.isascii() for lit, f in found):
        return None
    return tuple(dict.fromkeys((lit.casefold() if f else lit, f) for lit, f in found))


def _case_pair(op, av) -> str | None:
    """[Mm]: one letter in either case, as its lower case."""
    if op is sre.IN and len(av) == 2 and all(o is sre.LITERAL for o, _ in av):
        a, b = (chr(c) for _, c in av)
        if a != b and a.casefold() == b.casefold():
            return a.casefold()
    return None


def _starts(items: list, folded: bool) -> list[tuple[str, bool]] | None:
    """Beginnings of a sequence of parsed items (see leading_literals)."""
    if not items:
        return None                    # the sequence may be empty: no beginning to require
    op, av = items[0]
    rest = items[1:]
    if op is sre.LITERAL or _case_pair(op, av):
        run, blind = "", folded
        for o, a in items:
            if o is sre.LITERAL:
                run += chr(a)
            elif c := _case_pair(o, a):
                run, blind = run + c, True
            else:
                break
        return [(run, blind)]
    if op in (sre.ASSERT, sre.ASSERT_NOT, sre.AT):
        return _starts(rest, folded)    # zero width: the match starts with what follows
    if op is sre.SUBPATTERN:
        _, add, _, sub = av
        # a case-blind group (and, to keep it simple, what follows it) is looked for case-folded
        return _starts(list(sub) + rest, folded or bool(add & sre.SRE_FLAG_IGNORECASE))
    if op is sre.BRANCH:
        out: list[tuple[str, bool]] = []
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


class Entry(NamedTuple):
    pattern: regex.Pattern
    literals: tuple[int, ...] | None   # keys (see Gazetteer.keys) one of which every match contains
    anchored: bool = False             # every match starts with one of `literals`


Places = dict[int, list[int]]          # key -> start offsets of that literal in the text


class Gazetteer:
    """Entries compiled as `before + (?:pattern) + after` with `flags`."""

    def __init__(self, patterns: Sequence[str], before: str = "", after: str = "",
                 flags: int | Sequence[int] = 0):
        self.entries: list[Entry] = []
        index: dict[tuple[str, bool], int] = {}     # (literal, case-folded) -> key
        for i, p in enumerate(patterns):
            f = flags if isinstance(flags, int) else flags[i]
            whole = before + r"(?:" + p + r")" + after
            compiled = regex.compile(whole, f)
            leading = leading_literals(whole, bool(f & regex.I))
            required = None if leading else required_literal(p, bool(f & regex.I))
            pairs = leading or (tuple((lit, required[1]) for lit in required[0]) if required else None)
            keys = tuple(dict.fromkeys(index.setdefault(pair, len(index)) for pair in pairs)) if pairs else None
            self.entries.append(Entry(compiled, keys, anchored=leading is not None))
        self.keys = sorted(index, key=index.get)
        self._always = [i for i, e in enumerate(self.entries) if e.literals is None]
        self._entries_of: list[list[int]] = [[] for _ in self.keys]
        for i, e in enumerate(self.entries):
            for k in e.literals or ():
                self._entries_of[k].append(i)
        self._automata = _automata([self.keys])

    def _places(self, text: str, pos: int, end: int) -> Places | None:
        """key -> start offsets of that literal in text[pos:end]; None when
        case-folding changed the text's length ("ß" -> "ss"), as offsets in
        the folded text then do not point into `text`."""
        found = _scan(self._automata, 1, text, pos, end)
        return None if found is None else found[0]

    def candidates(self, text: str, pos: int = 0, endpos: int | None = None) -> list[int]:
        """Indices of the entries that may match in text[pos:endpos]."""
        end = len(text) if endpos is None else endpos
        places = self._places(text, pos, end)
        if places is None:       # case-folding changed lengths ("ß" -> "ss"): look everywhere
            places = {}
            for folded, a in self._automata:
                for _, (_, owners) in (a.iter(text.casefold()) if folded else a.iter(text, pos, end)):
                    places.update((k, []) for _, k in owners)
        picked = set(self._always)
        for k in places:
            picked.update(self._entries_of[k])
        return sorted(picked)

    def finditer(self, text: str, pos: int = 0, endpos: int | None = None,
                 places: Places | None = None) -> Iterator[tuple[int, regex.Match]]:
        """(entry index, match) for every match of every entry, entries in
        list order, each entry's matches left to right.

        An anchored entry (every match starts with one of its literals) is
        tried only where those literals start, left to right, skipping the
        places inside the last match: what scanning every position finds,
        since no other position can start a match. Any other entry whose
        literal is in the text scans text[pos:endpos]. `places`: where the
        literals are, when a Scanner has found them already."""
        end = len(text) if endpos is None else endpos
        if places is None:
            places = self._places(text, pos, end)
        if places is None:       # case-folding changed the text's length: scan the candidates
            for i in self.candidates(text, pos, end):
                for m in self.entries[i].pattern.finditer(text, pos, end):
                    yield i, m
            return
        starts: dict[int, list[int]] = {i: [] for i in self._always}
        for k, at in places.items():
            for i in self._entries_of[k]:
                if i in starts:
                    starts[i] += at
                else:
                    starts[i] = list(at)
        for i in sorted(starts):
            e = self.entries[i]
            if e.anchored:
                last = pos
                for a in sorted(set(starts[i])):
                    if a >= last and (m := e.pattern.match(text, a, end)):
                        yield i, m
                        last = m.end()
            else:
                for m in e.pattern.finditer(text, pos, end):
                    yield i, m


class Scanner:
    """Gazetteers that scan the same whole texts (an abstract: devices,
    benchmarks, metrics, cues, number words, baseline phrases), their
    literals found in one Aho-Corasick pass per case instead of one each.
    `places` is that pass; `finditer` then tries a gazetteer's entries where
    their literals are, in the whole text or only in some spans of it.

    >>> s = Scanner({"gpu": Gazetteer(["H100", "A100"]), "set": Gazetteer(["COCO"])})
    >>> places = s.places("COCO on A100")
    >>> [m.group() for _, m in s.finditer("gpu", "COCO on A100", places)]
    ['A100']
    """

    def __init__(self, gazetteers: dict[str, Gazetteer]):
        self.gazetteers = gazetteers
        self._automata = _automata([g.keys for g in gazetteers.values()])

    def places(self, text: str) -> dict[str, Places | None]:
        """Where each gazetteer's literals are in the whole text (None: look everywhere)."""
        found = _scan(self._automata, len(self.gazetteers), text, 0, len(text))
        if found is None:                  # case-folding changed the text's length
            found = [None] * len(self.gazetteers)
        return dict(zip(self.gazetteers, found))

    def finditer(self, name: str, text: str, places: dict[str, Places | None],
                 spans: list[tuple[int, int]] | None = None) -> Iterator[tuple[int, regex.Match]]:
        """(entry index, match) of one gazetteer over the whole text, or over
        each of `spans` (matches end within their span)."""
        g, at = self.gazetteers[name], places[name]
        if spans is None:
            yield from g.finditer(text, places=at)
            return
        for a, b in spans:
            inside = None if at is None else {k: [x for x in v if a <= x < b] for k, v in at.items()}
            yield from g.finditer(text, a, b, {k: v for k, v in inside.items() if v} if inside is not None else None)


def _automata(key_lists: list[list[tuple[str, bool]]]) -> list[tuple[bool, ahocorasick.Automaton]]:
    """Per case (as written, case-folded), one automaton over the keys of
    several gazetteers; a literal's value is its length and its owners,
    ((list number, key), ...)."""
    out = []
    for folded in (False, True):
        owners: dict[str, list[tuple[int, int]]] = {}
        for m, keys in enumerate(key_lists):
            for k, (lit, f) in enumerate(keys):
                if f == folded:
                    owners.setdefault(lit, []).append((m, k))
        if owners:
            a = ahocorasick.Automaton()
            for lit, who in owners.items():
                a.add_word(lit, (len(lit), tuple(who)))
            a.make_automaton()
            out.append((folded, a))
    return out


def _scan(automata, lists: int, text: str, pos: int, end: int) -> list[dict[int, list[int]]] | None:
    """For each of the `lists` key lists, key -> start offsets of that
    literal in text[pos:end]; None when case-folding changed the text's
    length, as offsets in the folded text then do not point into `text`."""
    found: list[dict[int, list[int]]] = [{} for _ in range(lists)]
    for folded, a in automata:
        seen = text.casefold() if folded else text
        if len(seen) != len(text):
            return None
        for last, (n, owners) in a.iter(seen, pos, end):
            for m, k in owners:
                places = found[m]
                if k in places:
                    places[k].append(last + 1 - n)
                else:
                    places[k] = [last + 1 - n]
    return found
