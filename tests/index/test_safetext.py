"""index.safetext: control characters out of parsed fields, visible escapes for display."""

from __future__ import annotations

from index.model import Brief, Issue
from index.safetext import clean_fields, display_name, printable, strip_controls

LATIN1_NAME = b"caf\xe9.txt".decode("utf-8", "surrogateescape")


def test_strip_controls_keeps_tab_newline_and_all_other_text() -> None:
    text = "a\x1b]52;c;ZXZpbA==\x07b\tc\nd\x9b31m e\x7f é ✓ \u202e"
    assert strip_controls(text) == "a]52;c;ZXZpbA==b\tc\nd31m e é ✓ \u202e"


def test_strip_controls_escapes_a_names_undecodable_bytes() -> None:
    assert strip_controls(LATIN1_NAME) == "caf\\xe9.txt"


def test_printable_escapes_controls_surrogates_and_bidi_overrides() -> None:
    assert printable("x\x1b[31my\x07\x9b\u202e\n\tz") == "x\\x1b[31my\\x07\\x9b\\u202e\n\tz"
    assert printable("one\nline\t", newlines=False) == "one\\x0aline\\x09"
    assert printable("plain é ✓ — “quoted”") == "plain é ✓ — “quoted”"


def test_display_name_is_encodable_and_on_one_line() -> None:
    shown = display_name(LATIN1_NAME)
    assert shown == "caf\\xe9.txt"
    shown.encode("utf-8")  # no lone surrogate left
    assert display_name("a\nb\x1b.txt") == "a\\x0ab\\x1b.txt"


def test_clean_fields_reaches_every_string_of_an_issue() -> None:
    brief = Brief(headline="B\x1b]0;t\x07", text="t\x9b", section="s\x00", author="a", link="l")
    issue = Issue(
        id="i",
        path="p",
        newsletter="N\x1b",
        headline="H\x07",
        body="one\x1b\n\ntwo\tthree",
        briefs=(brief,),
        sections=("S\x1b",),
        authors=("A\x07",),
        number=3,
    )
    cleaned = clean_fields(issue)
    assert (cleaned.newsletter, cleaned.headline, cleaned.body) == ("N", "H", "one\n\ntwo\tthree")
    assert cleaned.briefs == (Brief("B]0;t", "t", "s", "a", "l"),)
    assert (cleaned.sections, cleaned.authors, cleaned.number) == (("S",), ("A",), 3)
