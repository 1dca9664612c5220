"""Date expressions (`2024-11`, `2024-10..2024-11`, `>=2024-06`, `"last 30 days"`) as day ranges.

Every expression names an inclusive range of calendar days `(since, until)`; either end may be
None (open). Accepted forms, case-insensitive, surrounding quotes ignored:

    2024-11-05  2024/11/05      that day
    2024-11     2024/11         that month
    2024                        that year
    november 2024, nov 2024     that month; `november` alone: the latest November up to today
    today, yesterday
    this week / month / year    the calendar period containing today (weeks start on Monday)
    last week / month / year    the calendar period before it (`previous` works too)
    last 30 days, past 2 weeks  a rolling period ending today (`past week` = the last 7 days)
    3 days ago, 2 weeks ago     that day, or the calendar week / month / year containing it
    A..B  A..  ..B              from the start of A to the end of B (open at a missing end)
    >A  >=A  <A  <=A            after the end of A, from its start, before its start, to its end

A range given backwards (`2024-12..2024-10`) is read the right way round.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re

from index.errors import QueryError

ACCEPTED_FORMS = (
    '2024-11-05, 2024-11, 2024, "nov 2024", 2024-10-01..2024-11-30, 2024-10.., ..2024-06, '
    '>2024-06-01, >=2024-06, <2024, <=2024-06-30, today, yesterday, "this month", "last week", '
    '"last year", "last 30 days", "past 2 weeks", "3 days ago"'
)

_MONTHS = {
    name: number
    for number in range(1, 13)
    for name in (calendar.month_name[number].lower(), calendar.month_abbr[number].lower())
}
_MONTHS["sept"] = 9

_DAY_RE = re.compile(r"(\d{4})[-/](\d{1,2})[-/](\d{1,2})")
_MONTH_RE = re.compile(r"(\d{4})[-/](\d{1,2})")
_YEAR_RE = re.compile(r"\d{4}")
_NAMED_MONTH_RE = re.compile(r"([a-z]+)\.?(?:\s+(\d{4}))?")
_CALENDAR_RE = re.compile(r"(this|last|previous)\s+(week|month|year)")
_ROLLING_RE = re.compile(r"(?:last|past)\s+(?:(\d{1,6})\s+)?(day|week|month|year)s?")
_AGO_RE = re.compile(r"(\d{1,6})\s+(day|week|month|year)s?\s+ago")

Span = tuple[dt.date, dt.date]
Range = tuple[dt.date | None, dt.date | None]


def _error(text: str, position: int | None, query: str) -> QueryError:
    return QueryError(
        f'Cannot read the date "{text}". Accepted forms: {ACCEPTED_FORMS}.',
        query or text,
        position,
    )


def shift_months(day: dt.date, months: int) -> dt.date:
    """`day` moved by a number of calendar months, clamped to the end of a shorter month."""
    index = day.year * 12 + (day.month - 1) + months
    year, month = divmod(index, 12)
    last = calendar.monthrange(year, month + 1)[1]
    return dt.date(year, month + 1, min(day.day, last))


def _month_span(year: int, month: int) -> Span:
    return dt.date(year, month, 1), dt.date(year, month, calendar.monthrange(year, month)[1])


def _unit_span(day: dt.date, unit: str) -> Span:
    """The calendar week, month or year containing `day` (or the day itself)."""
    if unit == "week":
        monday = day - dt.timedelta(days=day.weekday())
        return monday, monday + dt.timedelta(days=6)
    if unit == "month":
        return _month_span(day.year, day.month)
    if unit == "year":
        return dt.date(day.year, 1, 1), dt.date(day.year, 12, 31)
    return day, day


def _back(day: dt.date, count: int, unit: str) -> dt.date:
    """`day` moved back by `count` days, weeks, months or years."""
    if unit == "day":
        return day - dt.timedelta(days=count)
    if unit == "week":
        return day - dt.timedelta(weeks=count)
    return shift_months(day, -count * (12 if unit == "year" else 1))


def _span(text: str, today: dt.date) -> Span | None:
    """The day range of one expression without `..` or a comparison, or None if unreadable."""
    text = " ".join(text.split())
    if match := _DAY_RE.fullmatch(text):
        day = dt.date(int(match[1]), int(match[2]), int(match[3]))
        return day, day
    if match := _MONTH_RE.fullmatch(text):
        return _month_span(int(match[1]), int(match[2]))
    if _YEAR_RE.fullmatch(text):
        return dt.date(int(text), 1, 1), dt.date(int(text), 12, 31)
    if text == "today":
        return today, today
    if text == "yesterday":
        day = today - dt.timedelta(days=1)
        return day, day
    if match := _CALENDAR_RE.fullmatch(text):
        anchor = today if match[1] == "this" else _back(today, 1, match[2])
        return _unit_span(anchor, match[2])
    if match := _ROLLING_RE.fullmatch(text):
        count = int(match[1]) if match[1] else 1
        if count < 1:
            return None
        return _back(today, count, match[2]) + dt.timedelta(days=1), today
    if match := _AGO_RE.fullmatch(text):
        return _unit_span(_back(today, int(match[1]), match[2]), match[2])
    if (match := _NAMED_MONTH_RE.fullmatch(text)) and match[1] in _MONTHS:
        month = _MONTHS[match[1]]
        if match[2]:
            return _month_span(int(match[2]), month)
        # A bare month name means the latest such month that has begun.
        year = today.year if month <= today.month else today.year - 1
        return _month_span(year, month)
    return None


def _parse(text: str, today: dt.date, position: int | None, query: str) -> tuple[Range, bool]:
    """The range of a date expression, and whether it was given backwards (then swapped)."""
    # Positions in errors point at the expression as given, before quotes are stripped.
    cleaned = text.strip().strip('"“”„').strip().lower()
    try:
        for operator in (">=", "<=", ">", "<"):
            if cleaned.startswith(operator):
                span = _span(cleaned[len(operator) :].strip(), today)
                if span is None:
                    raise _error(text, position, query)
                if operator == ">=":
                    return (span[0], None), False
                if operator == "<=":
                    return (None, span[1]), False
                if operator == ">":
                    return (span[1] + dt.timedelta(days=1), None), False
                return (None, span[0] - dt.timedelta(days=1)), False
        if ".." in cleaned:
            left, right = (part.strip() for part in cleaned.split("..", 1))
            if not left and not right:
                raise _error(text, position, query)
            start = _span(left, today) if left else None
            end = _span(right, today) if right else None
            if (left and start is None) or (right and end is None):
                raise _error(text, position, query)
            since = start[0] if start else None
            until = end[1] if end else None
            if since is not None and until is not None and since > until:
                # Read a backwards range the right way round: from the earlier period's start.
                assert start is not None and end is not None
                return (end[0], start[1]), True
            return (since, until), False
        span = _span(cleaned, today)
        if span is None:
            raise _error(text, position, query)
        return span, False
    except (ValueError, OverflowError) as exc:
        # Impossible days (2024-02-30) and arithmetic past year 1 or 9999 land here.
        raise QueryError(
            f'Cannot read the date "{text}": {exc}. Accepted forms: {ACCEPTED_FORMS}.',
            query or text,
            position,
        ) from None


def parse_date_range(
    text: str, today: dt.date, *, position: int | None = None, query: str = ""
) -> tuple[Range, bool]:
    """Like `parse_date_expression`, also saying whether the range was given backwards.

    `position` and `query` place errors inside a larger query string.
    """
    return _parse(text, today, position, query)


def parse_date_expression(text: str, today: dt.date) -> Range:
    """The inclusive day range `(since, until)` of a date expression; raises QueryError.

    >>> parse_date_expression("2024-11", dt.date(2025, 1, 1))
    (datetime.date(2024, 11, 1), datetime.date(2024, 11, 30))
    >>> parse_date_expression(">2024-06-01", dt.date(2025, 1, 1))
    (datetime.date(2024, 6, 2), None)
    """
    return _parse(text, today, 0, text)[0]


def format_range(since: dt.date | None, until: dt.date | None) -> str:
    """A day range as the query language writes it: `2024-11-05`, `2024-10-01..2024-11-30`."""
    if since is not None and since == until:
        return since.isoformat()
    left = since.isoformat() if since else ""
    right = until.isoformat() if until else ""
    return f"{left}..{right}"
