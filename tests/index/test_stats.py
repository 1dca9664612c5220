"""`index_stats` and `newsletter-search stats`: what an index holds, from when, and how big."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from cli import main
from index.documents import SCHEMA_VERSION
from index.errors import IndexMissingError
from index.inspection import index_stats
from index.writer import sync_index
from tests.index.sync_helpers import issue_relpath, run_options, write_archive


@pytest.fixture
def built(tmp_path: Path) -> tuple[Path, Path]:
    folder, index_dir = tmp_path / "archive", tmp_path / "index"
    write_archive(folder, range(10))  # newsletters by number % 3, dates by number
    (folder / issue_relpath(10)).parent.mkdir(parents=True, exist_ok=True)
    (folder / issue_relpath(10)).write_bytes(b"z" * 4096)  # too big: skipped
    sync_index(folder, index_dir, **run_options(max_bytes=2048))
    return folder, index_dir


def test_stats_count_issues_per_newsletter_and_the_date_range(built: tuple[Path, Path]) -> None:
    folder, index_dir = built
    stats = index_stats(index_dir)
    assert stats["newsletters"] == {"Harbour Dispatch": 4, "The Circuit": 3, "Green Ledger": 3}
    assert list(stats["newsletters"]) == ["Harbour Dispatch", "Green Ledger", "The Circuit"]
    assert (stats["issues"], stats["files"], stats["files_skipped"]) == (10, 11, 1)
    assert stats["stories"] == 10  # each generated issue has a lead story
    # Dates come from the file names: issue n is dated 2024-(1 + n % 12)-(1 + n % 28).
    assert (stats["first_date"], stats["last_date"]) == ("2024-01-01", "2024-10-10")
    assert stats["folder"] == str(folder.resolve())
    assert stats["index_dir"] == str(index_dir.resolve())
    assert stats["schema_version"] == SCHEMA_VERSION
    assert stats["last_sync"] and stats["last_sync_complete"] is True
    on_disk = sum(path.stat().st_size for path in index_dir.rglob("*") if path.is_file())
    assert stats["size_bytes"] == on_disk > 10_000


def test_stats_follow_a_sync(built: tuple[Path, Path]) -> None:
    folder, index_dir = built
    (folder / issue_relpath(0)).unlink()
    (folder / issue_relpath(10)).unlink()
    sync_index(folder, index_dir, **run_options())
    stats = index_stats(index_dir)
    assert (stats["issues"], stats["files"], stats["files_skipped"]) == (9, 9, 0)
    assert stats["newsletters"]["Harbour Dispatch"] == 3
    assert stats["first_date"] == "2024-02-02"


def test_stats_without_an_index(tmp_path: Path) -> None:
    with pytest.raises(IndexMissingError, match="No index at") as caught:
        index_stats(tmp_path / "none")
    assert caught.value.remedy == "build"


def test_the_stats_command_prints_text_and_json(built: tuple[Path, Path]) -> None:
    folder, index_dir = built
    runner = CliRunner()
    result = runner.invoke(main, ["stats", "--index-dir", str(index_dir)])
    assert result.exit_code == 0, result.stderr
    assert result.stderr == ""
    lines = result.stdout.splitlines()
    assert lines[0] == f"index:          {index_dir.resolve()} (schema version {SCHEMA_VERSION})"
    assert f"folder:         {folder.resolve()}" in lines
    assert "issues:         10 (10 stories) from 11 files, 1 skipped" in lines
    assert "dates:          2024-01-01 to 2024-10-10" in lines
    start = lines.index("newsletters:") + 1
    assert lines[start : start + 3] == [
        "        4  Harbour Dispatch",
        "        3  Green Ledger",
        "        3  The Circuit",
    ]

    result = runner.invoke(main, ["stats", "--index-dir", str(index_dir), "--json"])
    assert result.exit_code == 0 and result.stderr == ""
    assert json.loads(result.stdout) == index_stats(index_dir)


def test_the_stats_command_explains_a_missing_or_damaged_index(
    built: tuple[Path, Path], tmp_path: Path
) -> None:
    folder, index_dir = built
    runner = CliRunner()
    result = runner.invoke(main, ["stats", "--index-dir", str(tmp_path / "none")])
    assert (result.exit_code, result.stdout) == (1, "")
    assert result.stderr.startswith("Error: No index at")
    (index_dir / "manifest.json").write_text("{", encoding="utf-8")
    result = runner.invoke(main, ["stats", "--index-dir", str(index_dir)])
    assert (result.exit_code, result.stdout) == (1, "")
    # The manifest is gone, but the store's record still names the folder.
    rebuild = f"newsletter-search index {folder.resolve()} --rebuild --index-dir {index_dir}"
    assert rebuild in result.stderr
    assert "Traceback" not in result.stderr


def test_stats_lists_the_top_newsletters_and_all_with_all(
    built: tuple[Path, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    _, index_dir = built
    monkeypatch.setattr("cli.STATS_TOP", 2)
    runner = CliRunner()
    top = runner.invoke(main, ["stats", "--index-dir", str(index_dir)]).stdout.splitlines()
    start = top.index("newsletters:")
    assert top[start : start + 4] == [
        "newsletters:",
        "        4  Harbour Dispatch",
        "        3  Green Ledger",
        "  ... and 1 more (--all lists them)",
    ]
    every = runner.invoke(main, ["stats", "--all", "--index-dir", str(index_dir)])
    lines = every.stdout.splitlines()
    start = lines.index("newsletters:")
    assert lines[start + 3] == "        3  The Circuit"
    assert not any("more (--all" in line for line in lines)


def test_stats_count_authors_and_agree_in_number() -> None:
    from index.render import count, stats_lines

    assert (count(1, "issue"), count(2, "issue"), count(1, "story", "stories")) == (
        "1 issue",
        "2 issues",
        "1 story",
    )
    stats = {
        "index_dir": "/i",
        "schema_version": 2,
        "folder": "/f",
        "issues": 1,
        "stories": 1,
        "files": 1,
        "files_skipped": 0,
        "first_date": None,
        "last_date": None,
        "size_bytes": 10,
        "last_sync": "2024-01-01",
        "last_sync_complete": True,
        "newsletters": {"Haskell Weekly": 1},
        "authors": {"Ada Byron": 3, "Alan Turing": 2, "Grace Hopper": 1},
    }
    lines = stats_lines(stats, 2, " (--all)")
    assert "issues:         1 (1 story) from 1 file, 0 skipped" in lines
    assert lines[-4:] == [
        "authors:",
        "        3  Ada Byron",
        "        2  Alan Turing",
        "  ... and 1 more (--all)",
    ]
