"""HTML issues: the content root without chrome, headings, linked items with authors, blurbs."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
from pathlib import Path

import pytest

from index.errors import IssueReadError
from index.inspection import describe_issues
from index.model import Brief
from index.parse import parse_file, parse_issue
from index.render import issue_lines

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
HTML = FIXTURES / "html"


def test_web_page_issue_without_its_chrome() -> None:
    issue = parse_issue(HTML / "lantern-letters" / "issues" / "42.html", root=HTML)
    assert issue.id == "lantern-letters/issues/42.html"
    assert issue.format == "html"
    assert issue.headline == "Issue 42"
    assert issue.number == 42
    assert issue.newsletter == "Lantern Letters"  # "<title>Issue 42 | Lantern Letters"
    assert issue.date == dt.date(2021, 6, 3)
    assert issue.sections == ("Stories", "Workshop notes")
    assert issue.body == (
        "Lantern Letters is a weekly note about oil lamps, wicks and the people who still"
        " trim them."
    )
    assert issue.briefs == (
        Brief(
            "Trimming wicks properly",
            "Why a square-cut wick burns cleaner than a rounded one.",
            "Stories",
            "Hana Ellery",
            "https://example.org/wicks",
        ),
        Brief("Hand-blown chimneys", section="Stories", link="https://example.org/chimneys"),
        Brief(
            "The lamp museum reopens",
            "After three years of repairs the museum in Corfe has reopened its lamp room.",
            "Stories",
            link="https://example.org/museum",
        ),
        Brief(
            "Workshop notes",
            "Paraffin keeps best in a cool, dark cupboard.",
            "Workshop notes",
        ),
    )
    text = json.dumps(dataclasses.asdict(issue), default=str)
    for chrome in ("secret-", "About us", "Archive", "template", "Subscribe", "Join"):
        assert chrome not in text
    assert "/archive.html" not in issue.links


def test_folder_name_when_the_page_names_no_site(tmp_path: Path) -> None:
    path = tmp_path / "the-rusty-bell" / "2020-05-01.htm"
    path.parent.mkdir()
    path.write_text(
        "<html><body><h1>Bells of May</h1><p>Ringing resumes on <b>Sunday</b>.</p></body></html>",
        encoding="utf-8",
    )
    issue = parse_issue(path, root=tmp_path)
    assert issue.newsletter == "The Rusty Bell"
    assert issue.headline == "Bells of May"
    assert issue.body == "Ringing resumes on Sunday."
    assert issue.date == dt.date(2020, 5, 1)


def test_declared_legacy_charset(tmp_path: Path) -> None:
    path = tmp_path / "prices.html"
    path.write_bytes(
        b'<html><head><meta charset="windows-1252"><title>Prices</title></head>'
        b"<body><p>Tea \x96 \xa31.20 a pot.</p></body></html>"
    )
    assert parse_issue(path).body == "Tea – £1.20 a pot."


def test_page_with_no_content_is_an_error(tmp_path: Path) -> None:
    path = tmp_path / "blank.html"
    path.write_text("<html><head><title>Nothing</title></head><body> </body></html>")
    with pytest.raises(IssueReadError) as caught:
        parse_file(path)
    assert caught.value.reason == "HTML has no body"


def test_bare_list_issue_has_a_body_and_no_empty_labels() -> None:
    path = HTML / "lantern-letters" / "issues" / "3.html"
    issue = parse_issue(path, root=HTML)
    assert (issue.headline, issue.date) == ("Issue 3", dt.date(2020, 2, 6))
    assert issue.body.split("\n\n") == [
        "Polishing brass without scratches. A soft cloth, a little paste and patience.",
        "Paraffin prices fall.",
    ]
    assert [b.headline for b in issue.briefs] == [
        "Polishing brass without scratches",
        "Paraffin prices fall",
    ]
    lines = issue_lines(describe_issues(path)[0])
    assert "  Polishing brass without scratches" in lines
    assert not any("[]" in line for line in lines)


def test_item_conventions_match_markdown(tmp_path: Path) -> None:
    path = tmp_path / "events.html"
    path.write_text(
        "<html><body><h1>Issue 9</h1><h2>Events</h2><ul>"
        '<li>2020-03-01 in Corfe by The Lamp Club: <a href="https://e.example/a">Lamp Club Meetup'
        "</a></li>"
        '<li><p><a href="https://e.example/b">Wicks wanted</a> (ad)</p></li>'
        '<li>Oil prices have <a href="https://e.example/c">fallen again</a>, says the guild.</li>'
        "</ul></body></html>",
        encoding="utf-8",
    )
    issue = parse_issue(path)
    assert [(b.headline, b.text) for b in issue.briefs] == [
        ("Lamp Club Meetup", "2020-03-01 in Corfe by The Lamp Club"),
        ("Wicks wanted", ""),
        ("Oil prices have fallen again, says the guild.", ""),
    ]
