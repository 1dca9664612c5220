"""The parse API: format detection, ids and paths, and every failure surfacing as IssueReadError."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from index.errors import IssueReadError
from index.parse import DEFAULT_MAX_BYTES, detect_format, parse_file, parse_issue

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("2024-01-01.txt", "text"),
        ("ISSUE.TXT", "text"),
        ("a.eml", "email"),
        ("a.mbox", "mbox"),
        ("a.md", "markdown"),
        ("a.markdown", "markdown"),
        ("a.rst", "markdown"),
        ("a.html", "html"),
        ("a.htm", "html"),
        ("feed.xml", None),
        ("feed.atom", None),
        ("feed.rss", None),
        ("data.json", None),
        ("logo.png", None),
        ("site.css", None),
        ("app.js", None),
        (".DS_Store", None),
        (".hidden.txt", None),
        ("notes.txt~", None),
        ("LICENSE.txt", None),
        ("README.md", None),
    ],
)
def test_detect_format_by_name(name: str, expected: str | None) -> None:
    assert detect_format(Path("archive") / name) == expected


def test_hidden_folders_are_not_issues(tmp_path: Path) -> None:
    hidden = tmp_path / ".git" / "notes.txt"
    assert detect_format(hidden, root=tmp_path) is None
    assert detect_format(Path(".cache/notes.txt")) is None
    assert detect_format(tmp_path / "visible" / "notes.txt", root=tmp_path) == "text"


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (b"From someone@example.org Mon Jan  1 00:00:00 2024\nSubject: x\n\nbody\n", "mbox"),
        (b"Received: from mx\nSubject: x\n\nbody\n", "email"),
        (b"MIME-Version: 1.0\nSubject: x\n\nbody\n", "email"),
        (b"From: a@b.example\nSubject: x\nLines: 1\n\nbody\n", "text"),
        (b"<!DOCTYPE html><html><body><p>x</p></body></html>", "html"),
        (b"Just a headline\n\nAnd a paragraph.\n", "text"),
    ],
    ids=["mbox", "email-received", "email-mime", "news-post", "html", "text"],
)
def test_detect_format_without_extension(tmp_path: Path, content: bytes, expected: str) -> None:
    path = tmp_path / "12345"
    path.write_bytes(content)
    assert detect_format(path) == expected


def test_ids_are_relative_posix_paths_or_file_names() -> None:
    path = FIXTURES / "text" / "ledger" / "2024-03-07-ledger.txt"
    assert parse_issue(path, root=FIXTURES).id == "text/ledger/2024-03-07-ledger.txt"
    assert parse_issue(path).id == "2024-03-07-ledger.txt"
    assert parse_issue(str(path), root=str(FIXTURES / "text")).id == "ledger/2024-03-07-ledger.txt"
    assert parse_issue(path).path == str(path)


def test_relative_paths_give_absolute_issue_paths(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(FIXTURES)
    issue = parse_issue(Path("text") / "single.txt", root="text")
    assert issue.id == "single.txt"
    assert issue.path == str(FIXTURES / "text" / "single.txt")
    assert issue.newsletter == "Text"  # a file directly in root takes root's name


def _reason(path: Path, **kwargs: int) -> str:
    with pytest.raises(IssueReadError) as caught:
        parse_file(path, **kwargs)
    assert caught.value.path == str(path)
    return caught.value.reason


def test_too_large(tmp_path: Path) -> None:
    path = tmp_path / "big.txt"
    path.write_text("Headline\n\n" + "word " * 100, encoding="utf-8")
    assert _reason(path, max_bytes=100) == "larger than 100 bytes (limit set by --max-size)"
    assert DEFAULT_MAX_BYTES == 20 * 1024 * 1024
    big = tmp_path / "huge.txt"
    with big.open("wb") as handle:
        handle.truncate(DEFAULT_MAX_BYTES + 1)
    assert _reason(big) == "larger than 20 MB (limit set by --max-size)"


def test_binary_and_empty(tmp_path: Path) -> None:
    binary = tmp_path / "image.txt"
    binary.write_bytes(b"GIF89a\x01\x00\x01\x00\x00\xff\x00" * 10)
    assert _reason(binary) == "binary file"
    empty = tmp_path / "empty.md"
    empty.write_bytes(b"")
    assert _reason(empty) == "empty file"


def test_unreadable_paths(tmp_path: Path) -> None:
    link = tmp_path / "gone.txt"
    link.symlink_to(tmp_path / "missing.txt")
    assert _reason(link) == "broken symlink"
    folder = tmp_path / "folder.txt"
    folder.mkdir()
    assert _reason(folder) == "is a directory"
    assert _reason(tmp_path / "never-there.txt") == "file not found"
    assert _reason(tmp_path / "feed.xml") == "not an issue file (unsupported file type)"


@pytest.mark.skipif(not hasattr(os, "geteuid") or os.geteuid() == 0, reason="root reads any file")
def test_permission_denied(tmp_path: Path) -> None:
    path = tmp_path / "locked.txt"
    path.write_text("Headline\n\nBody.\n", encoding="utf-8")
    path.chmod(0)
    try:
        assert _reason(path) == "permission denied"
    finally:
        path.chmod(0o644)


@settings(max_examples=60, deadline=None)
@given(
    data=st.one_of(
        st.binary(max_size=600),
        st.text(max_size=600).map(lambda s: s.encode("utf-8")),
        st.lists(
            st.sampled_from(
                [
                    "From a@b Mon Jan 1 00:00:00 2024\n",
                    "Subject: =?utf-8?q?x?=\n",
                    "Content-Type: multipart/mixed; boundary=z\n",
                    "--z\n",
                    "\n",
                    "# Title\n",
                    "* [x](y)\n",
                    "<!--\n",
                    "<li><a href=x>t</a> by A B</li>",
                    "ALSO KNOW\n",
                    "Thing - text\n",
                    "---\n",
                    "title: [a, b\n",
                    "\x00",
                    "\xa3",
                ]
            ),
            max_size=30,
        ).map(lambda parts: "".join(parts).encode("utf-8")),
    ),
    suffix=st.sampled_from([".txt", ".md", ".html", ".eml", ".mbox", ".rst", ""]),
)
def test_any_bytes_give_issues_or_issue_read_error(data: bytes, suffix: str) -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / f"issue{suffix}"
        path.write_bytes(data)
        try:
            issues = parse_file(path, root=folder)
        except IssueReadError as problem:
            # A reader that crashed is wrapped as "could not be parsed": that is a bug here.
            assert not problem.reason.startswith("could not be parsed"), problem.reason
            return
        assert issues
        for issue in issues:
            assert issue.headline
            assert issue.path == str(path)


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no named pipes here")
def test_named_pipe_is_reported_not_read(tmp_path: Path) -> None:
    pipe = tmp_path / "pipe"
    os.mkfifo(pipe)
    assert detect_format(pipe) == "text"
    assert _reason(pipe) == "not a regular file"
