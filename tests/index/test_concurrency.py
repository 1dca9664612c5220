"""Searching while a sync commits, and a second indexer while one runs."""

from __future__ import annotations

import subprocess
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path

import pytest
from whoosh import query as wq

from index.errors import IndexLockedError
from index.storage import open_index
from index.writer import sync_index
from tests.index.sync_helpers import run_options, write_archive, write_issue

REPO = Path(__file__).resolve().parents[2]


def _count_with_whoosh(index_dir: Path) -> int:
    """Open the committed index as index.storage.open_index does, and count its issues."""
    with open_index(index_dir).searcher as searcher:
        return len(searcher.search(wq.Term("kind", "issue"), limit=1))


def _count_with_searcher(index_dir: Path) -> int:
    """Open the index through search.Searcher, and count its issues."""
    from search import Searcher

    with Searcher(index_dir) as searcher:
        # No deadline: a loaded machine must not turn a slow search into a partial count.
        return int(searcher.search("council harbour", limit=3, timeout=None).total)


class _SearchLoop(threading.Thread):
    """Count the issues over and over, opening the index afresh each time; stop on an error."""

    def __init__(self, index_dir: Path, count: Callable[[Path], int]) -> None:
        super().__init__(daemon=True)
        self.index_dir, self.count = index_dir, count
        self.stop = threading.Event()
        self.totals: list[int] = []
        self.errors: list[BaseException] = []

    def run(self) -> None:
        while not self.stop.is_set():
            try:
                self.totals.append(self.count(self.index_dir))
            except BaseException as error:
                self.errors.append(error)
                return


# The same loop in another process (true parallelism, not the GIL's turns): a line per search,
# the total or the error, until its stdin closes.
SEARCH_LOOP = """
import sys, threading, traceback
from pathlib import Path
from tests.index.test_concurrency import _count_with_searcher, _count_with_whoosh

count = _count_with_searcher if sys.argv[2] == "searcher" else _count_with_whoosh
done = threading.Event()
threading.Thread(target=lambda: (sys.stdin.read(), done.set()), daemon=True).start()
while not done.is_set():
    try:
        print(count(Path(sys.argv[1])), flush=True)
    except BaseException:
        print("ERROR " + traceback.format_exc().replace("\\n", " | "), flush=True)
"""


def _sync_while_searching(tmp_path: Path, how: str) -> None:
    """Six syncs (one a rebuild, all with checkpoints) while searches run in a thread and in
    another process; every search must succeed and see a committed state."""
    count = _count_with_searcher if how == "searcher" else _count_with_whoosh
    folder, index_dir = tmp_path / "archive", tmp_path / "index"
    write_archive(folder, range(40))
    sync_index(folder, index_dir, **run_options())
    kept = open_index(index_dir).searcher  # opened before everything that follows
    other = subprocess.Popen(
        [sys.executable, "-c", SEARCH_LOOP, str(index_dir), how],
        cwd=REPO,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    loop = _SearchLoop(index_dir, count)
    loop.start()
    try:
        for step in range(6):
            write_archive(folder, range(40 + 10 * step, 50 + 10 * step))
            write_issue(folder, step, version=step + 1)
            options = run_options(rebuild=step == 3, checkpoint_seconds=0.01)
            sync_index(folder, index_dir, **options)
            seen = len(loop.totals)
            deadline = time.monotonic() + 10
            while len(loop.totals) < seen + 2 and not loop.errors and time.monotonic() < deadline:
                time.sleep(0.01)
        kept_total = len(kept.search(wq.Term("kind", "issue"), limit=1))
    finally:
        loop.stop.set()
        loop.join(timeout=30)
        output, _ = other.communicate(timeout=30)
        kept.close()
    assert loop.errors == []
    elsewhere = output.split("\n")[:-1]
    assert [line for line in elsewhere if line.startswith("ERROR")] == []
    # Every search saw a committed state: the 40 issues, then each sync's 10 more (checkpoints
    # commit some of them earlier), never less than before.
    for totals in (loop.totals, [int(line) for line in elsewhere]):
        assert totals, "no search ran"
        assert set(totals) <= set(range(40, 101))
        assert totals == sorted(totals)
    assert loop.totals[-1] == 100
    # The searcher opened first still answers from the index as it was when it opened,
    # even after the rebuild removed that index's files from the disk.
    assert kept_total == 40


def test_readers_keep_working_while_syncs_commit(tmp_path: Path) -> None:
    _sync_while_searching(tmp_path, "whoosh")


def test_the_searcher_keeps_working_while_syncs_commit(tmp_path: Path) -> None:
    _sync_while_searching(tmp_path, "searcher")


HOLD_LOCK = """
import sys, time
from pathlib import Path
from index.store import write_lock

with write_lock(Path(sys.argv[1])):
    print("holding", flush=True)
    time.sleep(float(sys.argv[2]))
"""


def _hold_lock(index_dir: Path, seconds: float) -> subprocess.Popen[str]:
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLD_LOCK, str(index_dir), str(seconds)],
        cwd=REPO,
        stdout=subprocess.PIPE,
        text=True,
    )
    assert holder.stdout is not None and holder.stdout.readline() == "holding\n"
    return holder


def test_a_second_indexer_waits_then_names_the_other(tmp_path: Path) -> None:
    folder, index_dir = tmp_path / "archive", tmp_path / "index"
    write_archive(folder, range(3))
    holder = _hold_lock(index_dir, 30)
    try:
        started = time.monotonic()
        with pytest.raises(IndexLockedError) as caught:
            sync_index(folder, index_dir, jobs=1, lock_timeout=0.5)
        assert time.monotonic() - started >= 0.5
    finally:
        holder.kill()
        holder.wait()
        assert holder.stdout is not None
        holder.stdout.close()
    message = str(caught.value)
    assert f"process {holder.pid} on host" in message
    assert "write.lock" in message and "--lock-timeout" in message


def test_a_second_indexer_that_waits_long_enough_runs_after_the_first(tmp_path: Path) -> None:
    folder, index_dir = tmp_path / "archive", tmp_path / "index"
    write_archive(folder, range(3))
    holder = _hold_lock(index_dir, 0.5)
    try:
        report = sync_index(folder, index_dir, jobs=1, lock_timeout=20)
    finally:
        holder.wait(timeout=20)
        assert holder.stdout is not None
        holder.stdout.close()
    assert (report.added, report.issues) == (3, 3)
