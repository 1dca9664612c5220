"""A folder of hostile files beside good ones: each bad file costs itself, never the build.

Bounded time is checked through the mechanisms that bound it (the HTML depth cap, the header
cap, the per-file time limit), not by the clock: the nested page and the giant header below are
large enough to have taken minutes before, and must now be read (not skipped for running out
of time) under the default limit.
"""

from __future__ import annotations

import base64
import os
import re
import threading
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

import index.describe
import index.reading
import index.writer
from cli import main
from index import build_index, sync_index
from index.readers.html_walk import MAX_DEPTH, make_soup
from index.writer import IndexReport
from search import search

LATIN1 = b"caf\xe9.txt".decode("utf-8", "surrogateescape")
# Words only one good file holds, by file: every one of them must be searchable.
GOOD_WORDS = {
    "good.txt": "quokka",
    "notes/plain.md": "wombat",
    LATIN1: "espresso",
    "deep.html": "abyssal",
    "giant-header.eml": "lighthouse",
    "escapes.eml": "clipboard",
    "escapes.html": "crimson",
    "wide.eml": "sixteen",
}
BAD_REASONS = {
    "pipe.txt": "not a regular file: a named pipe (FIFO)",
    "zero.txt": "not a regular file: a character device",
    "noise.eml": "binary file",
    "bom-only.eml": "empty file",
}
# What a terminal must never receive raw: ESC, BEL and the other C0 controls, and C1 (CSI...).
_CONTROLS = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def _write_hostile(folder: Path) -> Path:
    folder.mkdir(parents=True)
    (folder / "good.txt").write_text("A good issue\n\nThe quokka smiles at visitors.\n")
    (folder / "notes").mkdir()
    (folder / "notes" / "plain.md").write_text("# Notes\n\nA wombat digs a burrow.\n")
    os.mkfifo(folder / "pipe.txt")
    os.symlink("/dev/zero", folder / "zero.txt")
    (folder / LATIN1).write_text("Cafe news\n\nAn espresso story.\n")
    depth = 30_000
    (folder / "deep.html").write_text(
        "<html><body><h1>Deep</h1>" + "<div>" * depth + "abyssal" + "</div>" * depth + "</body>"
    )
    subject = b"Subject: " + b"\n ".join([b"word"] * 300_000) + b"\n"
    (folder / "giant-header.eml").write_bytes(
        b"From: a@b.c\nMIME-Version: 1.0\n" + subject + b"\nThe lighthouse keeper writes.\n"
    )
    osc52 = base64.b64encode(b"Copy \x1b]52;c;ZXZpbA==\x07 this").decode()
    (folder / "escapes.eml").write_text(
        "From: =?utf-8?q?Mallory=1B=5D0=3Bowned=07?= <m@x.y>\n"
        f"Subject: =?utf-8?b?{osc52}?=\nMIME-Version: 1.0\n"
        "Content-Type: text/plain; charset=utf-8\n\nThe clipboard \u009b31m trick.\n"
    )
    (folder / "escapes.html").write_text(
        "<html><body><h1>Title &#27;]0;evil&#7; here</h1>"
        "<p>A crimson &#x1b;[31m text &#x9b;2J line.</p></body></html>"
    )
    (folder / "wide.eml").write_bytes(
        "From: w@x.y\nSubject: Wide\nMIME-Version: 1.0\n\nA sixteen bit body.\n".encode("utf-16")
    )
    (folder / "noise.eml").write_bytes(bytes(range(256)) * 16)
    (folder / "bom-only.eml").write_bytes(b"\xff\xfe")
    (folder / "name\x1b[31m.txt").write_text("Named\n\nA marmot with an odd file name.\n")
    return folder


@pytest.fixture
def hostile(tmp_path: Path) -> Path:
    return _write_hostile(tmp_path / "hostile")


def _check(report: IndexReport, index_dir: Path) -> None:
    skipped = {item.path: item.reason for item in report.skipped}
    assert skipped == BAD_REASONS
    for relpath, word in GOOD_WORDS.items():
        hits = search(index_dir, word).hits
        assert [hit.id for hit in hits] == [relpath.replace(LATIN1, "caf\\xe9.txt")], word
    assert [hit.id for hit in search(index_dir, "marmot").hits] == ["name\\x1b[31m.txt"]


def test_a_hostile_folder_builds_syncs_and_rebuilds(hostile: Path, tmp_path: Path) -> None:
    index_dir = tmp_path / "index"
    report = build_index(hostile, index_dir, jobs=1, lock_timeout=0)
    assert report.added == len(GOOD_WORDS) + 1
    _check(report, index_dir)
    report = sync_index(None, index_dir, jobs=1, lock_timeout=0)
    assert report.unchanged == len(GOOD_WORDS) + 1 and report.added == 0
    _check(report, index_dir)
    report = sync_index(None, index_dir, rebuild=True, jobs=1, lock_timeout=0)
    _check(report, index_dir)


def test_a_hostile_folder_in_a_worker_process(hostile: Path, tmp_path: Path) -> None:
    # Called outside the main thread, the sync reads files in a worker (where the time limit
    # works): the same files are read, skipped and found.
    index_dir = tmp_path / "index"
    reports: list[IndexReport] = []
    thread = threading.Thread(target=lambda: reports.append(build_index(hostile, index_dir)))
    thread.start()
    thread.join()
    (report,) = reports
    _check(report, index_dir)


def test_html_nesting_is_capped_while_parsing_and_its_text_kept() -> None:
    soup = make_soup(
        '<div id="outer">' + "<b>" * 5000 + "deep words" + "</b>" * 5000 + "<p>after</p></div>"
    )
    deepest = max(len(list(tag.parents)) for tag in soup.find_all(True))
    assert deepest <= MAX_DEPTH + 1
    outer = soup.find(id="outer")
    assert outer is not None and "deep words" in outer.get_text()
    # The end tags of dropped tags did not close the kept ones early.
    paragraph = soup.find("p")
    assert paragraph is not None and paragraph.find_parent(id="outer") is outer


def _spin_on_slow(real: Any) -> Any:
    def parse(path: Any, *args: Any, **kwargs: Any) -> Any:
        if Path(path).name == "slow.txt":
            while True:
                pass
        return real(path, *args, **kwargs)

    return parse


def test_a_file_over_its_time_limit_is_skipped_and_the_build_goes_on(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = tmp_path / "folder"
    folder.mkdir()
    (folder / "slow.txt").write_text("Slow\n\nNever finishes.\n")
    (folder / "fine.txt").write_text("Fine\n\nA narwhal story.\n")
    monkeypatch.setattr(index.reading, "parse_file", _spin_on_slow(index.reading.parse_file))
    report = build_index(folder, tmp_path / "index", jobs=1, file_timeout=0.2)
    (skipped,) = report.skipped
    assert skipped.path == "slow.txt"
    assert skipped.reason == "took longer than 0.2 s to read (limit set by --file-timeout)"
    assert report.issues == 1

    result = CliRunner().invoke(
        main,
        ["index", str(folder), "--index-dir", str(tmp_path / "cli"), "--file-timeout", "0.3"],
    )
    assert result.exit_code == 0, result.stderr
    assert "skipped slow.txt: took longer than 0.3 s to read" in result.stderr


def test_the_time_limit_holds_in_worker_processes(tmp_path: Path) -> None:
    folder = tmp_path / "folder"
    folder.mkdir()
    # 200,000 paragraphs take seconds to read; a short file a millisecond or two.
    (folder / "long.txt").write_text("Long\n\n" + "Many many words here.\n\n" * 200_000)
    (folder / "short.txt").write_text("Short\n\nA brief okapi note.\n")
    reports: list[IndexReport] = []
    target = tmp_path / "index"
    thread = threading.Thread(
        target=lambda: reports.append(build_index(folder, target, file_timeout=0.1))
    )
    thread.start()
    thread.join()
    (report,) = reports
    assert [(s.path, s.reason) for s in report.skipped] == [
        ("long.txt", "took longer than 0.1 s to read (limit set by --file-timeout)")
    ]
    assert [hit.id for hit in search(target, "okapi").hits] == ["short.txt"]


def test_no_follow_symlinks_through_the_api_and_the_cli(tmp_path: Path) -> None:
    outside = tmp_path / "outside.txt"
    outside.write_text("Outside\n\nA yak from elsewhere.\n")
    folder = tmp_path / "folder"
    folder.mkdir()
    (folder / "inside.txt").write_text("Inside\n\nA heron at home.\n")
    os.symlink(outside, folder / "link.txt")

    followed = build_index(folder, tmp_path / "followed", jobs=1)
    assert followed.issues == 2 and not followed.skipped
    assert [hit.id for hit in search(tmp_path / "followed", "yak").hits] == ["link.txt"]

    report = build_index(folder, tmp_path / "api", jobs=1, follow_symlinks=False)
    assert report.issues == 1
    assert [(s.path, s.reason) for s in report.skipped] == [
        ("link.txt", "symbolic link (not followed)")
    ]
    # An index that had followed the link drops it when told not to.
    report = sync_index(folder, tmp_path / "followed", jobs=1, follow_symlinks=False)
    assert report.removed == 1 and search(tmp_path / "followed", "yak").hits == ()

    result = CliRunner().invoke(
        main, ["index", str(folder), "--index-dir", str(tmp_path / "cli"), "--no-follow-symlinks"]
    )
    assert result.exit_code == 0, result.stderr
    assert "skipped link.txt: symbolic link (not followed)" in result.stderr
    assert "1 issue in 1 file from" in result.stderr


def _cli(*args: str) -> str:
    result = CliRunner().invoke(main, list(args))
    assert result.exit_code == 0, result.stderr
    return result.stdout + result.stderr


def test_cli_text_output_carries_no_control_characters(hostile: Path, tmp_path: Path) -> None:
    index_dir = str(tmp_path / "index")
    shown = [_cli("index", str(hostile), "--index-dir", index_dir, "--jobs", "1")]
    for query in ("copy OR mallory OR title OR crimson OR clipboard OR marmot", "espresso"):
        shown.append(_cli("search", query, "--index-dir", index_dir, "--facets", "--explain"))
        shown.append(_cli("search", query, "--index-dir", index_dir, "--format", "paths"))
        colored = _cli("search", query, "--index-dir", index_dir, "--color")
        assert "\x1b[" in colored  # our own styles, and nothing else:
        shown.append(re.sub(r"\x1b\[[0-9;]*m", "", colored))
    for name in ("escapes.eml", "escapes.html", "name\\x1b[31m.txt", "caf\\xe9.txt"):
        shown.append(_cli("show", name, "--index-dir", index_dir))
    shown.append(_cli("show", str(hostile / "name\x1b[31m.txt")))
    shown.append(_cli("stats", "--index-dir", index_dir))
    text = "\n".join(shown)
    assert "Mallory]0;owned" in text and "Copy ]52;c;ZXZpbA== this" in text
    assert "name\\x1b[31m.txt" in text and "caf\\xe9.txt" in text
    assert _CONTROLS.findall(text.replace("\n", "").replace("\t", "")) == []


def test_show_stops_a_file_that_takes_too_long(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    slow = tmp_path / "slow.txt"
    slow.write_text("Slow\n\nNever finishes.\n")
    monkeypatch.setattr(index.describe, "parse_file", _spin_on_slow(index.describe.parse_file))
    monkeypatch.setattr(index.describe, "DEFAULT_FILE_TIMEOUT", 0.2)
    result = CliRunner().invoke(main, ["show", str(slow)])
    assert result.exit_code == 1
    assert result.stderr == f"Error: {slow}: took longer than 0.2 s to read\n"
