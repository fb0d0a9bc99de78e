"""Hardware mentions: a gazetteer of processors, accelerators, systems and
cloud instances (resources/hardware.csv) matched over the abstract.

A generic class ("GPU", "CPU") is kept only where no specific device of the
same kind is named in the abstract (claims-spec section 5).
"""
from __future__ import annotations

import functools
from dataclasses import dataclass

import regex

from . import lexicon, resources
from .gazetteer import WHOLE_TEXT, Gazetteer
from .quantities import parse_number
from .records import HardwareMention


@dataclass(frozen=True)
class Entry:
    canonical: str
    vendor: str | None
    kind: str
    generic: bool


@functools.cache
def gazetteer() -> tuple[tuple[Entry, ...], Gazetteer]:
    """The entries of hardware.csv, and their patterns on word boundaries."""
    rows = resources.csv_rows("hardware.csv")
    entries = tuple(Entry(r["canonical"], r["vendor"] or None, r["kind"], r["generic"] == "1")
                    for r in rows)
    return entries, Gazetteer([r["pattern"] for r in rows], r"(?<![\w\-.])", r"(?![\w])", group=WHOLE_TEXT)


@functools.cache
def _background() -> regex.Pattern:
    """Words before a generic class that make it background, not the platform."""
    words = resources.toml("hardware.toml")["generic_background_before"]
    return regex.compile(r"(?i)(?:" + "|".join(words) + r")[\s/]+(?:[^\s/]+[\s/]+){0,2}\Z")


_COUNT = regex.compile(
    r"(?P<n>\d{1,3}(?:,\d{3})+|\d+)\s*(?:(?:[x×]|\$?\\times\$?)\s*)?(?:\p{L}+\s+){0,1}\Z")
# what may stand between a device count and the device: "8x A100", "8 $\times$ H100"
_COUNT_GAP = " \t\n$~"
_WORD_COUNTS = {"two": 2, "four": 4, "eight": 8, "sixteen": 16, "single": 1, "one": 1, "a single": 1}
_WORD_COUNT = lexicon.pattern("word_count")


def _count(text: str, start: int) -> int | None:
    """'2,048 NVIDIA H800 GPUs' -> 2048: the number right before a mention."""
    left = text[max(0, start - 24):start]
    if m := _COUNT.search(left):
        if not left[m.start():].strip()[len(m["n"]):].strip().startswith(("%", "GB")):
            return int(parse_number(m["n"]))
    if m := _WORD_COUNT.search(left):
        return _WORD_COUNTS[m["w"].lower()]
    return None


def device_counts(text: str, mentions: list, devices: list[HardwareMention]) -> set[int]:
    """Starts of the factors that count devices ("8x A100", "8$\\times$H100",
    "4 × NVIDIA H100 GPUs"): a set-up fact, not a speed-up (claims-spec
    section 2). A whole factor followed right away by a device mention.

    >>> from pipeline.quantities import find as quantities
    >>> t = "1.7x faster on 8x A100"
    >>> sorted(device_counts(t, quantities(t), find("p", t)))
    [15]
    """
    starts = {h.char_start for h in devices}
    out = set()
    for m in mentions:
        if m.kind != "factor" or m.value_max is not None or not float(m.value).is_integer():
            continue
        j = m.end
        while j < len(text) and j - m.end < 3 and text[j] in _COUNT_GAP:
            j += 1
        if j in starts:
            out.add(m.start)
    return out


def find(paper_id: str, text: str) -> list[HardwareMention]:
    """Every hardware mention of an abstract, in text order.

    >>> [(h.hardware, h.count) for h in find("p", "trained on 2,048 NVIDIA H800 GPUs and a GPU")]
    [('NVIDIA H800', 2048)]
    """
    kept: list[tuple[Entry, regex.Match]] = []
    taken: list[tuple[int, int]] = []
    entries, patterns = gazetteer()
    for i, m in patterns.finditer(text):
        if any(s < m.end() and m.start() < e for s, e in taken):
            continue
        kept.append((entries[i], m))
        taken.append((m.start(), m.end()))
    background = _background()
    kept = [(e, m) for e, m in kept
            if not (e.generic and background.search(text, max(0, m.start() - 40), m.start()))]
    specific_kinds = {e.kind for e, _ in kept if not e.generic}
    if "soc" in specific_kinds or "system" in specific_kinds:
        specific_kinds |= {"gpu"} if any(e.kind == "system" for e, _ in kept) else set()
    out = []
    for entry, m in sorted(kept, key=lambda t: t[1].start()):
        if entry.generic and entry.kind in specific_kinds:
            continue
        out.append(HardwareMention(paper_id, entry.canonical, entry.vendor, entry.kind,
                                   _count(text, m.start()), m.start(), m.end(), m.group(),
                                   f"hardware.{'generic' if entry.generic else 'gazetteer'}"))
    return out
