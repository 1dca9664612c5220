"""Incremental sync: change detection, and what a sync adds, updates, removes and leaves alone."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest

import index.reading
import index.scan
import index.writer
from index.errors import IndexMissingError, NothingIndexedError
from index.scan import FileRecord, hash_file, plan_sync
from index.writer import sync_index
from tests.index.sync_helpers import (
    age,
    assert_in_step,
    issue_relpath,
    run_options,
    snapshot,
    write_archive,
    write_issue,
)

# ---------------------------------------------------------------- change detection


def _record(path: Path, **changes: Any) -> FileRecord:
    stat = path.stat()
    fields: dict[str, Any] = {
        "size": stat.st_size,
        "mtime_ns": stat.st_mtime_ns,
        "sha256": hash_file(path),
        "ids": ("x",),
    }
    fields.update(changes)
    return FileRecord(**fields)


def test_plan_sorts_new_changed_touched_removed_and_unchanged(tmp_path: Path) -> None:
    folder = tmp_path / "archive"
    write_archive(folder, range(5))
    age(folder)
    paths = {n: folder / issue_relpath(n) for n in range(5)}
    previous = {issue_relpath(n): _record(paths[n]) for n in (0, 1, 2)}
    previous["gone/old.txt"] = FileRecord(10, 1, "ab", ("gone/old.txt",))
    # 1: same bytes, new time stamp (touched); 2: new bytes, same size (changed).
    os.utime(paths[1])
    text = paths[2].read_text(encoding="utf-8")
    paths[2].write_text(text.replace("Tuesday", "Thursday"), encoding="utf-8")

    plan = plan_sync(folder, previous)

    assert [seen.relpath for seen in plan.new] == [issue_relpath(3), issue_relpath(4)]
    assert [seen.relpath for seen in plan.changed] == [issue_relpath(2)]
    assert plan.changed[0].sha256 == hash_file(paths[2])
    assert list(plan.touched) == [issue_relpath(1)]
    assert plan.touched[issue_relpath(1)].mtime_ns == paths[1].stat().st_mtime_ns
    assert plan.touched[issue_relpath(1)].ids == ("x",)
    assert list(plan.unchanged) == [issue_relpath(0)]
    assert list(plan.removed) == ["gone/old.txt"]
    assert plan.seen == 5


def test_plan_does_not_read_unchanged_files(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = tmp_path / "archive"
    write_archive(folder, range(2))
    age(folder)
    previous = {issue_relpath(n): _record(folder / issue_relpath(n)) for n in range(2)}

    def no_reading(*args: Any) -> Any:
        raise AssertionError("an unchanged file was read")

    monkeypatch.setattr(index.scan, "hash_file", no_reading)
    monkeypatch.setattr(index.scan, "detect_format", no_reading)
    plan = plan_sync(folder, previous)
    assert set(plan.unchanged) == set(previous)


def test_plan_rechecks_a_recently_modified_file_by_hash(tmp_path: Path) -> None:
    folder = tmp_path / "archive"
    path = write_issue(folder, 0)
    racy = _record(path, recheck=True)
    plan = plan_sync(folder, {issue_relpath(0): racy})
    # Same stat, but recorded as racy: hashed, found equal, so only the record is refreshed.
    assert list(plan.touched) == [issue_relpath(0)]
    age(folder)
    plan = plan_sync(folder, {issue_relpath(0): racy})
    assert list(plan.touched) == [issue_relpath(0)]
    assert plan.touched[issue_relpath(0)].recheck is False


def test_plan_reports_unreadable_files(tmp_path: Path) -> None:
    folder = tmp_path / "archive"
    write_issue(folder, 0)
    (folder / "broken.txt").symlink_to(folder / "nowhere.txt")
    (folder / "notes.json").write_text("{}", encoding="utf-8")
    plan = plan_sync(folder, {})
    assert plan.unreadable == {"broken.txt": "broken symbolic link"}
    assert plan.ignored == 1
    assert [seen.relpath for seen in plan.new] == [issue_relpath(0)]


# ---------------------------------------------------------------- syncing


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    return tmp_path / "archive"


@pytest.fixture
def index_dir(tmp_path: Path) -> Path:
    return tmp_path / "index"


def _count_parses(monkeypatch: pytest.MonkeyPatch) -> list[Path]:
    calls: list[Path] = []
    real = index.reading.parse_file

    def counting(path: Any, *args: Any, **kwargs: Any) -> Any:
        calls.append(Path(path))
        return real(path, *args, **kwargs)

    monkeypatch.setattr(index.reading, "parse_file", counting)
    return calls


def test_sync_adds_updates_removes_and_skips_only_what_changed(
    folder: Path, index_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    expected = write_archive(folder, range(12))
    age(folder)
    first = sync_index(folder, index_dir, **run_options())
    assert (first.added, first.issues, first.rebuilt) == (12, 12, True)
    assert_in_step(index_dir, folder, expected)

    write_issue(folder, 3, version=1)
    expected[3] = 1
    (folder / issue_relpath(4)).unlink()
    del expected[4]
    expected.update(write_archive(folder, range(12, 14)))
    age(folder)
    calls = _count_parses(monkeypatch)
    report = sync_index(None, index_dir, **run_options())

    assert sorted(path.name for path in calls) == sorted(
        Path(issue_relpath(n)).name for n in (3, 12, 13)
    )
    assert (report.added, report.updated, report.removed, report.unchanged) == (2, 1, 1, 10)
    assert (report.skipped, report.issues, report.rebuilt) == ((), 13, False)
    assert_in_step(index_dir, folder, expected)


def test_syncing_twice_without_change_parses_nothing(
    folder: Path, index_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    expected = write_archive(folder, range(8))
    sync_index(folder, index_dir, **run_options())
    calls = _count_parses(monkeypatch)
    # Files written a moment ago are confirmed by hash once (see scan.is_racy); never parsed.
    for _ in range(2):
        report = sync_index(folder, index_dir, **run_options())
        assert (report.added, report.updated, report.removed, report.unchanged) == (0, 0, 0, 8)
    assert calls == []
    assert_in_step(index_dir, folder, expected)


def test_a_touched_file_with_the_same_bytes_is_not_parsed_again(
    folder: Path, index_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    expected = write_archive(folder, range(3))
    age(folder)
    sync_index(folder, index_dir, **run_options())
    os.utime(folder / issue_relpath(1))  # `touch`
    calls = _count_parses(monkeypatch)
    report = sync_index(folder, index_dir, **run_options())
    assert calls == []
    assert report.unchanged == 3
    record = snapshot(index_dir).records[issue_relpath(1)]
    assert record.mtime_ns == (folder / issue_relpath(1)).stat().st_mtime_ns
    assert_in_step(index_dir, folder, expected)


def test_a_file_that_now_fails_is_removed_and_reported(folder: Path, index_dir: Path) -> None:
    write_archive(folder, range(4))
    sync_index(folder, index_dir, **run_options())
    (folder / issue_relpath(2)).write_bytes(b"x" * 2048)
    report = sync_index(folder, index_dir, **run_options(max_bytes=1024))
    assert [skip.path for skip in report.skipped] == [issue_relpath(2)]
    assert "larger" in report.skipped[0].reason or "size" in report.skipped[0].reason
    assert (report.removed, report.kept_stale, report.issues) == (1, 0, 3)
    snap = snapshot(index_dir)
    assert issue_relpath(2) not in snap.versions
    assert snap.records[issue_relpath(2)].error == report.skipped[0].reason
    # Still failing and unchanged: reported again, not parsed again.
    again = sync_index(folder, index_dir, **run_options(max_bytes=1024))
    assert [skip.path for skip in again.skipped] == [issue_relpath(2)]
    assert (again.removed, again.unchanged) == (0, 3)


def test_keep_stale_keeps_the_last_good_version(folder: Path, index_dir: Path) -> None:
    write_archive(folder, range(3))
    sync_index(folder, index_dir, **run_options())
    (folder / issue_relpath(1)).write_bytes(b"y" * 2048)
    report = sync_index(folder, index_dir, **run_options(max_bytes=1024, keep_stale=True))
    assert [skip.path for skip in report.skipped] == [issue_relpath(1)]
    assert (report.kept_stale, report.removed, report.issues) == (1, 0, 3)
    assert snapshot(index_dir).versions[issue_relpath(1)] == {"ver00001x000"}
    # Without --keep-stale, the next sync drops it.
    report = sync_index(folder, index_dir, **run_options(max_bytes=1024))
    assert (report.kept_stale, report.removed, report.issues) == (0, 1, 2)


def test_a_file_changed_while_it_is_read_is_read_again_next_time(
    folder: Path, index_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    expected = write_archive(folder, range(3))
    age(folder)
    real = index.reading.parse_file
    target = folder / issue_relpath(1)

    def parse_then_edit(path: Any, *args: Any, **kwargs: Any) -> Any:
        issues = real(path, *args, **kwargs)
        if Path(path) == target and "x000" in target.read_text(encoding="utf-8"):
            write_issue(folder, 1, version=1)  # the user saves while the indexer reads
        return issues

    monkeypatch.setattr(index.reading, "parse_file", parse_then_edit)
    sync_index(folder, index_dir, **run_options())
    assert snapshot(index_dir).versions[issue_relpath(1)] == {"ver00001x000"}
    report = sync_index(folder, index_dir, **run_options())
    assert report.updated == 1
    expected[1] = 1
    assert_in_step(index_dir, folder, expected)


def test_a_rewrite_within_the_same_clock_tick_is_caught(folder: Path, index_dir: Path) -> None:
    expected = write_archive(folder, range(2))
    path = folder / issue_relpath(0)
    sync_index(folder, index_dir, **run_options())
    stamp = path.stat().st_mtime_ns
    # Same size and time stamp, new bytes: only the hash can tell (the record asked for it).
    write_issue(folder, 0, version=9)
    os.utime(path, ns=(stamp, stamp))
    report = sync_index(folder, index_dir, **run_options())
    assert report.updated == 1
    expected[0] = 9
    assert_in_step(index_dir, folder, expected)


def test_the_index_remembers_its_folder(folder: Path, index_dir: Path) -> None:
    write_archive(folder, range(2))
    sync_index(folder, index_dir, **run_options())
    write_issue(folder, 5)
    report = sync_index(None, index_dir, **run_options())
    assert (report.folder, report.added) == (str(folder.resolve()), 1)


def test_no_folder_and_no_index_says_what_to_do(index_dir: Path) -> None:
    with pytest.raises(IndexMissingError, match="give the folder of issues to index"):
        sync_index(None, index_dir, **run_options())


def test_another_folder_joins_and_a_rebuild_given_it_replaces_the_first(
    tmp_path: Path, index_dir: Path
) -> None:
    write_archive(tmp_path / "one", range(3))
    write_archive(tmp_path / "two", range(10, 12))
    sync_index(tmp_path / "one", index_dir, **run_options())
    # Never drop the first folder's issues silently: a second folder joins (tests/index/
    # test_folders.py has the rest); a rebuild given a folder keeps only that one.
    report = sync_index(tmp_path / "two", index_dir, **run_options())
    assert (report.added, report.issues) == (2, 5)
    report = sync_index(tmp_path / "two", index_dir, **run_options(rebuild=True))
    assert (report.rebuilt, report.added, report.issues) == (True, 2, 2)
    assert set(snapshot(index_dir).records) == {
        "two:" + issue_relpath(10),
        "two:" + issue_relpath(11),
    }
    assert len(list(index_dir.glob("store-*"))) == 1


def test_rebuild_replaces_the_store(folder: Path, index_dir: Path) -> None:
    expected = write_archive(folder, range(4))
    sync_index(folder, index_dir, **run_options())
    old = {path.name for path in index_dir.glob("store-*")}
    report = sync_index(None, index_dir, **run_options(rebuild=True))
    assert (report.rebuilt, report.added) == (True, 4)
    assert {path.name for path in index_dir.glob("store-*")}.isdisjoint(old)
    assert_in_step(index_dir, folder, expected)


def test_an_emptied_folder_does_not_empty_the_index(folder: Path, index_dir: Path) -> None:
    expected = write_archive(folder, range(3))
    sync_index(folder, index_dir, **run_options())
    for number in expected:
        (folder / issue_relpath(number)).unlink()
    with pytest.raises(NothingIndexedError, match="not mounted"):
        sync_index(folder, index_dir, **run_options())
    with pytest.raises(NothingIndexedError, match="left as it was"):
        sync_index(folder, index_dir, **run_options(rebuild=True))
    write_archive(folder, range(3))
    assert_in_step(index_dir, folder, expected)


def test_a_long_sync_commits_checkpoints(folder: Path, index_dir: Path) -> None:
    expected = write_archive(folder, range(6))
    report = sync_index(folder, index_dir, **run_options(checkpoint_seconds=0))
    # A checkpoint after each file but the last, whose commit is the final one.
    assert report.checkpoints == 5
    assert_in_step(index_dir, folder, expected)


def test_a_subfolder_that_cannot_be_listed_is_reported_not_forgotten_silently(
    folder: Path, index_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    write_archive(folder, range(6))
    sync_index(folder, index_dir, **run_options())
    real = os.scandir
    hidden = str(folder / "green-ledger")

    def scandir(path: Any) -> Any:
        if str(path) == hidden:
            raise PermissionError(13, "Permission denied", str(path))
        return real(path)

    monkeypatch.setattr(index.scan.os, "scandir", scandir)
    gone = {issue_relpath(n) for n in (2, 5)}  # the green-ledger issues
    report = sync_index(folder, index_dir, **run_options(keep_stale=True))
    assert {skip.path for skip in report.skipped} == gone
    assert {skip.reason for skip in report.skipped} == {"folder cannot be read (Permission denied)"}
    assert (report.kept_stale, report.removed, report.issues) == (2, 0, 6)
    report = sync_index(folder, index_dir, **run_options())
    assert (report.kept_stale, report.removed, report.issues) == (0, 2, 4)
    monkeypatch.undo()
    report = sync_index(folder, index_dir, **run_options())
    assert (report.added, report.issues) == (2, 6)
