"""--date-from-mtime: an issue that nothing dates takes its file's modification day, marked."""

from __future__ import annotations

import datetime as dt
import json
import os
from pathlib import Path

from click.testing import CliRunner

from cli import main
from index import sync_index
from search import search

UNDATED = "A note with no date\nThe ferry runs again after the storm.\n"
DATED = "2024-10-07 Ferry news\nThe ferry runs again, says the harbour master.\n"
MTIME = dt.datetime(2023, 5, 6, 12, 0).timestamp()


def _archive(tmp_path: Path) -> Path:
    folder = tmp_path / "archive"
    folder.mkdir()
    for name, text in (("note.txt", UNDATED), ("2024-10-07-ferry.txt", DATED)):
        (folder / name).write_text(text, encoding="utf-8")
        os.utime(folder / name, (MTIME, MTIME))
    return folder


def test_undated_issues_take_the_file_day_and_the_index_remembers(tmp_path: Path) -> None:
    folder, index_dir = _archive(tmp_path), tmp_path / "index"
    sync_index(folder, index_dir, jobs=1, date_from_mtime=True)
    hits = {hit.id: hit for hit in search(index_dir, "ferry").hits}
    assert (hits["note.txt"].date, hits["note.txt"].date_from_file) == (dt.date(2023, 5, 6), True)
    dated = hits["2024-10-07-ferry.txt"]
    assert (dated.date, dated.date_from_file) == (dt.date(2024, 10, 7), False)
    # A later sync without the option keeps it (remembered), and reads nothing again.
    again = sync_index(folder, index_dir, jobs=1)
    assert (again.rebuilt, again.unchanged) == (False, 2)
    assert search(index_dir, "ferry", since=dt.date(2023, 1, 1)).total == 2
    # Turning it off re-reads every file: the note is undated again.
    off = sync_index(folder, index_dir, jobs=1, date_from_mtime=False)
    assert off.rebuilt
    note = next(hit for hit in search(index_dir, "ferry").hits if hit.id == "note.txt")
    assert (note.date, note.date_from_file) == (None, False)


def test_cli_marks_a_file_date_in_text_and_json(tmp_path: Path) -> None:
    folder, index_dir = _archive(tmp_path), tmp_path / "index"
    runner = CliRunner()
    built = runner.invoke(
        main, ["index", str(folder), "--index-dir", str(index_dir), "--date-from-mtime"]
    )
    assert built.exit_code == 0, built.output
    text = runner.invoke(main, ["search", "storm", "--index-dir", str(index_dir)])
    assert "2023-05-06 (file date)" in text.stdout
    as_json = runner.invoke(main, ["search", "storm", "--index-dir", str(index_dir), "--json"])
    (hit,) = json.loads(as_json.stdout)["hits"]
    assert (hit["date"], hit["date_from_file"]) == ("2023-05-06", True)
    off = runner.invoke(
        main, ["index", "--index-dir", str(index_dir), "--no-date-from-mtime", "--json"]
    )
    assert json.loads(off.stdout)["rebuilt"] is True
    undated = runner.invoke(main, ["search", "storm", "--index-dir", str(index_dir), "--json"])
    assert json.loads(undated.stdout)["hits"][0]["date"] is None
