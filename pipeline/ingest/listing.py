"""The daily-paper listing dump: title and abstract pairs separated by blank
lines, optionally followed by an author line, a "·" line and a date line,
under a page date.

    Nov 5, 2024            (the page date, when the dump has one)
    <blank>
    Title of a paper
    <blank>
    Abstract, one paragraph (or several, separated by blank lines).
    <blank>
      • 2 authors
    ·
    Mar 17

Entry boundaries come from the structure, not from blank lines alone: a
title is one line of at most LISTING_TITLE_MAX_CHARS characters not ending
with a full stop, followed by its abstract; after an abstract, a block that
does not look like a title, or that is followed by another title-like block
or by the author/date lines, is one more paragraph of that abstract. So an
abstract with a blank line inside does not shift every later entry.
"""
from __future__ import annotations

import datetime as dt
import functools
from dataclasses import dataclass, field
from typing import Iterable, Iterator

import regex

from .. import resources
from ..config import LISTING_TITLE_MAX_CHARS, MAX_NUMBER_DIGITS, MAX_RECORD_BYTES, REJECTED_RAW_CHARS
from ..records import Problem, RawPaper
from .dates import listing_date
from .lines import RecordTooLong

INT32_MAX = 2**31 - 1


@functools.cache
def _knowledge():
    k = resources.toml("listing.toml")
    return frozenset(k["furniture"]), k["meta_separator"], regex.compile(k["authors_pattern"])


def parse_date(text: str, page: dt.date | None = None) -> tuple[dt.date | None, bool]:
    """('Aug 23, 2024') -> (date(2024, 8, 23), True); ('Mar 17') -> (None, True),
    or the date in the page's year when there is a page date (dates.listing_date).

    The second item tells whether the text is a date line at all.
    """
    return listing_date(text, page)


@dataclass
class _Block:
    start: int                  # 1-based number of its first line
    lines: list[str]
    size: int = 0               # characters, counted past MAX_RECORD_BYTES

    @property
    def too_long(self) -> bool:
        return self.size > MAX_RECORD_BYTES

    @property
    def text(self) -> str:
        return "\n".join(self.lines).strip()


def _blocks(lines: Iterable[str]) -> Iterator[_Block]:
    """Runs of non-blank lines. A run longer than MAX_RECORD_BYTES keeps no
    lines (it is reported, not read)."""
    block: _Block | None = None
    it, i = iter(lines), 0
    while True:
        try:
            line = next(it)
            i = getattr(it, "line_no", i + 1)
            size = len(line)
        except StopIteration:
            break
        except RecordTooLong as e:
            i, line, size = e.line, "(too long)", e.size
        line = line.rstrip("\r\n")
        if not line.strip():
            if block:
                yield block
            block = None
            continue
        if block is None:
            block = _Block(i, [])
        block.size += size
        if block.too_long:
            block.lines = []
        else:
            block.lines.append(line)
    if block:
        yield block


def _is_meta(block: _Block) -> bool:
    _, sep, authors = _knowledge()
    return any(ln.strip() == sep or authors.match(ln) for ln in block.lines)


def _title_like(block: _Block | None) -> bool:
    if block is None or len(block.lines) != 1 or _is_meta(block):
        return False
    text = block.lines[0].strip()
    return len(text) <= LISTING_TITLE_MAX_CHARS and not text.endswith(".")


@dataclass
class _Entry:
    title_line: int
    title: str
    paragraphs: list[str] = field(default_factory=list)
    meta: list[str] | None = None
    meta_line: int = 0


def _paper(e: _Entry, source: str, page: dt.date | None) -> RawPaper | Problem:
    """The entry as a RawPaper, or a Problem when its author count does not fit."""
    _, sep, authors = _knowledge()
    n_authors = published = published_text = None
    for ln in e.meta or ():
        if m := authors.match(ln):
            digits = m["n"].replace(",", "")
            if len(digits) > MAX_NUMBER_DIGITS or int(digits) > INT32_MAX:
                return Problem(source, e.meta_line, "papers",
                               f"n_authors: {digits[:40]} does not fit a 32-bit count (0 to {INT32_MAX:,})",
                               e.title[:REJECTED_RAW_CHARS])
            n_authors = int(digits)
        elif ln.strip() != sep:
            d, is_date = listing_date(ln, page)
            if is_date:
                published, published_text = d, ln.strip()
    return RawPaper(source=source, line=e.title_line, title=e.title, abstract="\n\n".join(e.paragraphs),
                    published=published, published_text=published_text, n_authors=n_authors)


def parse_listing(lines: Iterable[str] | str, source: str) -> Iterator[RawPaper | Problem]:
    """Entries of one listing dump (its lines, or its text), in file order;
    furniture is skipped, and the page date gives a year to dates without one."""
    furniture = _knowledge()[0]
    if isinstance(lines, str):
        lines = lines.splitlines()
    blocks = (b for b in _blocks(lines) if not all(ln.strip() in furniture for ln in b.lines) or b.too_long)
    page: dt.date | None = None
    entry: _Entry | None = None             # the entry being read
    pending: _Block | None = None           # a title waiting for its abstract
    seen_paper = False
    block = next(blocks, None)
    while block is not None:
        after = next(blocks, None)
        if block.too_long:
            what = f"the abstract of {pending.text[:200]!r}" if pending else "a block"
            yield Problem(source, block.start, "papers",
                          f"{what}: {block.size:,} characters without a blank line, more than "
                          f"{MAX_RECORD_BYTES:,}; not read", pending.text if pending else "")
            pending = None
        elif not seen_paper and pending is None and len(block.lines) == 1 and listing_date(block.lines[0])[1]:
            page = listing_date(block.lines[0])[0] or page       # the page date above the first entry
        elif _is_meta(block):
            if pending is not None:
                yield Problem(source, pending.start, "papers", "a title with no abstract after it", pending.text)
                pending = None
            if entry is None or entry.meta is not None:
                yield Problem(source, block.start, "papers", "author/date lines with no entry before them",
                              block.text)
            else:
                entry.meta, entry.meta_line = block.lines, block.start
        elif pending is not None:
            if _title_like(block) and after is not None and not _title_like(after) and not _is_meta(after):
                # a title alone, then a title with its abstract
                yield Problem(source, pending.start, "papers", "a title with no abstract after it", pending.text)
                pending = block
            else:
                title = " ".join(ln.strip() for ln in pending.lines)
                entry, pending, seen_paper = _Entry(pending.start, title, [block.text]), None, True
        elif entry is not None and entry.meta is None and (
                not _title_like(block) or (after is not None and (_title_like(after) or _is_meta(after)))):
            entry.paragraphs.append(block.text)             # one more paragraph of the abstract
        else:
            if entry is not None:
                yield _paper(entry, source, page)
            entry, pending = None, block
        block = after
    if entry is not None:
        yield _paper(entry, source, page)
    if pending is not None:
        yield Problem(source, pending.start, "papers", "a title with no abstract after it", pending.text)
