"""Parsing and indexing in worker processes (--jobs 2): same index, checkpoints, failures."""

from __future__ import annotations

import json
import multiprocessing
import os
import signal
from pathlib import Path
from typing import Any

import pytest

import index.parallel
import index.session
import index.writer
from index.errors import IndexWriteError
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


@pytest.fixture(autouse=True)
def _workers_for_small_syncs(monkeypatch: pytest.MonkeyPatch) -> None:
    # Worker processes only pay for many files; these tests want them for a few dozen.
    monkeypatch.setattr(index.session, "PARALLEL_MIN_FILES", 10)


def _stem_table(index_dir: Path) -> dict[str, Any]:
    (store,) = index_dir.glob("store-*")
    table: dict[str, Any] = json.loads((store / "stems.json").read_text(encoding="utf-8"))
    return table


def test_workers_build_the_same_index(tmp_path: Path) -> None:
    folder, index_dir = tmp_path / "archive", tmp_path / "index"
    expected = write_archive(folder, range(60))
    (folder / "too-big.txt").write_bytes(b"w" * 4096)
    report = sync_index(folder, index_dir, **run_options(jobs=2, max_bytes=2048))
    assert (report.added, report.issues) == (60, 60)
    assert [skip.path for skip in report.skipped] == ["too-big.txt"]
    (folder / "too-big.txt").unlink()
    expected_report = sync_index(folder, index_dir, **run_options(jobs=2))
    assert expected_report.unchanged == 60
    assert_in_step(index_dir, folder, expected)
    # Each worker wrote its own segment; their new stems reached the saved table.
    (store,) = index_dir.glob("store-*")
    assert len(list(store.glob("*.seg"))) == 2
    table = _stem_table(index_dir)
    assert {"council", "ver00059x000"} <= set(table["same"])
    assert table["stems"]["residents"] == "resid"


def test_workers_update_and_remove(tmp_path: Path) -> None:
    folder, index_dir = tmp_path / "archive", tmp_path / "index"
    expected = write_archive(folder, range(30))
    sync_index(folder, index_dir, **run_options(jobs=2))
    for number in range(0, 30, 2):
        write_issue(folder, number, version=1)
        expected[number] = 1
    for number in (1, 3):
        (folder / issue_relpath(number)).unlink()
        del expected[number]
    expected.update(write_archive(folder, range(30, 90)))
    report = sync_index(folder, index_dir, **run_options(jobs=2, checkpoint_seconds=0))
    assert (report.added, report.updated, report.removed, report.unchanged) == (60, 15, 2, 13)
    # Checkpoints wait for the workers to finish their chunks and hand in their segments.
    assert report.checkpoints >= 1
    assert_in_step(index_dir, folder, expected)


def test_a_worker_that_dies_fails_the_sync_and_keeps_the_index(tmp_path: Path) -> None:
    folder, index_dir = tmp_path / "archive", tmp_path / "index"
    expected = write_archive(folder, range(20))
    age(folder)
    sync_index(folder, index_dir, **run_options())
    before = snapshot(index_dir)
    write_archive(folder, range(20, 80))
    killed: list[int] = []

    def kill_a_worker(done: int, total: int, path: str) -> None:
        if not killed:
            worker = multiprocessing.active_children()[0]
            assert worker.pid is not None
            os.kill(worker.pid, signal.SIGKILL)
            killed.append(worker.pid)

    with pytest.raises(IndexWriteError, match="worker process stopped unexpectedly"):
        sync_index(folder, index_dir, **run_options(jobs=2, progress=kill_a_worker))
    assert killed
    assert multiprocessing.active_children() == []
    assert snapshot(index_dir) == before
    report = sync_index(folder, index_dir, **run_options(jobs=2))
    assert report.added == 60
    expected.update(dict.fromkeys(range(20, 80), 0))
    assert_in_step(index_dir, folder, expected)


@pytest.mark.parametrize(("load", "jobs"), [(0.0, 2), (0.7, 1), (1.2, 1), (6.0, 1)])
def test_default_jobs_is_one_per_idle_cpu(
    monkeypatch: pytest.MonkeyPatch, load: float, jobs: int
) -> None:
    monkeypatch.setattr(os, "sched_getaffinity", lambda pid: {0, 1}, raising=False)
    monkeypatch.setattr(os, "getloadavg", lambda: (load, load, load))
    assert index.parallel.default_jobs() == jobs


def _segment_counts(index_dir: Path) -> list[int]:
    """Live documents of each segment of the index's store, in order."""
    from index.storage import open_store
    from index.store import read_manifest

    ix = open_store(index_dir / read_manifest(index_dir).store)
    with ix.reader() as reader:
        return [segment.doc_count() for segment, _ in reader.leaf_readers()]


def test_segments_merge_a_tier_at_a_time(tmp_path: Path) -> None:
    folder = tmp_path / "issues"
    folder.mkdir()
    index_dir = tmp_path / "index"
    (folder / "first.txt").write_text("Harbour news\n\nThe ferry sails at noon.\n", "utf-8")
    sync_index(folder, index_dir, jobs=1)
    counts = []
    for number in range(2 * index.parallel.MERGE_FACTOR):
        text = f"Note {number}\n\nThe kestrel count reached {number} today.\n"
        (folder / f"note-{number:02}.txt").write_text(text, "utf-8")
        sync_index(folder, index_dir, jobs=1)
        counts.append(len(_segment_counts(index_dir)))
    # Each sync adds a segment; once a tier holds MERGE_FACTOR of them they become one.
    assert max(counts) <= index.parallel.MERGE_FACTOR + 1
    assert min(counts[index.parallel.MERGE_FACTOR :]) < index.parallel.MERGE_FACTOR
    # Nothing was lost in the merges: every note is found, and the live documents add up.
    from search import search

    results = search(index_dir, "kestrel", limit=100)
    assert results.total == 2 * index.parallel.MERGE_FACTOR


class _Segment:
    def __init__(self, docs: int) -> None:
        self.docs = docs

    def doc_count(self) -> int:
        return self.docs


@pytest.mark.parametrize(
    "sizes",
    [
        # No tier holds MERGE_FACTOR segments.
        [50_000 + n for n in range(index.parallel.MERGE_FACTOR - 1)] + [7, 7, 7],
        # A full tier whose smallest two would already make a segment past the cap.
        [index.parallel.MAX_MERGED_DOCS // 2 + 1] * index.parallel.MERGE_FACTOR,
    ],
)
def test_merges_left_alone(sizes: list[int]) -> None:
    segments: list[Any] = [_Segment(docs) for docs in sizes]
    # Nothing to merge: the writer is never asked to read a segment.
    assert index.parallel.merge_tiers(None, segments) is segments
