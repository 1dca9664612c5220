"""Command-line habits from grep, ripgrep and notmuch: matching, exit codes, compact output."""

from __future__ import annotations

import json
from pathlib import Path

import click
import pytest
from click.testing import CliRunner, Result

from cli import main

FLOODS = "harbour-dispatch/2024-10-15-floods.txt"
STRIKE = "harbour-dispatch/2024-10-01-strike.txt"


def search(index_dir: Path, *args: str, env: dict[str, str] | None = None) -> Result:
    return CliRunner().invoke(main, ["search", *args, "--index-dir", str(index_dir)], env=env)


def hit_ids(result: Result) -> list[str]:
    return [hit["id"] for hit in json.loads(result.stdout)["hits"]]


def test_match_all_is_the_default_and_any_can_be_asked_for(habits_index: Path) -> None:
    every = search(habits_index, "strike", "ferry", "--json")
    assert hit_ids(every) == [STRIKE]
    assert json.loads(every.stdout)["match"] == "all"
    some = search(habits_index, "strike", "ferry", "--match", "any", "--json")
    assert hit_ids(some) == [STRIKE, FLOODS]
    assert json.loads(some.stdout)["match"] == "any"


def test_match_all_falls_back_to_any_with_a_note(habits_index: Path) -> None:
    result = search(habits_index, "flood", "chip")
    assert result.exit_code == 0
    assert "Note: no issue has all the words: showing those with any of them" in result.stderr
    assert "Floods reach the lower town" in result.stdout


def test_match_explained(habits_index: Path) -> None:
    result = search(habits_index, "strike", "ferry", "--explain")
    assert 'Query: (strike AND ferri){near "strike ferry"~3}' in result.stderr
    result = search(habits_index, "strike", "ferry", "--explain", "--match", "any")
    assert "Query: (strike OR ferri){all words first;" in result.stderr


def test_unknown_match_is_misuse(habits_index: Path) -> None:
    result = search(habits_index, "strike", "--match", "most")
    assert result.exit_code == 2
    assert "'most' is not one of 'all', 'any'" in result.stderr


def test_exit_status_is_one_when_nothing_matches(habits_index: Path) -> None:
    assert search(habits_index, "sandbags").exit_code == 0
    nothing = search(habits_index, "zebra")
    assert nothing.exit_code == 1
    assert nothing.stdout == ""
    assert nothing.stderr == "No issues match 'zebra'.\n"
    assert search(habits_index, "zebra", "--json").exit_code == 1
    assert search(habits_index, "foo:bar").exit_code == 2
    help_text = CliRunner().invoke(main, ["search", "--help"]).stdout
    assert "Exit status: 0 when something matches, 1 when nothing does" in help_text


def test_count_prints_the_total_only(habits_index: Path) -> None:
    result = search(habits_index, "strike", "--count")
    assert (result.exit_code, result.stdout) == (0, "2\n")
    assert search(habits_index, "strike", "--json").stdout.count('"id"') == 2
    none = search(habits_index, "zebra", "--count")
    assert (none.exit_code, none.stdout) == (1, "0\n")


def test_no_snippets(habits_index: Path) -> None:
    result = search(habits_index, "sandbags", "--no-snippets")
    assert result.stdout.splitlines()[0] == "  1. Floods reach the lower town"
    assert "sandbags" not in result.stdout
    assert "sandbags" in search(habits_index, "sandbags").stdout
    data = json.loads(search(habits_index, "sandbags", "--no-snippets", "--json").stdout)
    assert data["hits"][0]["snippets"] == []


def test_format_line(habits_index: Path) -> None:
    result = search(habits_index, "strike", "--format", "line", "--sort", "oldest")
    assert result.exit_code == 0
    rows = [line.split("\t") for line in result.stdout.splitlines()]
    assert [row[:3] for row in rows] == [
        ["2024-10-01", "Harbour Dispatch", "Dockworkers strike closes the harbour"],
        ["2024-10-15", "Harbour Dispatch", "Floods reach the lower town"],
    ]
    assert rows[0][3].endswith(STRIKE) and rows[1][3].endswith(FLOODS)
    assert result.stderr == "1-2 of 2 hits\n"


@pytest.mark.parametrize(
    ("env", "colored"),
    [({}, False), ({"NO_COLOR": "1"}, False), ({"TERM": "dumb"}, False)],
)
def test_colour_off_with_no_color_and_dumb_terminals(
    habits_index: Path, monkeypatch: pytest.MonkeyPatch, env: dict[str, str], colored: bool
) -> None:
    from cli import _use_color

    monkeypatch.delenv("NO_COLOR", raising=False)
    monkeypatch.setenv("TERM", "xterm-256color")
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    monkeypatch.setattr("sys.stdout.isatty", lambda: True)
    assert _use_color(None) is (not env)
    assert _use_color(True) is True  # --color still wins
    result = search(habits_index, "sandbags", env=env)
    assert ("\x1b[" in result.stdout) is colored


def test_dash_h_and_help_text_on_every_option() -> None:
    from cli import main as group

    for name in group.list_commands(click_context()):
        command = group.get_command(click_context(), name)
        assert command is not None
        short = CliRunner().invoke(main, [name, "-h"])
        assert short.exit_code == 0 and short.stdout.startswith("Usage: "), name
        for param in command.params:
            if param.param_type_name == "option":
                assert getattr(param, "help", None), f"{name} {param.name} has no help"
    assert CliRunner().invoke(main, ["-h"]).stdout.startswith("Usage: ")


def click_context() -> click.Context:
    return click.Context(main)


def test_query_help() -> None:
    from search.querytext import QUERY_HELP

    via_option = CliRunner().invoke(main, ["search", "--help-query"])
    via_help = CliRunner().invoke(main, ["help", "query"])
    assert via_option.exit_code == via_help.exit_code == 0
    assert via_option.stdout == via_help.stdout == QUERY_HELP
    assert 'date:"last week"' in QUERY_HELP and "headline:strike" in QUERY_HELP
    search_help = CliRunner().invoke(main, ["help", "search"])
    assert search_help.stdout.startswith("Usage: main search [OPTIONS] WORDS...")
    unknown = CliRunner().invoke(main, ["help", "nope"])
    assert unknown.exit_code == 2 and "ask for one of query, config, help, index" in unknown.stderr


def test_unknown_newsletter_says_did_you_mean(habits_index: Path) -> None:
    result = search(habits_index, "strike", "--newsletter", "Harbor Dispach")
    assert result.exit_code == 1
    assert (
        "Note: no newsletter is called 'Harbor Dispach' (did you mean Harbour Dispatch?)"
        in result.stderr
    )
    result = search(habits_index, "strike", "--author", "Okafr")
    assert "(did you mean Dev Okafor?)" in result.stderr


OSC8 = "\x1b]8;;file://"


@pytest.mark.parametrize("command", ["search", "similar"])
def test_hyperlinks_on_terminals_that_show_them_or_when_asked(
    habits_index: Path, command: str
) -> None:
    args = ["strike"] if command == "search" else [STRIKE]

    def run(*extra: str, env: dict[str, str] | None = None) -> str:
        return (
            CliRunner()
            .invoke(main, [command, *args, "--index-dir", str(habits_index), *extra], env=env)
            .stdout
        )

    others = ("VTE_VERSION", "WT_SESSION", "KITTY_WINDOW_ID", "KONSOLE_VERSION", "DOMTERM")
    known = {"TERM_PROGRAM": "WezTerm", **dict.fromkeys(others, "")}
    assert OSC8 in run("--color", env=known)  # colour on a terminal known to show links
    assert OSC8 not in run("--color", env={**known, "TERM_PROGRAM": "Apple_Terminal"})
    assert OSC8 not in run("--color", "--no-hyperlinks", env=known)
    assert OSC8 not in run(env=known)  # no colour (not a terminal): plain text
    forced = run("--hyperlinks")
    assert OSC8 in forced and "\x1b[1m" not in forced  # links without colour, when asked


def test_index_dir_completes_as_a_directory() -> None:
    # click's bash completion answers "dir," for a directory option: the shell lists folders.
    env = {
        "_NEWSLETTER_SEARCH_COMPLETE": "bash_complete",
        "COMP_WORDS": "newsletter-search search --index-dir ",
        "COMP_CWORD": "3",
    }
    result = CliRunner().invoke(main, [], env=env, prog_name="newsletter-search")
    assert result.stdout.splitlines() == ["dir,"]
