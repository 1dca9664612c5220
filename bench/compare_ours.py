"""The speed benchmark's engine "ours": the project's own build, Searcher and CLI.

Everything goes through the public paths a user takes: `index.build_index`/`sync_index`,
`search.Searcher.search`, and `python -m cli search` as a whole process. `BARE_ON_OURS` is what a
plain whoosh user would write against the same store, for the CLI's cold-start comparison.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from bench.compare_corpus import BenchQuery

LIMIT = 10
Runner = Callable[[BenchQuery, bool], int]


def ours_text(query: BenchQuery) -> str:
    """The query in our query language (options such as sort are passed separately)."""
    if query.phrase:
        text = '"' + " ".join(query.words) + '"'
    elif query.field:
        inner = " ".join(query.words)
        text = f"{query.field}:({inner})" if len(query.words) > 1 else f"{query.field}:{inner}"
    else:
        text = " ".join(query.words)
    return text


def ours_options(query: BenchQuery) -> dict[str, Any]:
    return {
        "limit": LIMIT,
        "sort": "newest" if query.newest else "relevance",
        "stories": query.stories,
        "facets": query.facets,
        # Dates as the --since/--until options: in the query text (`word date:2024-10`) they
        # crash whoosh 2.7.5 (RequireMatcher.skip_to_quality asserts), reported to the lead.
        "since": query.since,
        "until": query.until,
    }


class Ours:
    name = "ours"

    def build(self, folder: Path, where: Path, jobs: int) -> int:
        from index import build_index

        return build_index(folder, where, jobs=jobs).issues

    def open(self, where: Path) -> tuple[Runner, Callable[[], None]]:
        from search import Searcher

        searcher = Searcher(where)
        # Every module of ours that calls make_snippets (where it lives moves as search/ evolves).
        users = [
            module
            for name, module in list(sys.modules.items())
            if name.startswith("search.")
            and name != "search.highlight"
            and hasattr(module, "make_snippets")
        ]
        real = users[0].make_snippets

        def run(query: BenchQuery, snippets: bool) -> int:
            # Without snippets: the same Searcher.search with snippet making left out.
            for module in users:
                module.make_snippets = real if snippets else _no_snippets
            try:
                return searcher.search(ours_text(query), **ours_options(query)).total
            finally:
                for module in users:
                    module.make_snippets = real

        return run, searcher.close

    def sync_one(self, folder: Path, where: Path, relpath: str) -> None:
        from index import sync_index

        sync_index(folder, where)

    def cold(self, where: Path, query: BenchQuery) -> list[str]:
        return [
            sys.executable,
            "-m",
            "cli",
            "search",
            "--index-dir",
            str(where),
            "--no-color",
            ours_text(query),
        ]


def _no_snippets(*args: Any, **kwargs: Any) -> tuple[()]:
    return ()


# A plain whoosh script on our store: parse with whoosh's own parser, search, highlight the body.
BARE_ON_OURS = """
import sys
from whoosh import index, query
from whoosh.qparser import MultifieldParser, OrGroup
ix = index.open_dir(sys.argv[1])
with ix.searcher() as s:
    q = MultifieldParser(["headline", "body"], ix.schema, group=OrGroup).parse(sys.argv[2])
    r = s.search(q, limit=10, filter=query.Term("kind", "issue"))
    for hit in r:
        print(hit["headline"], hit.highlights("body"))
"""


# The OpenSearch node the benchmark talks to (set by bench.compare --opensearch; children inherit).
OPENSEARCH_URL_VAR = "BENCH_OPENSEARCH_URL"
OPENSEARCH_INDEX_VAR = "BENCH_OPENSEARCH_INDEX"
OPENSEARCH_INDEX = "bench-compare"


class OursOnOpenSearch:
    """The same product paths with the index in OpenSearch (index.sync_into, open_searcher)."""

    name = "ours on OpenSearch"

    @staticmethod
    def location() -> Any:
        import os

        from index import Location

        name = os.environ.get(OPENSEARCH_INDEX_VAR, OPENSEARCH_INDEX)
        return Location(url=os.environ[OPENSEARCH_URL_VAR], index_name=name)

    def build(self, folder: Path, where: Path, jobs: int) -> int:
        from index import sync_into

        where.mkdir(parents=True, exist_ok=True)
        issues: int = sync_into(self.location(), folder, rebuild=True).issues
        return issues

    def size_mb(self) -> float:
        """Primary store size of the index (after a flush): what a node keeps on disk for it."""
        from index.engines.opensearch_engine import connect

        location = self.location()
        client = connect(location.url)
        client.indices.flush(index=location.index_name)
        stats = client.indices.stats(index=location.index_name, metric="store")
        return float(stats["_all"]["primaries"]["store"]["size_in_bytes"]) / 1e6

    def open(self, where: Path) -> tuple[Runner, Callable[[], None]]:
        from search import open_searcher

        searcher = open_searcher(self.location())

        def run(query: BenchQuery, snippets: bool) -> int:
            # OpenSearch highlights inside the search request: with or without, the same call.
            return searcher.search(ours_text(query), **ours_options(query)).total

        return run, searcher.close

    def sync_one(self, folder: Path, where: Path, relpath: str) -> None:
        from index import sync_into

        sync_into(self.location(), folder)

    def cold(self, where: Path, query: BenchQuery) -> list[str]:
        location = self.location()
        return [
            sys.executable,
            "-m",
            "cli",
            "search",
            "--engine",
            "opensearch",
            "--url",
            location.url,
            "--index-name",
            location.index_name,
            "--no-color",
            ours_text(query),
        ]
