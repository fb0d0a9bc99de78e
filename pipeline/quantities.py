"""Quantity finding: numbers, ranges and number words with their units.

`find(text)` scans a text once, left to right, and returns Mention records
with offsets into that text. It knows nothing about claims: it only says
what quantities are written where. Every mention records the id of the rule
that found it. All surface forms come from resources/quantities.toml and
resources/units.csv.

The scanner is procedural: one regex finds the next number, then small
anchored patterns read what follows it (unit, range, list). No pattern
nests quantifiers, so nothing can backtrack catastrophically.
"""
from __future__ import annotations

import functools
from dataclasses import dataclass

import regex

from . import resources
from .config import MAX_NUMBER_DIGITS
from .gazetteer import WHOLE_TEXT, Gazetteer
from .records import Mention

_DIGITS = r"(?:\d{1,3}(?:,\d{3})+(?!\d)|\d+)(?:\.\d+)?|\.\d+"    # "1,024", "2.5", ".5"
_NUMBER = r"(?P<sign>[+\-−](?=\d))?(?P<num>" + _DIGITS + ")"     # sign: "+1.3%", "-11.97%"
_NUM = regex.compile(r"(?<![\p{L}\d.,_/\-−^@#])" + _NUMBER)   # not inside a name (V100, ResNet-50) or a number
# after a quantity with its unit and a slash, a number is the next of a list
# ("1.9x/2.3x speedups on A100/H100"), not the denominator of a fraction
_NUM_AFTER_SLASH = regex.compile(_NUMBER)
# scientific notation right after a number: "2.48×10−5", "3 x 10^4", "1e-3", "10^4"
_EXPONENT = regex.compile(
    r"\s?[×x]\s?10(?:\^\{?|\*\*)(?P<a>[−\-+]?\d{1,3})\}?(?![\d.])"
    r"|\s?[×x]\s?10(?P<b>[−\-]\d{1,3})(?![\d.])"
    r"|[eE](?P<c>[−\-+]?\d{1,3})(?![\p{L}\d])"
    r"|(?<=(?<![\d.])10)\^\{?(?P<d>[−\-+]?\d{1,3})\}?(?![\d.])")
# a number that refers to a figure, table, equation, section or citation
_REFERENCE = regex.compile(r"(?i)(?:\b(?:fig(?:ure)?s?|tables?|eqs?|equations?|sections?|sec|chapters?|"
                           r"appendix|steps?|lines?|refs?|algorithms?|theorems?|lemmas?)\.?\s*|\[\s*)\Z")
_NUMBER_ONLY = regex.compile(_DIGITS)
_LATEX_WRAP = regex.compile(r"\}?\$?")   # "$\textbf{1}\%$": skip "}" and "$" after a number
# between a number and its unit: a space of any width, or LaTeX's ("12\\,GB", "3.5~$\\times$")
_SPACE = regex.compile(r"(?:[ \u00a0\u2009\u202f~]|\\[,;:! ])?")


def _alternation(words, flags=0, boundary=True):
    words = sorted(set(words), key=len, reverse=True)
    body = "|".join(regex.escape(w) for w in words)
    tail = r"(?![\p{L}\d])" if boundary else ""
    return regex.compile(f"(?:{body}){tail}", flags)


@dataclass(frozen=True)
class _Units:
    factor: regex.Pattern
    percent: regex.Pattern
    points: regex.Pattern
    metric: regex.Pattern
    physical: regex.Pattern
    physical_map: dict
    connector: regex.Pattern
    list_gap: regex.Pattern
    openers: regex.Pattern
    between: regex.Pattern
    number_words: Gazetteer    # entries in NUMBER_WORDS order
    factor_values: dict
    word_qualifiers: dict
    fraction_values: dict
    cardinals: dict
    verbal: frozenset
    verbal_object: regex.Pattern
    physical_folded: dict


@functools.cache
def units() -> _Units:
    q = resources.toml("quantities.toml")
    phys = {r["surface"]: r for r in resources.csv_rows("units.csv")}
    cards = {k.casefold(): float(v) for k, v in q["cardinals"].items()}
    card_alt = "|".join(regex.escape(c) for c in sorted(cards, key=len, reverse=True))
    factor_suffixes = ["times", "fold", "-fold", "x", "×"]
    factor_alt = "(?:" + "|".join(regex.escape(f) for f in factor_suffixes) + ")"
    phys_words = [s for s in phys if len(s) > 2 and s.isalpha()]
    phys_alt = "|".join(regex.escape(s) for s in sorted(phys_words, key=len, reverse=True))
    return _Units(
        factor=_alternation(q["factor_tokens"]),
        percent=regex.compile("|".join(
            regex.escape(w) + (r"(?![\p{L}])" if w[-1].isalpha() else "")
            for w in sorted(q["percent_tokens"], key=len, reverse=True))),
        points=_alternation(q["points_tokens"]),
        metric=_alternation(q["metric_unit_tokens"]),
        physical=_alternation(phys),
        physical_map=phys,
        connector=regex.compile(r"[ \u00a0]?(?:" + "|".join(
            regex.escape(c) if not c.isalpha() else r" " + c + r" "
            for c in sorted(q["range_connectors"], key=len, reverse=True)) + r")[ \u00a0]?"),
        list_gap=regex.compile(r"\s*(?:" + "|".join(
            regex.escape(c) for c in sorted(q["list_connectors"], key=len, reverse=True))
            + r")\s*(?:(?:and|or)\s+)?\Z"),
        openers=_alternation(q["range_openers"], regex.I),
        between=regex.compile(r"(?i)\b(?:" + "|".join(q["between_words"]) + r")\s+\Z"),
        number_words=Gazetteer([
            # factor_words: "twice", "an order of magnitude"
            "(?:" + "|".join(regex.escape(w) for w in sorted(q["factor_words"], key=len, reverse=True))
            + r")(?![\p{L}-])",
            # cardinal_factor: "two times", "tenfold", "three-fold"
            rf"(?P<w>{card_alt})[ -]?(?P<u>{factor_alt})(?![\p{{L}}])",
            # cardinal_physical: "two hours", "ten GB"
            rf"(?P<w>{card_alt}) (?P<u>{phys_alt})(?![\p{{L}}])",
            # fraction_words: "half", "a third"
            "(?:" + "|".join(regex.escape(w) for w in sorted(q["fraction_words"], key=len, reverse=True))
            + r")(?![\p{L}-])",
        ], r"(?<![\p{L}-])", "", regex.I, group=WHOLE_TEXT),
        factor_values={k.casefold(): float(v) for k, v in q["factor_words"].items()},
        word_qualifiers={k.casefold(): v for k, v in q["word_qualifiers"].items()},
        fraction_values={k.casefold(): float(v) for k, v in q["fraction_words"].items()},
        cardinals=cards,
        verbal=frozenset(w.casefold() for w in q["verbal_factor_words"]),
        verbal_object=regex.compile(r"(?i)\s+(?:" + "|".join(q["factor_word_objects"]) + r")\b"),
        physical_folded={k.casefold(): v for k, v in sorted(phys.items(), reverse=True)},
    )


def parse_number(s: str) -> float:
    """'2,048' -> 2048.0; '.5' -> 0.5.

    >>> parse_number("2,048.5")
    2048.5
    """
    return float(s.replace(",", ""))


@dataclass
class _Unit:
    end: int
    unit: str | None
    kind: str
    text_end: int          # where the mention's text ends (metric words are left out)
    metric: str | None = None


def _read_unit(text: str, pos: int) -> _Unit | None:
    """The unit written at `pos` (after at most one space), if any."""
    u = units()
    sp = _SPACE.match(text, pos).end()
    latex = _LATEX_WRAP.match(text, pos).end()
    if m := u.points.match(text, sp):
        return _Unit(m.end(), "points", "points", m.end())
    for start in dict.fromkeys((pos, latex, sp)):
        if m := u.percent.match(text, start):
            return _Unit(m.end(), "%", "percent", m.end())
        if m := u.factor.match(text, start):
            return _Unit(m.end(), "x", "factor", m.end())
    if m := u.physical.match(text, sp):
        # a lone capital (B, M, K, W, J) only counts glued to the number
        if not (len(m.group()) == 1 and m.start() != pos):
            return _Unit(m.end(), u.physical_map[m.group()]["unit"], "physical", m.end())
    if m := u.metric.match(text, sp):
        return _Unit(m.end(), "points", "points", pos, metric=m.group())
    return None


NUMBER_WORDS = ("factor_words", "cardinal_factor", "cardinal_physical", "fraction_words")


def _number_words(text: str) -> list[Mention]:
    """Numbers written as words: "twice", "two times", "two hours", "half".
    The four patterns form one gazetteer, so they run only where one of
    their words is (see pipeline/gazetteer.py)."""
    u = units()
    out = []
    for i, m in u.number_words.finditer(text):
        kind = NUMBER_WORDS[i]
        if kind == "factor_words":
            w = m.group().casefold()
            if w in u.verbal and not u.verbal_object.match(text, m.end()):
                continue
            out.append(Mention(m.start(), m.end(), m.group(), u.factor_values[w], None, "x",
                               "factor", "word.factor", qualifier=u.word_qualifiers.get(w)))
        elif kind == "cardinal_factor":
            out.append(Mention(m.start(), m.end(), m.group(), u.cardinals[m["w"].casefold()], None, "x",
                               "factor", "word.cardinal_factor"))
        elif kind == "cardinal_physical":
            row = u.physical_map.get(m["u"]) or u.physical_folded[m["u"].casefold()]   # "Two Hours"
            out.append(Mention(m.start(), m.end(), m.group(), u.cardinals[m["w"].casefold()], None,
                               row["unit"], "physical", "word.cardinal_unit"))
        else:
            out.append(Mention(m.start(), m.end(), m.group(), u.fraction_values[m.group().casefold()],
                               None, None, "fraction", "word.fraction"))
    return out


# Rules of quantities that are never claims: years, reference numbers, and
# device counts ("8x A100", marked by extract from the hardware mentions).
NEVER_CLAIMS = ("num.year", "num.reference", "num.device_count")


def find(text: str) -> list[Mention]:
    """Every quantity in `text`, in order, without overlaps.

    >>> [(m.text, m.value, m.value_max, m.unit) for m in find("reduces TTFT by 2.2-3.3X and memory by 61%")]
    [('2.2-3.3X', 2.2, 3.3, 'x'), ('61%', 61.0, None, '%')]
    """
    u = units()
    found: list[Mention] = []
    pos, after_slash = 0, -1
    while m := (_NUM_AFTER_SLASH.match(text, pos) if pos == after_slash else None) or _NUM.search(text, pos):
        start, end = m.start(), m.end()
        if len(m["num"]) > MAX_NUMBER_DIGITS + 4:   # a run of digits, not a quantity
            pos = end
            continue
        value = parse_number(m["num"])
        sign = m["sign"]
        if (x := _EXPONENT.match(text, end)):
            power = next(g for g in (x["a"], x["b"], x["c"], x["d"]) if g is not None)
            power = int(power.replace("−", "-"))
            value = 10.0 ** power if x["d"] is not None else value * 10.0 ** power
            end = x.end()
        plus = False
        if text.startswith("+", end) and text[end + 1:end + 2] not in ("+", "/", "-"):
            plus, end_u = True, end + 1
        else:
            end_u = end
        unit = _read_unit(text, end_u)
        value_max = None
        rule = "num"
        stop = unit.end if unit else end_u
        text_end = unit.text_end if unit else end_u
        # a range: "5.2-6.5x", "15x to 31x", "between 2 and 3 times"
        if not plus:
            c = u.connector.match(text, stop)
            if not c and u.between.search(text, max(0, start - 12), start):
                c = regex.compile(r" and ").match(text, stop)
            n2 = _NUMBER_ONLY.match(text, c.end()) if c else None
            if n2 and not (text[n2.end():n2.end() + 1].isalpha() and not _read_unit(text, n2.end())):
                unit2 = _read_unit(text, n2.end())
                same = unit2 and (unit is None or unit.unit == unit2.unit)
                opener = u.openers.search(text[max(0, start - 16):start])
                is_from = text[max(0, start - 5):start].casefold().endswith("from ")
                if same and (not is_from or opener):
                    value_max = parse_number(n2.group())
                    unit, rule = unit2, "num.range"
                    stop, text_end = unit2.end, unit2.text_end
        if unit is not None and unit.kind == "percent" and text.startswith("ile", unit.end):
            pos = unit.end   # "95%ile latency": a percentile's name, not a quantity
            continue
        if unit is None and text[end_u:end_u + 1].isalpha():
            pos = end_u   # glued letters without a known unit: part of a name (3D, 4o, 2nd)
            while pos < len(text) and text[pos].isalnum():
                pos += 1
            continue
        kind = unit.kind if unit else "bare"
        if kind == "bare" and 1900 <= value <= 2099 and m["num"].isdigit() and len(m["num"]) == 4:
            rule = "num.year"
        elif kind == "bare" and _REFERENCE.search(text, max(0, start - 16), start):
            rule = "num.reference"
        if value_max is not None and value_max < value:
            value, value_max = value_max, value
        mention = Mention(start, text_end, text[start:text_end], value, value_max,
                          unit.unit if unit else None, kind, rule, sign=sign,
                          qualifier="at_least" if plus else None,
                          metric=unit.metric if unit else None)
        found.append(mention)
        pos = max(stop, end_u)
        if unit is not None and text.startswith("/", text_end) and text[text_end + 1:text_end + 2].isdigit():
            pos = after_slash = text_end + 1
    words = [w for w in _number_words(text)
             if not any(f.start < w.end and w.start < f.end for f in found)]
    found = sorted(found + _dedupe(words), key=lambda x: x.start)
    _link_lists(text, found)
    return found


def _dedupe(mentions: list[Mention]) -> list[Mention]:
    """Longest first; drop mentions overlapping one already kept."""
    kept: list[Mention] = []
    for m in sorted(mentions, key=lambda x: (-(x.end - x.start), x.start)):
        if not any(k.start < m.end and m.start < k.end for k in kept):
            kept.append(m)
    return kept


def _link_lists(text: str, found: list[Mention]) -> None:
    """Give coordinated mentions ("2.9x and 1.5x") one list id; a bare number
    in a list takes the unit of the member after it ("25.2, 31.3 and 41 mAP")."""
    gap = units().list_gap
    list_id = 0
    for i, m in enumerate(found):
        prev = found[i - 1] if i else None
        if prev and gap.match(text[prev.end:m.start]) and "\n" not in text[prev.end:m.start] \
                and (prev.kind == m.kind or prev.kind == "bare" or m.kind == "bare"):
            m.list_id = prev.list_id
            m.list_pos = prev.list_pos + 1
        else:
            list_id += 1
            m.list_id, m.list_pos = list_id, 0
    by_list: dict[int, list[Mention]] = {}
    for m in found:
        by_list.setdefault(m.list_id, []).append(m)
    for members in by_list.values():
        if len(members) < 2:
            for m in members:
                m.list_id = None
            continue
        last = members[-1]
        for m in members[:-1]:
            if m.kind == "bare" and last.kind != "bare":
                m.kind, m.unit, m.metric = last.kind, last.unit, last.metric
                m.rule += ".list_unit"
