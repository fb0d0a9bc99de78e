"""Normalization: absolute values to SI / base units, by the factors pint
gave when the rules were loaded (rules.si; schemas/units.txt adds FLOP,
token, parameter, ...). A unit pint cannot parse is not guessed: value_si
stays null and validation reports it."""
from __future__ import annotations

from dataclasses import replace

from ..records import Claim, Mention, Quantity
from ..rules import Rules


def to_si(value: float | None, unit: str | None, rules: Rules) -> tuple[float | None, str | None]:
    """(value in SI, SI unit), or (None, None) where pint has no answer.

    >>> from pipeline.rules import default
    >>> to_si(2.5, "TFLOP/s", default()), to_si(3, "GB", default())
    ((2500000000000.0, 'FLOP / second'), (3000000000.0, 'byte'))
    """
    f = rules.si.get(unit) if unit else None
    if f is None or value is None:
        return None, None
    return value * f[0], f[1]


def claim(c: Claim, rules: Rules) -> Claim:
    """An absolute claim with value_si, value_max_si and unit_si."""
    if c.factor is not None:
        return c
    v, u = to_si(c.value, c.unit, rules)
    vmax, _ = to_si(c.value_max, c.unit, rules)
    return replace(c, value_si=v, value_max_si=vmax, unit_si=u)


def quantity(paper_id: str, m: Mention, is_claim: bool, rules: Rules) -> Quantity:
    v, u = to_si(m.value, m.unit, rules)
    vmax, _ = to_si(m.value_max, m.unit, rules)
    return Quantity(paper_id, m.start, m.end, m.text, m.value, m.value_max, m.unit, v, vmax, u,
                    is_claim, m.rule)
