"""Several folders in one index: labelled ids, one sync for all, forgetting, missing drives."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from index.errors import FolderMismatchError, NothingIndexedError
from index.folders import Folder, choose_folders, folder_of, new_label
from index.inspection import describe_issues, source_text
from index.writer import sync_index
from search import Searcher
from tests.index.sync_helpers import (
    issue_relpath,
    run_options,
    snapshot,
    write_archive,
    write_issue,
)


@pytest.fixture
def two(tmp_path: Path) -> tuple[Path, Path, Path]:
    """Two archives (issues 0-2 and 10-11) indexed into one index, the first one first."""
    one, other, index_dir = tmp_path / "one", tmp_path / "Other Archive", tmp_path / "index"
    write_archive(one, range(3))
    write_archive(other, range(10, 12))
    sync_index(one, index_dir, **run_options())
    report = sync_index(other, index_dir, **run_options())
    assert (report.added, report.unchanged, report.issues) == (2, 3, 5)
    assert report.folders == (str(one.resolve()), str(other.resolve()))
    return one, other, index_dir


def test_a_second_folder_joins_with_labelled_ids(two: tuple[Path, Path, Path]) -> None:
    one, other, index_dir = two
    first = {issue_relpath(n) for n in range(3)}
    joined = {"other-archive:" + issue_relpath(n) for n in range(10, 12)}
    assert set(snapshot(index_dir).records) == first | joined
    assert snapshot(index_dir).doc_issue_ids == first | joined
    with Searcher(index_dir) as searcher:
        results = searcher.search("ferry timetable", limit=10)
    assert results.folders == (str(one.resolve()), str(other.resolve()))
    by_id = {hit.id: hit for hit in results.hits}
    assert set(by_id) == first | joined
    assert by_id[issue_relpath(0)].folder == str(one.resolve())
    hit = by_id["other-archive:" + issue_relpath(10)]
    assert (hit.folder, hit.path) == (str(other.resolve()), str(other / issue_relpath(10)))


def test_one_sync_follows_every_folder(two: tuple[Path, Path, Path]) -> None:
    one, other, index_dir = two
    write_issue(other, 10, version=1)
    write_issue(one, 7)
    report = sync_index(None, index_dir, **run_options())
    assert (report.added, report.updated, report.issues) == (1, 1, 6)
    versions = snapshot(index_dir).versions
    assert versions["other-archive:" + issue_relpath(10)] == {"ver00010x001"}


def test_show_and_raw_source_find_a_labelled_id(two: tuple[Path, Path, Path]) -> None:
    _, other, index_dir = two
    wanted = "other-archive:" + issue_relpath(11)
    (issue,) = describe_issues(wanted, index_dir)
    assert (issue["id"], issue["path"]) == (wanted, str(other / issue_relpath(11)))
    assert source_text(wanted, index_dir) == (other / issue_relpath(11)).read_text()
    # A path in the second folder is read as that folder's file, with its labelled id.
    (by_path,) = describe_issues(str(other / issue_relpath(11)), index_dir)
    assert by_path["id"] == wanted


def test_forget_drops_a_folder_and_its_issues(two: tuple[Path, Path, Path]) -> None:
    one, other, index_dir = two
    report = sync_index(None, index_dir, forget=[other], **run_options())
    assert (report.removed, report.issues, report.folders) == (2, 3, (str(one.resolve()),))
    assert set(snapshot(index_dir).records) == {issue_relpath(n) for n in range(3)}
    with pytest.raises(FolderMismatchError, match="does not follow"):
        sync_index(None, index_dir, forget=[other], **run_options())
    with pytest.raises(NothingIndexedError, match="with no folder"):
        sync_index(None, index_dir, forget=[one], **run_options())


def test_a_missing_folder_keeps_its_issues_and_says_so(
    two: tuple[Path, Path, Path], tmp_path: Path
) -> None:
    one, other, index_dir = two
    aside = tmp_path / "unmounted"
    other.rename(aside)
    write_issue(one, 8)
    report = sync_index(None, index_dir, **run_options())
    assert (report.added, report.removed, report.issues) == (1, 0, 6)
    assert report.warnings[0].startswith(f"{other.resolve()} is not there; its 2 issues stay")
    aside.rename(other)
    shutil.rmtree(one)  # the first one goes: every folder is gone, nothing changes
    other.rename(aside)
    with pytest.raises(NothingIndexedError, match="not mounted"):
        sync_index(None, index_dir, **run_options())
    assert len(snapshot(index_dir).records) == 6


def test_a_rebuild_given_folders_keeps_only_those(two: tuple[Path, Path, Path]) -> None:
    _, other, index_dir = two
    report = sync_index(other, index_dir, **run_options(rebuild=True))
    # The folder keeps its label: its ids are the same as before the rebuild.
    assert (report.rebuilt, report.issues) == (True, 2)
    assert set(snapshot(index_dir).records) == {
        "other-archive:" + issue_relpath(n) for n in range(10, 12)
    }
    assert len(list(index_dir.glob("store-*"))) == 1


def test_a_folder_inside_another_is_refused(two: tuple[Path, Path, Path]) -> None:
    one, _, index_dir = two
    inner = one / issue_relpath(0).split("/")[0]
    with pytest.raises(FolderMismatchError, match="lies inside"):
        sync_index(inner, index_dir, **run_options())
    assert len(snapshot(index_dir).records) == 5


def test_labels_differ_and_never_shadow_the_first_folders_paths(tmp_path: Path) -> None:
    (tmp_path / "a" / "issues").mkdir(parents=True)
    (tmp_path / "a" / "issues" / "notes:x.txt").write_text("x")
    first = Folder(str(tmp_path / "a" / "issues"))
    chosen = choose_folders(["/b/issues", "/c/Issues", "/d/notes"], [first], replacing=False)
    # The same name twice gets a number; a top-level "notes:x.txt" in the first folder would
    # read as the label "notes", so that label is not given.
    assert [f.label for f in chosen] == ["", "issues", "issues-2", "notes-2"]
    assert new_label("/e/issues", ["issues", "issues-2"]) == "issues-3"
    assert folder_of("issues-2:x.txt", chosen) == (chosen[2], "x.txt")
    assert folder_of("plain/x.txt", chosen) == (first, "plain/x.txt")
    assert folder_of("x.txt", chosen[1:]) is None
