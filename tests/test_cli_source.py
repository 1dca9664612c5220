"""`show --raw` prints an issue's source text, `open` hands its file (or a story's link) to the
system's opener; both take paths, issue ids and story ids."""

from __future__ import annotations

from pathlib import Path

import click
import pytest
from click.testing import CliRunner, Result

from cli import main
from index import IssueNotFoundError, build_index, source_text

MBOX = (
    b"From ann@example.org Mon Oct  7 09:00:00 2024\n"
    b"From: Ann Lee <ann@example.org>\n"
    b"Subject: First letter\n"
    b"Date: Mon, 07 Oct 2024 09:00:00 +0000\n"
    b"\n"
    b"The first letter speaks of tides.\n"
    b">From the harbour, a line that mbox escaped.\n"
    b"\n"
    b"From bo@example.org Mon Oct 14 09:00:00 2024\n"
    b"From: Bo Wu <bo@example.org>\n"
    b"Subject: Second letter\n"
    b"Date: Mon, 14 Oct 2024 09:00:00 +0000\n"
    b"\n"
    b"The second letter \x1b[31mspeaks\x1b[0m of ferries.\n"
)
DIGEST = """\
Harbour notes
The lead story of the week.
ALSO KNOW
Ferry back - The ferry runs again. https://example.org/ferry
"""


@pytest.fixture(scope="module")
def indexed(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    root = tmp_path_factory.mktemp("source")
    folder = root / "archive"
    folder.mkdir()
    (folder / "letters.mbox").write_bytes(MBOX)
    (folder / "notes.txt").write_text(DIGEST, encoding="utf-8")
    build_index(folder, root / "index", jobs=1)
    return folder, root / "index"


def run(index_dir: Path, *args: str) -> Result:
    return CliRunner().invoke(main, [*args, "--index-dir", str(index_dir)])


def test_raw_prints_one_message_of_an_mbox(indexed: tuple[Path, Path]) -> None:
    _, index_dir = indexed
    result = run(index_dir, "show", "--raw", "letters.mbox#1")
    assert result.exit_code == 0, result.output
    assert result.stdout == (
        "From: Ann Lee <ann@example.org>\n"
        "Subject: First letter\n"
        "Date: Mon, 07 Oct 2024 09:00:00 +0000\n"
        "\n"
        "The first letter speaks of tides.\n"
        "From the harbour, a line that mbox escaped.\n"
    )


def test_raw_escapes_control_characters(indexed: tuple[Path, Path]) -> None:
    _, index_dir = indexed
    result = run(index_dir, "show", "--raw", "letters.mbox#2")
    assert result.exit_code == 0, result.output
    assert "The second letter \\x1b[31mspeaks\\x1b[0m of ferries.\n" in result.stdout
    assert "\x1b" not in result.stdout
    assert "First letter" not in result.stdout


def test_raw_of_a_story_id_and_of_a_path_is_the_whole_file(indexed: tuple[Path, Path]) -> None:
    folder, index_dir = indexed
    assert run(index_dir, "show", "--raw", "notes.txt::1").stdout == DIGEST
    assert run(index_dir, "show", "--raw", str(folder / "notes.txt")).stdout == DIGEST
    # The API gives the same text, unescaped.
    assert source_text("letters.mbox#2", index_dir).count("\x1b") == 2


def test_raw_of_an_unknown_id_is_an_error(indexed: tuple[Path, Path]) -> None:
    _, index_dir = indexed
    result = run(index_dir, "show", "--raw", "nowhere.txt")
    assert result.exit_code == 1
    assert "neither a file nor the id of an indexed issue" in result.stderr
    with pytest.raises(IssueNotFoundError):
        source_text("nowhere.txt", index_dir)


def test_open_hands_the_file_or_the_link_to_the_opener(
    indexed: tuple[Path, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    folder, index_dir = indexed
    opened: list[str] = []
    monkeypatch.setattr(click, "launch", lambda target: opened.append(target) or 0)
    assert run(index_dir, "open", "notes.txt::1").exit_code == 0
    assert run(index_dir, "open", "notes.txt::1", "--link").exit_code == 0
    assert run(index_dir, "open", "letters.mbox#2").exit_code == 0
    assert opened == [
        str((folder / "notes.txt").resolve()),
        "https://example.org/ferry",
        str((folder / "letters.mbox").resolve()),
    ]


def test_open_refuses_what_it_cannot_open(
    indexed: tuple[Path, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    _, index_dir = indexed
    monkeypatch.setattr(click, "launch", lambda target: 1)
    failed = run(index_dir, "open", "notes.txt")
    assert failed.exit_code == 1
    assert "Error: The system's opener failed" in failed.stderr
    no_link = run(index_dir, "open", "notes.txt", "--link")
    assert no_link.exit_code == 1
    assert "has no web link to open" in no_link.stderr
