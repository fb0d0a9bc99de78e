"""Users' corpora: JSON lines or CSV with `title` and `abstract` (optional
`id`, `date`), and the arXiv metadata snapshot's JSON lines (`id`, `title`,
`abstract`, `versions`, `update_date`, `authors`).

A paper is published when its first version is: the snapshot's `versions[0]
.created` ("Mon, 2 Apr 2007 19:18:42 GMT"), not `update_date`, the day of its
last change (a 2019 paper revised in 2024 would count as a 2024 paper)."""
from __future__ import annotations

import csv
import datetime as dt
import email.utils
import io
import json
import re
from typing import Iterable, Iterator

from ..records import Problem, RawPaper

_WS = re.compile(r"\s+")
TITLE_KEYS = ("title",)
ABSTRACT_KEYS = ("abstract", "summary")
DATE_KEYS = ("date", "published", "update_date", "year")


def _first(rec: dict, keys) -> object:
    for k in keys:
        v = rec.get(k)
        if v not in (None, ""):
            return v
    return None


def _date(value) -> tuple[dt.date | None, str | None]:
    if value in (None, ""):
        return None, None
    text = str(value).strip()
    try:
        return dt.date.fromisoformat(text[:10]), text
    except ValueError:
        return None, text


def _first_version(rec: dict) -> tuple[dt.date | None, str | None] | None:
    """The date of an arXiv record's first version, None if it lists none."""
    versions = rec.get("versions")
    if not (isinstance(versions, list) and versions and isinstance(versions[0], dict)):
        return None
    created = versions[0].get("created")
    if not isinstance(created, str) or not created.strip():
        return None
    try:
        return email.utils.parsedate_to_datetime(created).date(), created
    except (TypeError, ValueError):
        return None, created


def _n_authors(rec: dict) -> int | None:
    if isinstance(rec.get("authors_parsed"), list):
        return len(rec["authors_parsed"])
    a = rec.get("authors")
    if isinstance(a, list):
        return len(a)
    if isinstance(a, str) and a.strip():
        return len([x for x in re.split(r",\s*|\s+and\s+", a) if x.strip()])
    n = rec.get("n_authors")
    return int(n) if isinstance(n, (int, float)) or (isinstance(n, str) and n.isdigit()) else None


def record_to_paper(rec: dict, source: str, line: int) -> RawPaper | Problem:
    title, abstract = _first(rec, TITLE_KEYS), _first(rec, ABSTRACT_KEYS)
    if not isinstance(title, str) or not title.strip():
        return Problem(source, line, "papers", "a record with no title", json.dumps(rec)[:2000])
    if not isinstance(abstract, str) or not abstract.strip():
        return Problem(source, line, "papers", "a record with no abstract", json.dumps(rec)[:2000])
    published, published_text = _first_version(rec) or _date(_first(rec, DATE_KEYS))
    ext = rec.get("id") or rec.get("arxiv_id")
    return RawPaper(source=source, line=line, title=_WS.sub(" ", title).strip(),
                    abstract=abstract.strip(), published=published,
                    published_text=published_text, n_authors=_n_authors(rec),
                    external_id=str(ext) if ext not in (None, "") else None)


def parse_jsonl(lines: Iterable[str] | str, source: str) -> Iterator[RawPaper | Problem]:
    if isinstance(lines, str):
        lines = lines.splitlines()
    for i, line in enumerate(lines, 1):
        if not line.strip():
            continue
        try:
            rec = json.loads(line)
        except json.JSONDecodeError as e:
            yield Problem(source, i, "papers", f"expected one JSON object per line ({e.msg})", line[:2000])
            continue
        if not isinstance(rec, dict):
            yield Problem(source, i, "papers", "expected a JSON object with title and abstract",
                          line[:2000])
            continue
        yield record_to_paper(rec, source, i)


def parse_csv(lines: Iterable[str] | str, source: str) -> Iterator[RawPaper | Problem]:
    reader = csv.DictReader(io.StringIO(lines, newline="") if isinstance(lines, str) else lines)
    fields = [f.strip().lower() for f in (reader.fieldnames or [])]
    if "title" not in fields or not any(k in fields for k in ABSTRACT_KEYS):
        yield Problem(source, 1, "papers",
                      f"expected a CSV header with 'title' and 'abstract' columns, found {fields}", "")
        return
    reader.fieldnames = fields
    for rec in reader:
        yield record_to_paper(rec, source, reader.line_num)
