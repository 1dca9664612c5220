"""OpenSearchSearcher: the Searcher's `search()` over an index kept in an OpenSearch cluster.

The query is parsed once (search.query.parse_query: explanation, notes, what to highlight) and
its tree compiled to the query DSL (search.opensearch_dsl); hits come back as the same Results
and Hit values, their snippets made from the stored text exactly as for whoosh (search.hits).
"""

from __future__ import annotations

import datetime as dt
from types import TracebackType
from typing import Any

from index.documents import opened_fields, story_parts
from index.engines.location import DEFAULT_INDEX_NAME, DEFAULT_URL
from index.engines.opensearch_engine import connect, written
from index.errors import IndexMissingError, IndexUnusableError, IssueNotFoundError, QueryError
from index.fields import KIND_ISSUE, KIND_STORY, default_weights, schema_field
from index.stopwords import STOP_WORDS
from search.carry import STORY_WEIGHT
from search.hits import build_hit
from search.model import Results
from search.opensearch_dsl import DslCompiler, author_filter, date_range, newsletter_filter
from search.opensearch_facets import facet_aggs, facets_of
from search.opensearch_inspect import ClusterInspection
from search.opensearch_suggest import suggest_on_cluster
from search.options import DEFAULT_TIMEOUT, MAX_LIMIT, SUGGEST_BELOW, check_options
from search.query import (
    ALL_WORDS_BONUS,
    DEFAULT_MATCH,
    PROXIMITY_BOOST,
    PROXIMITY_SLOP,
    check_match,
    parse_query,
)
from search.querytree import parse_tree

__all__ = ["OpenSearchSearcher"]

_SORTS: dict[str, list[Any]] = {
    # The better match first on the same day; undated last either way; then a stable order.
    "relevance": ["_score", {"id": "asc"}],
    "newest": [{"date": {"order": "desc", "missing": "_last"}}, "_score", {"id": "asc"}],
    "oldest": [{"date": {"order": "asc", "missing": "_last"}}, "_score", {"id": "asc"}],
}


# Issues ranked with their stories (search/carry.py) when a query matches at most this many; a
# broader query is ranked by the issues' own scores (OpenSearch's order), as a note says.
CARRY_LIMIT = 10_000

_WRITTEN = frozenset(written(name) for name in opened_fields())


def _stored(source: dict[str, Any]) -> dict[str, Any]:
    """A hit's `_source` as whoosh's stored fields look (search.hits.build_hit reads those)."""
    stored = {key: value for key, value in source.items() if key not in _WRITTEN}
    for name in opened_fields():
        if written(name) in source:
            stored[name] = source[written(name)]
    if stored.get("date"):
        stored["date"] = dt.datetime.fromisoformat(stored["date"])
    return stored


class OpenSearchSearcher(ClusterInspection):
    """Search an OpenSearch index: `OpenSearchSearcher(url=..., index_name=...).search(...)`."""

    def __init__(self, url: str = DEFAULT_URL, index_name: str = DEFAULT_INDEX_NAME) -> None:
        from opensearchpy.exceptions import ConnectionError as OSConnectionError

        self.url, self.index_name = url, index_name
        self._client = connect(url)
        try:
            exists = self._client.indices.exists(index=index_name)
        except OSConnectionError as error:
            raise IndexUnusableError(f"No OpenSearch answers at {url}: {error}") from None
        if not exists:
            raise IndexMissingError(
                f"No OpenSearch index {index_name!r} at {url}: build it with `newsletter-search "
                f"index FOLDER --engine opensearch --url {url} --index-name {index_name}`."
            )

    def __enter__(self) -> OpenSearchSearcher:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        self.close()

    def close(self) -> None:
        """Close the client's connections."""
        self._client.close()

    def search(
        self,
        query: str,
        *,
        limit: int = 10,
        page: int = 1,
        since: dt.date | None = None,
        until: dt.date | None = None,
        newsletter: str | None = None,
        author: str | None = None,
        sort: str = "relevance",
        facets: bool = False,
        stories: bool = False,
        today: dt.date | None = None,
        timeout: float | None = DEFAULT_TIMEOUT,
        match: str = DEFAULT_MATCH,
    ) -> Results:
        """As search.Searcher.search (same arguments, same Results)."""
        check_options(limit, page, sort, timeout)
        check_match(match)
        today = today or dt.date.today()
        parsed = parse_query(query, today=today, stories=stories, match=match)
        kind = KIND_STORY if stories else KIND_ISSUE
        filters: list[Any] = [{"term": {"kind": kind}}]
        window = date_range(since, until)
        if window is not None:
            filters.append(window)
        if newsletter:
            filters.append(newsletter_filter(newsletter))
        if author:
            filters.append(author_filter(author))
        empty = Results(
            query=parsed.text,
            total=0,
            page=page,
            limit=limit,
            hits=(),
            explanation=parsed.explanation,
            notes=parsed.notes,
            sort=sort,
            stories=stories,
            match=match,
        )
        if parsed.is_empty:
            return empty
        core = self._compile(query, today, kind, match)
        if core is None:
            return empty
        offset = (page - 1) * limit
        body: dict[str, Any] = {
            "query": {"bool": {"must": [core], "filter": filters}},
            "from": offset,
            "size": limit,
            "track_total_hits": True,
            "track_scores": True,
            "sort": _SORTS[sort],
        }
        if timeout is not None:
            body["timeout"] = f"{int(timeout * 1000)}ms"
        if facets:
            body["aggs"] = facet_aggs()
        answer = self._run(body)
        total = int(answer["hits"]["total"]["value"])
        notes = list(parsed.notes)
        asked = match
        if match == "all" and not total and not answer.get("timed_out"):
            # As search.Searcher: no document has all the words, so those with any of them.
            anyway = parse_query(query, today=today, stories=stories, match="any")
            loose = self._compile(query, today, kind, "any")
            if loose is not None and anyway.explanation != parsed.explanation:
                body["query"]["bool"]["must"] = [loose]
                answer = self._run(body)
                total = int(answer["hits"]["total"]["value"])
                if total:
                    parsed, match = anyway, "any"
                    what = "story" if stories else "issue"
                    notes = [
                        *anyway.notes,
                        f"no {what} has all the words: showing those with any of them",
                    ]
        if answer.get("timed_out"):
            notes.append(
                f"stopped after {timeout:g} s: hits and total are from part of the index "
                "(narrow the query, or allow more time)"
            )
        last_page = max(1, -(-total // limit))
        if total and page > last_page:
            notes.append(f"page {page} is past the last page ({last_page})")
        found: list[tuple[dict[str, Any], float, dict[str, Any] | None]] = [
            (hit["_source"], float(hit.get("_score") or 0.0), None)
            for hit in answer["hits"]["hits"]
        ]
        if not stories and sort == "relevance" and total and not answer.get("timed_out"):
            if total <= CARRY_LIMIT:
                found = self._carried(body, query, today, match, filters, offset, limit)
            else:
                notes.append(
                    f"over {CARRY_LIMIT:,} issues match: ranked by their own text, not by "
                    "their best-matching stories (narrow the query to rank by stories too)"
                )
        hits = tuple(
            build_hit(
                _stored(source),
                score=score,
                rank=offset + n + 1,
                terms=parsed.highlight,
                phrases=parsed.phrases,
                story=_stored(story) if story else None,
            )
            for n, (source, score, story) in enumerate(found)
        )
        suggestion = None
        # As search.Searcher: when nothing had all the words, a correction that finds some
        # with all of them is worth offering, however many the any-word fallback found.
        shown = 0 if match != asked else total
        if shown < SUGGEST_BELOW and parsed.words and not answer.get("timed_out"):

            def count(text: str) -> int:
                again = self._compile(text, today, kind, asked)
                if again is None:
                    return 0
                body = {"query": {"bool": {"must": [again], "filter": filters}}, "size": 0}
                found = self._run({**body, "track_total_hits": True})
                return int(found["hits"]["total"]["value"])

            suggestion = suggest_on_cluster(
                self._client, self.index_name, parsed, shown, count, kind
            )
        return Results(
            query=query,
            total=total,
            page=page,
            limit=limit,
            hits=hits,
            explanation=parsed.explanation,
            notes=tuple(notes),
            suggestion=suggestion,
            facets=facets_of(answer["aggregations"]) if facets else {},
            sort=sort,
            stories=stories,
            match=match,
        )

    def _carried(
        self,
        body: dict[str, Any],
        query: str,
        today: dt.date,
        match: str,
        filters: list[Any],
        offset: int,
        limit: int,
    ) -> list[tuple[dict[str, Any], float, dict[str, Any] | None]]:
        """The page of issues ranked with their best-matching story, as search/carry.py ranks.

        Every matching issue's score, plus STORY_WEIGHT times its best story's (the stories
        matching the same query within the same filters); the best brief goes with its hit.
        """
        # Ids from doc values, not stored fields: fetching thousands of hits' stored _id was
        # most of a broad query's time.
        no_stored = {"stored_fields": "_none_", "docvalue_fields": ["id"]}
        everything = {
            "query": body["query"],
            "from": 0,
            "size": CARRY_LIMIT,
            **no_stored,
            "sort": ["_score", {"id": "asc"}],
        }
        hits = self._run(everything)["hits"]["hits"]
        scores = {h["fields"]["id"][0]: float(h["_score"]) for h in hits}
        best: dict[str, tuple[float, str]] = {}
        story_core = self._compile(query, today, KIND_STORY, match)
        if story_core is not None and scores:
            # Each issue's best story, by field collapsing on the issue: one pass over the
            # matching stories (top_hits per issue took seconds to minutes: bench/compare.py).
            in_issues = [
                {"term": {"kind": KIND_STORY}},
                *filters[1:],
                {"terms": {"issue_id": list(scores)}},
            ]
            stories_body = {
                "query": {"bool": {"must": [story_core], "filter": in_issues}},
                "collapse": {"field": "issue_id"},
                "size": len(scores),
                **no_stored,
                "sort": [{"_score": "desc"}, {"id": "asc"}],
                "track_scores": True,
            }
            for hit in self._run(stories_body)["hits"]["hits"]:
                # A collapsed hit carries its group's key too.
                fields = hit["fields"]
                best[fields["issue_id"][0]] = (float(hit["_score"]), fields["id"][0])
        carried = {
            doc_id: score + STORY_WEIGHT * best[doc_id][0] if doc_id in best else score
            for doc_id, score in scores.items()
        }
        ranked = sorted(carried.items(), key=lambda item: (-item[1], item[0]))
        page = ranked[offset : offset + limit]
        if not page:
            return []
        # The page's issues and their best stories, in one request.
        wanted = [doc_id for doc_id, _ in page] + [best[i][1] for i, _ in page if i in best]
        fetched = self._client.mget(index=self.index_name, body={"ids": wanted})
        sources = {doc["_id"]: doc["_source"] for doc in fetched["docs"] if doc.get("found")}
        stories = {i: sources.get(best[i][1]) for i, _ in page if i in best}
        out: list[tuple[dict[str, Any], float, dict[str, Any] | None]] = []
        for doc_id, score in page:
            story = stories.get(doc_id)
            # The lead story is the issue itself: not shown apart (as search.Searcher).
            if story is not None and str(story.get("id", "")).endswith("::0"):
                story = None
            if doc_id in sources:
                out.append((sources[doc_id], score, story))
        return out

    @staticmethod
    def _compile(query: str, today: dt.date, kind: str, match: str) -> Any:
        """The query DSL of a query text (None: nothing to search for)."""
        compiler = DslCompiler(
            default_weights(kind),
            kind=kind,
            all_words_bonus=ALL_WORDS_BONUS,
            proximity_boost=PROXIMITY_BOOST,
            proximity_slop=PROXIMITY_SLOP,
            match_all=match == "all",
        )
        core, _ = compiler.seq(parse_tree(query, today).tree, positive=True)
        return core

    def _run(self, body: dict[str, Any]) -> Any:
        from opensearchpy.exceptions import RequestError

        try:
            return self._client.search(index=self.index_name, body=body)
        except RequestError as error:
            # A query OpenSearch refuses (too many clauses, too costly): the user's to change.
            raise QueryError(f"OpenSearch refused the query: {error.error}") from None

    def similar(self, id_or_path: str, *, limit: int = 10, terms: int = 25) -> Results:
        """Issues most like the given one (stories like a given story), itself excluded.

        OpenSearch's more_like_this over the document's headline, body and briefs: up to `terms`
        of its most characteristic words (stop words left out); `total` is the hits returned.
        """
        if not 1 <= limit <= MAX_LIMIT:
            raise QueryError(f"limit must be 1 to {MAX_LIMIT}.")
        doc = self.document(id_or_path)
        kind = doc.get("kind", KIND_ISSUE)
        names = ("headline", "body", "brief_headlines", "briefs")
        fields = [field for name in names if (field := schema_field(name, kind))]
        like = {
            "fields": fields,
            "like": [{"_index": self.index_name, "_id": doc["id"]}],
            "min_term_freq": 1,
            "min_doc_freq": 1,
            "max_query_terms": terms,
            "stop_words": sorted(STOP_WORDS),
        }
        body = {
            "query": {
                "bool": {
                    "must": [{"more_like_this": like}],
                    "filter": [{"term": {"kind": kind}}],
                    "must_not": [{"term": {"id": doc["id"]}}],
                }
            },
            "size": limit,
        }
        hits = tuple(
            build_hit(
                _stored(hit["_source"]),
                score=float(hit.get("_score") or 0.0),
                rank=n + 1,
                terms={},
                phrases=(),
            )
            for n, hit in enumerate(self._run(body)["hits"]["hits"])
        )
        return Results(
            query=f"similar:{doc['id']}",
            total=len(hits),
            page=1,
            limit=limit,
            hits=hits,
            explanation=f"more like this: up to {terms} key terms of {', '.join(fields)}",
            stories=kind == KIND_STORY,
        )

    def document(self, id_or_path: str) -> dict[str, Any]:
        """The stored fields of one issue (by id or source path) or story (by story id)."""
        body = {
            "query": {
                "bool": {
                    "should": [
                        {"term": {"id": id_or_path}},
                        {
                            "bool": {
                                "filter": [
                                    {"term": {"path": id_or_path}},
                                    {"term": {"kind": KIND_ISSUE}},
                                ]
                            }
                        },
                    ]
                }
            },
            "size": 1,
        }
        hits = self._run(body)["hits"]["hits"]
        if not hits:
            what = "story" if story_parts(id_or_path) else "issue"
            raise IssueNotFoundError(f"No indexed {what} has the id or path {id_or_path!r}.")
        return _stored(hits[0]["_source"])
