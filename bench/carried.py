"""A bench-local ranker that lets an issue's best-matching story carry it (for known_item)."""

# The product ranks issues by their own fields only; a long digest's many unrelated words then
# dilute the one story that matches. This prototype scores, for each issue:
#
#     issue tier   1 when the issue holds every query word (the product's all-words tier)
#     issue bm25   the issue's own score without the tier (BM25F over its fields, proximity)
#     story tier   1 when one of its stories holds every query word
#     story bm25   its best story's score without the tier
#
# and ranks by a combination of them (VARIANTS). Scores come from the engine with the queries
# `parse_query` builds, under the filters `Searcher.search` uses, so the "issue" variant ranks as
# the product does today (known_item checks it).

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

# How many issues and stories to score per query (more than any archive here has issues).
ISSUE_POOL = 1000
STORY_POOL = 1000


@dataclass(frozen=True)
class Parts:
    """What an issue's combined score is made of (see the module comment)."""

    issue_tier: bool
    issue_bm25: float
    story_tier: bool
    story_bm25: float


def _scored(engine: Any, query: Any, kind: str, pool: int, key: str) -> dict[str, float]:
    """Document `key` (id or issue_id) -> best score, over the top `pool` documents of `kind`.

    whoosh's top-k collector, not the product's exhaustive `search.matching`: a word like "rust"
    matches nearly every one of This Week in Rust's 50,000 stories, and scoring each of them in
    Python took seconds a query. The top documents and their scores are the same (known_item
    checks the resulting rankings against `Searcher.search`).
    """
    from whoosh import query as wq

    from search.expand import expand

    expanded, _ = expand(query, engine.reader())
    found = engine.search(expanded, filter=wq.Term("kind", kind), limit=pool)
    out: dict[str, float] = {}
    for hit in found:
        name = hit[key]
        out[name] = max(out.get(name, 0.0), float(hit.score))
    return out


def issue_parts(engine: Any, text: str) -> dict[str, Parts]:
    """Issue id -> Parts, for every issue or story among the best matches of `text`."""
    from index.fields import KIND_ISSUE, KIND_STORY
    from search.query import ALL_WORDS_BONUS, parse_query

    # Any word, with the all-words tier: the documents holding every word rank first, in the
    # order the default (match="all") gives them; a known item's issue holds them all.
    tiered: dict[str, Any] = {"match": "any"}
    plain: dict[str, Any] = {"match": "any", "all_words_bonus": 0.0}
    tiered_i = _scored(engine, parse_query(text, **tiered).query, KIND_ISSUE, ISSUE_POOL, "id")
    plain_i = _scored(engine, parse_query(text, **plain).query, KIND_ISSUE, ISSUE_POOL, "id")
    story = parse_query(text, stories=True, **tiered).query
    tiered_s = _scored(engine, story, KIND_STORY, STORY_POOL, "issue_id")
    story_plain = parse_query(text, stories=True, **plain).query
    plain_s = _scored(engine, story_plain, KIND_STORY, STORY_POOL, "issue_id")
    half = ALL_WORDS_BONUS / 2
    return {
        issue: Parts(
            tiered_i.get(issue, 0.0) - plain_i.get(issue, 0.0) > half,
            plain_i.get(issue, 0.0),
            tiered_s.get(issue, 0.0) - plain_s.get(issue, 0.0) > half,
            plain_s.get(issue, 0.0),
        )
        for issue in {*plain_i, *plain_s}
    }


Key = Callable[[Parts], tuple[float, ...]]


def _today(p: Parts) -> tuple[float, ...]:
    return (p.issue_tier, p.issue_bm25)


def _max(weight: float) -> Key:
    return lambda p: (p.issue_tier, max(p.issue_bm25, weight * p.story_bm25))


def _sum(weight: float) -> Key:
    return lambda p: (p.issue_tier, p.issue_bm25 + weight * p.story_bm25)


def _story_tier_max(weight: float) -> Key:
    return lambda p: (p.story_tier, p.issue_tier, max(p.issue_bm25, weight * p.story_bm25))


def _story_tier_sum(weight: float) -> Key:
    return lambda p: (p.story_tier, p.issue_tier, p.issue_bm25 + weight * p.story_bm25)


def _best_story(p: Parts) -> tuple[float, ...]:
    return (p.story_tier, p.story_bm25)


def _product(p: Parts) -> tuple[float, ...]:
    """search/carry.py: the issue's score plus STORY_WEIGHT times its best story's, both tiered."""
    from search.carry import STORY_WEIGHT
    from search.query import ALL_WORDS_BONUS

    issue = ALL_WORDS_BONUS * p.issue_tier + p.issue_bm25
    return (issue + STORY_WEIGHT * (ALL_WORDS_BONUS * p.story_tier + p.story_bm25),)


ISSUES = "issue + 0.25 x story (the product, search/carry.py)"
STORIES = "best story only (--stories)"
VARIANTS: dict[str, Key] = {
    ISSUES: _product,
    "issue only (before search/carry.py)": _today,
    STORIES: _best_story,
    **{f"max(issue, {w:g} x story)": _max(w) for w in (1.0, 2.0, 3.0)},
    **{f"issue + {w:g} x story": _sum(w) for w in (0.5, 1.0, 2.0)},
    **{f"story tier, then max(issue, {w:g} x story)": _story_tier_max(w) for w in (1.0, 2.0)},
    **{f"story tier, then issue + {w:g} x story": _story_tier_sum(w) for w in (0.25, 0.5, 1.0)},
}


def rank(parts: dict[str, Parts], key: Key) -> list[str]:
    """Issue ids best first under `key` (ties: by id, for a stable order)."""
    return sorted(parts, key=lambda issue: (tuple(-v for v in key(parts[issue])), issue))
