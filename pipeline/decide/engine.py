"""The engine of construction records (resources/constructions.toml).

For one stage, the records are tried in order; the first whose `kinds`
and `when` hold fires: its id joins the claim's chain and its `then` is
returned. A condition is a fact's name ("setting", "not on_benchmark"), a
context pattern in a window ({left = "outperform", chars = "outperform_left"}),
the cue followed ({cue_type = [...]}, {cue_measure = [...]}) or a choice
({any = [...]}); the facts and windows come from the situation of the
quantity being decided (pipeline/decide/claims.py, Situation).
"""
from __future__ import annotations

from typing import Any, Mapping, Protocol

from ..errors import ResourceError
from ..rules import Construction, Rules


class Situation(Protocol):
    rules: Rules
    kind: str

    def fact(self, name: str) -> bool: ...
    def left(self, chars: int | None) -> str: ...
    def right(self, chars: int | None) -> str: ...
    def cue_attr(self, attr: str) -> str | None: ...


def fire(stage: str, s: Situation) -> Construction | None:
    """The first record of `stage` that holds for the situation, if any."""
    for rec in s.rules.constructions.get(stage, ()):
        if rec.kinds is not None and s.kind not in rec.kinds:
            continue
        if all(holds(c, s, rec) for c in rec.when):
            return rec
    return None


def holds(cond: Any, s: Situation, rec: Construction) -> bool:
    if isinstance(cond, str):
        if cond.startswith("not "):
            return not s.fact(cond[4:])
        return s.fact(cond)
    if not isinstance(cond, Mapping):
        raise _bad(s.rules, rec, cond)
    if "any" in cond:
        return any(holds(c, s, rec) for c in cond["any"])
    if "cue_type" in cond:
        return s.cue_attr("type") in cond["cue_type"]
    if "cue_measure" in cond:
        return s.cue_attr("measure") in cond["cue_measure"]
    chars = int(s.rules.window[cond["chars"]]) if "chars" in cond else None
    if "left" in cond:
        return bool(s.rules.pattern(cond["left"]).search(s.left(chars)))
    if "right" in cond:
        return bool(s.rules.pattern(cond["right"]).search(s.right(chars)))
    if "around" in cond:
        text = s.left(chars) + cond.get("joiner", "") + s.right(chars)
        return bool(s.rules.pattern(cond["around"]).search(text))
    raise _bad(s.rules, rec, cond)


def _bad(rules: Rules, rec: Construction, cond: Any) -> ResourceError:
    return ResourceError(rules.folder / "constructions.toml", None,
                         f"construction {rec.id}: a condition of the forms the file's header lists, found {cond!r}")
