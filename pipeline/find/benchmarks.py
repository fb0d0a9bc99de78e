"""Benchmarks of open class (constructions K9): what a score is reported
on, whatever its name (resources/benchmarks.toml). The benchmarks of
datasets.csv come from the scan; these rules add the others, found by
their shape and position, as hits of entry -1 (no row of datasets.csv)."""
from __future__ import annotations

from ..doc import Hit, overlaps
from ..rules import Rules

OPEN_CLASS = -1


def find(text: str, known: list[Hit], taken: list[tuple[int, int]], quantities: list, rules: Rules) -> list[Hit]:
    """Open-class benchmark hits of `text`: not inside a known benchmark, a
    quantity or any `taken` span (devices, metrics); `quantities` (every
    number of the text) also tell where a score is."""
    b = rules.open_benchmarks
    taken = taken + [(m.start, m.end) for m in quantities if m.rule not in b["inside_names"]]
    # where a score ends, after its LaTeX closer ("$2.4\\%$ (ChemBench-Mini)")
    ends = {rules.units.latex_end(text, m.end) for m in quantities}
    out: list[Hit] = []
    for m in b["candidate"].finditer(text):
        if m["pre"] is None and m["noun"] is None and m["open"] is None:
            continue        # most runs of capitalised words: no position makes them a benchmark
        bracketed = m["open"] is not None and any(0 <= m.start() - e <= 1 for e in ends)
        if m["pre"] is None and m["noun"] is None and not bracketed:
            continue
        after_score = m["pre"] is not None and m["pre"].strip().lower().startswith("on") \
            and any(0 <= m.start() - e <= 2 for e in ends)
        kept = []
        for start, end in _names(text, m.start("name"), m.end("name"), b):
            name = text[start:end]
            words = name.split()
            # the tests of sets and spans first, the patterns after
            if name in b["not_names"] or words[0] in b["not_names"] \
                    or all(w.replace(",", "").replace(".", "").isdigit() for w in words) \
                    or any(overlaps((start, end), (h.start, h.end)) for h in known) \
                    or any(overlaps((start, end), t) for t in taken):
                continue
            if bracketed and not m["pre"] and not m["noun"] and not b["bracketed"].fullmatch(name):
                continue
            if not (m["noun"] is not None or after_score or bracketed or _strong(text, m, start, end, b)):
                continue
            if b["model"].fullmatch(name) or rules.systems.fullmatch(name):
                continue
            kept.append(Hit(start, end, OPEN_CLASS, name))
        # a count before a name makes it a kind of benchmark, not one ("four ZAPT datasets")
        if kept and not b["count_before"].search(text, max(0, m.start("name") - 20), m.start("name")):
            out += kept
    return out + _in_score_slots(text, out, known, taken, quantities, b["score_slot"])


def _strong(text: str, m, start: int, end: int, b: dict) -> bool:
    """A name by the shape of one of its words, or as the frame of its
    sentence: "On the more challenging USA Computing Olympiad, ..." (the
    first name of the candidate match `m`, after its preposition)."""
    return any(b["strong"].fullmatch(w) for w in text[start:end].split()) \
        or (m["pre"] is not None and start == m.start("name")
            and bool(b["frame_start"].search(text, max(0, m.start() - 3), m.start()))
            and bool(b["frame_end"].match(text, end)))


def _in_score_slots(text: str, found: list[Hit], known: list[Hit], taken: list[tuple[int, int]],
                    quantities: list, slot) -> list[Hit]:
    """A benchmark found by its position is one again where a score names
    it ("on A and B datasets ... 2.46% for A"): right after a quantity and
    `score_slot`, written as found, not inside another hit."""
    names = {text[h.start:h.end] for h in found}
    if not names:
        return []
    spans = [(h.start, h.end) for h in (*found, *known)] + taken
    more: list[Hit] = []
    for m in quantities:
        gap = slot.match(text, m.end)
        if gap is None:
            continue
        at = gap.end()
        for name in sorted(names, key=len, reverse=True):
            end = at + len(name)
            if text.startswith(name, at) and not (end < len(text) and (text[end].isalnum() or text[end] == "-")) \
                    and not any(overlaps((at, end), sp) for sp in spans):
                more.append(Hit(at, end, OPEN_CLASS, name))
                spans.append((at, end))
                break
    return more


def _names(text: str, start: int, end: int, b: dict) -> list[tuple[int, int]]:
    """The names of a run "A, B, and C" or "A and B": (start, end) of each;
    a run with commas and no "and" is one name and what follows it."""
    seps = list(b["list_split"].finditer(text, start, end))
    if seps and not any("and" in s.group() for s in seps):
        return [(start, seps[0].start())]
    spans, pos = [], start
    for sep in seps:
        if (bracket := text.find("(", pos, sep.start())) >= 0:     # "HelixQA (+2.1%) and ..."
            spans.append((pos, len(text[pos:bracket].rstrip()) + pos))
            pos = sep.end()
            continue
        spans.append((pos, sep.start()))
        pos = sep.end()
    spans.append((pos, end))
    return [(a, z) for a, z in spans if z > a]
