"""Email issues: MIME structure, encodings, headers, and mboxes holding several issues."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from index.errors import IssueReadError
from index.model import Brief
from index.parse import detect_format, parse_file, parse_issue

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
MAIL = FIXTURES / "email"


def test_multipart_alternative_prefers_the_html_part() -> None:
    issue = parse_issue(MAIL / "tidewater" / "issue-12.eml", root=MAIL)
    assert issue.id == "tidewater/issue-12.eml"
    assert issue.format == "email"
    # RFC 2047 quoted-printable Subject, with its "Issue 12:" prefix moved to the number.
    assert issue.headline == "Cafés of the estuary"
    assert issue.number == 12
    assert issue.newsletter == "Tidewater Weekly"
    assert issue.date == dt.date(2024, 3, 14)
    assert issue.message_id == "<issue12@tidewater.example>"
    assert issue.body == (
        "This week we sat in six cafés along the river and ranked their window seats.\n\n"
        "The winner serves its coffee in enamel mugs — and keeps a tide table by the till."
    )
    assert issue.sections == ("Worth reading",)
    assert issue.briefs == (
        Brief(
            "The ferry that never sleeps",
            section="Worth reading",
            author="Jo Ansel",
            link="https://example.org/ferry",
        ),
        Brief(
            "Salt marsh walks for rainy days",
            section="Worth reading",
            link="https://example.org/salt",
        ),
    )
    assert "https://example.org/ferry" in issue.links
    assert "Preview text" not in issue.body  # hidden preheader
    assert "Unsubscribe" not in issue.body and "browser" not in issue.body
    assert "=3D" not in issue.body and "<p>" not in issue.body


def test_mbox_gives_one_issue_per_message_in_file_order() -> None:
    issues = parse_file(MAIL / "tidewater" / "2024-q1.mbox", root=MAIL)
    assert [i.id for i in issues] == [
        "tidewater/2024-q1.mbox#1",
        "tidewater/2024-q1.mbox#2",
        "tidewater/2024-q1.mbox#3",
    ]
    assert {i.format for i in issues} == {"mbox"}
    assert {i.path for i in issues} == {str(MAIL / "tidewater" / "2024-q1.mbox")}
    first, second, reply = issues
    # base64 HTML part; "#13 - " numbering prefix
    assert first.headline == "Spring tides" and first.number == 13
    assert first.body == "The equinox brings the year’s biggest tides."
    assert first.date == dt.date(2024, 3, 21)
    # ISO-8859-1 declared for the encoded Subject and for the 8-bit body
    assert second.headline == "Boatyard news: £200 raised"
    assert "We raised £200 for the new crane." in second.body
    assert "slipway" in second.body
    # A reply with no body is still an issue; list tag and "Re:" are stripped.
    assert reply.headline == "Boatyard news"
    assert reply.body == ""
    assert reply.message_id == "<reply1@example.org>"


def test_parse_issue_on_an_mbox_gives_its_first_message() -> None:
    assert parse_issue(MAIL / "tidewater" / "2024-q1.mbox").headline == "Spring tides"


def test_extensionless_files_are_sniffed(tmp_path: Path) -> None:
    mbox = tmp_path / "archive"
    mbox.write_bytes((MAIL / "tidewater" / "2024-q1.mbox").read_bytes())
    eml = tmp_path / "message"
    eml.write_bytes((MAIL / "tidewater" / "issue-12.eml").read_bytes())
    assert detect_format(mbox) == "mbox"
    assert detect_format(eml) == "email"
    assert len(parse_file(mbox)) == 3
    assert parse_issue(eml).headline == "Cafés of the estuary"


def test_writer_named_in_the_sender_goes_to_the_byline(tmp_path: Path) -> None:
    path = tmp_path / "letter.eml"
    path.write_text(
        "From: Ann Lee from The Weekly Lens <ann@lens.example>\n"
        "Subject: Light and shade\n"
        "Content-Type: text/plain; charset=utf-8\n\n"
        "Shadows are longest in winter.\n",
        encoding="utf-8",
    )
    issue = parse_issue(path)
    assert (issue.byline, issue.newsletter) == ("Ann Lee", "The Weekly Lens")
    assert issue.body == "Shadows are longest in winter."


def test_truncated_multipart_still_reads_what_is_there(tmp_path: Path) -> None:
    path = tmp_path / "cut.eml"
    path.write_text(
        "From: Tidewater Weekly <letters@tidewater.example>\n"
        "Subject: Cut short\n"
        'Content-Type: multipart/alternative; boundary="b"\n\n'
        "--b\nContent-Type: text/plain; charset=utf-8\n\nThe first part arrived intact.\n",
        encoding="utf-8",
    )
    issue = parse_issue(path)
    assert issue.headline == "Cut short"
    assert issue.body == "The first part arrived intact."


def test_truncated_message_with_nothing_usable_is_an_error(tmp_path: Path) -> None:
    path = tmp_path / "broken.eml"
    path.write_text('Content-Type: multipart/mixed; boundary="zz"\n\n--zz\n', encoding="utf-8")
    with pytest.raises(IssueReadError) as caught:
        parse_file(path)
    assert caught.value.reason == "truncated MIME message"


def test_mbox_from_lines_are_unescaped(tmp_path: Path) -> None:
    # mboxo writes a body line "From ..." as ">From ..."; mboxrd adds one ">" to every
    # ">From" line. Reading takes one ">" off (RFC 4155).
    path = tmp_path / "escaped.mbox"
    path.write_bytes(
        b"From ann@tide.example Mon Jan  1 00:00:00 2024\n"
        b"From: Ann Lee <ann@tide.example>\nSubject: Tides\n\n"
        b"Hello.\n>From the harbour wall we saw it.\n>>From here on, quoted.\n\n"
        b"From bo@tide.example Mon Jan  1 00:00:00 2024\n"
        b"From: Bo Wu <bo@tide.example>\nSubject: Two\n\nBody two.\n"
    )
    first, second = parse_file(path)
    assert first.body == "Hello. From the harbour wall we saw it. >From here on, quoted."
    assert second.body == "Body two."
