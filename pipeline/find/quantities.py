"""Quantities: numbers, ranges and number words with their units.

`find(text, number_words, rules)` scans a text once, left to right, and
returns Mention records with offsets into that text. It knows nothing about
claims: it only says what quantities are written where. Every mention
records the id of the rule that found it. All surface forms come from
resources/quantities.toml and resources/units.csv (rules.units).

The scanner is procedural: one regex finds the next number, then small
anchored patterns read what follows it (unit, range, list). No pattern
nests quantifiers, so nothing can backtrack catastrophically. Those small
patterns are also joined into one, `rules.units.reader` (see `reader`),
that reads a number and what follows it in one call of the engine, in the
order the procedure tries them; the procedure reads the rare numbers the
joined pattern cannot (a lone capital unit not glued to its number, a
number right after "/"). Regex calls per abstract of the quantity stage on
the 413 raw abstracts: 40 procedural, 13 with the joined pattern.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import NamedTuple

import regex

from ..doc import Hit, overlaps
from ..records import Mention
from ..rules import Rules, Units

# The number-word patterns of the scan, in this order (rules._number_word_patterns).
NUMBER_WORDS = ("factor_words", "cardinal_factor", "cardinal_physical", "fraction_words")


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


def _read_unit(u: Units, text: str, pos: int) -> _Unit | None:
    """The unit written at `pos` (after at most one space), if any."""
    sp = u.space.match(text, pos).end()
    latex = u.latex_end(text, pos)
    if m := u.points.match(text, sp):
        return _Unit(m.end(), "points", "points", m.end())
    for start in dict.fromkeys((pos, latex, sp)):
        if m := u.percent.match(text, start):
            return _Unit(m.end(), "%", "percent", m.end())
        if m := u.factor.match(text, start):
            return _Unit(m.end(), "x", "factor", m.end())
    if m := u.physical.match(text, sp):
        # a lone capital (B, M, K) only counts glued to the number, or as the
        # magnitude of a rate ("1.2 M tokens/s", and "$1.2$M tokens/s" whose
        # closing "$" the reading copy blanks)
        if not (m.group() in u.glued_only and m.start() != pos):
            return _magnitude_rate(u, text, m.group(), m.end()) \
                or _Unit(m.end(), u.physical_map[m.group()]["unit"], "physical", m.end())
        if unit := _magnitude_rate(u, text, m.group(), m.end()):
            return unit
    if m := u.metric.match(text, sp):
        return _Unit(m.end(), "points", "points", pos, metric=m.group())
    if m := u.open_rate.match(text, sp):
        return _Unit(m.end(), _open_rate_unit(u, m.group()), "physical", m.end())
    return None


# The parts of the joined pattern's unit, in the order _read_unit tries them, by where
# they are read: (where: None right after the number, else the part before them read
# atomically, (group, part), ...).
_UNIT_PARTS = (("space", ("points", "points")),
               (None, ("percent0", "percent"), ("factor0", "factor")),
               ("latex_wrap", ("percent1", "percent"), ("factor1", "factor")),
               ("space", ("percent2", "percent"), ("factor2", "factor"), ("physical", "physical"),
                ("metric", "metric"), ("rate", "open_rate")))
_OWN = regex.compile(r"\Aq_")
_GLOBAL_FLAGS = regex.compile(r"(?<!\\)(?:\\\\)*\(\?[a-zA-Z]+\)")
_BACK_REFERENCE = regex.compile(r"(?<!\\)(?:\\\\)*\\(?:[1-9]|g<)|\(\?P=")


def _part(p: regex.Pattern) -> str | None:
    """A compiled pattern as a part of a larger one (its case flag scoped to
    it), or None when it cannot be one: other flags, back-references, a
    group name of the reader's own."""
    if p.flags & (regex.S | regex.M | regex.X | regex.REVERSE | regex.V1 | regex.FULLCASE | regex.A) \
            or _BACK_REFERENCE.search(p.pattern) or any(_OWN.match(g) for g in p.groupindex):
        return None
    src = regex.sub(r"\A\(\?[a-zA-Z]+\)", "", p.pattern)
    if _GLOBAL_FLAGS.search(src):
        return None
    return f"(?{'i' if p.flags & regex.I else '-i'}:{src})"


class Reader(NamedTuple):
    """The joined pattern that reads what follows a number (see reader), and
    the indices of its groups in a match's `regs`."""
    pattern: regex.Pattern
    exponent: int
    powers: tuple[int, int, int, int]       # the exponent's groups a, b, c, d
    plus: int
    connector: int
    second: int
    unit: tuple[tuple[int, str], ...]       # (group, part) in _read_unit's order


def reader(u: Units, and_between: regex.Pattern | None) -> Reader | None:
    """One pattern, matched where a number ends, that reads what `find`
    reads there with a chain of calls: its exponent (q_exp, with the
    exponent's groups), "+" (q_plus), its unit (a group per part of
    _UNIT_PARTS, the first that matches, each after its white space or
    LaTeX read as the procedure reads it: atomically), and a range
    connector (q_conn, or q_andb: " and " after "between") with the second
    number (q_n2). Every part is optional, so each matches as it does
    alone. None when a part cannot be joined (see _part); `find` then reads
    every number part by part.

    >>> from pipeline.rules import default
    >>> m = default().units.reader.pattern.match("up to 2.5-3x faster", 9)
    >>> m["q_factor0"], m["q_conn"], m["q_n2"]
    (None, '-', '3')
    """
    parts = {"exponent": u.exponent, "space": u.space, "latex_wrap": u.latex_wrap,
             "points": u.points, "percent": u.percent, "factor": u.factor, "physical": u.physical,
             "metric": u.metric, "open_rate": u.open_rate, "connector": u.connector, "and_between": and_between,
             "number_only": u.number_only}
    if any(p is None for p in parts.values()):
        return None
    src = {name: _part(p) for name, p in parts.items()}
    if any(s is None for s in src.values()) or {"a", "b", "c", "d"} - set(u.exponent.groupindex):
        return None
    unit = "(?:" + "|".join(("(?>" + src[at] + ")" if at else "")
                            + "(?:" + "|".join(f"(?P<q_{g}>{src[part]})" for g, part in groups) + ")"
                            for at, *groups in _UNIT_PARTS) + ")"
    try:
        pattern = regex.compile(
            f"(?P<q_exp>{src['exponent']})?" + r"(?P<q_plus>\+(?![+/\-]))?" + unit + "?"
            + f"(?:(?:(?P<q_conn>{src['connector']})|(?P<q_andb>{src['and_between']}))"
            + f"(?P<q_n2>{src['number_only']})?)?")
    except regex.error:
        return None
    g = pattern.groupindex
    return Reader(pattern, g["q_exp"], (g["a"], g["b"], g["c"], g["d"]), g["q_plus"], g["q_conn"], g["q_n2"],
                  tuple((g[f"q_{name}"], part) for _, *groups in _UNIT_PARTS for name, part in groups))


@dataclass
class _After:
    """What follows a number: its exponent, "+", unit and the second number
    of a range after a connector, as find reads them."""
    end: int                       # after the number and its exponent
    power: tuple[int, bool] | None   # the exponent, and whether it replaces the number ("10^4")
    plus: bool
    end_u: int                     # where the unit is read
    unit: _Unit | None
    second: tuple[int, int] | None   # a number after a range connector
    unit2: _Unit | None


def _power(a, b, c, d) -> tuple[int, bool]:
    power = next(g for g in (a, b, c, d) if g is not None)
    return int(power.replace("−", "-")), d is not None


def _after(rules: Rules, text: str, start: int, end: int) -> _After:
    """What follows the number text[start:end], read part by part."""
    u = rules.units
    power = None
    if (x := u.exponent.match(text, end)):
        power, end = _power(x["a"], x["b"], x["c"], x["d"]), x.end()
    plus = text.startswith("+", end) and text[end + 1:end + 2] not in ("+", "/", "-")
    end_u = end + 1 if plus else end
    unit = _read_unit(u, text, end_u)
    second = unit2 = None
    if not plus:
        stop = unit.end if unit else end_u
        c = u.connector.match(text, stop)
        if not c and u.between.search(text, max(0, start - int(rules.window["between_left"])), start):
            c = rules.pattern("and_between").match(text, stop)
        n2 = u.number_only.match(text, c.end()) if c else None
        if n2:
            second, unit2 = n2.span(), _read_unit(u, text, n2.end())
    return _After(end, power, plus, end_u, unit, second, unit2)


def _after_read(rules: Rules, text: str, start: int, end: int) -> _After | None:
    """What follows the number text[start:end], read by the joined pattern
    as _after reads it; None when it cannot tell (see _unit_read)."""
    u = rules.units
    r = u.reader
    regs = r.pattern.match(text, end).regs
    power = None
    if regs[r.exponent][0] >= 0:
        power = _power(*(text[a:b] if a >= 0 else None for a, b in (regs[i] for i in r.powers)))
        end = regs[r.exponent][1]
    plus = regs[r.plus][0] >= 0
    end_u = end + 1 if plus else end
    unit = _unit_read(u, text, regs, r.unit, end_u)
    if unit is False:
        return None
    second = unit2 = None
    if not plus and regs[r.second][0] >= 0 and (regs[r.connector][0] >= 0 or u.between.search(
            text, max(0, start - int(rules.window["between_left"])), start)):
        second = regs[r.second]
        unit2 = _read_unit(u, text, second[1])
    return _After(end, power, plus, end_u, unit, second, unit2)


def _unit_read(u: Units, text: str, regs, groups: tuple[tuple[int, str], ...], pos: int) -> _Unit | None | bool:
    """The unit a match of the joined pattern holds (read at `pos`), as
    _read_unit gives it; False when _read_unit would go on past it (a lone
    capital not glued to its number)."""
    for i, part in groups:
        at, end = regs[i]
        if at < 0:
            continue
        if part == "points":
            return _Unit(end, "points", "points", end)
        if part == "percent":
            return _Unit(end, "%", "percent", end)
        if part == "factor":
            return _Unit(end, "x", "factor", end)
        written = text[at:end]
        if part == "physical":
            if written in u.glued_only and at != pos:
                return False
            return _magnitude_rate(u, text, written, end) \
                or _Unit(end, u.physical_map[written]["unit"], "physical", end)
        if part == "metric":
            return _Unit(end, "points", "points", pos, metric=written)
        return _Unit(end, _open_rate_unit(u, written), "physical", end)
    return None


def _rate_as_written(written: str) -> str:
    """An open rate's unit: its words as written, "per second" as "/s"."""
    for per in (" per second", "/sec", "/ s", " /s"):
        written = written.replace(per, "/s")
    return written


def _magnitude_rate(u: Units, text: str, written: str, end: int) -> _Unit | None:
    """A magnitude before a rate: "407K tokens/s", "1.2M queries per
    second", "1.2 M tokens/s" (constructions K3): the rate's unit with the
    magnitude's SI prefix ("ktoken/s"; quantities.toml rate_magnitude)."""
    if written not in u.glued_only or written not in u.rate_magnitudes:
        return None
    at = u.space.match(text, end).end()
    prefix = u.rate_magnitudes[written][0]
    if (p := u.physical.match(text, at)) and (rate := u.physical_map[p.group()]["unit"]) in u.magnitude_rates:
        return _Unit(p.end(), prefix + rate, "physical", p.end())
    if r := u.open_rate.match(text, at):
        return _Unit(r.end(), _open_rate_unit(u, r.group(), prefix), "physical", r.end())
    return None


def _open_rate_unit(u: Units, written: str, prefix: str = "") -> str:
    """An open rate's unit (quantities.toml open_rate): a magnitude word
    opening it ("million events per second") as its SI prefix; after a
    prefix, a rate of magnitude_rates as its canonical unit ("Mevent/s"),
    another as written ("Mpackets/s")."""
    words = written.split(None, 1)
    if not prefix and len(words) == 2 and words[0] in u.rate_magnitudes:
        prefix, written = u.rate_magnitudes[words[0]][0], words[1]
    if not prefix:
        return _rate_as_written(written)
    row = u.physical_map.get(" ".join(written.split()))
    if row and row["unit"] in u.magnitude_rates:
        return prefix + row["unit"]
    return prefix + _rate_as_written(written)


def number_words(u: Units, text: str, hits: list[Hit]) -> list[Mention]:
    """Numbers written as words ("twice", "two times", "two hours", "half"),
    from the scan's number-word hits (entry: index in NUMBER_WORDS)."""
    out = []
    for h in hits:
        kind, m = NUMBER_WORDS[h.entry], h.value
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


def find(text: str, rules: Rules, word_hits: list[Hit] = ()) -> list[Mention]:
    """Every quantity in `text`, in order, without overlaps; `word_hits`: the
    scan's number-word hits of the same text.

    >>> from pipeline.rules import default
    >>> [(m.text, m.value, m.value_max, m.unit) for m in find("reduces TTFT by 2.2-3.3X and memory by 61%", default())]
    [('2.2-3.3X', 2.2, 3.3, 'x'), ('61%', 61.0, None, '%')]
    """
    u = rules.units
    w = rules.window
    found: list[Mention] = []
    pos, after_slash, dimension_end = 0, -1, -1
    while m := (u.number_after_slash.match(text, pos) if pos == after_slash else None) or u.number.search(text, pos):
        start, end = m.start(), m.end()
        if len(m["num"]) > u.max_digits + 4:   # a run of digits, not a quantity
            pos = end
            continue
        value = parse_number(m["num"])
        sign = m["sign"]
        after = (u.reader and _after_read(rules, text, start, end)) or _after(rules, text, start, end)
        if after.power:
            power, replaces = after.power
            try:
                value = 10.0 ** power if replaces else value * 10.0 ** power
            except OverflowError:               # "3e400": beyond a float, not a quantity
                pos = after.end
                continue
        end, plus, end_u, unit = after.end, after.plus, after.end_u, after.unit
        value_max = None
        rule = "num"
        stop = unit.end if unit else end_u
        text_end = unit.text_end if unit else end_u
        # a range: "5.2-6.5x", "15x to 31x", "between 2 and 3 times"
        if after.second:
            n2, unit2 = after.second, after.unit2
            if not (text[n2[1]:n2[1] + 1].isalpha() and not unit2):
                same = unit2 and (unit is None or unit.unit == unit2.unit)
                left = text[max(0, start - int(w["number_left"])):start]
                opener = u.openers.search(left)
                is_from = rules.pattern("pair_from").search(left)
                if same and (not is_from or opener):
                    value_max = parse_number(text[n2[0]:n2[1]])
                    unit, rule = unit2, "num.range"
                    stop, text_end = unit2.end, unit2.text_end
                elif unit is None and unit2 is None and not is_from and u.bare_range_factor.match(text, n2[1]):
                    # "a 1.5 to 4 speedup": a range of plain numbers before a word of speed-up (K3)
                    value_max = parse_number(text[n2[0]:n2[1]])
                    unit, rule = _Unit(n2[1], "x", "factor", n2[1]), "num.range"
                    stop = text_end = n2[1]
        if unit is not None and unit.kind == "percent" and text.startswith("ile", unit.end):
            pos = unit.end   # "95%ile latency": a percentile's name, not a quantity
            continue
        if unit is None and text[end_u:end_u + 1].isalpha():
            pos = end_u   # glued letters without a known unit: part of a name (3D, 4o, 2nd)
            while pos < len(text) and text[pos].isalnum():
                pos += 1
            continue
        kind = unit.kind if unit else "bare"
        if kind == "factor" and unit.unit == "x" and value_max is None \
                and text[stop:stop + 2].lstrip(" ")[:1].isdigit() and text[stop - 1:stop] in "xX×":
            rule = "num.dimension"      # "1280 x 720", "256x256": a size, not a factor
        if kind == "bare" and value_max is None and start > dimension_end >= 0 \
                and not text[dimension_end:start].strip():
            rule = "num.dimension"      # 720 of "1280 x 720": the size's other side
        elif kind == "bare" and value_max is None and u.factor_before.search(
                text, max(0, start - int(w["number_left"]) - 8), start):
            kind, unit, rule = "factor", _Unit(end_u, "x", "factor", end_u), "num.factor_of"
        elif kind == "bare" and 1900 <= value <= 2099 and m["num"].isdigit() and len(m["num"]) == 4:
            rule = "num.year"
        elif kind == "bare" and u.reference_before.search(text, max(0, start - int(w["number_left"])), start):
            rule = "num.reference"
        if value_max is not None and value_max < value:
            value, value_max = value_max, value
        found.append(Mention(start, text_end, text[start:text_end], value, value_max,
                             unit.unit if unit else None, kind, rule, sign=sign,
                             qualifier="at_least" if plus else None,
                             metric=unit.metric if unit else None))
        pos = max(stop, end_u)
        dimension_end = stop if rule == "num.dimension" and kind == "factor" else -1
        if unit is not None and text.startswith("/", text_end) and text[text_end + 1:text_end + 2].isdigit():
            pos = after_slash = text_end + 1
    if u.prefix_factor is not None and ("x" in text or "×" in text):
        # "a x17.7 speedup": the factor before its number (quantities.toml prefix_factor)
        for p in u.prefix_factor.finditer(text):
            over = [f for f in found if f.start < p.end() and p.start() < f.end]
            if all(f.kind == "bare" and p.start() <= f.start and f.end <= p.end() for f in over):
                found = [f for f in found if f not in over]     # "×3": the "3" read alone
                found.append(Mention(p.start(), p.end(), p.group(), parse_number(p["num"]), None,
                                     "x", "factor", "num.prefix_factor"))
    words = [wd for wd in number_words(u, text, word_hits)
             if not any(f.start < wd.end and wd.start < f.end for f in found)]
    return _link_lists(u, text, sorted(found + _longest_first(words), key=lambda x: x.start))


def _longest_first(mentions: list[Mention]) -> list[Mention]:
    """Longest first; drop mentions overlapping one already kept."""
    kept: list[Mention] = []
    for m in sorted(mentions, key=lambda x: (-(x.end - x.start), x.start)):
        if not any(overlaps((k.start, k.end), (m.start, m.end)) for k in kept):
            kept.append(m)
    return kept


def _link_lists(u: Units, text: str, found: list[Mention]) -> list[Mention]:
    """Give coordinated mentions ("2.9x and 1.5x") one list id; a bare number
    in a list takes the unit of the member after it ("25.2, 31.3 and 41 mAP").
    Returns new mentions."""
    from dataclasses import replace
    ids, poss = [], []
    list_id = 0
    for i, m in enumerate(found):
        prev = found[i - 1] if i else None
        if prev and (prev.kind == m.kind or prev.kind == "bare" or m.kind == "bare") \
                and "\n" not in text[prev.end:m.start] and u.list_gap.match(text[prev.end:m.start]):
            ids.append(ids[-1])
            poss.append(poss[-1] + 1)
        else:
            list_id += 1
            ids.append(list_id)
            poss.append(0)
    members: dict[int, list[int]] = {}
    for i, lid in enumerate(ids):
        members.setdefault(lid, []).append(i)
    out = []
    for i, m in enumerate(found):
        group = members[ids[i]]
        if len(group) < 2:
            out.append(replace(m, list_id=None, list_pos=poss[i]))
            continue
        last = found[group[-1]]
        if i != group[-1] and m.kind == "bare" and last.kind != "bare" and m.rule not in u.never_claims:
            m = replace(m, kind=last.kind, unit=last.unit, metric=last.metric, rule=m.rule + ".list_unit")
        out.append(replace(m, list_id=ids[i], list_pos=poss[i]))
    return out
