"""The parse-quality report: its measures on tiny issues, and a smoke run over our own fixtures."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import pytest

from bench.parse_quality import body_share, has_hole, leads_with_punctuation, main, words
from bench.reader_words import reader_words
from index.model import Brief, Issue

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"


def test_holes_and_leading_punctuation() -> None:
    assert has_hole("printf! and printfln! have been .")
    assert has_hole("see ( ) for details")
    assert not has_hole("fn main() { fail!() }")
    assert not has_hole("printf! and printfln! have been removed.")
    assert leads_with_punctuation(". A graphics library")
    assert not leads_with_punctuation("A graphics library.")


def test_body_share_counts_words_outside_headline_and_briefs() -> None:
    source = words("Bridge opens\n\nThe bridge opens in June. Lights on both banks.")
    issue = Issue(id="a", path="a", newsletter="n", headline="Bridge opens")
    assert body_share(issue, source) == 0.0
    kept = Issue(
        id="a",
        path="a",
        newsletter="n",
        headline="Bridge opens",
        body="The bridge opens in June.",
        briefs=(Brief("Lights", "on both banks"),),
    )
    assert body_share(kept, source) == 1.0
    assert body_share(kept, Counter()) is None


def test_report_over_the_fixtures(capsys: pytest.CaptureFixture[str]) -> None:
    assert main([str(FIXTURES), "--json", "--examples", "2"]) == 0
    report = json.loads(capsys.readouterr().out)
    rows = {row["archive"]: row for row in report["archives"]}
    assert {"text/wire", "text/posts", "markdown/kiln-weekly", "email/tidewater"} <= rows.keys()
    wire = rows["text/wire"]
    assert (wire["files"], wire["issues"], wire["empty_body"], wire["body_under_80"]) == (
        1,
        1,
        0.0,
        0.0,
    )
    assert wire["briefs_per_issue"] == 0.0
    kiln = rows["markdown/kiln-weekly"]
    assert (kiln["brief_holes"], kiln["brief_lead_punct"], kiln["brief_authors"]) == (0, 0, 1.0)
    posts = rows["text/posts"]
    assert (posts["issues"], posts["names"], posts["bylined"]) == (3, 2, 1.0)
    assert report["examples"]["text/posts"]["name"] == [
        "'sci.botany': 2 issues",
        "'rec.gardening': 1 issues",
    ]
    assert main([str(FIXTURES / "text"), "--depth", "0"]) == 0
    table = capsys.readouterr().out
    assert table.startswith("| archive | files | errors | issues | empty body | body <80% |")
    assert "\n| text | " in table


def test_reader_words_leave_out_headers_signatures_and_markup(tmp_path: Path) -> None:
    (post,) = reader_words(FIXTURES / "text" / "posts" / "sci.botany" / "40112", "text")
    assert "Moss spores keep for years" in post
    for left_out in ("Article-I.D.", "meadow.1993", "Organization", "Ada Okoro, Meadow"):
        assert left_out not in post
    page = tmp_path / "p.md"
    page.write_text("Title: T\n\n* [Linked words](https://example.org/x) in place\n")
    (markdown,) = reader_words(page, "markdown")
    assert markdown.split() == ["Linked", "words", "in", "place"]
