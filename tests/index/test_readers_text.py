"""Plain-text issues: the newsletter shape (headline, standfirst, lead, byline, briefs) and kin."""

from __future__ import annotations

import datetime as dt
import string
from pathlib import Path

from hypothesis import given
from hypothesis import strategies as st

from index.model import Brief
from index.parse import parse_file, parse_issue
from index.readers.text import mostly_capitals

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
TEXT = FIXTURES / "text"


def test_newsletter_shaped_issue_is_split_into_its_fields() -> None:
    issue = parse_issue(TEXT / "ledger" / "2024-03-07-ledger.txt", root=TEXT)

    assert issue.id == "ledger/2024-03-07-ledger.txt"
    assert issue.path == str(TEXT / "ledger" / "2024-03-07-ledger.txt")
    assert issue.format == "text"
    assert issue.newsletter == "Ledger"  # "upgrade to a paid Ledger subscription"
    assert issue.date == dt.date(2024, 3, 7)  # from the file name: the text states none
    assert issue.headline == "Can the harbour authority keep the ferries running through winter?"
    assert issue.standfirst == (
        "Dockworkers say the new timetable leaves the island without a night crossing."
    )
    assert issue.byline == "Tomas Fairweather, Transport Correspondent"
    assert issue.authors == ("Tomas Fairweather",)
    assert issue.sections == ("ON LEDGER TODAY", "ALSO ON LEDGER", "ALSO KNOW", "FIVE THINGS")
    paragraphs = issue.body.split("\n\n")
    assert len(paragraphs) == 5
    assert paragraphs[0].startswith("The harbour authority announced on Tuesday")
    assert paragraphs[2].startswith("“We were told the timetable was final")
    assert (
        paragraphs[-1]
        == "Critics note that the water taxi carries twelve passengers and no vehicles."
    )
    assert issue.briefs == (
        Brief(
            "Why the lighthouse keepers’ archive deserves a museum",
            section="ON LEDGER TODAY",
            author="Ines Marlowe",
        ),
        Brief(
            "The quiet collapse of the oyster cooperative",
            section="ON LEDGER TODAY",
            author="Pavel Okonkwo",
        ),
        Brief(
            "A walking guide to the old rope works",
            section="ALSO ON LEDGER",
            author="Delia Stanmore",
        ),
        Brief(
            "Salt, smoke and the last kipper house",
            section="ALSO ON LEDGER",
            author="Arthur Penhallow Wynne",
        ),
        Brief(
            "Bridge repairs delayed",
            "The county council has pushed back repairs to the Wharf Street bridge until spring"
            " after finding corrosion in two supports.",
            section="ALSO KNOW",
        ),
        Brief(
            "Library reopens",
            "The Eastgate library reopened on Monday after a six-month refit funded by a local"
            " bequest.",
            section="ALSO KNOW",
        ),
        Brief(
            "How tides are measured, and why it matters",
            "Rhea Calder in The Coastal Review",
            section="FIVE THINGS",
            author="Rhea Calder",
        ),
        Brief(
            "A history of the herring trade in ten objects",
            "reports The Maritime Gazette",
            section="FIVE THINGS",
        ),
    )


def test_promo_teasers_and_briefs_stay_out_of_the_body() -> None:
    issue = parse_issue(TEXT / "ledger" / "2024-03-07-ledger.txt")
    for words in ("subscription", "Unsubscribe", "Ines Marlowe", "Wharf Street", "Curated by"):
        assert words not in issue.body
    assert "Tomas Fairweather" not in issue.body
    everything = " ".join([issue.body, *(b.headline + " " + b.text for b in issue.briefs)])
    assert "Unsubscribe" not in everything and "upgrade to a paid" not in everything


def test_news_article_without_byline_or_briefs() -> None:
    issue = parse_issue(TEXT / "news" / "412.txt", root=TEXT)
    assert issue.headline == "Orchard growers count the cost of late frost"
    assert issue.standfirst == ""
    assert issue.byline == "" and issue.briefs == () and issue.sections == ()
    assert issue.newsletter == "News"  # the folder's name, prettified
    assert issue.date is None
    assert issue.body.split("\n\n")[0].startswith("Apple growers in the valley")
    assert len(issue.body.split("\n\n")) == 3


def test_single_paragraph_issue() -> None:
    issue = parse_issue(TEXT / "single.txt")
    assert issue.headline == "Single paragraph issue"
    assert issue.body == "Only one short paragraph lives in this issue."


def test_underlined_headings_are_the_headline_and_sections() -> None:
    issue = parse_issue(TEXT / "underlined.txt")
    assert issue.headline == "Notes from the Allotment"
    assert issue.sections == ("Seed swap",)
    assert "====" not in issue.body and "----" not in issue.body
    assert "village hall" in issue.body


def test_windows_line_endings_read_like_unix_ones(tmp_path: Path) -> None:
    source = (TEXT / "ledger" / "2024-03-07-ledger.txt").read_bytes()
    crlf = tmp_path / "ledger" / "2024-03-07-ledger.txt"
    crlf.parent.mkdir()
    crlf.write_bytes(source.replace(b"\n", b"\r\n"))
    windows = parse_issue(crlf, root=tmp_path)
    unix = parse_issue(TEXT / "ledger" / "2024-03-07-ledger.txt", root=TEXT)
    assert "\r" not in windows.body
    assert (windows.headline, windows.body, windows.briefs, windows.byline) == (
        unix.headline,
        unix.body,
        unix.briefs,
        unix.byline,
    )


def test_cp1252_pound_sign(tmp_path: Path) -> None:
    path = tmp_path / "fares.txt"
    path.write_bytes(
        b"Fares rise again\r\n\r\nA return ticket to the island now costs \xa312, up from \xa39."
        b" Season tickets are unchanged.\r\n"
    )
    issue = parse_issue(path)
    assert issue.headline == "Fares rise again"
    assert "costs £12, up from £9." in issue.body


def test_usenet_post_headers_give_headline_and_byline() -> None:
    issue = parse_issue(TEXT / "posts" / "rec.gardening" / "30501", root=TEXT)
    assert issue.format == "text"
    assert issue.headline == "Overwintering dahlias in clay soil"  # "Re:" dropped
    assert issue.byline == "Petra Marsh"
    assert issue.newsletter == "rec.gardening"
    assert issue.id == "posts/rec.gardening/30501"
    for header in ("Subject:", "Organization:", "Lines:"):
        assert header not in issue.body
    assert "Lift them once the foliage blackens" in issue.body
    assert "Dig deep" not in issue.body  # the signature after "-- "


def test_text_with_mail_headers_but_no_blank_line(tmp_path: Path) -> None:
    path = tmp_path / "note.txt"
    path.write_text(
        "Subject: Quarterly report\nDate: 5 May 2023\nThe figures are in and they are good.\n",
        encoding="utf-8",
    )
    issue = parse_issue(path)
    assert issue.headline == "Quarterly report"
    assert issue.date == dt.date(2023, 5, 5)
    assert issue.body == "The figures are in and they are good."


def test_capitalised_first_line_is_a_headline_not_a_section(tmp_path: Path) -> None:
    path = tmp_path / "shout.txt"
    path.write_text("WARNING: GALES TONIGHT\n\nBoats should stay in harbour.\n", encoding="utf-8")
    issue = parse_file(path)[0]
    assert issue.headline == "WARNING: GALES TONIGHT"
    assert issue.sections == ()
    assert issue.body == "Boats should stay in harbour."


def test_closing_name_is_a_byline_only_before_sections(tmp_path: Path) -> None:
    review = tmp_path / "review.txt"
    review.write_text(
        "Films of the week\n\nThe best of the week was a musical about a school band.\n\n"
        "School Of Rock\n",
        encoding="utf-8",
    )
    issue = parse_issue(review)
    assert issue.byline == ""
    assert issue.body.endswith("School Of Rock")
    letter = tmp_path / "letter.txt"
    letter.write_text(
        "Harbour news\nA short standfirst.\nThe quay reopens on Friday after repairs to the"
        " stonework that took most of the winter and all of the budget.\nAnn Lee\n"
        "ALSO KNOW\nTide gauge fixed - The gauge reads true again.\n",
        encoding="utf-8",
    )
    issue = parse_issue(letter)
    assert (issue.byline, issue.authors) == ("Ann Lee", ("Ann Lee",))
    assert "Ann Lee" not in issue.body


def test_saved_newsletter_email_as_text(tmp_path: Path) -> None:
    body = (TEXT / "ledger" / "2024-03-07-ledger.txt").read_text(encoding="utf-8")
    path = tmp_path / "saved.txt"
    path.write_text(
        'From: "The Ledger" <news@ledger.example>\n'
        "Subject: Can the harbour authority keep the ferries running through winter?\n"
        "Date: Thu, 07 Mar 2024 07:00:00 +0000\n\n" + body,
        encoding="utf-8",
    )
    issue = parse_issue(path)
    plain = parse_issue(TEXT / "ledger" / "2024-03-07-ledger.txt")
    assert issue.newsletter == "The Ledger"  # a newsletter's sender names it, not its writer
    assert issue.date == dt.date(2024, 3, 7)
    assert (issue.headline, issue.standfirst, issue.byline, issue.body, issue.briefs) == (
        plain.headline,
        plain.standfirst,
        plain.byline,
        plain.body,
        plain.briefs,
    )


def test_text_in_capitals_keeps_its_body() -> None:
    # Old wire copy: a headline, then paragraphs typed in capitals, some wrapped short.
    issue = parse_issue(TEXT / "wire" / "1987-0312.txt")
    assert issue.headline == "CITY COUNCIL APPROVES NEW BRIDGE OVER THE MILL RACE"
    assert issue.sections == ()
    assert issue.briefs == ()
    assert issue.body.split("\n\n") == [
        "THE CITY COUNCIL VOTED SEVEN TO TWO ON THURSDAY NIGHT TO BUILD A NEW FOOTBRIDGE OVER"
        " THE MILL RACE BEHIND THE OLD TANNERY.",
        "THE BRIDGE WILL COST ABOUT FOUR HUNDRED THOUSAND DOLLARS AND SHOULD OPEN NEXT SPRING.",
        "COUNCILMAN ROY DELANEY SAID THE OLD CROSSING WAS UNSAFE.",
        "RESIDENTS ASKED FOR LIGHTS ON BOTH BANKS - THE COUNCIL AGREED TO STUDY IT.",
        "WORK BEGINS IN JUNE",
    ]


def test_capital_titles_inside_an_article_are_not_sections() -> None:
    issue = parse_issue(TEXT / "news" / "518.txt", root=TEXT)
    assert issue.sections == ()
    assert issue.briefs == ()
    assert "TOWER OF TILES (BRICKWORKS)" in issue.body
    assert "As soon as I start a game I lose an hour - the puzzles" in issue.body
    assert issue.body.endswith("haggle with passing ships over rope, tar and salt.")


def test_capital_label_between_lower_case_lines_is_still_a_section(tmp_path: Path) -> None:
    path = tmp_path / "letter.txt"
    path.write_text(
        "Harbour news\n\nThe quay reopens on Friday.\n\nALSO KNOW\n"
        "Tide gauge fixed - The gauge reads true again.\n"
        "Ferry timetable out - Winter sailings start in November.\n",
        encoding="utf-8",
    )
    issue = parse_issue(path)
    assert issue.sections == ("ALSO KNOW",)
    assert [b.headline for b in issue.briefs] == ["Tide gauge fixed", "Ferry timetable out"]


def test_usenet_post_with_article_id_belongs_to_its_group() -> None:
    issue = parse_issue(TEXT / "posts" / "sci.botany" / "40112", root=TEXT)
    assert issue.newsletter == "sci.botany"  # never the poster's name
    assert issue.byline == "Ada Okoro"
    assert issue.headline == "Seed banks and moss spores"
    assert issue.body.startswith("Moss spores keep for years")
    for header in ("Article-I.D.", "Reply-To:", "Organization:", "Lines:", "meadow.1993"):
        assert header not in issue.body
    assert issue.sections == ()  # a post's shouted line is no section
    assert "IT WORKED BETTER THAN WE HOPED." in issue.body


def test_crossposted_post_belongs_to_the_group_of_its_folder() -> None:
    issue = parse_issue(TEXT / "posts" / "sci.botany" / "40117", root=TEXT)
    assert issue.newsletter == "sci.botany"  # Newsgroups lists sci.geo first
    assert issue.byline == "Tomas Fen"
    elsewhere = parse_file(TEXT / "posts" / "sci.botany" / "40117")[0]
    assert elsewhere.newsletter == "sci.botany"


def test_post_from_a_person_outside_a_group_folder(tmp_path: Path) -> None:
    path = tmp_path / "inbox" / "notes" / "17"
    path.parent.mkdir(parents=True)
    path.write_text(
        "From: jo@lab.example (Jo Marchetti)\nSubject: Bench schedule\n"
        "Organization: Lab\n\nThe bench is free on Tuesdays.\n",
        encoding="utf-8",
    )
    issue = parse_issue(path, root=tmp_path)
    assert (issue.byline, issue.newsletter) == ("Jo Marchetti", "Notes")


def _capitals_one_by_one(lines: list[str]) -> bool:
    upper = lower = 0
    for line in lines:
        for c in line:
            if c.isalpha():
                upper += c.isupper()
                lower += c.islower()
    return upper > lower


@given(st.lists(st.text(alphabet=string.ascii_letters + "ÄäßÉéΩωⅠⅰǅ .,1\n", max_size=40)))
def test_mostly_capitals_counts_as_letter_by_letter(lines: list[str]) -> None:
    # ASCII letters are counted in bulk: the same answer as looking at each character.
    assert mostly_capitals(lines) == _capitals_one_by_one(lines)
