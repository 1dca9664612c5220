"""Mail headers are cut to size before the stdlib parser reads them (its cost is not linear)."""

from __future__ import annotations

import email
import email.policy

from index.readers.mailguard import MAX_FIELD, MAX_HEADERS, cap_headers


def test_an_ordinary_message_is_left_as_it_is() -> None:
    data = b"From x@y Mon Jan 1\nSubject: a\n folded\nFrom: Ann <a@b.c>\n\nBody: not a header\n"
    assert cap_headers(data) is data


def test_a_folded_giant_subject_is_cut_and_the_rest_kept() -> None:
    subject = b"Subject: " + b"\n ".join([b"word"] * 200_000) + b"\n"
    data = b"From: Ann <a@b.c>\n" + subject + b"Date: Mon, 1 Jan 2024 10:00:00 +0000\n\nBody\n"
    capped = cap_headers(data)
    msg = email.message_from_bytes(capped, policy=email.policy.default)
    assert str(msg["From"]) == "Ann <a@b.c>" and msg["Date"].datetime.year == 2024
    assert len(capped) < 2 * MAX_FIELD
    assert len(str(msg["Subject"])) < MAX_FIELD and str(msg["Subject"]).startswith("word word")
    assert msg.get_payload() == "Body\n"


def test_a_giant_unfolded_last_header_without_newline_is_cut() -> None:
    capped = cap_headers(b"Subject: " + b"x" * 100_000)
    assert len(capped) <= MAX_FIELD + 1


def test_the_header_block_is_bounded_as_a_whole() -> None:
    data = b"".join(b"X-Pad-%d: %s\n" % (n, b"p" * 1000) for n in range(1000)) + b"\nBody\n"
    capped = cap_headers(data)
    assert len(capped) <= MAX_HEADERS + len(b"\nBody\n")
    assert capped.endswith(b"\nBody\n") and capped.startswith(b"X-Pad-0: ")
