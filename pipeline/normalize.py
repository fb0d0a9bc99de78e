"""Normalization through pint: absolute values to SI / base units.

One UnitRegistry for the project, extended by schemas/units.txt. Surface
spellings map to pint expressions through resources/units.csv. A unit pint
cannot parse is not guessed: value_si stays null and validation reports it.
"""
from __future__ import annotations

import functools

import pint

from . import resources
from .config import SCHEMAS
from .records import Claim, Mention, Quantity


@functools.cache
def registry() -> pint.UnitRegistry:
    ureg = pint.UnitRegistry(cache_folder=None)
    ureg.load_definitions(str(SCHEMAS / "units.txt"))
    return ureg


@functools.cache
def _pint_expr() -> dict[str, tuple[str, str]]:
    """Canonical unit symbol -> (pint expression, SI target), from units.csv."""
    out = {}
    for row in resources.csv_rows("units.csv"):
        if row["pint"] and row["si"]:
            out.setdefault(row["unit"], (row["pint"], row["si"]))
    return out


@functools.cache
def si_factor(unit: str | None) -> tuple[float, str] | None:
    """(multiplier, SI unit) of a canonical unit, or None where pint has no answer.

    >>> si_factor("TFLOP/s")
    (1000000000000.0, 'FLOP / second')
    >>> si_factor("GB")
    (1000000000.0, 'byte')
    """
    if not unit or unit not in _pint_expr():
        return None
    expr, target = _pint_expr()[unit]
    try:
        q = registry().Quantity(1.0, expr).to(target)
    except (pint.errors.PintError, ValueError, AttributeError):
        return None
    return float(q.magnitude), str(q.units)


def to_si(value: float | None, unit: str | None) -> tuple[float | None, str | None]:
    f = si_factor(unit)
    if f is None or value is None:
        return None, None
    return value * f[0], f[1]


def claim(c: Claim) -> None:
    """Fill value_si, value_max_si and unit_si of an absolute claim."""
    if c.factor is None:
        c.value_si, c.unit_si = to_si(c.value, c.unit)
        c.value_max_si, _ = to_si(c.value_max, c.unit)


def quantity(paper_id: str, m: Mention, is_claim: bool) -> Quantity:
    v, u = to_si(m.value, m.unit)
    vmax, _ = to_si(m.value_max, m.unit)
    return Quantity(paper_id, m.start, m.end, m.text, m.value, m.value_max, m.unit, v, vmax, u,
                    is_claim, m.rule)
