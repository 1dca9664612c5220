"""`newsletter-search index`: exit codes, the report on stdout (--json) and stderr, progress."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

import cli
from cli import main
from index.store import write_lock
from tests.index.sync_helpers import age, issue_relpath, write_archive, write_issue


def _index(*args: str, env: dict[str, str] | None = None) -> Result:
    return CliRunner().invoke(main, ["index", "--jobs", "1", *args], env=env)


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    folder = tmp_path / "archive"
    write_archive(folder, range(5))
    return folder


def test_index_builds_then_syncs_and_says_so_on_stderr(folder: Path, tmp_path: Path) -> None:
    index_dir = tmp_path / "index"
    result = _index(str(folder), "--index-dir", str(index_dir))
    assert result.exit_code == 0, result.stderr
    assert result.stdout == ""
    (summary,) = result.stderr.splitlines()
    assert summary.startswith(
        f"Built {index_dir.resolve()}: 5 issues in 5 files from {folder.resolve()}"
    )
    assert "5 added, 0 updated, 0 removed, 0 unchanged, 0 skipped" in summary

    write_issue(folder, 1, version=2)
    (folder / issue_relpath(4)).unlink()
    # No folder: the index remembers it (and the index directory comes from the environment).
    result = _index(env={"NEWSLETTER_SEARCH_INDEX": str(index_dir)})
    assert result.exit_code == 0, result.stderr
    assert result.stdout == ""
    assert result.stderr.startswith(f"Synced {index_dir.resolve()}: 4 issues")
    assert "0 added, 1 updated, 1 removed, 3 unchanged, 0 skipped" in result.stderr


def test_index_json_report(folder: Path, tmp_path: Path) -> None:
    (folder / "broken.txt").write_bytes(b"q" * 5000)
    args = [str(folder), "--index-dir", str(tmp_path / "index"), "--json", "--max-size", "0.004"]
    result = _index(*args)
    assert result.exit_code == 0, result.stderr
    assert result.stderr == ""
    report = json.loads(result.stdout)
    assert (report["added"], report["issues"], report["rebuilt"]) == (5, 5, True)
    ((skip),) = report["skipped"]
    assert skip["path"] == "broken.txt"
    assert skip["reason"].startswith("larger than") and "--max-size" in skip["reason"]
    assert report["folder"] == str(folder.resolve()) and report["warnings"] == []
    assert set(report) >= {"updated", "removed", "unchanged", "kept_stale", "seconds"}


def test_skipped_files_are_listed_with_their_reasons(folder: Path, tmp_path: Path) -> None:
    (folder / "broken.txt").write_bytes(b"q" * 5000)
    result = _index(str(folder), "--index-dir", str(tmp_path / "index"), "--max-size", "0.004")
    assert result.exit_code == 0
    assert result.stderr.splitlines()[0].startswith("skipped broken.txt: larger than")
    assert "1 skipped" in result.stderr.splitlines()[1]


def test_quiet_prints_nothing_on_success(folder: Path, tmp_path: Path) -> None:
    result = _index(str(folder), "--index-dir", str(tmp_path / "index"), "--quiet")
    assert (result.exit_code, result.stdout, result.stderr) == (0, "", "")


def test_rebuild(folder: Path, tmp_path: Path) -> None:
    index_dir = tmp_path / "index"
    assert _index(str(folder), "--index-dir", str(index_dir)).exit_code == 0
    result = _index("--rebuild", "--index-dir", str(index_dir))
    assert result.exit_code == 0
    assert "Built" in result.stderr and "5 added" in result.stderr


def test_a_folder_with_nothing_to_index_fails(tmp_path: Path) -> None:
    empty = tmp_path / "empty"
    empty.mkdir()
    result = _index(str(empty), "--index-dir", str(tmp_path / "index"))
    assert (result.exit_code, result.stdout) == (1, "")
    assert "Error: Nothing could be indexed" in result.stderr


def test_a_missing_folder_fails_with_a_message(tmp_path: Path) -> None:
    result = _index(str(tmp_path / "nowhere"), "--index-dir", str(tmp_path / "index"))
    assert (result.exit_code, result.stdout) == (1, "")
    assert "does not exist" in result.stderr and "Traceback" not in result.stderr


def test_a_held_lock_fails_after_the_timeout(folder: Path, tmp_path: Path) -> None:
    index_dir = tmp_path / "index"
    with write_lock(index_dir):
        result = _index(str(folder), "--index-dir", str(index_dir), "--lock-timeout", "0.2")
    assert (result.exit_code, result.stdout) == (1, "")
    assert result.stderr.startswith(f"Error: The index at {index_dir.resolve()} is being written")
    assert "write.lock" in result.stderr and "Waited 0.2 s" in result.stderr


def test_an_old_index_says_to_rebuild(folder: Path, tmp_path: Path) -> None:
    index_dir = tmp_path / "index"
    assert _index(str(folder), "--index-dir", str(index_dir)).exit_code == 0
    manifest = json.loads((index_dir / "manifest.json").read_text(encoding="utf-8"))
    manifest["schema_version"] = 0
    (index_dir / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")
    result = _index(str(folder), "--index-dir", str(index_dir))
    assert (result.exit_code, result.stdout) == (1, "")
    assert "older version" in result.stderr
    assert result.stderr.rstrip().endswith(
        f"Rebuild it with: newsletter-search index {folder} --rebuild --index-dir {index_dir}"
    )
    assert "Traceback" not in result.stderr


def test_progress_shows_count_rate_and_eta(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("COLUMNS", "120")  # a wide terminal: the whole bar fits
    progress = cli._Progress(enabled=True)
    progress(1, 4, "a/one.txt")
    progress(4, 4, "a/four.txt")
    progress.close()
    err = capsys.readouterr().err
    assert "Indexing [######------------------] 1/4 files" in err
    assert "Indexing [########################] 4/4 files" in err
    assert " files/s  ETA 0:00" in err and "a/four.txt" in err
    # The line is cleared at the end (click drops the erase-line code when not on a terminal).
    assert err.endswith("a/four.txt\r")


def test_progress_is_silent_when_disabled(capsys: pytest.CaptureFixture[str]) -> None:
    progress = cli._Progress(enabled=False)
    progress(1, 4, "a/one.txt")
    progress.close()
    assert capsys.readouterr().err == ""


def test_an_interrupted_sync_says_what_was_kept(
    folder: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def interrupted(*args: object, **kwargs: object) -> None:
        raise KeyboardInterrupt

    # cli syncs through the engine boundary, which calls index.writer.sync_index.
    monkeypatch.setattr("index.writer.sync_index", interrupted)
    result = _index(str(folder), "--index-dir", str(tmp_path / "index"))
    assert (result.exit_code, result.stdout) == (130, "")
    assert "Interrupted; the index keeps what was last committed" in result.stderr


@pytest.mark.parametrize(
    ("path", "columns", "shown"),
    [
        ("business/001.txt", 80, "  business/001.txt"),
        ("business/a-long-file-name-from-a-feed-2024-10-11.txt", 100, "  business/a-long"),
        ("business/a-long-file-name-from-a-feed-2024-10-11.txt", 90, "  a-long-file-name-from"),
        (
            "b/a-very-very-long-file-name-from-a-feed-2024-10-11.txt",
            70,
            "  a-very-very-…4-10-11.txt",
        ),
        ("b/bad\x1b[31mname.txt", 80, "  b/bad\\x1b[31mname.txt"),
    ],
)
def test_progress_line_shows_the_file_name_within_the_width(
    path: str, columns: int, shown: str
) -> None:
    line = cli._progress_line(5, 2226, 30.2, 70, path, columns)
    assert len(line) < columns
    assert shown in line
    assert line.startswith("Indexing ") and "5/2226 files  30 files/s  ETA 1:10" in line


def test_quiet_sync_prints_nothing_when_nothing_is_new(folder: Path, tmp_path: Path) -> None:
    index_dir = tmp_path / "index"
    (folder / "broken.txt").write_bytes(b"\x00\x01\x02" * 100)
    age(folder)  # files just written are read again on the next sync (their mtime is racy)
    first = _index(str(folder), "--index-dir", str(index_dir), "-q")
    assert (first.exit_code, first.stdout) == (0, "")
    assert first.stderr == "skipped broken.txt: binary file\n"
    again = _index(str(folder), "--index-dir", str(index_dir), "-q")
    assert (again.exit_code, again.stdout, again.stderr) == (0, "", "")
    # Without -q the summary still names the skipped file.
    loud = _index(str(folder), "--index-dir", str(index_dir))
    assert "skipped broken.txt: binary file" in loud.stderr
    assert "5 issues in 5 files from" in loud.stderr


def test_summary_counts_issues_and_files_apart(tmp_path: Path) -> None:
    # An mbox is one file holding several issues.
    folder = tmp_path / "box"
    folder.mkdir()
    message = "From: Ann <a@example.org>\nSubject: Letter {n}\n\nThe letter number {n}.\n"
    (folder / "letters.mbox").write_text(
        "".join(
            f"From a@example.org Mon Oct  7 09:00:00 2024\n{message.format(n=n)}\n"
            for n in (1, 2, 3)
        ),
        encoding="utf-8",
    )
    (folder / "note.txt").write_text("A note\nOne issue in one file.\n", encoding="utf-8")
    result = CliRunner().invoke(main, ["index", str(folder), "--index-dir", str(tmp_path / "ix")])
    assert result.exit_code == 0, result.output
    assert ": 4 issues in 2 files from " in result.stderr
    assert "files: 2 added, 0 updated, 0 removed, 0 unchanged, 0 skipped" in result.stderr


def test_several_folders_forget_and_stats_through_the_cli(tmp_path: Path) -> None:
    one, two, index_dir = tmp_path / "one", tmp_path / "two", tmp_path / "index"
    write_archive(one, range(2))
    write_archive(two, range(10, 13))
    result = _index(str(one), str(two), "--index-dir", str(index_dir), "--json")
    assert result.exit_code == 0, result.stderr
    report = json.loads(result.stdout)
    assert report["folders"] == [str(one.resolve()), str(two.resolve())]
    assert report["issues"] == 5
    stats = CliRunner().invoke(main, ["stats", "--index-dir", str(index_dir)]).stdout
    assert f"folders:        {one.resolve()}\n" in stats
    assert f"                {two.resolve()} (ids start with two:)\n" in stats
    found = CliRunner().invoke(
        main, ["search", "uid00011", "--index-dir", str(index_dir), "--format", "json"]
    )
    (hit,) = json.loads(found.stdout)["hits"]
    assert (hit["id"], hit["folder"]) == ("two:" + issue_relpath(11), str(two.resolve()))
    shown = CliRunner().invoke(main, ["show", hit["id"], "--index-dir", str(index_dir)])
    assert shown.exit_code == 0 and f"id: two:{issue_relpath(11)}" in shown.stdout
    result = _index("--forget", str(two), "--index-dir", str(index_dir))
    assert result.exit_code == 0, result.stderr
    assert (
        "2 issues in 2 files from " + str(one.resolve()) + " — files: 0 added, 0 updated, 3 removed"
        in result.stderr
    )
    result = _index("--forget", str(two), "--index-dir", str(index_dir))
    assert result.exit_code == 1
    assert f"does not follow {two}" in result.stderr and "To replace" not in result.stderr


def test_index_without_folders_follows_the_settings_file(tmp_path: Path) -> None:
    one, index_dir = tmp_path / "one", tmp_path / "index"
    write_archive(one, range(3))
    settings = tmp_path / "config.toml"
    settings.write_text(f'folders = ["{one}"]\nindex_dir = "{index_dir}"\n', encoding="utf-8")
    env = {"NEWSLETTER_SEARCH_CONFIG": str(settings), "NEWSLETTER_SEARCH_INDEX": ""}
    result = _index(env=env)
    assert result.exit_code == 0, result.stderr
    assert result.stderr.startswith(f"Built {index_dir.resolve()}: 3 issues in 3 files")


def test_an_opensearch_index_follows_one_folder(tmp_path: Path) -> None:
    args = [str(tmp_path), str(tmp_path / "b"), "--engine", "opensearch", "--index-name", "x"]
    result = _index(*args)
    assert result.exit_code == 2
    assert "An OpenSearch index follows one folder" in result.stderr
