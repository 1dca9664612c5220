"""index --watch: a sync after each burst of changes, through a folder that goes and comes back."""

from __future__ import annotations

import threading
import time
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

import index.watch
from cli import main
from index import IndexLockedError, IndexReport, sync_index, watch_folder

NOTE = "A note on the {word}\nThe {word} came in on the morning tide.\n"


def _wait_for(condition: Any, seconds: float = 20.0) -> None:
    end = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < end, "timed out waiting"
        time.sleep(0.05)


@pytest.mark.slow
def test_watching_syncs_changes_and_outlives_the_folder_going(tmp_path: Path) -> None:
    folder, index_dir = tmp_path / "archive", tmp_path / "index"
    folder.mkdir()
    (folder / "a.txt").write_text(NOTE.format(word="ferry"), encoding="utf-8")
    sync_index(folder, index_dir, jobs=1)
    reports: list[IndexReport] = []
    errors: list[str] = []
    stop = threading.Event()
    watcher = threading.Thread(
        target=watch_folder,
        args=(folder, lambda: sync_index(folder, index_dir, jobs=1)),
        kwargs={
            "on_sync": reports.append,
            "on_error": errors.append,
            "stop": stop,
            "debounce_ms": 100,
        },
    )
    watcher.start()
    try:
        time.sleep(0.5)  # the watcher is listening
        (folder / "b.txt").write_text(NOTE.format(word="barge"), encoding="utf-8")
        _wait_for(lambda: any(r.added == 1 for r in reports))
        moved = tmp_path / "elsewhere"
        folder.rename(moved)
        _wait_for(lambda: any("is gone; waiting" in e for e in errors))
        (moved / "c.txt").write_text(NOTE.format(word="skiff"), encoding="utf-8")
        moved.rename(folder)  # back, with a file more: synced on return
        _wait_for(lambda: reports[-1].issues == 3)
    finally:
        stop.set()
        watcher.join(10)
    assert not watcher.is_alive()


def test_a_failing_sync_is_reported_and_watching_goes_on(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = tmp_path / "archive"
    folder.mkdir()
    calls: list[str] = []
    errors: list[str] = []

    def sync() -> str:
        calls.append("sync")
        if len(calls) == 1:
            raise IndexLockedError("Another indexer holds the lock.")
        return "report"

    def fake_watch(*_args: Any, **_kwargs: Any) -> Any:
        yield {("added", str(folder / "x.txt"))}
        yield set()  # a quiet second: no sync
        yield {("modified", str(folder / "x.txt"))}
        stop.set()

    stop = threading.Event()
    monkeypatch.setattr("watchfiles.watch", fake_watch)
    synced: list[str] = []
    watch_folder(folder, sync, on_sync=synced.append, on_error=errors.append, stop=stop)
    assert calls == ["sync", "sync"]
    assert errors == ["Another indexer holds the lock."]
    assert synced == ["report"]


def test_index_watch_prints_each_sync_and_stops_cleanly_on_ctrl_c(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = tmp_path / "archive"
    folder.mkdir()
    (folder / "a.txt").write_text(NOTE.format(word="ferry"), encoding="utf-8")
    seen: dict[str, Any] = {}

    def fake_watch_folder(where: str, sync: Any, **kwargs: Any) -> None:
        seen["folder"], seen["ignore"] = where, kwargs["ignore"]
        (folder / "b.txt").write_text(NOTE.format(word="barge"), encoding="utf-8")
        kwargs["on_sync"](sync())
        raise KeyboardInterrupt

    monkeypatch.setattr(index.watch, "watch_folder", fake_watch_folder)
    index_dir = tmp_path / "index"
    args = ["index", str(folder), "--index-dir", str(index_dir), "--watch", "--rebuild"]
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 0, result.output
    lines = result.stderr.splitlines()
    assert lines[0].startswith(f"Built {index_dir.resolve()}: 1 issue in 1 file")
    assert lines[1] == f"Watching {folder.resolve()} for changes (Ctrl-C stops)."
    # The second sync follows changes: not a rebuild.
    assert lines[2].startswith(f"Synced {index_dir.resolve()}: 2 issues in 2 files")
    assert "files: 1 added, 0 updated, 0 removed, 1 unchanged" in lines[2]
    assert lines[3] == "Stopped watching; the index keeps what was last committed."
    assert seen == {"folder": (str(folder.resolve()),), "ignore": (str(index_dir),)}
