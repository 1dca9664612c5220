"""The settings file: defaults for index, format, colour and match, below options and env."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from cli import main
from index.errors import ConfigError
from search.settings import read_config


def settings_file(tmp_path: Path, text: str) -> dict[str, str]:
    path = tmp_path / "config.toml"
    path.write_text(text, encoding="utf-8")
    return {"NEWSLETTER_SEARCH_CONFIG": str(path), "NEWSLETTER_SEARCH_INDEX": ""}


def test_settings_give_defaults_that_options_override(habits_index: Path, tmp_path: Path) -> None:
    env = settings_file(
        tmp_path, f'index_dir = "{habits_index}"\nformat = "line"\nmatch = "any"\ncolor = true\n'
    )
    runner = CliRunner()
    result = runner.invoke(main, ["search", "strike", "ferry"], env=env)
    assert result.exit_code == 0, result.stderr
    lines = result.stdout.splitlines()
    assert len(lines) == 2 and all(line.count("\t") == 3 for line in lines)  # line, any word
    given = runner.invoke(main, ["search", "strike", "ferry", "--format", "text"], env=env)
    assert given.stdout.startswith("  1. \x1b[1m")  # colour from the file, format from the option
    strict = runner.invoke(main, ["search", "strike", "ferry", "--match", "all"], env=env)
    assert len(strict.stdout.splitlines()) == 1
    # The environment variable overrides the file's index too.
    elsewhere = runner.invoke(
        main, ["search", "strike"], env={**env, "NEWSLETTER_SEARCH_INDEX": str(tmp_path / "no")}
    )
    assert elsewhere.exit_code == 1 and "No index" in elsewhere.stderr


def test_config_command_shows_the_file_and_its_settings(tmp_path: Path) -> None:
    env = settings_file(tmp_path, 'match = "any"\ncolor = false\n')
    result = CliRunner().invoke(main, ["config"], env=env)
    assert result.exit_code == 0
    assert result.stdout.splitlines()[:3] == [
        f"Settings file: {tmp_path / 'config.toml'}",
        '  match = "any"',
        "  color = false",
    ]
    missing = {"NEWSLETTER_SEARCH_CONFIG": str(tmp_path / "none.toml")}
    assert "(none yet)" in CliRunner().invoke(main, ["config"], env=missing).stdout


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('colour = "always"', "Unknown setting 'colour'"),
        ('format = "xml"', "must be one of text, line, json, jsonl, paths, not 'xml'"),
        ("color = 1", "must be true or false"),
        ("match = [", "is not valid TOML"),
        ('folders = "~/a"', "must be a list of paths"),
    ],
)
def test_bad_settings_are_misuse_with_the_file_named(
    tmp_path: Path, text: str, message: str
) -> None:
    env = settings_file(tmp_path, text)
    result = CliRunner().invoke(main, ["search", "strike"], env=env)
    assert result.exit_code == 2
    assert message in result.stderr and str(tmp_path / "config.toml") in result.stderr
    with pytest.raises(ConfigError, match=message.replace("[", r"\[")):
        read_config(tmp_path / "config.toml")


def test_read_config(tmp_path: Path) -> None:
    assert read_config(tmp_path / "absent.toml") == {}
    path = tmp_path / "config.toml"
    path.write_text('index_dir = "~/idx"\nmatch = "all"\nfolders = ["~/a"]\n', encoding="utf-8")
    assert read_config(path) == {
        "index_dir": str(Path.home() / "idx"),
        "match": "all",
        "folders": [str(Path.home() / "a")],
    }


def test_the_settings_file_can_keep_the_index_in_opensearch(tmp_path: Path) -> None:
    env = settings_file(
        tmp_path, 'engine = "opensearch"\nurl = "http://127.0.0.1:9"\nindex_name = "letters"\n'
    )
    # Nothing answers at port 9: the error names the engine, URL and index from the file.
    for command in (["search", "strike"], ["stats"], ["show", "x"], ["index", str(tmp_path)]):
        result = CliRunner().invoke(main, command, env=env)
        assert result.exit_code == 1, (command, result.output)
        assert "http://127.0.0.1:9" in result.stderr, command
    bad = settings_file(tmp_path, 'engine = "solr"\n')
    result = CliRunner().invoke(main, ["search", "strike"], env=bad)
    assert result.exit_code == 2 and "must be one of whoosh, opensearch" in result.stderr
