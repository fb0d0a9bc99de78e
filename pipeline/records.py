"""Typed records that flow between stages.

Stages take and return these; only the writer turns them into Arrow rows.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field, fields


def _row(record) -> dict:
    """A record as a dict of its fields, lists copied (dataclasses.asdict
    deep-copies every value, which cost a fifth of extraction)."""
    return {f: (list(v) if isinstance(v := getattr(record, f), list) else v) for f in _names(type(record))}


_NAMES: dict[type, tuple[str, ...]] = {}


def _names(cls) -> tuple[str, ...]:
    if cls not in _NAMES:
        _NAMES[cls] = tuple(f.name for f in fields(cls))
    return _NAMES[cls]


@dataclass(frozen=True, slots=True)
class RawPaper:
    """One entry of one raw file, as read."""
    source: str
    line: int
    title: str
    abstract: str
    published: dt.date | None = None
    published_text: str | None = None
    n_authors: int | None = None
    external_id: str | None = None


@dataclass(frozen=True, slots=True)
class Problem:
    """Input that could not become a row: kept for rejected.parquet."""
    source: str
    line: int | None
    table: str
    reason: str
    raw: str = ""


@dataclass(slots=True)
class Paper:
    paper_id: str
    title: str
    abstract: str
    sources: list[str]
    published: dt.date | None = None
    published_text: str | None = None
    n_authors: int | None = None
    external_id: str | None = None

    def row(self) -> dict:
        return _row(self)


@dataclass(slots=True)
class Mention:
    """A quantity found in text: a number, range or number word, with its unit."""
    start: int
    end: int
    text: str
    value: float
    value_max: float | None
    unit: str | None          # canonical symbol: x, %, points, ms, GB, TFLOP/s ...
    kind: str                 # factor | percent | points | physical | bare | word_fraction
    rule: str                 # id of the pattern that found it
    sign: str | None = None   # "+" or "-" when written
    in_name: bool = False     # part of a name (ResNet-50): never a claim
    list_id: int | None = None  # mentions coordinated in one list ("2.9x and 1.5x")
    list_pos: int = 0
    qualifier: str | None = None  # carried by the surface itself ("10+%", "orders of magnitude")
    metric: str | None = None     # a metric written as the unit ("1.7 mAP")


@dataclass(slots=True)
class Claim:
    paper_id: str
    char_start: int
    char_end: int
    text: str
    sentence: str
    claim_type: str
    form: str
    value: float
    value_max: float | None
    unit: str | None
    factor: float | None = None
    factor_max: float | None = None
    qualifier: str | None = None
    direction: str | None = None
    subject: str | None = None
    baseline: str | None = None
    hardware: str | None = None
    metric: str | None = None
    dataset: str | None = None
    value_si: float | None = None
    value_max_si: float | None = None
    unit_si: str | None = None
    rule: str = ""
    sentence_start: int = 0
    list_pos: int = 0           # place in a coordinated list ("2.9x and 1.5x")
    list_len: int = 1
    claim_id: str = field(default="")

    def row(self) -> dict:
        d = _row(self)
        d["claim_id"] = f"{self.paper_id}:{self.char_start}"
        return d


@dataclass(slots=True)
class Quantity:
    paper_id: str
    char_start: int
    char_end: int
    text: str
    value: float
    value_max: float | None
    unit: str | None
    value_si: float | None
    value_max_si: float | None
    unit_si: str | None
    is_claim: bool
    rule: str

    def row(self) -> dict:
        return _row(self)


@dataclass(slots=True)
class HardwareMention:
    paper_id: str
    hardware: str
    vendor: str | None
    kind: str
    count: int | None
    char_start: int
    char_end: int
    text: str
    rule: str

    def row(self) -> dict:
        return _row(self)
