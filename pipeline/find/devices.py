"""Devices: processors, accelerators, systems and cloud instances named in
an abstract (resources/hardware.csv), from the scan's device hits.

A generic class ("GPU", "CPU") is kept only where no specific device of the
same kind is named in the abstract and it is not background ("accelerators
such as GPUs"): claims-spec section 5.
"""
from __future__ import annotations

from ..doc import Hit, overlaps
from ..records import HardwareMention, Mention
from ..rules import Rules
from .quantities import parse_number


def _count(text: str, start: int, rules: Rules) -> int | None:
    """'2,048 NVIDIA H800 GPUs' -> 2048: the number right before a mention."""
    c = rules.device_count
    left = text[max(0, start - int(rules.window["device_count_left"])):start]
    if m := c["before"].search(left):
        if not left[m.start():].strip()[len(m["n"]):].strip().startswith(c["not_before"]):
            return int(parse_number(m["n"]))
    if m := c["word_before"].search(left):
        return int(c["words"][m["w"].lower()])
    return None


def device_counts(text: str, mentions: list[Mention], devices: list[HardwareMention],
                  rules: Rules) -> set[int]:
    """Starts of the factors that count devices ("8x A100", "8$\\times$H100",
    "4 × NVIDIA H100 GPUs"): a set-up fact, not a speed-up (claims-spec
    section 2). A whole factor followed right away by a device mention."""
    starts = {h.char_start for h in devices}
    gap, reach = rules.device_count["gap"], int(rules.window["device_count_gap"])
    out = set()
    for m in mentions:
        if m.kind != "factor" or m.value_max is not None or not float(m.value).is_integer():
            continue
        j = m.end
        while j < len(text) and j - m.end < reach and text[j] in gap:
            j += 1
        if j in starts:
            out.add(m.start)
    return out


def find(paper_id: str, text: str, hits: list[Hit], rules: Rules) -> list[HardwareMention]:
    """Every hardware mention of an abstract, in text order, from the
    scan's device hits (entry: the row of hardware.csv).

    >>> from pipeline.rules import default
    >>> from pipeline.find import scan
    >>> t = "trained on 2,048 NVIDIA H800 GPUs and a GPU"
    >>> [(h.hardware, h.count) for h in find("p", t, scan(t, default(), layers=["devices"])["devices"], default())]
    [('NVIDIA H800', 2048)]
    """
    kept: list[tuple] = []
    for h in hits:
        if any(overlaps((h.start, h.end), (k.start, k.end)) for _, k in kept):
            continue
        kept.append((h.value, h))
    reach = int(rules.window["background_left"])
    kept = [(e, h) for e, h in kept
            if not (e.generic and rules.device_background.search(text, max(0, h.start - reach), h.start))]
    specific_kinds = {e.kind for e, _ in kept if not e.generic}
    if "soc" in specific_kinds or "system" in specific_kinds:
        specific_kinds |= {"gpu"} if any(e.kind == "system" for e, _ in kept) else set()
    out = []
    for entry, h in sorted(kept, key=lambda t: t[1].start):
        if entry.generic and entry.kind in specific_kinds:
            continue
        out.append(HardwareMention(paper_id, entry.canonical, entry.vendor, entry.kind,
                                   _count(text, h.start, rules), h.start, h.end, text[h.start:h.end],
                                   f"hardware.{'generic' if entry.generic else 'gazetteer'}"))
    return out
