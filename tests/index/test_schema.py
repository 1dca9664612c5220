"""How an Issue becomes documents: the issue, then its lead and briefs in story fields."""

from __future__ import annotations

import datetime as dt

from index.documents import KIND_ISSUE, KIND_STORY, STORED_PREFIX, documents, story_parts
from index.fields import schema_text_fields
from index.model import Brief, Issue
from index.schema import build_schema

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
    # Headlines open the text they head, in what is indexed; stored is the text as written.
    assert issue["briefs"] == "Ferry back\nThe ferry runs again.\nMarket day"
    assert issue["_stored_briefs"] == "The ferry runs again."
    assert issue["body"] == "Spring at last\nThe lead story."
    assert issue["_stored_body"] == "The lead story."
    assert (lead["story_headline"], lead["story_body"], lead["_stored_story_body"]) == (
        "Spring at last",
        "Spring at last\nThe lead story.",
        "The lead story.",
    )
    assert (ferry["story_headline"], ferry["_stored_story_body"], ferry["story_byline"]) == (
        "Ferry back",
        "The ferry runs again.",
        "Bo Wu",
    )
    assert ferry["story_body"] == "Ferry back\nThe ferry runs again."
    assert market["story_body"] == "Market day" and "_stored_story_body" in market
    assert ferry["link"] == "https://x.test/f"
    assert market["story_sections"] == "ALSO KNOW"
    assert all(d["issue_id"] == ISSUE.id and d["month"] == "2024-05" for d in docs)


def test_stories_never_fill_issue_text_fields() -> None:
    # Issue statistics (idf, average lengths) must not count the stories' text.
    own = set(schema_text_fields(KIND_ISSUE)) - set(schema_text_fields(KIND_STORY))
    assert own >= {"headline", "body", "briefs"}
    for doc in documents(ISSUE):
        if doc["kind"] == KIND_STORY:
            assert not own & set(doc), doc["id"]


def test_story_ids_split_back_into_issue_and_position() -> None:
    ids = [d["id"] for d in documents(ISSUE)]
    assert [story_parts(i) for i in ids] == [
        None,
        (ISSUE.id, 0),
        (ISSUE.id, 1),
        (ISSUE.id, 2),
    ]
    assert story_parts("a::b") is None and story_parts("::3") is None
    # An issue id may itself hold the separator (an mbox message id): the last one counts.
    assert story_parts("box.mbox#a::b::12") == ("box.mbox#a::b", 12)


def test_every_document_field_is_in_the_schema() -> None:
    schema = build_schema()
    names = set(schema.names())
    for doc in documents(ISSUE):
        assert set(doc) - names == {key for key in doc if key.startswith(STORED_PREFIX)}, (
            "only stored copies are not fields"
        )
        for key in doc:
            if key.startswith(STORED_PREFIX):
                assert schema[key.removeprefix(STORED_PREFIX)].stored
