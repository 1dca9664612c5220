"""The Searcher: opens an index, runs queries, and turns whoosh hits into plain result values."""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path
from types import TracebackType
from typing import Any

from whoosh import query as wq
from whoosh import sorting

from index import stemming
from index.errors import IssueNotFoundError, QueryError
from index.schema import KIND_ISSUE, KIND_STORY, STORY_FIELDS
from index.stopwords import STOP_WORDS
from index.storage import open_index
from search.highlight import make_snippets
from search.locate import default_index_dir
from search.model import FacetCount, Hit, Results
from search.query import (
    DEFAULT_WEIGHTS,
    NAME_FIELDS,
    ParsedQuery,
    author_filter,
    date_filter,
    newsletter_filter,
    parse_query,
)
from search.scoring import weighting
from search.suggest import suggest_query

SORTS = ("relevance", "newest", "oldest")
FACETS = ("newsletter", "author", "month")
# Fields that snippets come from, in order of preference, and whether their terms are stemmed.
_SNIPPET_FIELDS = (
    ("body", True),
    ("standfirst", True),
    ("brief_headlines", True),
    ("briefs", True),
    ("sections", True),
    ("byline", False),
)
_DISPLAY_FIELDS = ("headline", *(name for name, _ in _SNIPPET_FIELDS))
_LIST_FIELDS = frozenset({"brief_headlines", "briefs", "sections"})
# When fewer hits than this are found, a spelling suggestion is looked for.
_SUGGEST_BELOW = 3


class Searcher:
    """Search an index directory: `with Searcher(index_dir) as s: s.search("north korea")`."""

    def __init__(self, index_dir: str | os.PathLike[str] | None = None) -> None:
        self.index_dir = Path(index_dir or default_index_dir()).expanduser().resolve()
        # open_index retries when a concurrent sync or rebuild moves files mid-open, and turns
        # any damage into IndexUnusableError with the rebuild hint.
        # mmap=False: whoosh would otherwise copy every segment's term file into memory on open,
        # which costs a one-query CLI run more than the query (bench/speed.py).
        opened = open_index(self.index_dir, mmap=False)
        self.manifest, self._index, self._searcher = opened.manifest, opened.index, opened.searcher
        self._searcher.weighting = weighting()
        stemming.register_table(opened.store / stemming.STEM_TABLE_NAME)

    def __enter__(self) -> Searcher:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        self.close()

    def close(self) -> None:
        """Release the index's files."""
        self._searcher.close()
        self._index.close()

    @property
    def engine(self) -> Any:
        """The underlying whoosh searcher (for the package's own modules)."""
        return self._searcher

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
    ) -> Results:
        """Run a query and return one page of ranked hits (see `search.query` for the language)."""
        if limit < 1 or page < 1:
            raise QueryError("limit and page must be 1 or more.")
        if sort not in SORTS:
            raise QueryError(f"Unknown sort {sort!r}: use one of {', '.join(SORTS)}.")
        parsed = parse_query(query, today=today, stories=stories)
        kind = KIND_STORY if stories else KIND_ISSUE
        clauses: list[Any] = [wq.Term("kind", kind)]
        window = date_filter(since, until)
        if window is not None:
            clauses.append(window)
        if newsletter:
            clauses.append(newsletter_filter(newsletter))
        if author:
            clauses.append(author_filter(author))
        filters = wq.And(clauses)
        if parsed.is_empty:
            return _empty(parsed, page, limit, sort, stories)
        # whoosh miscounts when matched terms are recorded or blocks are skipped, so the total
        # (and the facets) come from a counting pass of their own.
        counting: dict[str, Any] = {"filter": filters, "limit": 1, "optimize": False}
        if facets:
            counting["groupedby"] = {
                "newsletter": sorting.FieldFacet("newsletter_key"),
                "author": sorting.FieldFacet("authors", allow_overlap=True),
                "month": sorting.FieldFacet("month"),
            }
            counting["maptype"] = sorting.Count
        counted = self._searcher.search(parsed.query, **counting)
        total = len(counted)
        options: dict[str, Any] = {"filter": filters, "terms": True}
        if sort != "relevance":
            options["sortedby"] = sorting.FieldFacet("date", reverse=sort == "newest")
        found: Any = []
        offset = (page - 1) * limit
        if offset < total:
            found = self._searcher.search_page(parsed.query, page, pagelen=limit, **options)
            offset = found.offset
        hits = tuple(
            self._hit(hit.results, hit, parsed, offset + n + 1) for n, hit in enumerate(found)
        )
        suggestion = None
        if total < _SUGGEST_BELOW and parsed.words:
            suggestion = suggest_query(self._searcher, parsed, total, filters)
        return Results(
            query=query,
            total=total,
            page=page,
            limit=limit,
            hits=hits,
            explanation=parsed.explanation,
            notes=parsed.notes,
            suggestion=suggestion,
            facets=self._facets(counted) if facets else {},
            sort=sort,
            stories=stories,
        )

    def _hit(self, results: Any, hit: Any, parsed: ParsedQuery | None, rank: int) -> Hit:
        stored = hit.fields()
        # Story documents keep their text in fields of their own (index.schema.STORY_FIELDS);
        # snippets and hits name the fields as issues do.
        story = stored.get("kind") == KIND_STORY
        own = {name: (STORY_FIELDS.get(name, name) if story else name) for name in _DISPLAY_FIELDS}
        logical = {field: name for name, field in own.items()}
        phrases = parsed.phrases if parsed else ()
        # A word matched only as part of a phrase is highlighted only where the phrase occurs.
        phrase_only = {word for phrase in phrases for word in phrase}
        singles = parsed.highlight if parsed else {}
        matched: dict[str, set[str]] = {}
        if results.has_matched_terms():
            for field, term in hit.matched_terms():
                value = term.decode("utf-8") if isinstance(term, bytes) else str(term)
                if value in phrase_only and value not in singles.get(field, frozenset()):
                    continue
                matched.setdefault(logical.get(field, field), set()).add(value)
        texts = [
            (name, _joined(name, stored.get(own[name], "") or ""), stemmed)
            for name, stemmed in _SNIPPET_FIELDS
        ]
        snippets = make_snippets(
            texts,
            {name: frozenset(terms) for name, terms in matched.items()},
            phrases,
        )
        when = stored.get("date")
        return Hit(
            id=stored["id"],
            kind=stored.get("kind", KIND_ISSUE),
            path=stored.get("path", ""),
            newsletter=stored.get("newsletter", ""),
            headline=stored.get(own["headline"], "") or "",
            byline=stored.get(own["byline"], "") or "",
            date=when.date() if isinstance(when, dt.datetime) else None,
            score=round(float(hit.score or 0.0), 4),
            rank=rank,
            snippets=snippets,
            issue_id=stored.get("issue_id", ""),
            issue_headline=stored.get("issue_headline", ""),
            link=stored.get("link", "") or "",
            number=stored.get("number"),
        )

    def _facets(self, results: Any) -> dict[str, tuple[FacetCount, ...]]:
        out: dict[str, tuple[FacetCount, ...]] = {}
        for name in FACETS:
            counts: dict[Any, int] = results.groups(name)
            labelled = [
                FacetCount(self._facet_label(name, key), count)
                for key, count in counts.items()
                if key not in (None, "", b"")
            ]
            if name == "month":
                labelled.sort(key=lambda c: c.value, reverse=True)
            else:
                labelled.sort(key=lambda c: (-c.count, c.value))
            out[name] = tuple(labelled)
        return out

    def _facet_label(self, name: str, key: Any) -> str:
        value = key.decode("utf-8") if isinstance(key, bytes) else str(key)
        if name == "newsletter":
            doc = self._searcher.document(newsletter_key=value)
            return str(doc["newsletter"]) if doc else value
        if name == "author":
            doc = self._searcher.document(authors=value)
            for author in str((doc or {}).get("authors", "")).split(","):
                if author.strip().lower() == value:
                    return author.strip()
        return value

    def document(self, id_or_path: str) -> dict[str, Any]:
        """The stored fields of one issue, by id or by source path."""
        doc = self._searcher.document(id=id_or_path, kind=KIND_ISSUE)
        if doc is None:
            path = str(Path(id_or_path).expanduser().resolve())
            doc = self._searcher.document(path=path, kind=KIND_ISSUE)
        if doc is None:
            raise IssueNotFoundError(
                f"No indexed issue has the id or path {id_or_path!r}. Ids are paths relative to "
                "the indexed folder; `newsletter-search search --format paths QUERY` lists paths."
            )
        return dict(doc)

    def similar(self, id_or_path: str, *, limit: int = 10, terms: int = 25) -> Results:
        """Issues most like the given one, the issue itself excluded.

        The issue's key terms (tf-idf over its headline, body and brief headlines, stop words
        and numbers left out) are searched for in every text field, each weighted by how
        characteristic it is; `total` is the number of hits returned.
        """
        doc = self.document(id_or_path)
        scores: dict[str, float] = {}
        for field in ("headline", "body", "brief_headlines", "briefs"):
            text = doc.get(field) or ""
            if not text:
                continue
            # Ask for more than needed: stop words and numbers say nothing of what an issue is
            # about, yet in short texts they rank high.
            for term, score in self._searcher.key_terms_from_text(field, text, numterms=terms * 2):
                if term not in STOP_WORDS and not term.isdigit() and len(term) > 1:
                    scores[term] = scores.get(term, 0.0) + float(score)
        key_terms = sorted(scores.items(), key=lambda item: (-item[1], item[0]))[:terms]
        picked = [
            wq.Term(field, term, boost=weight * score)
            for term, score in key_terms
            for field, weight in DEFAULT_WEIGHTS.items()
            if field not in NAME_FIELDS and weight > 0
        ]
        label = f"similar:{doc['id']}"
        if not picked:
            return Results(query=label, total=0, page=1, limit=limit, hits=())
        found = self._searcher.search(
            wq.Or(picked),
            limit=limit,
            filter=wq.Term("kind", KIND_ISSUE),
            mask=wq.Term("id", doc["id"]),
            terms=True,
        )
        hits = tuple(self._hit(found, hit, None, n + 1) for n, hit in enumerate(found))
        return Results(
            query=label,
            total=len(hits),
            page=1,
            limit=limit,
            hits=hits,
            explanation="key terms: " + " ".join(term for term, _ in key_terms),
        )


def _joined(field: str, text: str) -> str:
    """Stored list fields hold one item a line: show them as separate items in snippets."""
    if field in _LIST_FIELDS:
        return " · ".join(line.strip() for line in text.splitlines() if line.strip())
    return text


def _empty(parsed: ParsedQuery, page: int, limit: int, sort: str, stories: bool) -> Results:
    return Results(
        query=parsed.text,
        total=0,
        page=page,
        limit=limit,
        hits=(),
        explanation=parsed.explanation,
        notes=parsed.notes,
        sort=sort,
        stories=stories,
    )


def search(index_dir: str | os.PathLike[str] | None, query: str, **options: Any) -> Results:
    """One call: open the index, run one query, close it."""
    with Searcher(index_dir) as searcher:
        return searcher.search(query, **options)


__all__ = ["FACETS", "SORTS", "Searcher", "search"]
