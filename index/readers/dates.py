"""Reading a calendar date out of metadata values, free text and file names."""

from __future__ import annotations

import datetime as dt
import email.utils
import re

_MONTHS = {
    name: number
    for number, names in enumerate(
        (
            ("jan", "january"),
            ("feb", "february"),
            ("mar", "march"),
            ("apr", "april"),
            ("may",),
            ("jun", "june"),
            ("jul", "july"),
            ("aug", "august"),
            ("sep", "sept", "september"),
            ("oct", "october"),
            ("nov", "november"),
            ("dec", "december"),
        ),
        start=1,
    )
    for name in names
}
_ISO = re.compile(r"(?<!\d)((?:19|20)\d\d)[-/.](\d{1,2})[-/.](\d{1,2})(?!\d)")
_COMPACT = re.compile(r"(?<!\d)((?:19|20)\d\d)(\d\d)(\d\d)(?!\d)")
_DAY_MONTH_YEAR = re.compile(
    r"\b(\d{1,2})(?:st|nd|rd|th)?\s+([A-Za-z]{3,9})\.?,?\s+((?:19|20)\d\d)\b"
)
_MONTH_DAY_YEAR = re.compile(
    r"\b([A-Za-z]{3,9})\.?\s+(\d{1,2})(?:st|nd|rd|th)?,?\s+((?:19|20)\d\d)\b"
)


def _make(year: int, month: int, day: int) -> dt.date | None:
    try:
        return dt.date(year, month, day)
    except ValueError:
        return None


def parse_date(text: str) -> dt.date | None:
    """The first calendar date in `text`: ISO 8601, RFC 2822, "14 March 2019", "March 14, 2019"."""
    text = text.strip()
    if not text:
        return None
    match = _ISO.search(text)
    if match:
        found = _make(int(match.group(1)), int(match.group(2)), int(match.group(3)))
        if found:
            return found
    try:
        return email.utils.parsedate_to_datetime(text).date()
    except (TypeError, ValueError, IndexError, OverflowError):
        pass
    for pattern, day_group, month_group in ((_DAY_MONTH_YEAR, 1, 2), (_MONTH_DAY_YEAR, 2, 1)):
        for match in pattern.finditer(text):
            month = _MONTHS.get(match.group(month_group).lower())
            if month:
                found = _make(int(match.group(3)), month, int(match.group(day_group)))
                if found:
                    return found
    match = _COMPACT.search(text)
    if match:
        return _make(int(match.group(1)), int(match.group(2)), int(match.group(3)))
    return None


def date_from_filename(name: str) -> dt.date | None:
    """A date written in a file name: "2024-11-01-issue.txt", "2020-11-4-x.md", "20241101.eml"."""
    for pattern in (_ISO, _COMPACT):
        match = pattern.search(name)
        if match:
            found = _make(int(match.group(1)), int(match.group(2)), int(match.group(3)))
            if found:
                return found
    return None
