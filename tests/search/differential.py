"""Comparing the product's results with the oracle's: set, total, pages, order. Exact equality."""

from __future__ import annotations

import datetime as dt
import itertools
import traceback
from pathlib import Path
from typing import Any

from search import Results, Searcher
from tests.search.oracle import Node, Not, Oracle

# The aspects a comparison checks, each reported on its own (they fail for different reasons).
ASPECTS = ("runs", "set", "total", "pages", "order")
PAGE = 7
MAX_PAGES = 4  # beyond this many pages of PAGE hits, pages grow so paging stays quick (CI time)


def compare(
    searcher: Searcher,
    oracle: Oracle,
    text: str,
    tree: Node,
    options: dict[str, Any],
    today: dt.date,
    *,
    aspects: tuple[str, ...] = ASPECTS,
) -> dict[str, str]:
    """aspect -> what went wrong, for each aspect in which the product differs from the oracle.

    Only `aspects` are checked ("runs", "set" and "total" always are).
    """
    search_options = {k: v for k, v in options.items() if k != "sort"}
    expected = oracle.search(tree, **search_options)
    sort = options.get("sort", "relevance")
    problems: dict[str, str] = {}
    try:
        full = searcher.search(
            # The oracle reads juxtaposed words as any of them.
            text,
            limit=len(expected) + 50,
            sort=sort,
            today=today,
            match="any",
            **search_options,
        )
    except Exception as error:  # the product must not raise on a valid query
        # Nothing else can be checked: every aspect fails (and none passes by default).
        where = traceback.extract_tb(error.__traceback__)[-3:]
        at = " <- ".join(f"{Path(f.filename).name}:{f.lineno}" for f in reversed(where))
        return dict.fromkeys(ASPECTS, f"raises {type(error).__name__}: {error} (at {at})")
    # Copies in byte-identical files show once: compare on the id standing for all copies.
    expected = {oracle.canonical(doc_id) for doc_id in expected}
    ids = [oracle.canonical(hit.id) for hit in full.hits]
    # A prefix or fuzzy pattern naming too many words is cut to the most frequent ones, with a
    # note (issue 15 defect 6): then the hits are a part of the oracle's set, and the total is
    # what paging reaches.
    if any("most frequent" in note for note in full.notes):
        expected = set(ids) if set(ids) <= expected or _negated(tree) else expected
    if set(ids) != expected:
        missing, extra = sorted(expected - set(ids)), sorted(set(ids) - expected)
        problems["set"] = f"missing {len(missing)} {missing[:3]}, extra {len(extra)} {extra[:3]}"
    if full.total != len(expected):
        problems["total"] = f"total {full.total}, oracle {len(expected)}"
    if "pages" in aspects:
        paged = [
            oracle.canonical(doc_id)
            for doc_id in _pages(searcher, text, sort, today, search_options, len(expected))
        ]
        if len(ids) != len(set(ids)) or paged != ids:
            lost, twice = set(ids) - set(paged), len(paged) - len(set(paged))
            problems["pages"] = f"pages lose {len(lost)} hits {sorted(lost)[:2]}, repeat {twice}"
    order = _order_problem(full, sort) if "order" in aspects else ""
    if order:
        problems["order"] = order
    return problems


def _negated(node: Node) -> bool:
    """Whether the tree excludes something (a cut pattern there widens the hits instead)."""
    if isinstance(node, Not):
        return True
    children = getattr(node, "children", ()) or ((node.child,) if hasattr(node, "child") else ())
    return any(_negated(child) for child in children)


def _pages(
    searcher: Searcher,
    text: str,
    sort: str,
    today: dt.date,
    options: dict[str, Any],
    count: int,
) -> list[str]:
    limit = max(PAGE, -(-count // MAX_PAGES))
    ids: list[str] = []
    page = 1
    while True:
        try:
            results = searcher.search(
                text, limit=limit, page=page, sort=sort, today=today, match="any", **options
            )
        except Exception as error:
            return [f"<{type(error).__name__} on page {page}>"]
        ids += [hit.id for hit in results.hits]
        if len(results.hits) < limit or page > count // limit + 2:
            return ids
        page += 1


def _order_problem(results: Results, sort: str) -> str:
    hits = results.hits
    for before, after in itertools.pairwise(hits):
        if sort == "relevance":
            if after.score > before.score:
                return f"score rises: {before.id} {before.score} < {after.id} {after.score}"
            continue
        if before.date is None:
            if after.date is not None:
                return f"undated {before.id} before dated {after.id}"
        elif after.date is not None and after.date != before.date:
            rising = after.date > before.date
            if rising != (sort == "oldest"):
                return f"dates out of order: {before.id} {before.date}, {after.id} {after.date}"
        if before.date == after.date and after.score > before.score:
            return f"tie on {before.date} not by relevance: {before.id} then {after.id}"
    return ""
