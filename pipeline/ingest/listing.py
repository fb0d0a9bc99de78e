"""The daily-paper listing dump: title and abstract pairs separated by blank
lines, optionally followed by an author line, a "·" line and a date line.

    Title of a paper
    <blank>
    Abstract, one paragraph.
    <blank>
      • 2 authors
    ·
    Aug 23, 2024
"""
from __future__ import annotations

import datetime as dt
import functools
from typing import Iterable, Iterator

import regex

from .. import resources
from ..records import Problem, RawPaper

_MONTHS = {m: i for i, m in enumerate(
    ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"], 1)}


@functools.cache
def _knowledge():
    k = resources.toml("listing.toml")
    return (frozenset(k["furniture"]), k["meta_separator"],
            regex.compile(k["authors_pattern"]), regex.compile(k["date_pattern"]))


def parse_date(text: str) -> tuple[dt.date | None, bool]:
    """('Aug 23, 2024') -> (date(2024, 8, 23), True); ('Mar 17') -> (None, True).

    The second item tells whether the text is a date line at all.
    """
    m = _knowledge()[3].match(text.strip())
    if not m:
        return None, False
    if not m["year"]:
        return None, True
    try:
        return dt.date(int(m["year"]), _MONTHS[m["month"][:3]], int(m["day"])), True
    except ValueError:
        return None, True


def _blocks(lines: Iterable[str]) -> Iterator[tuple[int, list[str]]]:
    """Runs of non-blank lines, with the 1-based number of their first line."""
    start, run = 0, []
    for i, line in enumerate(lines, 1):
        line = line.rstrip("\r\n")
        if line.strip():
            if not run:
                start = i
            run.append(line)
        elif run:
            yield start, run
            run = []
    if run:
        yield start, run


def _is_meta(block: list[str]) -> bool:
    furniture, sep, authors, _ = _knowledge()
    return any(ln.strip() == sep or authors.match(ln) for ln in block)


def _meta(block: list[str]) -> tuple[int | None, dt.date | None, str | None]:
    _, sep, authors, _ = _knowledge()
    n_authors = date = date_text = None
    for ln in block:
        if m := authors.match(ln):
            n_authors = int(m["n"].replace(",", ""))
        elif ln.strip() != sep:
            d, is_date = parse_date(ln)
            if is_date:
                date, date_text = d, ln.strip()
    return n_authors, date, date_text


def parse_listing(lines: Iterable[str] | str, source: str) -> Iterator[RawPaper | Problem]:
    """Entries of one listing dump (its lines, or its text), in file order;
    furniture is skipped."""
    furniture = _knowledge()[0]
    if isinstance(lines, str):
        lines = lines.splitlines()
    title: tuple[int, str] | None = None
    current: dict | None = None
    seen_paper = False
    for start, block in _blocks(lines):
        stripped = [ln.strip() for ln in block]
        if all(s in furniture for s in stripped):
            continue
        if not seen_paper and title is None and len(block) == 1 and parse_date(block[0])[1]:
            continue  # the page date above the first entry
        if _is_meta(block):
            if current is None:
                yield Problem(source, start, "papers", "author/date lines with no entry before them",
                              "\n".join(block))
                continue
            n, d, dtext = _meta(block)
            current.update(n_authors=n, published=d, published_text=dtext)
            continue
        if title is None:
            if current is not None:
                yield RawPaper(**current)
                current = None
            title = (start, " ".join(stripped))
            continue
        seen_paper = True
        current = dict(source=source, line=title[0], title=title[1],
                       abstract="\n".join(block).strip())
        title = None
    if current is not None:
        yield RawPaper(**current)
    if title is not None:
        yield Problem(source, title[0], "papers", "a title with no abstract after it", title[1])
