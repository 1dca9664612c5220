"""Recovering from damage: messages that name the folder, rebuilds that find it, no debris."""

from __future__ import annotations

import errno
import os
import stat
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from whoosh.filedb.filestore import FileStorage

from cli import main
from index import IndexUnusableError, IndexWriteError, build_index, sync_index
from index.store import MANIFEST_NAME
from search import search
from tests.index.sync_helpers import run_options, write_archive


@pytest.fixture
def built(tmp_path: Path) -> tuple[Path, Path]:
    folder, index_dir = tmp_path / "archive", tmp_path / "index"
    write_archive(folder, range(4))
    build_index(folder, index_dir, **run_options())
    return folder, index_dir


def test_a_damaged_manifest_names_the_folder_and_rebuild_finds_it(
    built: tuple[Path, Path],
) -> None:
    folder, index_dir = built
    (index_dir / MANIFEST_NAME).write_text('{"schema_version": 2, "sto', encoding="utf-8")
    with pytest.raises(IndexUnusableError) as caught:
        search(index_dir, "harbour")
    assert (caught.value.remedy, caught.value.folder) == ("rebuild", str(folder.resolve()))
    result = CliRunner().invoke(main, ["search", "harbour", "--index-dir", str(index_dir)])
    assert result.exit_code == 1
    assert (
        f"Rebuild it with: newsletter-search index {folder.resolve()} --rebuild --index-dir"
        in result.stderr
    )

    result = CliRunner().invoke(main, ["index", "--rebuild", "--index-dir", str(index_dir), "-q"])
    assert result.exit_code == 0, result.stderr
    assert search(index_dir, "harbour").total == 4


def test_rebuild_finds_the_folder_through_the_api_when_the_manifest_is_gone(
    built: tuple[Path, Path],
) -> None:
    folder, index_dir = built
    (index_dir / MANIFEST_NAME).unlink()
    report = sync_index(None, index_dir, rebuild=True, **run_options())
    assert report.folder == str(folder.resolve()) and report.issues == 4


def _store_files(index_dir: Path) -> set[str]:
    # (stems.json is not debris: a table of word stems, saved before the commit it serves.)
    files = index_dir.glob("store-*/*")
    return {str(path.relative_to(index_dir)) for path in files if path.name != "stems.json"}


def test_a_full_disk_leaves_no_half_written_segment(
    built: tuple[Path, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    folder, index_dir = built
    before = _store_files(index_dir)
    write_archive(folder, range(4, 8))
    real = FileStorage.create_file

    def full(self: Any, name: str, *args: Any, **kwargs: Any) -> Any:
        if "_stored" in name:  # the segment's postings and terms are written by then
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
        return real(self, name, *args, **kwargs)

    monkeypatch.setattr(FileStorage, "create_file", full)
    with pytest.raises(IndexWriteError, match="No space left"):
        sync_index(folder, index_dir, **run_options())
    assert _store_files(index_dir) == before


def test_a_new_index_folder_is_private(tmp_path: Path) -> None:
    folder = tmp_path / "archive"
    write_archive(folder, range(2))
    index_dir = tmp_path / "data" / "index"
    build_index(folder, index_dir, **run_options())
    assert stat.S_IMODE(index_dir.stat().st_mode) == 0o700
