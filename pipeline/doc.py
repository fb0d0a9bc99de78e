"""Doc: one abstract and the layers of spans the finders put on it.

Every span is in abstract offsets (`text[start:end]`) and keeps the id of
the rule that found it. The finders (pipeline/find/) only add layers; the
deciders (pipeline/decide/) only read them and emit records.

    text        the abstract as written (rows quote it)
    read        the reading copy: the same length, line breaks, LaTeX markup
                and math dollars as spaces (pipeline/find/reading.py)
    sentences   (start, end) of each sentence
    numbers     Mention: every number, range and number word, names included
    quantities  Mention: the numbers that are not inside a name, with their units
    devices     HardwareMention: processors, accelerators, systems
    benchmarks  Hit: benchmark and dataset names (datasets.csv)
    metrics     Hit: metric names (metrics.csv)
    cues        Hit: cue words (cues.toml), all matches of every cue
    phrases     Hit: phrases that introduce a baseline ("compared to", "outperforms")
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from .records import HardwareMention, Mention


@dataclass(frozen=True, slots=True)
class Hit:
    """A gazetteer match: [start, end) in the abstract, the index of the
    entry that matched (its row in the resource file), and that entry's
    record (a Cue, a Metric, a benchmark name)."""
    start: int
    end: int
    entry: int
    value: Any


@dataclass(frozen=True)
class Doc:
    paper_id: str
    text: str
    read: str
    sentences: tuple[tuple[int, int], ...] = ()
    numbers: tuple[Mention, ...] = ()
    quantities: tuple[Mention, ...] = ()
    devices: tuple[HardwareMention, ...] = ()
    benchmarks: tuple[Hit, ...] = ()
    metrics: tuple[Hit, ...] = ()
    cues: tuple[Hit, ...] = ()
    phrases: tuple[Hit, ...] = ()
    problems: tuple[str, ...] = field(default=())



def overlaps(a: tuple[int, int], b: tuple[int, int]) -> bool:
    """Two half-open spans share a character.

    >>> overlaps((0, 4), (3, 5)), overlaps((0, 3), (3, 5))
    (True, False)
    """
    return a[0] < b[1] and b[0] < a[1]
