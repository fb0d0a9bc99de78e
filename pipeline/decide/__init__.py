"""Deciders: components that read a Doc's layers and emit records.

    claims(doc, rules) -> (claims, quantities, problems)

goes through the sentences in order: the claims of each
(pipeline/decide/claims.py), their attributes (attributes.py), the
benchmark a sentence carries over to the next, and the SI
values (normalize.py).
"""
from __future__ import annotations

import functools

from ..doc import Doc
from ..records import Claim, Quantity
from ..rules import Rules
from . import attributes, hardware, normalize
from .claims import classify


def claims(doc: Doc, rules: Rules, max_mentions: int) -> tuple[list[Claim], list[Quantity], list[str]]:
    """The claims of an abstract, every quantity with whether it is a claim,
    and the problems met (a sentence with more than `max_mentions` quantities
    keeps its quantities and gives no claim)."""
    out: list[Claim] = []
    problems: list[str] = []
    last_dataset: str | None = None
    # the device the abstract states for its work: read once, when a claim first asks
    stated = functools.cache(lambda: hardware.platform(doc, rules))
    for span in doc.sentences:
        inside = [m for m in doc.quantities if span[0] <= m.start < span[1]]
        named = [(h.start, doc.read[h.start:h.end]) for h in doc.benchmarks if span[0] <= h.start and h.end <= span[1]]
        if not inside:
            _, last_dataset = attributes.carry_dataset([], named, last_dataset)
            continue
        if len(inside) > max_mentions:
            problems.append(f"sentence at {span[0]}-{span[1]} has {len(inside)} quantities, more than "
                            f"{max_mentions}; its quantities are kept, no claims extracted")
            continue
        on_hardware = any(span[0] <= h.char_start < span[1] for h in doc.devices)
        found = classify(doc, span, inside, rules, on_hardware, on_benchmark=bool(named))
        found = attributes.attach(found, doc, span, rules, stated)
        found, last_dataset = attributes.carry_dataset(found, named, last_dataset)
        out.extend(normalize.claim(c, rules) for c in found)
    claimed = {c.char_start for c in out}
    quantities = [normalize.quantity(doc.paper_id, m, m.start in claimed, rules) for m in doc.quantities]
    return out, quantities, problems
