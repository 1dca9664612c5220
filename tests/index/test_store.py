"""The index directory: damaged or old indexes, the write lock, and failing writes."""

from __future__ import annotations

import errno
import json
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from whoosh.filedb.filestore import FileStorage

import index.jsonfile
import index.state
from index import stemming
from index.documents import SCHEMA_VERSION
from index.errors import (
    IndexLockedError,
    IndexUnusableError,
    IndexWriteError,
    NothingIndexedError,
)
from index.inspection import index_stats
from index.storage import open_index
from index.store import LOCK_NAME, MANIFEST_NAME, write_lock
from index.writer import sync_index
from tests.index.sync_helpers import (
    assert_in_step,
    run_options,
    snapshot,
    write_archive,
    write_issue,
)

REBUILD = "Rebuild the index from its folder"


@pytest.fixture
def built(tmp_path: Path) -> tuple[Path, Path, dict[int, int]]:
    """(folder, index_dir, expected) for an index of six generated issues."""
    folder, index_dir = tmp_path / "archive", tmp_path / "index"
    expected = write_archive(folder, range(6))
    sync_index(folder, index_dir, **run_options())
    return folder, index_dir, expected


def _store(index_dir: Path) -> Path:
    (store,) = index_dir.glob("store-*")
    return store


def _manifest(index_dir: Path) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((index_dir / MANIFEST_NAME).read_text(encoding="utf-8"))
    return data


def _write_manifest(index_dir: Path, data: Any) -> None:
    (index_dir / MANIFEST_NAME).write_text(json.dumps(data), encoding="utf-8")


def _old_schema(index_dir: Path) -> None:
    _write_manifest(index_dir, {**_manifest(index_dir), "schema_version": 0})


def _no_store_field(index_dir: Path) -> None:
    data = _manifest(index_dir)
    del data["store"]
    _write_manifest(index_dir, data)


def _no_version_field(index_dir: Path) -> None:
    data = _manifest(index_dir)
    del data["schema_version"]
    _write_manifest(index_dir, data)


def _manifest_not_json(index_dir: Path) -> None:
    (index_dir / MANIFEST_NAME).write_text('{"schema_version": 1, "sto', encoding="utf-8")


def _store_gone(index_dir: Path) -> None:
    import shutil

    shutil.rmtree(_store(index_dir))


def _toc_garbage(index_dir: Path) -> None:
    (toc,) = _store(index_dir).glob("_MAIN_*.toc")
    toc.write_bytes(b"\x00garbage" * 50)


def _toc_truncated(index_dir: Path) -> None:
    (toc,) = _store(index_dir).glob("_MAIN_*.toc")
    toc.write_bytes(toc.read_bytes()[:40])


def _segment_truncated(index_dir: Path) -> None:
    for segment in _store(index_dir).glob("*.seg"):
        segment.write_bytes(segment.read_bytes()[:100])


def _segment_missing(index_dir: Path) -> None:
    for segment in _store(index_dir).glob("*.seg"):
        segment.unlink()


def _state_garbage(index_dir: Path) -> None:
    (state,) = _store(index_dir).glob("state-*.json")
    state.write_text('{"folder": "x", "files": {"a.txt": {"size": "big"}}}', encoding="utf-8")


def _state_missing(index_dir: Path) -> None:
    (state,) = _store(index_dir).glob("state-*.json")
    state.unlink()


DAMAGE: dict[str, Callable[[Path], None]] = {
    "old schema": _old_schema,
    "manifest without store": _no_store_field,
    "manifest without schema version": _no_version_field,
    "manifest not JSON": _manifest_not_json,
    "store missing": _store_gone,
    "table of contents garbage": _toc_garbage,
    "table of contents truncated": _toc_truncated,
    "segment truncated": _segment_truncated,
    "segment missing": _segment_missing,
    "state garbage": _state_garbage,
    "state missing": _state_missing,
}


@pytest.mark.parametrize("damage", DAMAGE, ids=list(DAMAGE))
def test_a_damaged_or_old_index_says_to_rebuild(
    built: tuple[Path, Path, dict[int, int]], damage: str
) -> None:
    folder, index_dir, expected = built
    DAMAGE[damage](index_dir)
    with pytest.raises(IndexUnusableError, match=REBUILD):
        sync_index(folder, index_dir, **run_options())
    with pytest.raises(IndexUnusableError, match=REBUILD):
        index_stats(index_dir)
    # The fix the message gives works, without naming the folder again where it is readable.
    report = sync_index(None if damage == "old schema" else folder, index_dir, rebuild=True)
    assert (report.rebuilt, report.issues) == (True, 6)
    assert_in_step(index_dir, folder, expected)


def test_an_old_schema_message_says_which_versions(built: tuple[Path, Path, Any]) -> None:
    _, index_dir, _ = built
    _old_schema(index_dir)
    expected = rf"older version.*schema 0.*reads schema {SCHEMA_VERSION}"
    with pytest.raises(IndexUnusableError, match=expected):
        open_index(index_dir)


# ---------------------------------------------------------------- the lock


def test_a_second_indexer_names_the_lock_holder(built: tuple[Path, Path, Any]) -> None:
    folder, index_dir, _ = built
    with write_lock(index_dir), pytest.raises(IndexLockedError) as caught:
        sync_index(folder, index_dir, jobs=1, lock_timeout=0.3)
    message = str(caught.value)
    assert f"process {os.getpid()} on host " in message
    assert str(index_dir / LOCK_NAME) in message
    assert "Waited 0.3 s" in message and "--lock-timeout" in message


def test_a_waiter_that_gives_up_leaves_the_holder_described(tmp_path: Path) -> None:
    with write_lock(tmp_path):
        for _ in range(2):
            with (
                pytest.raises(IndexLockedError, match=f"process {os.getpid()}"),
                write_lock(tmp_path, timeout=0),
            ):
                pass
    assert (tmp_path / LOCK_NAME).read_text(encoding="utf-8") == ""


def test_the_lock_is_free_after_a_failed_sync(tmp_path: Path) -> None:
    with pytest.raises(NothingIndexedError):
        sync_index(tmp_path / "nowhere", tmp_path / "index", **run_options())
    with write_lock(tmp_path / "index", timeout=0):
        pass


# ---------------------------------------------------------------- failing writes


def _enospc(*args: Any, **kwargs: Any) -> Any:
    raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))


def _fail_when(real: Callable[..., Any], wanted: Callable[[str], bool]) -> Callable[..., Any]:
    def patched(*args: Any, **kwargs: Any) -> Any:
        if any(wanted(str(arg)) for arg in args):
            _enospc()
        return real(*args, **kwargs)

    return patched


WRITE_FAILURES: dict[str, tuple[Any, str, Callable[[str], bool]]] = {
    # whoosh writes a segment's files through FileStorage.create_file.
    "segment file": (FileStorage, "create_file", lambda name: "_stored" in name),
    # whoosh publishes a commit by renaming its table of contents into place.
    "table of contents": (os, "rename", lambda name: ".toc" in name),
    "state record": (os, "replace", lambda name: "state-" in name),
    "stem table": (os, "replace", lambda name: "stems.json" in name),
    "manifest": (os, "replace", lambda name: MANIFEST_NAME in name),
}


@pytest.mark.parametrize("where", WRITE_FAILURES, ids=list(WRITE_FAILURES))
@pytest.mark.parametrize("rebuild", [False, True], ids=["sync", "rebuild"])
def test_a_full_disk_keeps_the_old_index(
    built: tuple[Path, Path, dict[int, int]],
    monkeypatch: pytest.MonkeyPatch,
    where: str,
    rebuild: bool,
) -> None:
    folder, index_dir, expected = built
    before = snapshot(index_dir)
    write_issue(folder, 2, version=1)
    write_archive(folder, range(6, 8))
    # This process's stem table may know the new words from other tests; the store's does not.
    monkeypatch.setattr(stemming, "_TABLE", {})
    owner, attribute, wanted = WRITE_FAILURES[where]
    monkeypatch.setattr(owner, attribute, _fail_when(getattr(owner, attribute), wanted))
    if where == "manifest" and not rebuild:
        # After a committed sync only the last-sync time is lost: a warning, not a failure.
        report = sync_index(folder, index_dir, **run_options())
        assert report.warnings and "No space left" in report.warnings[0]
    else:
        with pytest.raises(IndexWriteError, match="No space left on device") as caught:
            sync_index(folder, index_dir, **run_options(rebuild=rebuild))
        assert "kept" in str(caught.value)
        assert snapshot(index_dir) == before
        assert len(list(index_dir.glob("store-*"))) == 1
    monkeypatch.undo()
    report = sync_index(folder, index_dir, **run_options())
    expected.update({2: 1, 6: 0, 7: 0})
    assert_in_step(index_dir, folder, expected)
    assert report.issues == 8


def test_an_index_directory_that_cannot_be_written(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = tmp_path / "archive"
    write_archive(folder, range(2))

    def refuse(*args: Any, **kwargs: Any) -> Any:
        raise PermissionError(errno.EACCES, os.strerror(errno.EACCES), str(args[0]))

    monkeypatch.setattr(Path, "mkdir", refuse)
    with pytest.raises(IndexWriteError, match=r"Cannot write to the index directory.*denied"):
        sync_index(folder, tmp_path / "index", **run_options())


def test_a_read_only_store_keeps_the_old_index(
    built: tuple[Path, Path, dict[int, int]], monkeypatch: pytest.MonkeyPatch
) -> None:
    folder, index_dir, _ = built
    before = snapshot(index_dir)
    write_issue(folder, 1, version=1)

    def refuse(*args: Any, **kwargs: Any) -> Any:
        raise PermissionError(errno.EACCES, os.strerror(errno.EACCES))

    monkeypatch.setattr(FileStorage, "create_file", refuse)
    with pytest.raises(IndexWriteError, match="Permission denied"):
        sync_index(folder, index_dir, **run_options())
    assert snapshot(index_dir) == before


def test_state_module_raises_write_errors_not_os_errors(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(index.jsonfile.os, "replace", _enospc)
    with pytest.raises(IndexWriteError, match="No space left"):
        index.state.write_state(tmp_path, 3, index.state.State("f", {}))
    assert list(tmp_path.iterdir()) == []
