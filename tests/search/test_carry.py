"""Issues carried by their best-matching story: the digest that holds the remembered item first."""

from __future__ import annotations

from pathlib import Path

import pytest
from whoosh import query as wq

from index import build_index
from search import Searcher, matching
from search.carry import best_stories, carried, issue_docnums
from search.evaluate import Evaluator
from search.query import parse_query

FILLER = [
    ("Compiler speeds up generic code", "The new release compiles generic functions faster."),
    ("Async traits stabilised", "Async functions in traits are now stable."),
    ("Package registry outage", "The registry was down for two hours on Tuesday."),
    ("Error messages improved", "Borrow checker errors now point at the right line."),
    ("Embedded working group report", "Microcontroller support keeps growing."),
    ("Web framework benchmark", "Three frameworks compared on request latency."),
    ("Testing tools roundup", "Property testing and snapshot testing libraries."),
    ("Documentation sprint", "Volunteers rewrote the standard library examples."),
]


def _digest(title: str, items: list[tuple[str, str]]) -> str:
    briefs = "\n".join(f"{headline} - {text}" for headline, text in items)
    return (
        f"{title}\nThe week's news in short items.\n"
        "To receive our weekly newsletter, upgrade to a paid Weekly Crate subscription.\n"
        "A short editorial about a quiet week.\nALSO KNOW\n" + briefs + "\n"
    )


ESSAY = """\
Why the lighthouse keeper kept a garden
A long essay about gardens, keepers and the sea.
To receive our weekly newsletter, upgrade to a paid Weekly Crate subscription.
The lighthouse keeper grew beans beside the tower. Gardens by the sea need shelter from salt.
The keeper wrote about the garden in every letter, and about the garden's beans and the wind.
"""


@pytest.fixture(scope="module")
def digests(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("digests")
    folder = root / "weekly-crate"
    folder.mkdir()
    # The remembered item sits among many unrelated ones in a long digest...
    remembered = ("Lighthouse lamp rewritten in Rust", "A volunteer ported the lamp controller.")
    (folder / "2024-01-08-digest.txt").write_text(
        _digest("Weekly Crate 101", [*FILLER * 6, remembered, *FILLER[::-1] * 6]), encoding="utf-8"
    )
    # ...while a short digest holds the same words in passing, in three unrelated items.
    scattered = [
        ("Lighthouse tours resume", "Visitors may climb the tower again."),
        ("Lamp posts repaired", "The harbour road is lit once more."),
        ("Rust on the pier railings", "The council will repaint them in spring."),
    ]
    (folder / "2024-01-15-digest.txt").write_text(
        _digest("Weekly Crate 102", [*FILLER[:2], *scattered]), encoding="utf-8"
    )
    (folder / "2024-01-20-essay.txt").write_text(ESSAY, encoding="utf-8")
    index_dir = root / "index"
    build_index(folder, index_dir, jobs=1)
    return index_dir


def test_the_digest_holding_the_item_ranks_first_and_shows_it(digests: Path) -> None:
    with Searcher(digests) as searcher:
        results = searcher.search("lighthouse lamp rust", timeout=None, match="any")
    assert [hit.id for hit in results.hits] == [
        "2024-01-08-digest.txt",
        "2024-01-15-digest.txt",
        "2024-01-20-essay.txt",
    ]
    first = results.hits[0]
    assert first.story_id == "2024-01-08-digest.txt::49"
    assert first.story_headline == "Lighthouse lamp rewritten in Rust"
    assert first.snippets[0].field == "story"
    story = first.snippets[0]
    assert story.text == "A volunteer ported the lamp controller."
    assert [story.text[span.start : span.end] for span in story.spans] == ["lamp"]


def test_without_stories_the_scattered_digest_would_rank_first(digests: Path) -> None:
    # The measurement behind the design: the issue's own fields alone dilute the item.
    with Searcher(digests) as searcher:
        engine = searcher.engine
        parsed = parse_query("lighthouse lamp rust")
        own = matching.run(engine, parsed.query, [wq.Term("kind", "issue")], "relevance", None)
        ids = [engine.stored_fields(docnum)["id"] for docnum, _ in own.ranked]
    assert ids[:2] == ["2024-01-15-digest.txt", "2024-01-08-digest.txt"]


def test_stories_map_to_their_own_issues(digests: Path) -> None:
    with Searcher(digests) as searcher:
        engine = searcher.engine
        issues = issue_docnums(engine, Evaluator())
        best = best_stories(engine, wq.Every(), [wq.Term("kind", "issue")], None)
        for issue, (story, _) in best.items():
            assert issue in issues
            assert engine.stored_fields(story)["issue_id"] == engine.stored_fields(issue)["id"]


def test_carried_adds_a_weighted_best_story() -> None:
    assert carried({1: 2.0, 5: 1.0}, {1: (3, 4.0)}, weight=0.5) == {1: 4.0, 5: 1.0}
