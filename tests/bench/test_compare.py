"""The speed benchmark (bench/compare.py): its corpus, query mix, results file, and a tiny run."""

from __future__ import annotations

from pathlib import Path

import pytest

from bench.compare import main
from bench.compare_corpus import MIX, make_queries, raw_docs, write_corpus
from bench.compare_engines import fts5_match, tantivy_text, whoosh_text
from bench.compare_ours import ours_text
from bench.compare_report import update_results
from index import parse_issue


def test_generated_corpus_without_bbc_parses_into_dated_issues_with_briefs(tmp_path: Path) -> None:
    described = write_corpus(tmp_path, 10, seed=3, source=tmp_path / "absent")
    assert described.startswith("generated text")
    files = sorted(tmp_path.rglob("*.txt"))
    assert len(files) == 10
    issue = parse_issue(files[0])
    assert issue.date is not None and issue.headline
    assert len(issue.briefs) == 3
    assert 700 <= len(issue.body.split()) <= 2000


def test_same_seed_same_corpus_and_queries(tmp_path: Path) -> None:
    for name in ("a", "b"):
        write_corpus(tmp_path / name, 12, seed=5, source=tmp_path / "absent")
    a, b = raw_docs(tmp_path / "a"), raw_docs(tmp_path / "b")
    assert a == b
    queries = make_queries(a, 230, seed=5)
    assert queries == make_queries(b, 230, seed=5)
    assert {q.kind for q in queries} == set(MIX)
    assert len(queries) >= 200


def test_one_query_rendered_for_each_engine(tmp_path: Path) -> None:
    write_corpus(tmp_path, 12, seed=5, source=tmp_path / "absent")
    queries = make_queries(raw_docs(tmp_path), 230, seed=5)
    phrase = next(q for q in queries if q.kind == "phrase")
    joined = " ".join(phrase.words)
    assert ours_text(phrase) == f'"{joined}"' == whoosh_text(phrase) == fts5_match(phrase)
    field = next(q for q in queries if q.kind == "field" and len(q.words) == 2)
    first, second = field.words
    assert ours_text(field) == f"headline:({first} {second})"
    assert fts5_match(field) == f'headline : ("{first}" OR "{second}")'
    assert tantivy_text(field) == f"headline:{first} headline:{second}"


def test_results_file_keeps_other_sections_and_replaces_its_own(tmp_path: Path) -> None:
    results = tmp_path / "RESULTS.md"
    update_results(results, "one", "## one\n\nfirst\n")
    update_results(results, "two", "## two\n\nsecond\n")
    update_results(results, "one", "## one\n\nagain\n")
    text = results.read_text(encoding="utf-8")
    assert text.startswith("# Speed benchmark results")
    assert "again" in text and "first" not in text and "second" in text
    assert text.index("## one") < text.index("## two")


@pytest.mark.slow
def test_a_tiny_run_measures_every_engine(tmp_path: Path) -> None:
    lines: list[str] = []
    results = tmp_path / "RESULTS.md"
    figures = main(
        [
            "--issues",
            "30",
            "--queries",
            "12",
            "--repeat",
            "1",
            "--cli-runs",
            "1",
            "--jobs",
            "1",
            "--work",
            str(tmp_path / "work"),
            "--results",
            str(results),
        ],
        echo=lines.append,
    )
    text = results.read_text(encoding="utf-8")
    assert "## 30 generated issues" in text and lines[0] in text
    assert {"ours", "SQLite FTS5", "bare whoosh"} <= set(figures.warm)
    for name, warm in figures.warm.items():
        assert warm["failed"] == 0, name
        assert warm["with_hits"] >= 10, name  # every engine finds the words drawn from its text
        assert warm["snippets"]["p50"] > 0
    assert figures.builds["ours, jobs 1"]["issues"] == 30
    assert figures.builds["SQLite FTS5"]["issues"] == 30
    assert len(figures.cold) == 3
    assert figures.imports["nltk"] is False  # a CLI search must not import nltk
