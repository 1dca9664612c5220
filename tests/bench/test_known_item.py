"""The known-item benchmark's generator and a tiny end-to-end run of every system."""

from __future__ import annotations

from pathlib import Path

import pytest

from bench.carried import ISSUES, STORIES
from bench.known_item import (
    KnownItem,
    content_words,
    generate,
    html_items,
    main,
    markdown_items,
    outcome,
)

ISSUE_ONE = """Title: This Week in Rust 1
Date: 2024-01-03

## Updates from Rust Community
<!--
* [Title of the Linked Page](https://example.com/my_article)
-->
* [Fearless concurrency with crossbeam channels](https://example.com/a)
* [video] [Writing a tiny kernel in Rust](https://example.com/b)
* [Shared title everywhere](https://example.com/c)
"""
ISSUE_TWO = """Title: This Week in Rust 2
Date: 2024-01-10

## Updates from Rust Community
* [Shared title everywhere](https://example.com/c)
* [Borrow checker puzzles for the holidays](https://example.com/d)
* [2024](https://example.com/e)
"""
HASKELL = """<html><body><nav><a href="/">Haskell Weekly</a></nav>
<h1>Issue 7 <small><time>2019-03-14</time></small></h1><h2>Featured</h2><ul>
<li><p><a href="https://example.com/x">The <code>Task</code> abstraction</a> by Someone</p>
<blockquote><p>Build systems.</p></blockquote></li>
<li><p>No link here</p></li></ul></body></html>"""


def test_markdown_items_skip_editor_comments_and_tags() -> None:
    assert markdown_items(ISSUE_ONE) == [
        "Fearless concurrency with crossbeam channels",
        "Writing a tiny kernel in Rust",
        "Shared title everywhere",
    ]


def test_html_items_take_each_list_item_first_web_link() -> None:
    assert html_items(HASKELL) == ["The Task abstraction"]


def test_content_words_drop_stop_words_numbers_and_repeats() -> None:
    assert content_words("Writing a tiny kernel in Rust 2024, in Rust") == [
        "writing",
        "tiny",
        "kernel",
        "rust",
    ]


def test_generate_picks_titles_found_in_no_other_issue() -> None:
    issues = {"one.md": ISSUE_ONE, "two.md": ISSUE_TWO}
    items = generate(issues, "markdown", 10, seed=1)
    assert sorted(item.issue for item in items) == ["one.md", "two.md"]
    for item in items:
        assert item.title != "Shared title everywhere"  # in both issues
        assert item.title in issues[item.issue]
        words = item.query.split()
        assert 2 <= len(words) <= 4
        assert set(words) <= set(content_words(item.title))
    assert generate(issues, "markdown", 10, seed=1) == items  # reproducible
    assert len(generate(issues, "markdown", 1, seed=1)) == 1


def test_outcome_metrics() -> None:
    items = [KnownItem("a", "", "q"), KnownItem("b", "", "q"), KnownItem("c", "", "q")]
    got = outcome([["a"], ["x", "b"], ["x"]], items, 2.0)
    assert got.mrr == pytest.approx((1 + 0.5 + 0) / 3)
    assert got.success1 == pytest.approx(1 / 3)
    assert got.success10 == pytest.approx(2 / 3)


def test_a_tiny_archive_end_to_end(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    folder = tmp_path / "this-week-in-rust"
    folder.mkdir()
    (folder / "one.md").write_text(ISSUE_ONE, encoding="utf-8")
    (folder / "two.md").write_text(ISSUE_TWO, encoding="utf-8")
    argv = ["--corpus", str(tmp_path), "--archive", "twir", "--count", "2"]
    assert main([*argv, "--workdir", str(tmp_path / "work")]) == 0
    out = capsys.readouterr().out
    assert "Note:" not in out  # the engine-level rankings are Searcher.search's
    rows = [line.split(" | ") for line in out.splitlines() if line.startswith("| twir")]
    systems = {row[1]: row for row in rows}
    assert {ISSUES, STORIES, "bm25 raw"} <= set(systems)
    # Two issues, unique titles: every system finds each target first.
    assert all(row[2] == "1.0000" for row in rows)
    assert main(["--corpus", str(tmp_path / "nowhere")]) == 2
