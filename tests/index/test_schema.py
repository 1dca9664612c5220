"""How an Issue becomes documents: the issue, then its lead and briefs in story fields."""

from __future__ import annotations

import datetime as dt

from index.model import Brief, Issue
from index.schema import (
    KIND_ISSUE,
    KIND_STORY,
    STORY_FIELDS,
    TEXT_FIELDS,
    build_schema,
    documents,
)

ISSUE = Issue(
    id="letters/2024-05-01.txt",
    path="/archive/letters/2024-05-01.txt",
    newsletter="Letters",
    headline="Spring at last",
    byline="Ann Lee",
    date=dt.date(2024, 5, 1),
    body="The lead story.",
    briefs=(
        Brief("Ferry back", "The ferry runs again.", "ALSO KNOW", "Bo Wu", "https://x.test/f"),
        Brief("Market day", section="ALSO KNOW"),
    ),
    sections=("ALSO KNOW",),
)


def test_issue_then_lead_then_briefs() -> None:
    docs = list(documents(ISSUE))
    assert [(d["id"], d["kind"]) for d in docs] == [
        ("letters/2024-05-01.txt", KIND_ISSUE),
        ("letters/2024-05-01.txt::0", KIND_STORY),
        ("letters/2024-05-01.txt::1", KIND_STORY),
        ("letters/2024-05-01.txt::2", KIND_STORY),
    ]
    issue, lead, ferry, market = docs
    assert issue["brief_headlines"] == "Ferry back\nMarket day"
    assert issue["briefs"] == "The ferry runs again."
    assert (lead["story_headline"], lead["story_body"]) == ("Spring at last", "The lead story.")
    assert (ferry["story_headline"], ferry["story_body"], ferry["story_byline"]) == (
        "Ferry back",
        "The ferry runs again.",
        "Bo Wu",
    )
    assert ferry["link"] == "https://x.test/f"
    assert market["story_sections"] == "ALSO KNOW"
    assert all(d["issue_id"] == ISSUE.id and d["month"] == "2024-05" for d in docs)


def test_stories_never_fill_issue_text_fields() -> None:
    # Issue statistics (idf, average lengths) must not count the stories' text.
    own = set(TEXT_FIELDS) - set(STORY_FIELDS.values())
    for doc in documents(ISSUE):
        if doc["kind"] == KIND_STORY:
            assert not own & set(doc), doc["id"]


def test_every_document_field_is_in_the_schema() -> None:
    names = set(build_schema().names())
    for doc in documents(ISSUE):
        assert set(doc) <= names
