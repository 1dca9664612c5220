"""The command line, through click's CliRunner: exit codes, stdout and stderr apart."""

from __future__ import annotations

import json
from pathlib import Path

import click
import pytest
from click.testing import CliRunner

from cli import main
from index import build_index
from index.errors import NothingIndexedError
from tests.search.conftest import write_archive


@pytest.fixture(scope="module")
def indexed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("cli")
    folder = write_archive(root)
    index_dir = root / "index"
    result = CliRunner().invoke(main, ["index", str(folder), "--index-dir", str(index_dir)])
    assert result.exit_code == 0, result.stderr
    assert result.stdout == ""
    assert "6 issues" in result.stderr and "6 added" in result.stderr
    return index_dir


def run(*args: str) -> object:
    return CliRunner().invoke(main, list(args))


def test_search_text_output(indexed: Path) -> None:
    result = CliRunner().invoke(main, ["search", "sandbags", "--index-dir", str(indexed)])
    assert result.exit_code == 0
    lines = result.stdout.splitlines()
    assert lines[0] == "  1. Floods reach the lower town"
    assert lines[1].startswith("     Harbour Dispatch · 2024-10-15 · ")
    assert lines[1].endswith("harbour-dispatch/2024-10-15-floods.txt")
    assert "volunteers filled sandbags." in lines[2]
    assert "\x1b[" not in result.stdout  # no colour when not a terminal
    assert result.stderr == "1-1 of 1 hits\n"


def test_several_words_form_one_query_and_color_can_be_forced(indexed: Path) -> None:
    result = CliRunner().invoke(
        main, ["search", "filled", "sandbags", "--color", "--index-dir", str(indexed)]
    )
    assert result.exit_code == 0
    assert click.style("sandbags", bold=True, fg="yellow") in result.stdout
    assert click.style("filled", bold=True, fg="yellow") in result.stdout
    assert "Did you mean" not in result.stdout


def test_search_json_shape(indexed: Path) -> None:
    result = CliRunner().invoke(
        main, ["search", "north korean troops", "--json", "--index-dir", str(indexed)]
    )
    assert result.exit_code == 0
    data = json.loads(result.stdout)
    assert data["query"] == "north korean troops"
    assert data["total"] == 2
    hit = data["hits"][0]
    assert set(hit) >= {"id", "path", "newsletter", "headline", "byline", "date", "score"}
    assert hit["id"] == "the-circuit/2024-11-18-troops.txt"
    assert hit["date"] == "2024-11-18"
    snippet = hit["snippets"][0]
    assert set(snippet) == {"field", "text", "spans"}
    start, end = snippet["spans"][0]
    assert snippet["text"][start:end] == "North"


def test_jsonl_and_paths_formats(indexed: Path) -> None:
    jsonl = CliRunner().invoke(
        main, ["search", "troops", "--format", "jsonl", "--index-dir", str(indexed)]
    )
    rows = [json.loads(line) for line in jsonl.stdout.splitlines()]
    assert [row["rank"] for row in rows] == [1, 2]
    paths = CliRunner().invoke(
        main, ["search", "troops", "--format", "paths", "--index-dir", str(indexed)]
    )
    assert [Path(p).name for p in paths.stdout.splitlines()] == [
        "2024-11-18-troops.txt",
        "2024-12-02-scattered.txt",
    ]


def test_index_dir_from_environment(indexed: Path) -> None:
    result = CliRunner(env={"NEWSLETTER_SEARCH_INDEX": str(indexed)}).invoke(
        main, ["search", "sandbags", "--format", "paths"]
    )
    assert result.exit_code == 0
    assert result.stdout.strip().endswith("2024-10-15-floods.txt")


def test_search_without_index_says_how_to_build_one(tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["search", "x", "--index-dir", str(tmp_path / "none")])
    assert result.exit_code == 1
    assert result.stdout == ""
    assert "No index at" in result.stderr
    assert "newsletter-search index FOLDER --index-dir" in result.stderr


def test_malformed_query_is_misuse(indexed: Path) -> None:
    result = CliRunner().invoke(main, ["search", "colour:red", "--index-dir", str(indexed)])
    assert result.exit_code == 2
    assert result.stdout == ""
    assert 'Unknown field "colour"' in result.stderr


def test_no_hits_goes_to_stderr(indexed: Path) -> None:
    result = CliRunner().invoke(main, ["search", "zeppelin", "--index-dir", str(indexed)])
    assert result.exit_code == 1  # nothing matched, as grep says it
    assert result.stdout == ""
    assert "No issues match 'zeppelin'." in result.stderr


def test_explain_and_suggestion(indexed: Path) -> None:
    result = CliRunner().invoke(
        main, ["search", "harbor", "--explain", "--index-dir", str(indexed)]
    )
    assert result.exit_code == 1  # no hit, only a suggestion
    assert result.stdout.startswith("Did you mean: harbour?")
    assert result.stderr.startswith("Query: ")


def test_show_prints_every_field(tmp_path: Path) -> None:
    folder = write_archive(tmp_path)
    path = folder / "harbour-dispatch/2024-10-01-strike.txt"
    result = CliRunner().invoke(main, ["show", str(path), "--json"])
    assert result.exit_code == 0
    data = json.loads(result.stdout)
    assert data["headline"] == "Dockworkers strike closes the harbour"
    assert data["date"] == "2024-10-01"
    assert [b["headline"] for b in data["briefs"]] == ["Ferry timetable cut", "Fish market reopens"]
    text = CliRunner().invoke(main, ["show", str(path)])
    assert text.exit_code == 0
    assert "headline: Dockworkers strike closes the harbour" in text.stdout
    assert "briefs: 2" in text.stdout


def test_show_unknown_target(tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["show", str(tmp_path / "missing.txt")])
    assert result.exit_code == 1
    assert "neither a file nor the id" in result.stderr


def test_similar_command(indexed: Path) -> None:
    result = CliRunner().invoke(
        main,
        [
            "similar",
            "harbour-dispatch/2024-10-01-strike.txt",
            "--format",
            "paths",
            "--index-dir",
            str(indexed),
        ],
    )
    assert result.exit_code == 0
    assert result.stdout.splitlines()[0].endswith("2024-10-15-floods.txt")


def test_index_of_folder_with_nothing_indexable_fails(tmp_path: Path) -> None:
    folder = tmp_path / "empty"
    folder.mkdir()
    (folder / "blank.txt").write_text("   \n", encoding="utf-8")
    result = CliRunner().invoke(main, ["index", str(folder), "--index-dir", str(tmp_path / "i")])
    assert result.exit_code == 1
    assert "Nothing could be indexed" in result.stderr
    assert "blank.txt: empty file" in result.stderr
    # The same through Python: one behaviour, through the exception tree.
    with pytest.raises(NothingIndexedError, match=r"blank\.txt: empty file"):
        build_index(folder, tmp_path / "j")


def test_usage_error_is_exit_2() -> None:
    result = CliRunner().invoke(main, ["search"])
    assert result.exit_code == 2
    assert "Missing argument" in result.stderr


def test_an_index_inside_its_folder_does_not_index_itself(tmp_path: Path) -> None:
    folder = write_archive(tmp_path)
    index_dir = folder / "search-index"
    runner = CliRunner()
    first = runner.invoke(main, ["index", str(folder), "--index-dir", str(index_dir)])
    assert first.exit_code == 0, first.stderr
    again = runner.invoke(main, ["index", str(folder), "--index-dir", str(index_dir), "--json"])
    assert again.exit_code == 0, again.stderr
    report = json.loads(again.stdout)
    assert (report["added"], report["unchanged"], report["skipped"]) == (0, 6, [])


def test_an_archive_given_as_index_dir_is_not_offered_as_one(tmp_path: Path) -> None:
    folder = write_archive(tmp_path)
    result = CliRunner().invoke(main, ["search", "harbour", "--index-dir", str(folder)])
    assert result.exit_code == 1
    assert f"{folder} holds files but no index" in result.stderr
    assert f"newsletter-search index {folder} --index-dir INDEX_DIR" in result.stderr
    assert f"FOLDER --index-dir {folder}" not in result.stderr
