"""The readers on real archives in `shared/corpus` (skipped when it is not beside the repo)."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import re
from pathlib import Path

import pytest

from index.parse import parse_file, parse_issue


def test_seed_issue(shared_corpus: Path) -> None:
    issue = parse_issue(shared_corpus / "seed" / "reaction-issue.txt", root=shared_corpus)
    assert issue.id == "seed/reaction-issue.txt"
    assert issue.headline == (
        "Will China help US curb North Korea and Russia's growing military partnership?"
    )
    assert issue.standfirst == (
        "Moscow has heaped the praise on Pyongyang for its “principled position” on Ukraine."
    )
    assert "Caitlin Allen" in issue.byline
    assert issue.authors == ("Caitlin Allen",)
    assert issue.newsletter == "Reaction"
    assert "Blinken" in issue.body and "Kursk" in issue.body
    for not_body in ("Holly Newton", "Jenny Hjul", "Neil Collins", "The Times", "upgrade"):
        assert not_body not in issue.body
    assert issue.sections == ("ON REACTION TODAY", "ALSO ON REACTION", "ALSO KNOW", "FIVE THINGS")
    also_know = [b.headline for b in issue.briefs if b.section == "ALSO KNOW"]
    assert also_know == [
        "Death toll rises in Spanish floods",
        "Holly Newton's killer sentenced to life detention",
        "Met Police aware of Al Fayed allegations a decade earlier than stated",
        "Underground strikes called off",
    ]
    teasers = {b.author: b.headline for b in issue.briefs if b.section == "ON REACTION TODAY"}
    assert teasers["Jenny Hjul"] == "Can American women close the curtain on Trump circus?"
    also_on = {b.author: b.headline for b in issue.briefs if b.section == "ALSO ON REACTION"}
    assert also_on["Neil Collins"] == (
        "The Budget contains no convincing proposals to make the public sector work better"
    )
    assert also_on["Homer Andrew Wilton"] == "Stop and Look: Dad’s Coming!"
    assert len([b for b in issue.briefs if b.section == "FIVE THINGS"]) == 5


def _twir_567(corpus: Path) -> Path:
    folder = corpus / "newsletters" / "this-week-in-rust"
    return next(p for p in sorted(folder.glob("*.md")) if "\nNumber: 567\n" in p.read_text())


def test_this_week_in_rust_567(shared_corpus: Path) -> None:
    path = _twir_567(shared_corpus)
    issue = parse_issue(path, root=shared_corpus / "newsletters")
    assert issue.headline == "This Week in Rust 567"
    assert issue.date == dt.date(2024, 10, 2)
    assert issue.number == 567
    assert issue.newsletter == "This Week in Rust"
    assert {"Updates from Rust Community", "Quote of the Week"} <= set(issue.sections)
    rpgp = [b for b in issue.briefs if b.headline.startswith("rPGP 0.14.0")]
    assert rpgp and rpgp[0].link.startswith("https://")
    assert rpgp[0].section == "Updates from Rust Community"
    text = json.dumps(dataclasses.asdict(issue), default=str)
    for note in ("Dear community contributors", "CFPs go here", "Title of the Linked Page"):
        assert note not in text


def test_no_markdown_comment_is_indexed(shared_corpus: Path) -> None:
    comment = re.compile(r"<!--(.*?)-->", re.S)
    checked = 0
    for path in sorted((shared_corpus / "newsletters" / "this-week-in-rust").glob("*.md")):
        source = path.read_text(encoding="utf-8", errors="replace")
        notes = [
            squashed
            for m in comment.finditer(source)
            if len(squashed := " ".join(m.group(1).split())) > 40
        ]
        if not notes:
            continue
        issue = parse_issue(path)
        text = " ".join(
            [issue.body, issue.standfirst, *(f"{b.headline} {b.text}" for b in issue.briefs)]
        )
        for note in notes:
            assert note[:40] not in text, (path.name, note)
        checked += 1
    assert checked > 100


def test_haskell_weekly_150(shared_corpus: Path) -> None:
    path = shared_corpus / "newsletters" / "haskell-weekly-html" / "issues" / "150.html"
    issue = parse_issue(path, root=shared_corpus / "newsletters")
    assert issue.headline == "Issue 150"
    assert issue.date == dt.date(2019, 3, 14)
    assert issue.number == 150
    assert issue.newsletter == "Haskell Weekly"
    featured = {b.headline: b for b in issue.briefs}
    brief = featured["How we made Haskell search strings as fast as Rust"]
    assert brief.author == "Ruud van Asseldonk"
    assert brief.section == "Featured"
    assert "Aho-Corasick" in brief.text
    assert "Subscribe" not in json.dumps(dataclasses.asdict(issue), default=str)


def test_bbc_pound_sign(shared_corpus: Path) -> None:
    issue = parse_issue(shared_corpus / "news" / "bbc" / "sport" / "199.txt")
    assert issue.headline == "Chelsea sack Mutu"
    assert "£15.8m" in issue.body
    assert issue.newsletter == "Sport"


def test_twenty_newsgroups_post(shared_corpus: Path) -> None:
    folder = shared_corpus / "email" / "20news-bydate" / "20news-bydate-test" / "sci.crypt"
    issue = parse_issue(folder / "16017")
    assert issue.headline == "Is it illegal to transmit encrypted data?"
    assert issue.byline == "George Livsey"
    assert issue.body.startswith("I am aware of the restrictions imposed by the munitions act")
    for header in ("From:", "Subject:", "Organization:", "Lines:", "Keywords:"):
        assert header not in issue.body


@pytest.mark.parametrize("topic", ["business", "entertainment", "politics", "sport", "tech"])
def test_every_bbc_article_reads(shared_corpus: Path, topic: str) -> None:
    for path in sorted((shared_corpus / "news" / "bbc" / topic).glob("*.txt")):
        (issue,) = parse_file(path)
        assert issue.headline and issue.body, path


@pytest.mark.parametrize("name", ["095", "311"])
def test_bbc_game_titles_are_not_sections(shared_corpus: Path, name: str) -> None:
    issue = parse_issue(shared_corpus / "news" / "bbc" / "tech" / f"{name}.txt")
    assert issue.sections == () and issue.briefs == ()
    assert "TOO FAST TOO FURIOUS (DIGITAL BRIDGES)" in issue.body
    assert "because I'm rubbish at them" in issue.body


def test_usenet_posts_belong_to_their_group(shared_corpus: Path) -> None:
    folder = shared_corpus / "email" / "20news-bydate" / "20news-bydate-train" / "sci.med"
    post = parse_issue(folder / "58106")
    assert post.newsletter == "sci.med" and post.byline and "Gordon Banks" not in post.newsletter
    with_article_id = 0
    for path in sorted(folder.iterdir()):
        issue = parse_issue(path)
        assert issue.newsletter == "sci.med", path
        assert not re.match(r"(?:Article-I\.D\.|Organization|Lines|Reply-To):", issue.body), path
        with_article_id += "\nArticle-I.D.:" in path.read_text(encoding="latin-1")
    assert with_article_id > 20


def _twir_briefs(corpus: Path) -> list[tuple[str, str]]:
    folder = corpus / "newsletters" / "this-week-in-rust"
    briefs = []
    for path in sorted(folder.iterdir()):
        if path.is_file() and path.suffix in (".md", ".markdown"):
            briefs.extend((b.headline, b.text) for b in parse_issue(path).briefs)
    return briefs


def test_this_week_in_rust_briefs_have_no_holes(shared_corpus: Path) -> None:
    hole = re.compile(r"(?:^|\s)[.,;:)](?=\s|$)|(?:^|\s)\(\s*\)")
    briefs = _twir_briefs(shared_corpus)
    bad = [b for b in briefs if any(hole.search(t) or t[:1] in tuple(".,;:)") for t in b)]
    assert len(briefs) > 50_000
    assert len(bad) < 0.003 * len(briefs), bad[:10]
    issue = parse_issue(
        shared_corpus
        / "newsletters"
        / "this-week-in-rust"
        / "2013-09-30-this-week-in-rust.markdown"
    )
    assert "printf! and printfln! have been removed." in [b.headline for b in issue.briefs]


def test_this_week_in_rust_named_by_its_category_in_any_folder(
    shared_corpus: Path, tmp_path: Path
) -> None:
    source = _twir_567(shared_corpus)
    copy = tmp_path / "x" / "twir" / source.name
    copy.parent.mkdir(parents=True)
    copy.write_bytes(source.read_bytes())
    assert parse_issue(copy, root=tmp_path / "x").newsletter == "This Week in Rust"


def test_early_haskell_weekly_issues_have_a_body(shared_corpus: Path) -> None:
    folder = shared_corpus / "newsletters" / "haskell-weekly-html" / "issues"
    for n in range(1, 32):
        issue = parse_issue(folder / f"{n}.html")
        assert issue.body and issue.briefs, n
