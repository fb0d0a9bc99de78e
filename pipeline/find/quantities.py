"""Quantities: numbers, ranges and number words with their units.

`find(text, number_words, rules)` scans a text once, left to right, and
returns Mention records with offsets into that text. It knows nothing about
claims: it only says what quantities are written where. Every mention
records the id of the rule that found it. All surface forms come from
resources/quantities.toml and resources/units.csv (rules.units).

The scanner is procedural: one regex finds the next number, then small
anchored patterns read what follows it (unit, range, list). No pattern
nests quantifiers, so nothing can backtrack catastrophically.
"""
from __future__ import annotations

from dataclasses import dataclass

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
    latex = u.latex_wrap.match(text, pos).end()
    if m := u.points.match(text, sp):
        return _Unit(m.end(), "points", "points", m.end())
    for start in dict.fromkeys((pos, latex, sp)):
        if m := u.percent.match(text, start):
            return _Unit(m.end(), "%", "percent", m.end())
        if m := u.factor.match(text, start):
            return _Unit(m.end(), "x", "factor", m.end())
    if m := u.physical.match(text, sp):
        # a lone capital (B, M, K) only counts glued to the number
        if not (m.group() in u.glued_only and m.start() != pos):
            return _Unit(m.end(), u.physical_map[m.group()]["unit"], "physical", m.end())
    if m := u.metric.match(text, sp):
        return _Unit(m.end(), "points", "points", pos, metric=m.group())
    if m := u.open_rate.match(text, sp):
        written = m.group()
        for per in (" per second", "/sec", "/ s", " /s"):
            written = written.replace(per, "/s")
        return _Unit(m.end(), written, "physical", m.end())
    return None


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
    pos, after_slash = 0, -1
    while m := (u.number_after_slash.match(text, pos) if pos == after_slash else None) or u.number.search(text, pos):
        start, end = m.start(), m.end()
        if len(m["num"]) > u.max_digits + 4:   # a run of digits, not a quantity
            pos = end
            continue
        value = parse_number(m["num"])
        sign = m["sign"]
        if (x := u.exponent.match(text, end)):
            power = next(g for g in (x["a"], x["b"], x["c"], x["d"]) if g is not None)
            power = int(power.replace("−", "-"))
            value = 10.0 ** power if x["d"] is not None else value * 10.0 ** power
            end = x.end()
        plus = False
        if text.startswith("+", end) and text[end + 1:end + 2] not in ("+", "/", "-"):
            plus, end_u = True, end + 1
        else:
            end_u = end
        unit = _read_unit(u, text, end_u)
        value_max = None
        rule = "num"
        stop = unit.end if unit else end_u
        text_end = unit.text_end if unit else end_u
        # a range: "5.2-6.5x", "15x to 31x", "between 2 and 3 times"
        if not plus:
            c = u.connector.match(text, stop)
            if not c and u.between.search(text, max(0, start - int(w["between_left"])), start):
                c = rules.pattern("and_between").match(text, stop)
            n2 = u.number_only.match(text, c.end()) if c else None
            if n2 and not (text[n2.end():n2.end() + 1].isalpha() and not _read_unit(u, text, n2.end())):
                unit2 = _read_unit(u, text, n2.end())
                same = unit2 and (unit is None or unit.unit == unit2.unit)
                left = text[max(0, start - int(w["number_left"])):start]
                opener = u.openers.search(left)
                is_from = rules.pattern("pair_from").search(left)
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
        if kind == "factor" and unit.unit == "x" and value_max is None \
                and text[stop:stop + 2].lstrip(" ")[:1].isdigit() and text[stop - 1:stop] in "xX×":
            rule = "num.dimension"      # "1280 x 720", "256x256": a size, not a factor
        if kind == "bare" and value_max is None and u.factor_before.search(
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
        if unit is not None and text.startswith("/", text_end) and text[text_end + 1:text_end + 2].isdigit():
            pos = after_slash = text_end + 1
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
        if prev and u.list_gap.match(text[prev.end:m.start]) and "\n" not in text[prev.end:m.start] \
                and (prev.kind == m.kind or prev.kind == "bare" or m.kind == "bare"):
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
        if i != group[-1] and m.kind == "bare" and last.kind != "bare":
            m = replace(m, kind=last.kind, unit=last.unit, metric=last.metric, rule=m.rule + ".list_unit")
        out.append(replace(m, list_id=ids[i], list_pos=poss[i]))
    return out
