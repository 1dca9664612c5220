"""Property tests: any query text parses or raises QueryError, and what parses can be run."""

from __future__ import annotations

import datetime as dt
import os
from functools import cache
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st
from whoosh import query as wq
from whoosh.filedb.filestore import RamStorage

from index.documents import documents
from index.errors import QueryError
from index.model import Brief, Issue
from index.schema import build_schema
from search.query import ParsedQuery, parse_query

TODAY = dt.date(2024, 11, 13)

# Fragments that exercise the grammar: operators, fields, dates, quotes, wildcards, fuzziness.
_SYNTAX = st.sampled_from(
    [
        " ",
        " ",
        " ",
        '"',
        "“",
        "”",
        "(",
        ")",
        ":",
        "*",
        "~",
        "~2",
        "~9",
        "+",
        "-",
        "..",
        ">",
        ">=",
        "<",
        "AND",
        "OR",
        "NOT",
        "and",
        "date:",
        "headline:",
        "author:",
        "brief:",
        "foo:",
        "section:",
        "2024",
        "2024-11",
        "2024-13-45",
        "last",
        "week",
        "last 30 days",
        "today",
        "korea",
        "north",
        "the",
        "U.S.",
        "e-mail",
        "é",
        "\u00a0",
        "\t",
        "http://x",
    ]
)
_TEXT = st.lists(st.one_of(_SYNTAX, st.text(max_size=6)), max_size=14).map("".join)


def _check(text: str) -> None:
    try:
        parsed = parse_query(text, today=TODAY)
    except QueryError as error:
        assert error.message
        assert error.position is None or 0 <= error.position <= len(text)
        str(error)
        return
    assert isinstance(parsed, ParsedQuery)
    assert parsed.text == text
    assert isinstance(parsed.explanation, str)
    assert parsed.is_empty == (parsed.explanation == "")


@settings(max_examples=300, deadline=None)
@given(_TEXT)
def test_syntax_soup_parses_or_raises_query_error(text: str) -> None:
    _check(text)


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=40))
def test_arbitrary_unicode_parses_or_raises_query_error(text: str) -> None:
    _check(text)


@cache
def _searcher() -> Any:
    """A two-issue index, built once (hypothesis runs a test body many times per fixture)."""
    index = RamStorage().create_index(build_schema(), indexname=f"query-fuzz-{os.getpid()}")
    writer = index.writer()
    issues = (
        Issue(
            id="one",
            path="one.txt",
            newsletter="Korea Watch",
            headline="North Korean troops",
            byline="By Ann Lee",
            date=dt.date(2024, 11, 5),
            body="The U.S. sent an e-mail about the troops in the north.",
            briefs=(Brief(headline="Lights", text="Blinking lights", section="Asia"),),
        ),
        Issue(id="two", path="two.txt", newsletter="Other", headline="Nothing", body="the end"),
    )
    for issue in issues:
        for document in documents(issue):
            writer.add_document(**document)
    writer.commit()
    return index.searcher()


@settings(max_examples=300, deadline=None)
@given(_TEXT)
def test_parsed_queries_run(text: str) -> None:
    try:
        parsed = parse_query(text, today=TODAY)
    except QueryError:
        return
    if parsed.is_empty:
        return
    searcher = _searcher()
    results = searcher.search(parsed.query, limit=5, filter=wq.Term("kind", "issue"), terms=True)
    assert len(results) <= 2
