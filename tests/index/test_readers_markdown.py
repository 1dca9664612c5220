"""Markdown (and the odd reStructuredText) issues: metadata, sections, linked items, comments."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
from pathlib import Path

from index.model import Brief, Issue
from index.parse import parse_issue

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
MARKDOWN = FIXTURES / "markdown"


def _all_text(issue: Issue) -> str:
    return json.dumps(dataclasses.asdict(issue), default=str, ensure_ascii=False)


def test_yaml_front_matter_and_linked_list_items() -> None:
    issue = parse_issue(MARKDOWN / "field-notes" / "lichens.md", root=MARKDOWN)
    assert issue.id == "field-notes/lichens.md"
    assert issue.format == "markdown"
    assert issue.headline == "Field Notes #31: Lichens of the north wall"
    assert issue.number == 31
    assert issue.date == dt.date(2023, 9, 18)
    assert issue.newsletter == "Field Notes"
    assert issue.authors == ("Wren Halloway", "Ade Okafor")
    assert issue.byline == "Wren Halloway, Ade Okafor"
    assert issue.sections == ("Sightings", "From the mailbag")
    assert issue.body == (
        "Welcome back. This week the north wall of the old mill turned orange with Xanthoria,"
        " and two readers sent photographs.\n\n"
        "Lichens grow a millimetre a year, so the patch by the door is older than the mill's"
        " iron gate."
    )
    assert issue.briefs[:2] == (
        Brief(
            "Xanthoria on the churchyard gate",
            "spotted by a reader in Hexley",
            section="Sightings",
            link="https://example.org/xanthoria",
        ),
        # a reference-style link, resolved
        Brief("Map lichen at the quarry", section="Sightings", link="https://example.org/quarry"),
    )
    # Prose inside a section of briefs stays searchable as that section's brief.
    assert issue.briefs[2].section == "From the mailbag"
    assert "grow on glass" in issue.briefs[2].text
    assert issue.links == ("https://example.org/xanthoria", "https://example.org/quarry")
    assert "https://" not in issue.body and "[" not in issue.body


def test_pelican_header_comments_and_control_bytes() -> None:
    path = MARKDOWN / "compiler-corner" / "2022-01-19-compiler-corner.md"
    issue = parse_issue(path, root=MARKDOWN)
    assert issue.headline == "Compiler Corner 88"
    assert issue.number == 88
    assert issue.date == dt.date(2022, 1, 19)
    assert issue.newsletter == "Compiler Corner"  # its Category header
    assert issue.sections == ("News", "Quote of the Week")
    assert issue.body == "Hello and welcome to issue 88 of Compiler Corner."
    assert [b.headline for b in issue.briefs[:3]] == [
        "Faster incremental builds",
        "A tour of the borrow checker",
        "Part two: lifetimes",
    ]
    assert "Compilers are patient teachers." in issue.briefs[3].text
    text = _all_text(issue)
    for secret in ("secret-phrase", "Title of a linked page", "placeholder", "<!--"):
        assert secret not in text
    assert "\x02" not in text and "\\u0002" not in text
    assert "Subscribe here" not in text


def test_essay_without_lists_is_all_body() -> None:
    issue = parse_issue(MARKDOWN / "field-notes" / "2023-10-02-essay.markdown", root=MARKDOWN)
    assert issue.headline == "On keeping a notebook"  # the leading "# " heading
    assert issue.sections == ("Pencils, not pens",)
    assert issue.briefs == ()
    assert issue.body.split("\n\n") == [
        "A field notebook is a promise to your future self: write the date, the place and the"
        " weather before anything else.",
        "Rain runs ink. A soft pencil survives a soaking and a decade in a drawer.",
    ]
    assert issue.date == dt.date(2023, 10, 2)  # from the file name


def test_restructuredtext_issue() -> None:
    issue = parse_issue(FIXTURES / "rst" / "state-of-the-shed.rst")
    assert issue.format == "markdown"
    assert issue.headline == "State of the Shed 2.0"
    assert issue.date == dt.date(2019, 7, 15)
    assert issue.sections == ("The Roof",)
    assert issue.body.split("\n\n") == [
        "Hello and welcome to the State of the Shed. The Shed Society met in June and agreed a"
        " new roof policy.",
        "The roof was re-felted in May; see the minutes for the vote.",
    ]
    assert set(issue.links) == {"https://example.org/minutes", "https://example.org/society"}


def test_toml_front_matter_and_plain_lists(tmp_path: Path) -> None:
    path = tmp_path / "weekly" / "2021-02-03.md"
    path.parent.mkdir()
    path.write_text(
        '+++\ntitle = "Week five"\n+++\n\nIntro line.\n\n## Odds and ends\n\n'
        "* a list item without a link\n* [Linked](https://example.org/x): and its note\n",
        encoding="utf-8",
    )
    issue = parse_issue(path, root=tmp_path)
    assert issue.headline == "Week five"
    assert issue.newsletter == "Weekly"
    assert issue.date == dt.date(2021, 2, 3)
    assert issue.body == "Intro line."
    assert Brief("Linked", "and its note", "Odds and ends", "", "https://example.org/x") in (
        issue.briefs
    )
    assert any("a list item without a link" in b.text for b in issue.briefs)


def test_items_read_as_a_reader_sees_them() -> None:
    issue = parse_issue(MARKDOWN / "kiln-weekly" / "issue-212.md", root=MARKDOWN)
    assert issue.briefs == (
        Brief(
            "Why crawling glazes crawl",
            "Surface tension, dust and a thick application: the three causes, and what to do"
            " about each.",
            "Featured",
            "Imogen Sallis",
            "https://example.org/crawl",
        ),
        Brief(
            "A wood kiln in the hills",
            "",
            "Featured",
            "Bram de Wit",
            "https://example.org/wood-kiln",
        ),
        Brief("Studio wheels at half price", "", "Featured", "", "https://example.org/wheels"),
        # A link inside a sentence is no title: the sentence keeps its words in place.
        Brief(
            "Cone 6 firing schedules have been collected in one place.",
            "Members can add their own.",
            "In brief",
            "",
            "https://example.org/cones",
        ),
        Brief(
            "The guild's summer show has moved to August, a month later than planned.",
            "",
            "In brief",
            "",
            "https://example.org/show",
        ),
        Brief(
            "Slip recipes",
            "A shared list of recipes with photographs.",
            "In brief",
            "",
            "https://example.org/slip",
        ),
    )


def test_untitled_file_is_named_as_a_reader_would(tmp_path: Path) -> None:
    issue = parse_issue(MARKDOWN / "kiln-weekly" / "issue-212.md", root=MARKDOWN)
    assert issue.headline == "Kiln Weekly issue 212"
    assert issue.number == 212
    # The name the text states wins over a folder that names something else.
    copy = tmp_path / "kw" / "issue-212.md"
    copy.parent.mkdir()
    copy.write_bytes((MARKDOWN / "kiln-weekly" / "issue-212.md").read_bytes())
    moved = parse_issue(copy, root=tmp_path)
    assert (moved.newsletter, moved.headline) == ("Kiln Weekly", "Kiln Weekly issue 212")


def test_category_names_the_newsletter_in_any_folder(tmp_path: Path) -> None:
    source = MARKDOWN / "compiler-corner" / "2022-01-19-compiler-corner.md"
    copy = tmp_path / "x" / "cc" / source.name
    copy.parent.mkdir(parents=True)
    copy.write_bytes(source.read_bytes())
    assert parse_issue(copy, root=tmp_path).newsletter == "Compiler Corner"
    pages = tmp_path / "site" / "pages" / "privacy-policy.md"
    pages.parent.mkdir(parents=True)
    pages.write_text("Title: Privacy\nCategory: Compiler Corner\n\nWe keep no data.\n")
    assert parse_issue(pages, root=tmp_path).newsletter == "Compiler Corner"
    essay = tmp_path / "shed-notes" / "essay.md"
    essay.parent.mkdir()
    essay.write_text("Title: The state of the shed\nCategory: Sheds\n\nA topic, not a name.\n")
    assert parse_issue(essay, root=tmp_path).newsletter == "Shed Notes"
