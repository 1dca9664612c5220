"""The Searcher: opens an index, runs queries, and turns whoosh hits into plain result values."""

from __future__ import annotations

import dataclasses
import datetime as dt
import functools
import os
import time
from pathlib import Path
from types import TracebackType
from typing import Any

from whoosh import query as wq

from index import stemming
from index.documents import story_parts
from index.errors import IssueNotFoundError, QueryError
from index.fields import KIND_ISSUE, KIND_STORY
from index.folders import folder_of
from index.storage import open_index
from index.store import writer_active
from search import carry, matching
from search.duplicates import Duplicates
from search.evaluate import Evaluator
from search.expand import expand
from search.facets import FACETS, facet_counts, facet_label
from search.filternotes import unknown_filter_notes
from search.hits import build_hit
from search.local_inspect import LocalInspection
from search.locate import default_index_dir
from search.model import Hit, Results
from search.options import (
    DEFAULT_TIMEOUT,
    MAX_LIMIT,
    SORTS,
    SUGGEST_BELOW,
    check_options,
)
from search.query import (
    DEFAULT_MATCH,
    ParsedQuery,
    author_filter,
    date_filter,
    newsletter_filter,
    parse_query,
)
from search.scoring import weighting
from search.similar import similar_to
from search.suggest import suggest_query
from search.undated import Undated

# An issue's docnum -> its best-matching story's (docnum, score) (search/carry.py).
StoriesOf = dict[int, tuple[int, float]]


class Searcher(LocalInspection):
    """Search an index directory: `with Searcher(index_dir) as s: s.search("north korea")`."""

    def __init__(self, index_dir: str | os.PathLike[str] | None = None) -> None:
        self.index_dir = Path(index_dir or default_index_dir()).expanduser().resolve()
        # open_index retries when a concurrent sync or rebuild moves files mid-open, and turns
        # any damage into IndexUnusableError with the rebuild hint.
        # Segment files are read through memory maps, not copied (index/mapped.py).
        opened = open_index(self.index_dir)
        self.manifest, self._index, self._searcher = opened.manifest, opened.index, opened.searcher
        self._searcher.weighting = weighting()
        # A first build publishes its checkpoints before it is done: say so in every answer.
        self._partial_note: str | None = None
        if self.manifest.last_sync is None:
            if writer_active(self.index_dir):
                self._partial_note = (
                    "the first build of this index is still running: results cover the issues "
                    "indexed so far"
                )
            else:
                self._partial_note = (
                    "the first build of this index was interrupted: results cover the issues "
                    "indexed so far; sync the index again to finish it"
                )
        stemming.register_table(opened.store / stemming.STEM_TABLE_NAME)
        self._duplicates = Duplicates(opened.store, opened.generation)
        # Field lengths read once per segment, for every search of this snapshot.
        self._evaluator = Evaluator()
        self._undated = Undated()

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
        timeout: float | None = DEFAULT_TIMEOUT,
        match: str = DEFAULT_MATCH,
    ) -> Results:
        """Run a query and return one page of ranked hits (see `search.query` for the language).

        `total` counts every hit the query has, and the pages of `limit` hits cut exactly that
        list. With `sort` newest or oldest, hits run by date, the better match first on the same
        day, undated issues last. A search running past `timeout` seconds stops and answers from
        what it has seen, with a note (None: no limit). With `match` "all" (the default) every
        word must match; when no document has them all, the hits are those of "any", with a
        note, and `Results.match` says which mode found them.
        """
        check_options(limit, page, sort, timeout)
        deadline = None if timeout is None else time.monotonic() + timeout
        parsed = parse_query(query, today=today, stories=stories, match=match)
        kind = KIND_STORY if stories else KIND_ISSUE
        filters: list[Any] = [wq.Term("kind", kind)]
        window = date_filter(since, until)
        if window is not None:
            filters.append(window)
        if newsletter:
            filters.append(newsletter_filter(newsletter))
        if author:
            filters.append(author_filter(author))
        if parsed.is_empty:
            return _empty(parsed, page, limit, sort, stories, match)
        expanded, expansion = expand(parsed.query, self._searcher.reader())
        matched, stories_of = self._matched(
            query, expanded, filters, sort, deadline, today, stories, match
        )
        fallback = None
        if match == "all" and not matched.ranked and matched.complete:
            fallback = self._any_words(parsed, today, stories, filters, sort, deadline)
        if fallback is not None:
            parsed, (expanded, expansion), (matched, stories_of) = fallback
            match = "any"
        # Byte-identical files are one issue: the best-ranked copy stands for the others.
        collapsed = self._duplicates.collapse(self._searcher, matched.ranked)
        matched = dataclasses.replace(matched, ranked=collapsed.ranked)
        total = len(matched.ranked)
        notes = [*parsed.notes, *expansion.notes]
        if fallback is not None:
            what = "story" if stories else "issue"
            notes.append(f"no {what} has all the words: showing those with any of them")
        if self._partial_note:
            notes.insert(0, self._partial_note)
        if not matched.complete:
            notes.append(
                f"stopped after {timeout:g} s: hits and total are from part of the index "
                "(narrow the query, or allow more time)"
            )
        if window is not None and matched.complete:
            left_out = self._undated.note(
                self._searcher, expanded, filters, window, deadline, self._evaluator
            )
            if left_out:
                notes.append(left_out)
        if not total and (newsletter or author):
            notes.extend(
                unknown_filter_notes(
                    self._searcher,
                    filters[0],
                    newsletter,
                    author,
                    functools.partial(facet_label, self._searcher),
                )
            )
        offset = (page - 1) * limit
        last_page = max(1, -(-total // limit))
        if total and page > last_page:
            notes.append(f"page {page} is past the last page ({last_page})")
        terms = dict(parsed.highlight)
        for name, words in expansion.terms.items():
            terms[name] = terms.get(name, frozenset()) | frozenset(words)
        hits = tuple(
            build_hit(
                self._searcher.stored_fields(docnum),
                score=score,
                rank=offset + n + 1,
                terms=terms,
                phrases=parsed.phrases,
                story=self._story(stories_of.get(docnum), docnum),
            )
            for n, (docnum, score) in enumerate(matched.ranked[offset : offset + limit])
        )
        if collapsed.also:
            hits = tuple(self._with_copies(hit, collapsed.also) for hit in hits)
        hits = self._in_folders(hits)
        suggestion = None
        # When no document had all the words, a correction that finds some with all of them
        # is worth offering, however many hits the any-word fallback found.
        asked = "all" if fallback is not None else match
        shown_total = 0 if fallback is not None else total
        if shown_total < SUGGEST_BELOW and parsed.words:

            def count(text: str) -> int:
                again = parse_query(text, today=today, stories=stories, match=asked)
                if again.is_empty:
                    return 0
                query, _ = expand(again.query, self._searcher.reader())
                found = matching.run(
                    self._searcher, query, filters, "relevance", None, self._evaluator
                )
                return len(found.ranked)

            suggestion = suggest_query(self._searcher, parsed, shown_total, count, kind)
        return Results(
            query=query,
            total=total,
            page=page,
            limit=limit,
            hits=hits,
            explanation=parsed.explanation,
            notes=tuple(notes),
            suggestion=suggestion,
            facets=facet_counts(self._searcher, matched.ranked) if facets else {},
            sort=sort,
            stories=stories,
            match=match,
            folders=tuple(folder.path for folder in self.manifest.folders),
        )

    def _in_folders(self, hits: tuple[Hit, ...]) -> tuple[Hit, ...]:
        """The hits, each naming the indexed folder its file lies in."""
        folders = self.manifest.folders
        placed = []
        for hit in hits:
            found = folder_of(hit.id, folders)
            placed.append(dataclasses.replace(hit, folder=found[0].path) if found else hit)
        return tuple(placed)

    def _story(self, best: tuple[int, float] | None, issue: int) -> dict[str, Any] | None:
        """The stored fields of an issue's best-matching brief, shown with the issue's hit.

        The lead story is the issue itself, so it is not shown apart.
        """
        if best is None:
            return None
        stored = dict(self._searcher.stored_fields(best[0]))
        if str(stored.get("id", "")).endswith("::0"):
            return None
        issue_id = self._searcher.stored_fields(issue).get("id")
        # The story must belong to the issue (search/carry.py relies on document order).
        return stored if stored.get("issue_id") == issue_id else None

    def _matched(
        self,
        query: str,
        expanded: Any,
        filters: list[Any],
        sort: str,
        deadline: float | None,
        today: dt.date | None,
        stories: bool,
        match: str,
    ) -> tuple[matching.Matched, StoriesOf]:
        """The documents a compiled query matches, ranked; issues carried by their best story."""
        scores, complete = matching.collect(
            self._searcher,
            expanded,
            matching.allowed(self._searcher, filters, self._evaluator),
            deadline,
            self._evaluator,
        )
        stories_of: StoriesOf = {}
        if not stories and scores:
            # Issues are carried by their best-matching story (search/carry.py).
            story_parsed = parse_query(query, today=today, stories=True, match=match)
            if not story_parsed.is_empty:
                story_query, _ = expand(story_parsed.query, self._searcher.reader())
                stories_of = carry.best_stories(
                    self._searcher, story_query, filters, deadline, self._evaluator, scores.keys()
                )
                scores = carry.carried(scores, stories_of)
        return matching.Matched(matching.order(self._searcher, scores, sort), complete), stories_of

    def _with_copies(self, hit: Hit, also: dict[int, list[int]]) -> Hit:
        """The hit with the paths of the identical files it stands for."""
        docnum = self._searcher.document_number(id=hit.id)
        copies = also.get(docnum, [])
        if not copies:
            return hit
        paths = tuple(str(self._searcher.stored_fields(other).get("path", "")) for other in copies)
        return dataclasses.replace(hit, also_at=paths)

    def _any_words(
        self,
        strict: ParsedQuery,
        today: dt.date | None,
        stories: bool,
        filters: list[Any],
        sort: str,
        deadline: float | None,
    ) -> tuple[ParsedQuery, tuple[Any, Any], tuple[matching.Matched, StoriesOf]] | None:
        """The any-word reading of a query that matched nothing with all words, if it finds any."""
        parsed = parse_query(strict.text, today=today, stories=stories, match="any")
        if parsed.is_empty or parsed.explanation == strict.explanation:
            return None
        expanded = expand(parsed.query, self._searcher.reader())
        found = self._matched(
            strict.text, expanded[0], filters, sort, deadline, today, stories, "any"
        )
        return (parsed, expanded, found) if found[0].ranked else None

    def document(self, id_or_path: str) -> dict[str, Any]:
        """The stored fields of one issue (by id or source path) or story (by story id)."""
        doc = self._searcher.document(id=id_or_path)
        if doc is None:
            path = str(Path(id_or_path).expanduser().resolve())
            doc = self._searcher.document(path=path, kind=KIND_ISSUE)
        if doc is None:
            what = "story" if story_parts(id_or_path) else "issue"
            raise IssueNotFoundError(
                f"No indexed {what} has the id or path {id_or_path!r}. Ids are paths relative to "
                "the indexed folder (stories add ::N); search results list them."
            )
        return dict(doc)

    def similar(self, id_or_path: str, *, limit: int = 10, terms: int = 25) -> Results:
        """Issues most like the given one (stories like a given story), itself excluded.

        The document's key terms (tf-idf over its headline, body and briefs, stop words and
        numbers left out) are searched for in every text field, each weighted by how
        characteristic it is; `total` is the number of hits returned.
        """
        if not 1 <= limit <= MAX_LIMIT:
            raise QueryError(f"limit must be 1 to {MAX_LIMIT}.")
        found = similar_to(self._searcher, self.document(id_or_path), limit, terms, self._evaluator)
        folders = tuple(folder.path for folder in self.manifest.folders)
        return dataclasses.replace(found, hits=self._in_folders(found.hits), folders=folders)


def _empty(
    parsed: ParsedQuery, page: int, limit: int, sort: str, stories: bool, match: str
) -> Results:
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
        match=match,
    )


def search(index_dir: str | os.PathLike[str] | None, query: str, **options: Any) -> Results:
    """One call: open the index, run one query, close it."""
    with Searcher(index_dir) as searcher:
        return searcher.search(query, **options)


__all__ = ["DEFAULT_TIMEOUT", "FACETS", "MAX_LIMIT", "SORTS", "Searcher", "check_options", "search"]
