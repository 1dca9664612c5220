"""Byte-identical files: one hit, at the best-ranked copy, with the other paths beside it."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from cli import main
from index import build_index
from search import search
from tests.search.conftest import write_archive

FLOODS = "harbour-dispatch/2024-10-15-floods.txt"
COPY = "copies/floods-again.txt"
STRIKE = "harbour-dispatch/2024-10-01-strike.txt"


@pytest.fixture(scope="module")
def copied(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    root = tmp_path_factory.mktemp("dups")
    folder = write_archive(root)
    (folder / "copies").mkdir()
    shutil.copyfile(folder / FLOODS, folder / COPY)
    index_dir = root / "index"
    build_index(folder, index_dir)
    return folder, index_dir


def test_identical_files_show_once_with_also_at(copied: tuple[Path, Path]) -> None:
    folder, index_dir = copied
    results = search(index_dir, "sandbags")
    assert results.total == 1
    (hit,) = results.hits
    assert {hit.id, *(Path(p).relative_to(folder).as_posix() for p in hit.also_at)} == {
        FLOODS,
        COPY,
    }
    data = results.to_json()["hits"][0]
    assert data["also_at"] == list(hit.also_at)
    # Stories of identical files collapse the same way; other issues are untouched.
    stories = search(index_dir, "sandbags", stories=True)
    assert [len(h.also_at) for h in stories.hits] == [1] * stories.total
    assert search(index_dir, "ferry").hits[0].also_at == ()
    # Both copies stay indexed: each is found by its own path.
    assert search(index_dir, "strike", match="any").total == 2


def test_also_at_in_text_and_json_output(copied: tuple[Path, Path]) -> None:
    folder, index_dir = copied
    runner = CliRunner()
    text = runner.invoke(main, ["search", "sandbags", "--index-dir", str(index_dir)])
    assert text.exit_code == 0
    lines = text.stdout.splitlines()
    (also,) = [line for line in lines if line.startswith("     also at: ")]
    shown = {lines[1].rsplit(" · ", 1)[1], also.removeprefix("     also at: ")}
    assert shown == {str(folder / FLOODS), str(folder / COPY)}
    data = json.loads(
        runner.invoke(main, ["search", "sandbags", "--json", "--index-dir", str(index_dir)]).stdout
    )
    assert data["total"] == 1 and len(data["hits"][0]["also_at"]) == 1
