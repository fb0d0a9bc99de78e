"""Typed records that flow between stages.

Stages take and return these; only the writer turns them into Arrow rows.
"""
from __future__ import annotations

import datetime as dt
import operator
from dataclasses import dataclass, field, fields


def _row(record) -> dict:
    """A record as a dict of its fields, lists copied (dataclasses.asdict
    deep-copies every value, which cost a fifth of extraction). The fields
    are read by one operator.attrgetter, in C."""
    names, get, lists = _layout(type(record))
    d = dict(zip(names, get(record)))
    for f in lists:
        if isinstance(d[f], list):
            d[f] = list(d[f])
    return d


_LAYOUTS: dict[type, tuple] = {}


def _layout(cls) -> tuple[tuple[str, ...], operator.attrgetter, tuple[str, ...]]:
    """(field names, a getter of all of them as a tuple, the list fields)."""
    if cls not in _LAYOUTS:
        fs = fields(cls)
        names = tuple(f.name for f in fs)
        get = operator.attrgetter(*names) if len(names) > 1 else (lambda r, n=names[0]: (getattr(r, n),))
        _LAYOUTS[cls] = (names, get, tuple(f.name for f in fs if "list" in str(f.type)))
    return _LAYOUTS[cls]


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
