"""Users' corpora: JSON lines, a JSON array, or CSV with `title` and
`abstract` (optional `id`, `date`, `published`, `update_date`, `year`,
`authors`, `n_authors`), and the arXiv metadata snapshot's JSON lines (`id`,
`title`, `abstract`, `versions`, `update_date`, `authors`).

A paper is published when its first version is: the snapshot's `versions[0]
.created` ("Mon, 2 Apr 2007 19:18:42 GMT"), not `update_date`, the day of its
last change (a 2019 paper revised in 2024 would count as a 2024 paper).

Every value used is checked here: a record whose n_authors is NaN, 1e400,
"²", beyond int32 or a 5,000-digit number, whose title is not text, or
that is nested too deep for the JSON parser, is one Problem with the reason;
the other records go on. Values of fields not used are never converted.
"""
from __future__ import annotations

import csv
import datetime as dt
import json
import math
import re
from typing import Iterable, Iterator

from ..config import MAX_NUMBER_DIGITS, MAX_RECORD_BYTES, REJECTED_RAW_CHARS
from ..errors import InputError, MissingColumnError
from ..records import Problem, RawPaper
from . import dates
from .lines import RecordTooLong

_WS = re.compile(r"\s+")
TITLE_KEYS = ("title",)
ABSTRACT_KEYS = ("abstract", "summary")
DATE_KEYS = ("date", "published", "update_date", "year")
DELIMITERS = (",", ";", "\t", "|")
_COUNT = re.compile(r"[0-9]{1,3}(?:,[0-9]{3})+|[0-9]+")
INT32_MAX = 2**31 - 1
csv.field_size_limit(MAX_RECORD_BYTES)


class FieldError(ValueError):
    """A value of a record that does not fit its column: the record is rejected."""


class LongNumber(str):
    """An integer of more digits than any column holds, kept as its digits:
    converting it (Python refuses past 4,300 digits) is left to the field
    that uses it, which rejects it."""


def _int(digits: str) -> int | LongNumber:
    return int(digits) if len(digits) <= MAX_NUMBER_DIGITS else LongNumber(digits)


_DECODER = json.JSONDecoder(parse_int=_int)


def _show(value) -> str:
    if isinstance(value, LongNumber):
        return f"a {len(value.lstrip('-')):,}-digit number"
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def _count(value, name: str) -> int | None:
    """A count (n_authors) as a whole number within int32, else FieldError."""
    if value is None or value == "":
        return None
    if isinstance(value, str) and not isinstance(value, LongNumber) and _COUNT.fullmatch(value.strip()):
        value = _int(value.strip().replace(",", ""))
    if isinstance(value, float) and math.isfinite(value) and value.is_integer():
        value = int(value)
    if type(value) is not int:
        raise FieldError(f"{name}: {_show(value)} is not a whole number")
    if not 0 <= value <= INT32_MAX:
        raise FieldError(f"{name}: {value:,} does not fit a 32-bit count (0 to {INT32_MAX:,})")
    return value


def _first(rec: dict, keys) -> object:
    for k in keys:
        v = rec.get(k)
        if v not in (None, ""):
            return v
    return None


def _text(rec: dict, keys, name: str) -> str:
    v = _first(rec, keys)
    if v is None:
        raise FieldError(f"a record with no {name}")
    if not isinstance(v, str):
        raise FieldError(f"{name}: expected text, found {_kind(v)}")
    if not v.strip():
        raise FieldError(f"a record with no {name}")
    return v


def _kind(v) -> str:
    return {dict: "a JSON object", list: "a JSON array", bool: "true/false"}.get(type(v), _show(v))


def _date(rec: dict) -> tuple[dt.date | None, str | None]:
    """The first readable of DATE_KEYS (a year alone is read, into the year
    column, see dates.py), else the first written, kept as text."""
    written = None
    for k in DATE_KEYS:
        v = rec.get(k)
        if v in (None, "") or isinstance(v, (dict, list)):
            continue
        text = str(v).strip()
        published, year = dates.parse(v)
        if published or year:
            return published, text
        written = written or text
    return None, written


def _first_version(rec: dict) -> tuple[dt.date | None, str | None] | None:
    """The date of an arXiv record's first version, None if it lists none."""
    versions = rec.get("versions")
    if not (isinstance(versions, list) and versions and isinstance(versions[0], dict)):
        return None
    created = versions[0].get("created")
    if not isinstance(created, str) or not created.strip():
        return None
    return dates.parse(created)[0], created


def _n_authors(rec: dict) -> int | None:
    if isinstance(rec.get("authors_parsed"), list):
        return len(rec["authors_parsed"])
    a = rec.get("authors")
    if isinstance(a, list):
        return len(a)
    if isinstance(a, str) and a.strip():
        return len([x for x in re.split(r",\s*|\s+and\s+", a) if x.strip()])
    return _count(rec.get("n_authors"), "n_authors")


def record_to_paper(rec: dict, source: str, line: int, raw: str = "") -> RawPaper | Problem:
    """A JSON object or CSV row as a paper, or a Problem naming the field
    that does not fit (`raw`: the record as written, kept in the Problem)."""
    try:
        title, abstract = _text(rec, TITLE_KEYS, "title"), _text(rec, ABSTRACT_KEYS, "abstract")
        published, published_text = _first_version(rec) or _date(rec)
        n_authors = _n_authors(rec)
    except FieldError as e:
        return Problem(source, line, "papers", str(e), raw[:REJECTED_RAW_CHARS])
    ext = rec.get("id") or rec.get("arxiv_id")
    return RawPaper(source=source, line=line, title=_WS.sub(" ", title).strip(),
                    abstract=abstract.strip(), published=published,
                    published_text=published_text, n_authors=n_authors,
                    external_id=str(ext) if ext not in (None, "") and not isinstance(ext, (dict, list)) else None)


def _object(text: str, source: str, line: int) -> RawPaper | Problem:
    """One JSON text that should be an object with a title and an abstract."""
    try:
        rec = _DECODER.decode(text)
    except json.JSONDecodeError as e:
        return Problem(source, line, "papers", f"expected one JSON object per line ({e.msg})",
                       text[:REJECTED_RAW_CHARS])
    except RecursionError:
        return Problem(source, line, "papers", "a JSON record nested too deep to read",
                       text[:REJECTED_RAW_CHARS])
    except ValueError as e:         # e.g. a number too large to convert
        return Problem(source, line, "papers", f"a JSON record that cannot be read ({e})",
                       text[:REJECTED_RAW_CHARS])
    if not isinstance(rec, dict):
        return Problem(source, line, "papers", "expected a JSON object with title and abstract",
                       text[:REJECTED_RAW_CHARS])
    return record_to_paper(rec, source, line, text)


def _each_line(lines) -> Iterator[tuple[int, str | Problem]]:
    """(line number, line) of a LineReader, or a Problem for a line too long."""
    while True:
        try:
            line = next(lines)
        except StopIteration:
            return
        except RecordTooLong as e:
            yield e.line, Problem(lines.source, e.line, "papers", str(e), "")
            continue
        yield lines.line_no, line


def parse_jsonl(lines: Iterable[str] | str, source: str) -> Iterator[RawPaper | Problem]:
    if isinstance(lines, str):
        lines = iter(lines.splitlines())
    pairs = _each_line(lines) if hasattr(lines, "line_no") else enumerate(lines, 1)
    for i, line in pairs:
        if isinstance(line, Problem):
            yield line
        elif line.strip():
            yield _object(line, source, i)


def parse_json(lines, source: str) -> Iterator[RawPaper | Problem]:
    """A .json file: one JSON array of objects, or JSON lines (the arXiv
    snapshot is JSON lines named .json)."""
    first = None
    for i, line in _each_line(lines):
        if isinstance(line, Problem) or line.strip():
            first = (i, line)
            break
    if first is None:
        return
    i, line = first
    if isinstance(line, str) and line.lstrip().startswith("["):
        yield from parse_json_array(_Rest(line, lines), source, first_line=i)
    else:
        yield line if isinstance(line, Problem) else _object(line, source, i)
        yield from parse_jsonl(lines, source)


class _Rest:
    """A line already read, then the rest of a LineReader, as text chunks."""

    def __init__(self, first: str, lines):
        self._first, self._lines = first, lines

    def __iter__(self) -> Iterator[str | Problem]:
        yield self._first
        for _, line in _each_line(self._lines):
            yield line


_OUTSIDE = re.compile(r'[\[\]{}",\n]')
_INSIDE = re.compile(r'["\\\n]')
_START = re.compile(r"[^\s,]")


def parse_json_array(chunks: Iterable[str | Problem], source: str, first_line: int = 1
                     ) -> Iterator[RawPaper | Problem]:
    """The elements of one JSON array, each read as a record on its own, so
    a bad element is one Problem and the others go on, and memory holds one
    element at a time. Element boundaries are found by a scan that follows
    strings and nesting; an element over MAX_RECORD_BYTES is skipped unread."""
    line, started, ended = first_line, False, False
    in_elem = in_string = escape = False
    depth, size, elem_line = 0, 0, 0
    parts: list[str] = []

    def finish() -> RawPaper | Problem:
        nonlocal in_elem, parts, size
        text, n = "".join(parts), size
        in_elem, parts, size = False, [], 0
        if n > MAX_RECORD_BYTES:
            return Problem(source, elem_line, "papers",
                           f"a record of {n:,} characters, more than {MAX_RECORD_BYTES:,}; not read", "")
        return _object(text, source, elem_line)

    for chunk in chunks:
        if isinstance(chunk, Problem):          # a line too long to read
            if in_elem:
                size += MAX_RECORD_BYTES + 1
            else:
                yield chunk
            continue
        i, n = 0, len(chunk)
        while i < n:
            if ended:
                if chunk[i:].strip():
                    yield Problem(source, line, "papers", "text after the end of the JSON array",
                                  chunk[i:][:REJECTED_RAW_CHARS])
                break
            start = i
            if not in_elem:
                m = _START.search(chunk, i)
                line += chunk.count("\n", i, m.start() if m else n)
                if not m:
                    break
                i = start = m.start()
                c = chunk[i]
                if not started:
                    if c != "[":
                        yield Problem(source, line, "papers", "expected a JSON array of objects",
                                      chunk[i:][:REJECTED_RAW_CHARS])
                        return
                    started, i = True, i + 1
                    continue
                if c in "]}":
                    if c == "]":
                        ended = True
                    else:
                        yield Problem(source, line, "papers", "a stray } in the JSON array", "")
                    i += 1
                    continue
                in_elem, elem_line = True, line
                depth, in_string, i = int(c in "[{"), c == '"', i + 1
            done = False
            while i < n and not done:
                if escape:
                    escape, i = False, i + 1
                    continue
                m = (_INSIDE if in_string else _OUTSIDE).search(chunk, i)
                if not m:
                    i = n
                    break
                c, i = m.group(), m.end()
                if c == "\n":
                    line += 1
                elif in_string:                     # a backslash escapes the next character
                    escape = c == "\\"
                    in_string = escape
                elif c == '"':
                    in_string = True
                elif c in "[{":
                    depth += 1
                elif depth == 0 and c in ",]}":     # the end of a scalar element
                    i, done = i - 1, True
                elif c in "]}":
                    depth -= 1
                    done = depth == 0
            piece = chunk[start:i]
            size += len(piece)
            if size <= MAX_RECORD_BYTES:
                parts.append(piece)
            else:
                parts.clear()
            if done:
                yield finish()
    if in_elem:
        yield Problem(source, elem_line, "papers", "a JSON array that ends inside an element",
                      "".join(parts)[:REJECTED_RAW_CHARS])
    elif started and not ended:
        yield Problem(source, line, "papers", "a JSON array with no closing ]", "")


def _delimiter(header: str) -> str | None:
    """The delimiter whose split of the header names a title and an abstract."""
    for d in DELIMITERS:
        fields = [f.strip().lower() for f in next(csv.reader([header], delimiter=d))]
        if "title" in fields and any(k in fields for k in ABSTRACT_KEYS):
            return d
    return None


def parse_csv(lines, source: str) -> Iterator[RawPaper | Problem]:
    """CSV (or ;, tab or | separated) with a header naming title and
    abstract columns; a record too long or malformed is one Problem."""
    if isinstance(lines, str):
        lines = iter(lines.splitlines(keepends=True))
    try:
        header = next(lines)
    except StopIteration:
        return
    except RecordTooLong as e:
        raise InputError(source, 1, "a CSV header line", str(e)) from e
    d = _delimiter(header)
    if d is None:
        guess = max(DELIMITERS, key=header.count)
        fields = [f.strip() for f in next(csv.reader([header], delimiter=guess))]
        lower = [f.lower() for f in fields]
        raise MissingColumnError(source, "title" if "title" not in lower else "abstract", fields)
    fields = [f.strip().lower() for f in next(csv.reader([header], delimiter=d))]
    reader = csv.reader(lines, delimiter=d)
    line_of = (lambda: lines.line_no) if hasattr(lines, "line_no") else (lambda: reader.line_num + 1)
    while True:
        start = line_of() + 1
        try:
            row = next(reader)
        except StopIteration:
            return
        except RecordTooLong as e:
            yield Problem(source, e.line, "papers", str(e), "")
            continue
        except csv.Error as e:
            yield Problem(source, start, "papers", f"a CSV record that cannot be read ({e})", "")
            continue
        if not row or not any(c.strip() for c in row):
            continue
        raw = d.join(row)
        if len(row) != len(fields):
            yield Problem(source, start, "papers",
                          f"a CSV record of {len(row)} fields, the header has {len(fields)}",
                          raw[:REJECTED_RAW_CHARS])
            continue
        yield record_to_paper(dict(zip(fields, row)), source, start, raw)
