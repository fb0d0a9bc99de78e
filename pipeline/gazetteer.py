"""A list of named patterns, matched over a text only where they can match.

A gazetteer (the device grammar, datasets.csv, metrics.csv, the cues, the
number words, the baseline phrases) is a list of entries, each a regex
written by a person. Scanning a text once per entry costs a pass of the
regex engine per entry, and most entries cannot match at all. So, once,
each pattern's syntax tree is read for the literal texts its matches start
with ("NVIDIA ", "Tesla " or "H100" for `(?:NVIDIA )?(?:Tesla )?H100`), or,
when some match may start otherwise, a literal every match contains; and
it is written as a superset for RE2 (see `superset`: no lookarounds,
character classes as the ASCII characters `regex` matches with them). One
scan of a text then finds, for all gazetteers at once, where the literals
are (a Hyperscan database of them) and which entries may match at all (an
RE2 set of the supersets). An entry RE2 finds no match of is skipped; an
entry whose matches start with its literals is tried only at their places,
and not after a character its leading lookbehind bars; any other is run
over the text. The matches are exactly those of scanning the text with
every entry (tests/test_fast_paths.py, tests/test_scan_engines.py).

The engines were chosen by these figures, over the reading copies of the
413 raw abstracts, one core, CPU time, the least of 5 passes (bench/engines.py
prints them anew; the machine was shared, so read them to +-20%):

    engine (all gazetteers: 2343 literals, 388 entries)  compile   scan/abstract
    Aho-Corasick literals, 2 passes (as before)             1 ms        55 us
    Hyperscan literals, 1 pass                             40 ms        17 us
    RE2 set of the entries' supersets                      18 ms         9 us
    Hyperscan supersets (where each match ends)           380 ms        15 us
    Hyperscan literals + supersets, one database          430 ms        30 us

The whole scan of an abstract (engines, places, filter: Scanner.places)
went from 75 to 47 us, and the regex calls of the gazetteers per abstract
of extraction from 84 to 10.6 (48 with the longer literals and the
lookbehind check but no filter). A filter that also knows where each
superset match ends (Hyperscan) saved 4 more calls in a trial, for a
compile of 0.4 s in every process; RE2 gives the filter for 18 ms. So:
Hyperscan for the literals, an RE2 set for the filter, and `regex` for
every match that is reported.
"""
from __future__ import annotations

import re._constants as sre
import re._parser as sre_parse
import functools
import threading
from typing import Iterator, NamedTuple, Sequence

import hyperscan
import re2
import regex

_REGEX_ONLY = regex.compile(r"\\(?:([pP])(?:\{[^}]*\}|[A-Z])|.)", regex.S)


def _re_syntax(pattern: str) -> str:
    """`regex`'s property classes (\\p{L}, \\P{Lu}), which `re` does not read, as
    \\w / \\W: one character of a class, never a literal, in or out of [...]."""
    return _REGEX_ONLY.sub(lambda m: m[0] if not m[1] else "\\w" if m[1] == "p" else "\\W", pattern)


def _parse(pattern: str, ignore_case: bool):
    """`re`'s syntax tree of a pattern, and whether it ignores case; None
    when `re` cannot read it, or would read it otherwise than `regex`
    (POSIX classes, fuzzy matching)."""
    plain = _re_syntax(pattern)
    if _NOT_RE_SYNTAX.search(plain):
        return None
    try:
        parsed = sre_parse.parse(plain)
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
    (('1 accuracy', '1 accuracies'), True)
    >>> required_literal("(?:RTX ?)?4090|4090(?= GPUs?)")
    (('4090',), False)
    >>> required_literal("TPU ?v5e|Trillium")       # re reads it as T(?:PU ?v5e|rillium)
    (('TPU', 'Trillium'), False)
    >>> required_literal(r"\\p{L}+ bench(?![\\p{L}])")  # regex-only classes count as any character
    ((' bench',), False)
    >>> required_literal(r"[;:]|,\\s+but|\\bwhile\\b")        # a class of a few characters: each
    ((';', ':', 'but', 'while'), False)
    >>> required_literal("(?i)at least|≥")               # no case beyond ASCII: as it is
    (('at least', '≥'), True)
    >>> required_literal(r"(?i)\\b(?:vs\\.?|versus)\\s*\\Z")
    (('vs', 'versus'), True)
    >>> required_literal(r"\\w+") is None
    True
    """
    if (read := _parse(pattern, ignore_case)) is None:
        return None
    parsed, folded = read
    best = max(_requirements(parsed), key=lambda alts: min(map(len, alts)), default=None)
    if not best or (folded and not all(c.isascii() or c == c.casefold() == c.upper() for a in best for c in a)):
        return None
    return (tuple(a.casefold() for a in best), True) if folded else (best, False)


_MOST_CLASS_CHARACTERS = 4    # a class of at most this many characters requires one of them


def _head(items) -> str:
    """The literal text a sequence of parsed items starts with ("" if none)."""
    out = ""
    for op, av in items:
        if op is not sre.LITERAL:
            break
        out += chr(av)
    return out


def _requirements(items) -> Iterator[tuple[str, ...]]:
    """Choices of literal text (one of each choice is in every match): runs
    of literals at the top level, inside groups without flags of their own
    and inside repeats that happen at least once; for an alternation, one
    literal of each of its branches (and, after a literal, that literal
    followed by the literal each branch starts with: `re` reads "vs|versus"
    as "v(?:s|ersus)"); for a class of a few characters, one of them."""
    run = ""
    for op, av in items:
        if op is sre.LITERAL:
            run += chr(av)
            continue
        if run:
            yield (run,)
            if op is sre.BRANCH and all(heads := [_head(b) for b in av[1]]):
                yield tuple(dict.fromkeys(run + h for h in heads))
            run = ""
        if op is sre.IN and len(av) <= _MOST_CLASS_CHARACTERS and all(o is sre.LITERAL for o, _ in av):
            yield tuple(dict.fromkeys(chr(c) for _, c in av))
        elif op is sre.SUBPATTERN and not av[1] and not av[2]:
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


def opening_characters(pattern: str) -> frozenset[str] | None:
    r"""The characters a match of `pattern` that is not empty starts with,
    for a pattern of literal characters each perhaps optional ("\}?\$?":
    "}" or "$", case-sensitive); None for any other pattern.

    >>> sorted(opening_characters(r"\}?\$?")), sorted(opening_characters(r"\(?x")), opening_characters(r"\s*")
    (['$', '}'], ['(', 'x'], None)
    """
    if (read := _parse(pattern, False)) is None or read[1]:
        return None
    out: set[str] = set()
    for op, av in read[0]:
        if op is sre.LITERAL:
            return frozenset(out | {chr(av)})
        if op is not sre.MAX_REPEAT or av[:2] != (0, 1) or len(av[2]) != 1 or av[2][0][0] is not sre.LITERAL:
            return None
        out.add(chr(av[2][0][1]))
    return frozenset(out)


def leading_literals(pattern: str, ignore_case: bool = False) -> tuple[tuple[str, bool], ...] | None:
    """(literal, case-folded) pairs, one of which every match of `pattern`
    starts with; None when some match may start otherwise. Lookarounds
    before the first character are skipped; an optional part adds its own
    beginnings to those of what follows it; a case-blind part ((?i:...),
    [Mm]) is looked for case-folded; a literal goes on with the beginnings
    of what follows it, when there are some and not too many (`re` reads
    "HR@|Hits?@" as "H(?:R@|its?@)": "HR@", "Hits", "Hit@", not "H").

    >>> leading_literals(r"HR@\\d+|Hits?@\\d+")
    (('HR@', False), ('Hits', False), ('Hit@', False))
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


_MOST_BEGINNINGS = 64     # a literal is extended by what follows it into at most this many


def _starts(items: list, folded: bool) -> list[tuple[str, bool]] | None:
    """Beginnings of a sequence of parsed items (see leading_literals)."""
    if not items:
        return None                    # the sequence may be empty: no beginning to require
    op, av = items[0]
    rest = items[1:]
    if op is sre.LITERAL or _case_pair(op, av):
        run, blind, n = "", folded, 0
        for o, a in items:
            if o is sre.LITERAL:
                run += chr(a)
            elif c := _case_pair(o, a):
                run, blind = run + c, True
            else:
                break
            n += 1
        # what follows, when it has beginnings ("H" of "HR|Hits?", which `re` reads as H(?:R|its?))
        tail = _starts(items[n:], folded) if n < len(items) else None
        if tail is not None and len(tail) <= _MOST_BEGINNINGS:
            return [(run + lit, blind or b) for lit, b in tail]
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



# ---- the filter: a superset of each entry, for RE2 -------------------------------

_PLACEHOLDER = 0xF0000          # \p{..} classes stand in the parsed tree as private-use characters
# what `re` reads otherwise than `regex`: POSIX classes, fuzzy matching ("{e<=1}")
_NOT_RE_SYNTAX = regex.compile(r"\[:|(?<!\\)(?:\\\\)*\{(?!\d*,?\d*\})")
_ASCII = "".join(map(chr, range(128)))
_CATEGORY = {sre.CATEGORY_DIGIT: r"\d", sre.CATEGORY_NOT_DIGIT: r"\D", sre.CATEGORY_SPACE: r"\s",
             sre.CATEGORY_NOT_SPACE: r"\S", sre.CATEGORY_WORD: r"\w", sre.CATEGORY_NOT_WORD: r"\W"}
_WIDE = r"\x{80}-\x{10FFFF}"     # any character beyond ASCII (RE2 reads UTF-8)
_LONG_REPEAT = 8                 # a longer bounded repeat is written unbounded: a superset, smaller to compile


class _Unsupported(Exception):
    pass


def superset(pattern: str, flags: int = 0) -> str | None:
    r"""A pattern in RE2's syntax that matches wherever `pattern` (in the
    regex module's syntax, compiled with `flags`) matches, and maybe
    elsewhere: every match of `pattern` in a text, whatever its pos and
    endpos, is a match of it in that text. Lookarounds and anchors are
    left out (they only narrow a match); each character class becomes the
    ASCII characters `regex` itself matches with it, plus any non-ASCII
    character when it might match one; a back-reference becomes any text.
    None when the pattern is not in the syntax `re` reads.

    >>> superset(r"(?<![\p{L}\d\-])(?:H100|A100)(?![\p{L}\d\-])"), superset(r"GPUs?(?=\s)")
    ('(?:H100|A100)', 'GPU(?:s){0,1}')
    >>> superset(r"(?i:x)\d{1,4}")   # "x" also stands for a "X"; both may match a letter beyond ASCII
    '(?:[\\x58\\x78\\x{80}-\\x{10FFFF}])(?:[\\x30-\\x39\\x{80}-\\x{10FFFF}]){1,4}'
    """
    return _translate(pattern, flags)[0]


def barred_before(pattern: str, flags: int = 0) -> frozenset[str]:
    r"""ASCII characters that no match of `pattern` follows: those of the
    class of a negative lookbehind of one character it starts with (the
    word boundary the rules wrap entries in); empty when it starts otherwise.

    >>> sorted(barred_before(r"(?<![a-c\-])x"))
    ['-', 'a', 'b', 'c']
    >>> barred_before(r"(?:(?<![a-c])x|y)")
    frozenset()
    """
    return _translate(pattern, flags)[1]


def _translate(pattern: str, flags: int, memo: dict | None = None) -> tuple[str | None, frozenset[str]]:
    """(superset, barred_before) of a pattern, from one parse; `memo` keeps
    the characters of classes between the patterns of one gazetteer."""
    if flags & (regex.V1 | regex.FULLCASE | regex.REVERSE | regex.LOCALE) \
            or max(pattern, default=" ") >= chr(_PLACEHOLDER):
        return None, frozenset()
    props: list[str] = []

    def stand_in(m: regex.Match) -> str:
        if not m[1]:
            return m[0]
        props.append(m[0])
        return chr(_PLACEHOLDER + len(props) - 1)
    plain = _REGEX_ONLY.sub(stand_in, pattern)
    if _NOT_RE_SYNTAX.search(plain):
        return None, frozenset()
    try:
        parsed = sre_parse.parse(plain)
    except (sre.error, ValueError, OverflowError, RecursionError):
        return None, frozenset()
    state = parsed.state.flags
    if state & sre.SRE_FLAG_LOCALE:
        return None, frozenset()
    base = (flags & (regex.I | regex.A)) | (regex.I if state & sre.SRE_FLAG_IGNORECASE else 0) \
        | (regex.A if state & sre.SRE_FLAG_ASCII else 0)
    t = _Superset(props, {} if memo is None else memo)
    items = list(parsed)
    barred: frozenset[str] = frozenset()
    try:
        if items and items[0][0] is sre.ASSERT_NOT and items[0][1][0] == -1 and len(items[0][1][1]) == 1:
            op, av = items[0][1][1][0]
            if op in (sre.LITERAL, sre.IN):
                barred = frozenset(map(chr, t.ascii(op, av, base)[0]))
        return t.seq(items, base)[0], barred
    except (_Unsupported, RecursionError):
        return None, barred


class _Superset:
    """The translation of one parsed pattern (see superset)."""

    def __init__(self, props: list[str], memo: dict):
        self.props = props
        self.memo = memo             # (class source, flags) -> its ASCII characters

    def item(self, op, av) -> str:
        """An item of a class as `regex` source."""
        if op is sre.LITERAL:
            return self.props[av - _PLACEHOLDER] if av >= _PLACEHOLDER else regex.escape(chr(av))
        if op is sre.RANGE:
            return regex.escape(chr(av[0])) + "-" + regex.escape(chr(av[1]))
        if op is sre.CATEGORY and av in _CATEGORY:
            return _CATEGORY[av]
        raise _Unsupported(op)

    def ascii(self, op, av, flags) -> tuple[list[int], bool]:
        """The ASCII characters `regex` matches with one character of the
        pattern, and whether it may match one beyond ASCII."""
        ignore = bool(flags & regex.I)
        if op is sre.LITERAL and av < 128 and not (ignore and chr(av).isalpha()):
            return [av], False
        if op is sre.LITERAL:
            src = f"[{self.props[av - _PLACEHOLDER]}]" if av >= _PLACEHOLDER else regex.escape(chr(av))
            wide = av >= 128 or ignore
        elif op is sre.NOT_LITERAL:
            src, wide = f"[^{self.item(sre.LITERAL, av)}]", True
        elif op is sre.ANY:
            return list(range(128)), True
        elif op is sre.IN:
            negate = bool(av) and av[0][0] is sre.NEGATE
            items = av[1:] if negate else av
            src = "[" + ("^" if negate else "") + "".join(self.item(o, a) for o, a in items) + "]"
            wide = negate or any(o is sre.CATEGORY or (o is sre.LITERAL and a >= 128)
                                 or (o is sre.RANGE and a[1] >= 128)
                                 or (ignore and any(chr(c).isalpha() for c in
                                                    (range(a[0], min(a[1], 127) + 1) if o is sre.RANGE else [a])
                                                    if c < 128))
                                 for o, a in items)
        else:
            raise _Unsupported(op)
        if (src, flags) not in self.memo:
            self.memo[src, flags] = sorted({ord(c) for c in regex.compile(src, flags).findall(_ASCII)})
        return self.memo[src, flags], wide

    def leaf(self, op, av, flags) -> str:
        """One character of the pattern as a class of RE2."""
        chars, wide = self.ascii(op, av, flags)
        if len(chars) == 1 and not wide:
            return regex.escape(chr(chars[0])) if chr(chars[0]).isalnum() else f"\\x{chars[0]:02x}"
        body = "".join(f"\\x{a:02x}" if a == b else f"\\x{a:02x}-\\x{b:02x}" for a, b in _runs(chars))
        if wide:
            body += _WIDE
        return "[" + body + "]" if body else r"[^\x00-\x{10FFFF}]"     # nothing: never matches

    def seq(self, items, flags) -> tuple[str, int | None]:
        """(pattern, longest match or None)."""
        out, top = [], 0
        for op, av in items:
            s, w = self.node(op, av, flags)
            out.append(s)
            top = None if top is None or w is None else top + w
        return "".join(out), top

    def node(self, op, av, flags) -> tuple[str, int | None]:
        if op in (sre.LITERAL, sre.NOT_LITERAL, sre.ANY, sre.IN):
            return self.leaf(op, av, flags), 1
        if op in (sre.ASSERT, sre.ASSERT_NOT, sre.AT):
            return "", 0
        if op is sre.BRANCH:
            parts = [self.seq(list(b), flags) for b in av[1]]
            widths = [w for _, w in parts]
            return "(?:" + "|".join(s for s, _ in parts) + ")", None if None in widths else max(widths)
        if op is sre.SUBPATTERN:
            _, add, remove, sub = av
            if (add | remove) & (sre.SRE_FLAG_LOCALE | sre.SRE_FLAG_ASCII):
                raise _Unsupported(op)
            f = flags | regex.I if add & sre.SRE_FLAG_IGNORECASE else flags
            f = f & ~regex.I if remove & sre.SRE_FLAG_IGNORECASE else f
            s, w = self.seq(list(sub), f)
            return "(?:" + s + ")", w
        if op is sre.ATOMIC_GROUP:
            s, w = self.seq(list(av), flags)
            return "(?:" + s + ")", w
        if op in (sre.MAX_REPEAT, sre.MIN_REPEAT, sre.POSSESSIVE_REPEAT):
            lo, hi, sub = av
            s, w = self.seq(list(sub), flags)
            if hi == sre.MAXREPEAT or (hi > 1 and (w is None or hi * w > _LONG_REPEAT)):
                return "(?:" + s + "){%d,}" % lo, None
            return "(?:" + s + "){%d,%d}" % (lo, hi), None if w is None else w * hi
        if op is sre.GROUPREF:
            return "(?s:.*)", None
        if op is sre.GROUPREF_EXISTS:
            _, yes, no = av
            a = self.seq(list(yes), flags)
            b = self.seq(list(no), flags) if no else ("", 0)
            return "(?:" + a[0] + "|" + b[0] + ")", None if None in (a[1], b[1]) else max(a[1], b[1])
        raise _Unsupported(op)


def _runs(chars: list[int]) -> Iterator[tuple[int, int]]:
    """Runs of consecutive numbers as (first, last)."""
    start = prev = None
    for c in chars:
        if prev is not None and c == prev + 1:
            prev = c
            continue
        if start is not None:
            yield start, prev
        start = prev = c
    if start is not None:
        yield start, prev


# ---- the gazetteer ----------------------------------------------------------------

class Entry(NamedTuple):
    pattern: regex.Pattern
    literals: tuple[int, ...] | None   # keys (see Gazetteer.keys) one of which every match contains
    anchored: bool = False             # every match starts with one of `literals`
    superset: str | None = None        # RE2 pattern of a superset of its matches (see superset); None: none
    barred: frozenset[str] = frozenset()  # ASCII characters no match follows (see barred_before)


Places = dict[int, list[int]]          # key -> start offsets of that literal in the text


class Found(NamedTuple):
    """What the scan found in a text for one gazetteer."""
    places: Places | None              # None: the text has no UTF-8 (a lone surrogate), look everywhere
    present: frozenset[int]            # keys that occur in the text (also when `places` is None)
    passing: frozenset[int] | None     # entries whose superset matches the text; None: all may


class Gazetteer:
    """Entries compiled as `before + (?:pattern) + after` with `flags`."""

    def __init__(self, patterns: Sequence[str], before: str = "", after: str = "",
                 flags: int | Sequence[int] = 0):
        self.entries: list[Entry] = []
        index: dict[tuple[str, bool], int] = {}     # (literal, case-folded) -> key
        memo: dict = {}
        for i, p in enumerate(patterns):
            f = flags if isinstance(flags, int) else flags[i]
            whole = before + r"(?:" + p + r")" + after
            compiled = regex.compile(whole, f)
            leading = leading_literals(whole, bool(f & regex.I))
            required = None if leading else required_literal(p, bool(f & regex.I))
            pairs = leading or (tuple((lit, required[1]) for lit in required[0]) if required else None)
            keys = tuple(dict.fromkeys(index.setdefault(pair, len(index)) for pair in pairs)) if pairs else None
            self.entries.append(Entry(compiled, keys, leading is not None, *_translate(whole, f, memo)))
        self.keys = sorted(index, key=index.get)
        self._always = [i for i, e in enumerate(self.entries) if e.literals is None]
        self._entries_of: list[list[int]] = [[] for _ in self.keys]
        for i, e in enumerate(self.entries):
            for k in e.literals or ():
                self._entries_of[k].append(i)

    def __getstate__(self):
        return {k: v for k, v in self.__dict__.items() if k != "_engine"}    # compiled again when used

    @functools.cached_property
    def _engine(self) -> _Engine:
        """The scan of this gazetteer alone (a Scanner has its own for all of its gazetteers)."""
        return _Engine([self])

    def find(self, text: str) -> Found:
        """What one scan finds of this gazetteer in the whole `text`."""
        return self._engine.scan(text)[0]

    def finditer(self, text: str, pos: int = 0, endpos: int | None = None,
                 found: Found | None = None) -> Iterator[tuple[int, regex.Match]]:
        """(entry index, match) for every match of every entry, entries in
        list order, each entry's matches left to right.

        An entry whose superset does not match the text cannot match and is
        skipped. An anchored entry (every match starts with one of its
        literals) is tried only where those literals start, left to right,
        skipping the places inside the last match: what scanning every
        position finds, since no other position can start a match. Any
        other entry whose literal is in the text scans text[pos:endpos].
        `found`: what a scan of the whole text found, when a Scanner has
        scanned it already."""
        end = len(text) if endpos is None else endpos
        if found is None:
            found = self.find(text)
        passing = found.passing
        if found.places is None:        # no UTF-8 (a lone surrogate): scan the candidates
            picked = set(self._always)
            for k in found.present:
                picked.update(self._entries_of[k])
            for i in sorted(picked):
                if passing is None or i in passing:
                    for m in self.entries[i].pattern.finditer(text, pos, end):
                        yield i, m
            return
        starts: dict[int, list[int]] = {i: [] for i in self._always if passing is None or i in passing}
        for k, at in found.places.items():
            at = [a for a in at if pos <= a < end]
            if not at:
                continue
            for i in self._entries_of[k]:
                if i in starts:
                    starts[i] += at
                elif passing is None or i in passing:
                    starts[i] = list(at)
        for i in sorted(starts):
            e = self.entries[i]
            if e.anchored:
                last, barred = pos, e.barred
                for a in sorted(set(starts[i])):
                    if a >= last and not (a and text[a - 1] in barred) and (m := e.pattern.match(text, a, end)):
                        yield i, m
                        last = m.end()
            else:
                for m in e.pattern.finditer(text, pos, end):
                    yield i, m


class Scanner:
    """Gazetteers that scan the same whole texts (an abstract: devices,
    benchmarks, metrics, cues, number words, baseline phrases), their
    literals and the supersets of their entries found in one scan of each
    engine instead of one per gazetteer. `places` is that scan; `finditer`
    then tries a gazetteer's entries where their literals are, in the whole
    text or only in some spans of it.

    >>> s = Scanner({"gpu": Gazetteer(["H100", "A100"]), "set": Gazetteer(["COCO"])})
    >>> places = s.places("COCO on A100")
    >>> [m.group() for _, m in s.finditer("gpu", "COCO on A100", places)]
    ['A100']
    """

    def __init__(self, gazetteers: dict[str, Gazetteer]):
        self.gazetteers = gazetteers
        self._engine = _Engine(list(gazetteers.values()))

    def places(self, text: str) -> dict[str, Found]:
        """What the scan found of each gazetteer in the whole text."""
        return dict(zip(self.gazetteers, self._engine.scan(text)))

    def finditer(self, name: str, text: str, places: dict[str, Found],
                 spans: list[tuple[int, int]] | None = None) -> Iterator[tuple[int, regex.Match]]:
        """(entry index, match) of one gazetteer over the whole text, or over
        each of `spans` (matches end within their span)."""
        g, found = self.gazetteers[name], places[name]
        for a, b in spans if spans is not None else [(0, len(text))]:
            yield from g.finditer(text, a, b, found)


# ---- the engines -------------------------------------------------------------------

class _Engine:
    """One scan of a text for several gazetteers: a Hyperscan database of
    their literals (where each occurs) and an RE2 set of their entries'
    supersets (which entries may match at all). Scratch space is per thread;
    a pickled engine compiles itself anew."""

    MAX_MEM = 64 << 20       # RE2 budget; out of it a set matches nothing, and the empty pattern tells

    def __init__(self, gazetteers: list[Gazetteer]):
        self._gazetteers = gazetteers
        self._build()

    def __reduce__(self):
        return _Engine, (self._gazetteers,)

    def _build(self) -> None:
        gazetteers = self._gazetteers
        owners: dict[tuple[str, bool], list[tuple[int, int]]] = {}
        for n, g in enumerate(gazetteers):
            for k, pair in enumerate(g.keys):
                owners.setdefault(pair, []).append((n, k))
        self._literals = [(lit, folded, len(lit), tuple(who)) for (lit, folded), who in owners.items()]
        # as written (case-folded literals caseless: exact on ASCII text); case-folded, for the folded text
        self._written = self._database([lit.encode() for lit, *_ in self._literals],
                                       [hyperscan.HS_FLAG_CASELESS if folded else 0
                                        for _, folded, *_ in self._literals])
        self._entry_of: dict[int, tuple[int, int]] = {}   # RE2 set index -> (gazetteer, entry)
        self._unfiltered: list[set[int]] = []             # per gazetteer: entries without a superset
        options = re2.Options()
        options.max_mem = self.MAX_MEM
        options.log_errors = False
        rset = re2.Set.SearchSet(options)
        self._always = rset.Add("")                       # matches every text: no answer means RE2 failed
        for n, g in enumerate(gazetteers):
            self._unfiltered.append(set())
            for i, e in enumerate(g.entries):
                try:
                    if e.superset is None:
                        raise re2.error("no superset")
                    self._entry_of[rset.Add(e.superset)] = (n, i)
                except re2.error:
                    self._unfiltered[n].add(i)
        rset.Compile()
        self._set = rset
        self._threads = threading.local()

    @functools.cached_property
    def _folded(self):
        """The case-folded literals, for the folded text of a text beyond
        ASCII (compiled when the first such text comes)."""
        ids = [i for i, (_, folded, *_) in enumerate(self._literals) if folded]
        return self._database([self._literals[i][0].encode() for i in ids], [0] * len(ids), ids)

    @staticmethod
    def _database(literals: list[bytes], flags: list[int], ids: list[int] | None = None):
        if not literals:
            return None
        db = hyperscan.Database(mode=hyperscan.HS_MODE_BLOCK)
        db.compile(expressions=literals, ids=ids if ids is not None else list(range(len(literals))),
                   elements=len(literals), flags=flags, literal=True)
        return db

    def _scratch(self, name: str, db):
        scratch = getattr(self._threads, name, None)
        if scratch is None:
            scratch = hyperscan.Scratch(db)
            setattr(self._threads, name, scratch)
        return scratch

    def scan(self, text: str) -> list[Found]:
        """What the text holds of each gazetteer."""
        try:
            data = text.encode()
        except UnicodeEncodeError:          # a lone surrogate: no engine reads it; look everywhere
            return [Found(None, frozenset(range(len(g.keys))), None) for g in self._gazetteers]
        passing = self._passing(data)
        places: list[Places] = [{} for _ in self._gazetteers]
        literals = self._literals

        def place(i: int, end: int) -> None:
            _, _, length, who = literals[i]
            for g, k in who:
                at = places[g]
                if k in at:
                    at[k].append(end - length)
                else:
                    at[k] = [end - length]
        if len(data) == len(text):          # ASCII: offsets in bytes are offsets in characters
            if self._written is not None:
                self._written.scan(data, match_event_handler=lambda i, _s, end, _f, _c: place(i, end),
                                   scratch=self._scratch("written", self._written))
        else:                               # offsets in characters; case-folded literals also in the
            hits = _in_characters(self._hits(self._written, "written", data), data)
            if self._folded is not None:    # text folded one character for one ("ſ", "İ": "s", "i")
                folded = _folded(text).encode()
                hits += _in_characters(self._hits(self._folded, "folded", folded), folded)
            for i, end in hits:
                place(i, end)
        return [Found(at, frozenset(at), None if passing is None else frozenset(passing[g] | self._unfiltered[g]))
                for g, at in enumerate(places)]

    def _hits(self, db, name: str, data: bytes) -> list[tuple[int, int]]:
        """(literal, end offset in bytes) of every occurrence of every literal of `db`."""
        if db is None:
            return []
        hits: list[tuple[int, int]] = []
        db.scan(data, match_event_handler=lambda i, _s, end, _f, _c: hits.append((i, end)),
                scratch=self._scratch(name, db))
        return hits

    def _passing(self, data: bytes) -> list[set[int]] | None:
        matched = self._set.Match(data)
        if not matched:                      # not even the empty pattern: RE2 gave up
            return None
        out: list[set[int]] = [set() for _ in self._gazetteers]
        for j in matched:
            if j != self._always:
                g, i = self._entry_of[j]
                out[g].add(i)
        return out


_ASCII_LOWER = {c: c + 32 for c in range(ord("A"), ord("Z") + 1)}


def _folded(text: str) -> str:
    """`text` case-folded one character for one, as the case-folded literals
    are looked for in it: ASCII letters in lower case, and any other
    character whose case-folding, lower or upper case starts with an ASCII
    letter as that letter ("ſ", "K", "İ", "ı", and "ß" or "ﬁ" as "s" or "f":
    more places than there are, never fewer); the rest as it is. `regex`
    matches an ASCII letter ignoring case only with those (a test holds it
    to every character).

    >>> _folded("İnference ſpeed of the \u212aV cache, Straße")
    'inference speed of the kv cache, strase'
    """
    table = dict(_ASCII_LOWER)
    for c in set(text):
        if ord(c) > 127:
            table[ord(c)] = next((v[0].lower() for v in (c.casefold(), c.lower(), c.upper())
                                  if v[:1].isascii() and v[:1].isalpha()), c)
    return text.translate(table)


def _in_characters(hits: list[tuple[int, int]], data: bytes) -> list[tuple[int, int]]:
    """Hits with their end offsets in characters of `data` (UTF-8) instead of
    bytes; each end is at a character boundary, as a literal is whole characters."""
    out, chars, last = [], 0, 0
    for i, end in sorted(hits, key=lambda h: h[1]):
        chars += len(data[last:end].decode())
        last = end
        out.append((i, chars))
    return out
