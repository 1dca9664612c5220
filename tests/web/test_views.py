"""The page-building helpers: marked runs, links kept or dropped, URLs, page numbers."""

from __future__ import annotations

import datetime as dt

from search import Span
from web import SearchParams
from web.views import issue_url, page_numbers, safe_link, segments


def test_segments_cut_text_at_span_edges() -> None:
    text = "a <b> and c"
    assert segments(text, (Span(2, 5), Span(10, 11))) == [
        ("a ", False),
        ("<b>", True),
        (" and ", False),
        ("c", True),
    ]
    assert segments(text) == [(text, False)]
    # Overlapping or out-of-range spans are skipped, never mis-marked.
    assert segments("abc", (Span(0, 2), Span(1, 3), Span(2, 9))) == [("ab", True), ("c", False)]


def test_only_web_and_mail_links_are_kept() -> None:
    assert safe_link(" https://example.org/a?b=1 ") == "https://example.org/a?b=1"
    assert safe_link("mailto:ed@example.org") == "mailto:ed@example.org"
    for bad in ("javascript:alert(1)", "JavaScript:alert(1)", "data:text/html,x", "/local", "x"):
        assert safe_link(bad) == "", bad
    assert safe_link("http://[::1") == ""


def test_urls_leave_defaults_out_and_restart_at_page_one() -> None:
    params = SearchParams(q="port strike", page=3, sort="newest", since=dt.date(2024, 10, 1))
    assert params.url() == "/?q=port+strike&sort=newest&since=2024-10-01"
    assert params.url(page=4) == "/?q=port+strike&page=4&sort=newest&since=2024-10-01"
    assert params.url(sort="relevance", since=None, stories=True) == "/?q=port+strike&stories=1"
    assert SearchParams().url() == "/"
    assert issue_url("mail/a b.mbox#2", "x&y", 3) == "/issue/mail/a%20b.mbox%232?q=x%26y#story-3"


def test_page_numbers_show_ends_and_neighbours() -> None:
    assert page_numbers(1, 1) == [1]
    assert page_numbers(1, 4) == [1, 2, 3, 4]
    assert page_numbers(10, 30) == [1, None, 8, 9, 10, 11, 12, None, 30]
    assert page_numbers(2, 30) == [1, 2, 3, 4, None, 30]


def test_story_numbers_come_from_story_ids() -> None:
    from web.views import story_number

    assert story_number("a/b.txt::0") == 0
    assert story_number("a/b.mbox#2::12") == 12
    assert story_number("a/b.txt") is None
    assert story_number("a/b.txt::x") is None
