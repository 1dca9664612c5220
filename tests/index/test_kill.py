"""SIGKILL an indexer at different moments: the committed index stays usable, the next run finishes.

The indexer runs in a subprocess over a generated archive and prints a line per file it has read;
the test kills it (SIGKILL: no cleanup of any kind runs) after a given number of lines, or after
a given delay, then checks that the index opens, that its record and its documents agree, and
that every issue it records is searchable. A final run must bring the index exactly in step with
the folder. Worker processes (jobs=2) must not outlive a killed indexer.
"""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest

import index.reading
import index.session
import index.stemming
import index.writer
from index.errors import IndexMissingError
from index.writer import sync_index
from tests.index.sync_helpers import (
    age,
    assert_consistent,
    assert_in_step,
    issue_relpath,
    run_options,
    write_archive,
    write_issue,
)

REPO = Path(__file__).resolve().parents[2]
# argv: folder, index dir, jobs, rebuild (0/1). Checkpoints every 50 ms, and worker processes
# from 10 files up, so that kills land in reading, in checkpoints and in the final commit.
INDEXER = """
import sys
import index.session
from index.writer import sync_index

index.session.PARALLEL_MIN_FILES = 10

def progress(done, total, path):
    print(done, flush=True)

folder, index_dir, jobs, rebuild = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4] == "1"
sync_index(folder, index_dir, jobs=jobs, rebuild=rebuild, progress=progress,
           checkpoint_seconds=0.05, lock_timeout=30)
print("finished", flush=True)
"""
# Whatever happens, no indexer of this test runs longer than this.
_DEADLINE = 30.0


def _live_members(group: int) -> list[int]:
    """Processes of a process group that are still running (zombies excluded)."""
    alive = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        state, pgrp = fields[0], int(fields[2])
        if pgrp == group and state != "Z":
            alive.append(int(entry.name))
    return alive


def _run_and_kill(
    folder: Path, index_dir: Path, *, jobs: int, after_lines: int, delay: float, rebuild: bool
) -> bool:
    """Start an indexer; SIGKILL it `delay` s after it reported `after_lines` files.

    Returns whether it was killed (False: it finished first). Worker processes must be gone
    within a few seconds of their parent's death.
    """
    command = [sys.executable, "-c", INDEXER, str(folder), str(index_dir), str(jobs)]
    command.append("1" if rebuild else "0")
    process = subprocess.Popen(
        command,
        cwd=REPO,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,  # its own process group: workers included, for the checks
    )
    group = process.pid
    try:
        assert process.stdout is not None
        started = time.monotonic()
        lines = 0
        while lines < after_lines and time.monotonic() - started < _DEADLINE:
            line = process.stdout.readline()
            if not line or line.startswith("finished"):
                break
            lines += 1
        time.sleep(delay)
        killed = process.poll() is None
        if killed:
            os.kill(process.pid, signal.SIGKILL)
        process.wait(timeout=_DEADLINE)
        stderr = process.stderr.read() if process.stderr else ""
        assert killed or process.returncode == 0, stderr
        give_up = time.monotonic() + 10
        while _live_members(group) and time.monotonic() < give_up:
            time.sleep(0.05)
        assert _live_members(group) == [], "worker processes outlived the killed indexer"
        return killed
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(group, signal.SIGKILL)
        if process.stdout:
            process.stdout.close()
        if process.stderr:
            process.stderr.close()


pytestmark = pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="needs /proc")


@pytest.mark.parametrize("jobs", [1, 2])
def test_killed_syncs_leave_a_consistent_index_and_the_next_run_finishes(
    tmp_path: Path, jobs: int
) -> None:
    folder, index_dir = tmp_path / "archive", tmp_path / "index"
    expected = write_archive(folder, range(150))
    age(folder)
    sync_index(folder, index_dir, **run_options())
    next_number = 150
    kills = 0
    # (files read before the kill, then seconds): early, mid-read, in checkpoints, at the end.
    moments = [(0, 0.3), (1, 0.0), (20, 0.0), (45, 0.02), (70, 0.1), (200, 0.0)]
    for round_number, (after_lines, delay) in enumerate(moments, start=1):
        # Each round changes 40 issues, adds 25 and removes 10, so there is work to interrupt.
        for number in list(expected)[:40]:
            write_issue(folder, number, version=round_number)
            expected[number] = round_number
        expected.update(write_archive(folder, range(next_number, next_number + 25)))
        next_number += 25
        for number in list(expected)[-10:]:
            (folder / issue_relpath(number)).unlink()
            del expected[number]
        kills += _run_and_kill(
            folder, index_dir, jobs=jobs, after_lines=after_lines, delay=delay, rebuild=False
        )
        assert_consistent(index_dir, folder)
    assert kills >= 3  # most rounds really were interrupted
    sync_index(None, index_dir, **run_options())
    assert_in_step(index_dir, folder, expected)


def test_a_killed_rebuild_leaves_the_old_index(tmp_path: Path) -> None:
    folder, index_dir = tmp_path / "archive", tmp_path / "index"
    expected = write_archive(folder, range(120))
    sync_index(folder, index_dir, **run_options())
    for after_lines, delay in [(5, 0.0), (60, 0.0)]:
        assert _run_and_kill(
            folder, index_dir, jobs=1, after_lines=after_lines, delay=delay, rebuild=True
        )
        assert_in_step(index_dir, folder, expected)  # the old index, untouched
        assert len(list(index_dir.glob("store-*"))) >= 1
    report = sync_index(folder, index_dir, **run_options())
    assert report.unchanged == 120
    assert len(list(index_dir.glob("store-*"))) == 1  # the half-built store is cleared away


def test_a_killed_first_build_is_resumed(tmp_path: Path) -> None:
    folder, index_dir = tmp_path / "archive", tmp_path / "index"
    expected = write_archive(folder, range(120))
    age(folder)
    assert _run_and_kill(folder, index_dir, jobs=1, after_lines=60, delay=0.0, rebuild=False)
    try:
        snap = assert_consistent(index_dir, folder)
    except IndexMissingError:
        pytest.fail("a first build killed after 60 files committed nothing")
    assert not snap.complete
    report = sync_index(None, index_dir, **run_options())
    # Only what the killed run had not committed is read again.
    assert report.added == 120 - len(snap.records)
    assert report.unchanged == len(snap.records)
    assert_in_step(index_dir, folder, expected)


def _interrupt_on_call(real: Any, call: int) -> Any:
    """`real`, except that its `call`-th call raises KeyboardInterrupt (Ctrl-C) first."""
    calls = 0

    def wrapper(*args: Any, **kwargs: Any) -> Any:
        nonlocal calls
        calls += 1
        if calls == call:
            raise KeyboardInterrupt
        return real(*args, **kwargs)

    return wrapper


# Where a Ctrl-C lands: (module, attribute), each in the middle of a sync that commits often.
STEPS = {
    "reading a file": (index.reading, "parse_file"),
    "writing the record": (index.session, "write_state"),
    "committing": (index.session, "commit_with"),
    "after committing": (index.session, "remove_other_states"),
    "saving stems": (index.stemming, "save_new"),
}


@pytest.mark.parametrize("step", STEPS, ids=list(STEPS))
def test_ctrl_c_at_each_step_of_a_sync_loses_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, step: str
) -> None:
    folder, index_dir = tmp_path / "archive", tmp_path / "index"
    expected = write_archive(folder, range(10))
    sync_index(folder, index_dir, **run_options())
    for number in range(0, 10, 3):
        write_issue(folder, number, version=1)
        expected[number] = 1
    (folder / issue_relpath(1)).unlink()
    del expected[1]
    expected.update(write_archive(folder, range(10, 16)))
    # New words in every file, so that every commit saves some stems.
    monkeypatch.setattr(index.stemming, "_TABLE", {})
    owner, name = STEPS[step]
    monkeypatch.setattr(owner, name, _interrupt_on_call(getattr(owner, name), 3))
    with pytest.raises(KeyboardInterrupt):
        sync_index(folder, index_dir, **run_options(checkpoint_seconds=0))
    monkeypatch.undo()
    assert_consistent(index_dir, folder)
    sync_index(folder, index_dir, **run_options())
    assert_in_step(index_dir, folder, expected)
