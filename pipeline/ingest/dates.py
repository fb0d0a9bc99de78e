"""Dates of papers as the inputs write them, read into (date, year).

`papers.published` is a date only when the input names the day; a year alone
("2023", 2023) or a month ("2024-05") gives `published` null and the year in
`papers.year`, so a count by year never takes a year for the 1st of January.
The text as written is kept in `published_text` either way.
"""
from __future__ import annotations

import datetime as dt
import email.utils
import functools
import math
import re

import regex

from .. import resources

_MONTHS = {m: i for i, m in enumerate(
    ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"], 1)}
_YEAR = re.compile(r"(1[0-9]{3}|2[0-9]{3})")
_YEAR_MONTH = re.compile(r"(1[0-9]{3}|2[0-9]{3})-(0[1-9]|1[0-2])")


@functools.cache
def _listing_date() -> regex.Pattern:
    """The listing dumps' "Aug 23, 2024" / "Mar 17" pattern (resources/listing.toml)."""
    return regex.compile(resources.toml("listing.toml")["date_pattern"])


def listing_date(text: str, page: dt.date | None = None) -> tuple[dt.date | None, bool]:
    """A listing dump's date line: (the date, True), (None, True) when it has
    no year and there is no page date to take one from, or when it names no
    real day; (None, False) when the text is no date line at all. A date
    without a year takes the page's year, or the year before when it would
    fall after the page date (a page lists papers of the days before it).

    >>> listing_date("Aug 23, 2024"), listing_date("Mar 17"), listing_date("Mar 17", dt.date(2025, 1, 5))
    ((datetime.date(2024, 8, 23), True), (None, True), (datetime.date(2024, 3, 17), True))
    """
    m = _listing_date().match(text.strip())
    if not m:
        return None, False
    month, day = _MONTHS[m["month"][:3].lower()], int(m["day"])
    try:
        if m["year"]:
            return dt.date(int(m["year"]), month, day), True
        if page is None:
            return None, True
        d = dt.date(page.year, month, day)
        return (d if d <= page else dt.date(page.year - 1, month, day)), True
    except ValueError:          # "Feb 30", or "Feb 29" of a year that has none
        return None, True


def parse(value) -> tuple[dt.date | None, int | None]:
    """(published, year) of a date field as a JSON or CSV record gives it.

    >>> parse("2024-05-01T10:00:00Z"), parse(2023), parse("2024-05"), parse("Mon, 2 Apr 2007 19:18:42 GMT")
    ((datetime.date(2024, 5, 1), 2024), (None, 2023), (None, 2024), (datetime.date(2007, 4, 2), 2007))
    >>> parse("sometime in 2020"), parse(float("nan")), parse(True)
    ((None, None), (None, None), (None, None))
    """
    if isinstance(value, bool) or value is None:
        return None, None
    if isinstance(value, (int, float)):
        if isinstance(value, float) and not (math.isfinite(value) and value.is_integer()):
            return None, None
        return (None, int(value)) if _YEAR.fullmatch(str(int(value))) else (None, None)
    if not isinstance(value, str):
        return None, None
    text = value.strip()
    try:
        d = dt.date.fromisoformat(text[:10])
        return d, d.year
    except ValueError:
        pass
    if m := _YEAR_MONTH.fullmatch(text):
        return None, int(m[1])
    if _YEAR.fullmatch(text):
        return None, int(text)
    d, _ = listing_date(text)
    if d:
        return d, d.year
    try:
        d = email.utils.parsedate_to_datetime(text).date()
        return d, d.year
    except (TypeError, ValueError, IndexError, OverflowError):
        return None, None


def year_of(published: dt.date | None, text: str | None) -> int | None:
    """papers.year: the year of `published`, else the year its text names
    alone ("2023", "2024-05"), else null."""
    if published is not None:
        return published.year
    return parse(text)[1] if text else None
