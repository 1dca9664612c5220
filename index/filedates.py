"""Dates for undated issues from their file's modification time (`--date-from-mtime`)."""

from __future__ import annotations

import dataclasses
import datetime as dt

from index.model import Issue


def with_file_dates(issues: list[Issue], mtime_ns: int) -> list[Issue]:
    """The issues, each one without a date dated by the file's modification day, so marked.

    The day is the local one, as a reader's file manager shows it.
    """
    day = dt.datetime.fromtimestamp(mtime_ns / 1e9).date()
    return [
        issue
        if issue.date is not None
        else dataclasses.replace(issue, date=day, date_from_file=True)
        for issue in issues
    ]


__all__ = ["with_file_dates"]
