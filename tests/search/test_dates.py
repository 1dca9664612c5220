"""Date expressions: absolute, relative, ranges and comparisons, and their errors."""

from __future__ import annotations

import datetime as dt

import pytest

from index.errors import QueryError
from search.dates import format_range, parse_date_expression, parse_date_range, shift_months

D = dt.date
TODAY = D(2024, 11, 13)  # a Wednesday


@pytest.mark.parametrize(
    ("text", "since", "until"),
    [
        ("2024-11-05", D(2024, 11, 5), D(2024, 11, 5)),
        ("2024/11/5", D(2024, 11, 5), D(2024, 11, 5)),
        ("2024-11", D(2024, 11, 1), D(2024, 11, 30)),
        ("2024-2", D(2024, 2, 1), D(2024, 2, 29)),
        ("2023-02", D(2023, 2, 1), D(2023, 2, 28)),
        ("2024", D(2024, 1, 1), D(2024, 12, 31)),
        ("november 2024", D(2024, 11, 1), D(2024, 11, 30)),
        ("Nov 2023", D(2023, 11, 1), D(2023, 11, 30)),
        ("sept. 2024", D(2024, 9, 1), D(2024, 9, 30)),
        ("november", D(2024, 11, 1), D(2024, 11, 30)),
        ("december", D(2023, 12, 1), D(2023, 12, 31)),
        ("today", TODAY, TODAY),
        ("Yesterday", D(2024, 11, 12), D(2024, 11, 12)),
        ("this week", D(2024, 11, 11), D(2024, 11, 17)),
        ("last week", D(2024, 11, 4), D(2024, 11, 10)),
        ("previous week", D(2024, 11, 4), D(2024, 11, 10)),
        ("this month", D(2024, 11, 1), D(2024, 11, 30)),
        ("last month", D(2024, 10, 1), D(2024, 10, 31)),
        ("this year", D(2024, 1, 1), D(2024, 12, 31)),
        ("last year", D(2023, 1, 1), D(2023, 12, 31)),
        ("last 30 days", D(2024, 10, 15), TODAY),
        ("past 2 weeks", D(2024, 10, 31), TODAY),
        ("past week", D(2024, 11, 7), TODAY),
        ("last 3 months", D(2024, 8, 14), TODAY),
        ("past year", D(2023, 11, 14), TODAY),
        ("last  1  day", TODAY, TODAY),
        ("3 days ago", D(2024, 11, 10), D(2024, 11, 10)),
        ("2 weeks ago", D(2024, 10, 28), D(2024, 11, 3)),
        ("1 month ago", D(2024, 10, 1), D(2024, 10, 31)),
        ("1 year ago", D(2023, 1, 1), D(2023, 12, 31)),
        ('"last week"', D(2024, 11, 4), D(2024, 11, 10)),
        ("“this month”", D(2024, 11, 1), D(2024, 11, 30)),
        ("2024-10-01..2024-11-30", D(2024, 10, 1), D(2024, 11, 30)),
        ("2024-10..2024-11", D(2024, 10, 1), D(2024, 11, 30)),
        ("2024-10 .. 2024-11", D(2024, 10, 1), D(2024, 11, 30)),
        ("2024-10..", D(2024, 10, 1), None),
        ("..2024-06", None, D(2024, 6, 30)),
        ("last month..today", D(2024, 10, 1), TODAY),
        (">2024-06-01", D(2024, 6, 2), None),
        (">=2024-06-01", D(2024, 6, 1), None),
        ("<2024-06-01", None, D(2024, 5, 31)),
        ("<=2024-06-01", None, D(2024, 6, 1)),
        (">2024-06", D(2024, 7, 1), None),
        ("<2024", None, D(2023, 12, 31)),
        ("> 2024", D(2025, 1, 1), None),
        (">=last week", D(2024, 11, 4), None),
    ],
)
def test_parse_date_expression(text: str, since: dt.date | None, until: dt.date | None) -> None:
    assert parse_date_expression(text, TODAY) == (since, until)


def test_month_arithmetic_clamps_to_month_end() -> None:
    assert shift_months(D(2024, 3, 31), -1) == D(2024, 2, 29)
    assert shift_months(D(2024, 1, 31), 1) == D(2024, 2, 29)
    assert shift_months(D(2024, 1, 15), -13) == D(2022, 12, 15)
    # "last month" at the end of a long month is still the whole previous month.
    assert parse_date_expression("last month", D(2024, 3, 31)) == (D(2024, 2, 1), D(2024, 2, 29))


def test_week_boundaries() -> None:
    monday = D(2024, 11, 11)
    sunday = D(2024, 11, 17)
    assert parse_date_expression("this week", monday) == (monday, sunday)
    assert parse_date_expression("this week", sunday) == (monday, sunday)


def test_backwards_range_is_swapped_and_flagged() -> None:
    assert parse_date_range("2024-12..2024-10", TODAY) == (
        (D(2024, 10, 1), D(2024, 12, 31)),
        True,
    )
    assert parse_date_range("2024-10..2024-12", TODAY)[1] is False
    assert parse_date_expression("2024-12-05..2024-12-01", TODAY) == (
        D(2024, 12, 1),
        D(2024, 12, 5),
    )


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        ("", "Cannot read the date"),
        ("..", "Cannot read the date"),
        ("soon", "Cannot read the date"),
        ("next week", "Cannot read the date"),
        ("2024-13", "month must be in 1..12"),
        ("2024-02-30", "day is out of range"),
        ("24-11", "Cannot read the date"),
        ("last 0 days", "Cannot read the date"),
        ("2024..later", "Cannot read the date"),
        (">", "Cannot read the date"),
        (">=2024..2025", "Cannot read the date"),
        ("last 999999 years", "Cannot read the date"),
        (">9999-12-31", "Cannot read the date"),
        ("<0001-01-01", "Cannot read the date"),
    ],
)
def test_unreadable_dates_raise_query_error(text: str, fragment: str) -> None:
    with pytest.raises(QueryError) as caught:
        parse_date_expression(text, TODAY)
    assert fragment in caught.value.message
    assert "Accepted forms" in caught.value.message


def test_errors_point_into_a_larger_query() -> None:
    with pytest.raises(QueryError) as caught:
        parse_date_range("soon", TODAY, position=11, query="korea date:soon")
    assert caught.value.position == 11
    assert caught.value.query == "korea date:soon"
    assert str(caught.value).endswith("korea date:soon\n             ^")


@pytest.mark.parametrize(
    ("since", "until", "text"),
    [
        (D(2024, 11, 5), D(2024, 11, 5), "2024-11-05"),
        (D(2024, 10, 1), D(2024, 11, 30), "2024-10-01..2024-11-30"),
        (D(2024, 10, 1), None, "2024-10-01.."),
        (None, D(2024, 6, 30), "..2024-06-30"),
    ],
)
def test_format_range(since: dt.date | None, until: dt.date | None, text: str) -> None:
    assert format_range(since, until) == text
    assert parse_date_expression(text, TODAY) == (since, until)
