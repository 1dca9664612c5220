"""Text output of results: wrapping to the terminal, hyperlinks, and untrusted text escaped."""

from __future__ import annotations

import datetime as dt

from search.model import Hit, Results, Snippet, Span
from search.render import hyperlink, results_lines

TEXT = "The river burst its banks on Tuesday and the flood reached the lower town by nightfall."
FLOOD = TEXT.index("flood")


def _results(**hit: object) -> Results:
    fields: dict[str, object] = {
        "id": "harbour/floods.txt",
        "kind": "issue",
        "path": "/archive/harbour/floods.txt",
        "newsletter": "Harbour Dispatch",
        "headline": "Floods reach the lower town",
        "byline": "",
        "date": dt.date(2024, 10, 15),
        "score": 1.0,
        "rank": 1,
        "snippets": (Snippet("body", TEXT, (Span(FLOOD, FLOOD + 5),)),),
        **hit,
    }
    return Results(query="flood", total=1, page=1, limit=10, hits=(Hit(**fields),))  # type: ignore[arg-type]


def _stdout(results: Results, **options: object) -> list[str]:
    return [line.text for line in results_lines(results, **options) if not line.status]  # type: ignore[arg-type]


def test_snippets_wrap_at_spaces_within_the_width_and_keep_their_highlight() -> None:
    lines = _stdout(_results(), width=45, match=lambda word: f"[{word}]")
    assert lines == [
        "  1. Floods reach the lower town",
        "     Harbour Dispatch · 2024-10-15 · /archive/harbour/floods.txt",
        "     The river burst its banks on Tuesday and",
        "     the [flood] reached the lower town by",
        "     nightfall.",
        "",
    ]


def test_without_a_width_a_snippet_is_one_line() -> None:
    assert _stdout(_results())[2] == f"     {TEXT}"


def test_a_word_longer_than_the_line_is_cut() -> None:
    results = _results(snippets=(Snippet("body", "x" * 50, ()),))
    assert _stdout(results, width=25)[2:5] == [
        "     " + "x" * 20,
        "     " + "x" * 20,
        "     " + "x" * 10,
    ]


def test_headlines_link_to_their_file_and_stories_to_their_page() -> None:
    results = _results(story_headline="Sirens fell silent", story_link="https://example.org/s ü")
    lines = _stdout(results, link=lambda text, target: f"<{text}|{target}>")
    assert lines[0] == "  1. <Floods reach the lower town|file:///archive/harbour/floods.txt>"
    assert lines[2] == (
        "     ↳ <Sirens fell silent|https://example.org/s ü> <https://example.org/s ü>"
    )


def test_hyperlink_is_osc_8_with_the_target_percent_encoded() -> None:
    assert hyperlink("page", "https://example.org/a b\x1b]ü") == (
        "\x1b]8;;https://example.org/a%20b%1B]%C3%BC\x1b\\page\x1b]8;;\x1b\\"
    )


def test_a_story_headline_and_link_from_an_issue_are_escaped() -> None:
    results = _results(story_headline="Bad \x1b[31mred", story_link="https://x.test/\x07")
    line = _stdout(results)[2]
    assert "\x1b" not in line and "\x07" not in line
    assert line == "     ↳ Bad \\x1b[31mred <https://x.test/\\x07>"
