"""The two systems the relevance benchmark compares: our search, and plain BM25 (bm25s)."""

# Ours: each document is written as a plain-text issue (title line, blank line, text), indexed
# with `index.build_index` and searched with `search.Searcher.search`, as users do. Settings
# (field weight, all-words tier, proximity, BM25 k1 and b) are passed to `parse_query` and the
# searcher's weighting from here: the product's code is not edited to try them.

from __future__ import annotations

import contextlib
import re
import statistics
import time
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any
from unittest import mock

from bench.irdata import Collection, Document, squash
from bench.metrics import LIMIT

# The words of a query, as the index tokenizes them (inner apostrophes kept).
_WORD = re.compile(r"\w+(?:['’]\w+)*")


def sanitize_query(text: str) -> str:
    """Keep the words of a natural-language query only, lower-cased, separated by spaces.

    The query language gives `"`, `(`, `-`, `*`, `:`, `?` and upper-case AND/OR/NOT a meaning;
    a user asking these questions would type the words, so the benchmark passes just the words.
    """
    return " ".join(word.lower() for word in _WORD.findall(text))


def content_words(text: str) -> list[str]:
    """The words of a query that are searched: its words less stop words, each once."""
    from index.stopwords import STOP_WORDS

    words = [word.lower() for word in _WORD.findall(text)]
    return list(dict.fromkeys(word for word in words if word not in STOP_WORDS))


def document_file_text(doc: Document, *, title_in_body: bool = False) -> str:
    """A document as a plain-text issue: the title line, a blank line, the text on one line.

    Without a title the text alone is written, and the reader takes it as the headline.
    `title_in_body` starts the text with the title too, as an index whose body field also held
    the headline would see it (CRAN's texts already begin with their title).
    """
    if not doc.title:
        return f"{doc.text}\n"
    text = f"{doc.title} {doc.text}".strip() if title_in_body else doc.text
    return f"{doc.title}\n\n{text}\n"


def write_documents(
    collection: Collection, folder: Path, *, title_in_body: bool = False
) -> dict[str, str]:
    """Write one text file per document into `folder`; return file id (relative path) -> doc id.

    Empty documents (CRAN 471 and 995 have neither title nor text) get no file: the indexer
    would skip an empty file anyway, and nothing could find them.
    """
    folder.mkdir(parents=True, exist_ok=True)
    width = max([4, *(len(doc_id) for doc_id in collection.documents)])
    ids: dict[str, str] = {}
    for doc_id, doc in collection.documents.items():
        if not (doc.title or doc.text):
            continue
        name = f"{doc_id.zfill(width)}.txt"
        path, text = folder / name, document_file_text(doc, title_in_body=title_in_body)
        # An unchanged file is left alone, so that a kept index (--workdir) needs no update.
        if not path.is_file() or path.read_text(encoding="utf-8") != text:
            path.write_text(text, encoding="utf-8")
        ids[name] = doc_id
    return ids


@dataclass(frozen=True)
class Settings:
    """The ranking knobs the benchmark measures and sweeps.

    `short_query_words` > 0 applies the all-words tier and the proximity clause only to queries
    of at most that many content words (0: to every query, as shipped).
    """

    headline_weight: float
    proximity_boost: float
    proximity_slop: int
    all_words_bonus: float
    short_query_words: int = 0
    k1: float = 1.2
    b: float = 0.75
    field_tiebreak: float = 1.0  # below 1: a word's fields combine by dismax (fields_by_max)
    story_headline_weight: float = 0.0  # the headline's weight on story documents (as shipped)

    @classmethod
    def shipped(cls) -> Settings:
        """The values `search.query` and `search.scoring` ship with."""
        from index.fields import STORY_WEIGHTS
        from search import query, scoring

        return cls(
            query.DEFAULT_WEIGHTS["headline"],
            query.PROXIMITY_BOOST,
            query.PROXIMITY_SLOP,
            query.ALL_WORDS_BONUS,
            0,
            scoring.K1,
            scoring.B,
            story_headline_weight=STORY_WEIGHTS["headline"],
        )

    def replaced(self, **changes: Any) -> Settings:
        """These settings with the given fields changed (None leaves a field as it is)."""
        return replace(self, **{k: v for k, v in changes.items() if v is not None})

    def parse_options(self, text: str = "", stories: bool = False) -> dict[str, Any]:
        """Keyword arguments for `search.parse_query` that apply these settings to `text`."""
        short = not self.short_query_words or len(content_words(text)) <= self.short_query_words
        headline = self.story_headline_weight if stories else self.headline_weight
        return {
            "weights": {"headline": headline},
            "all_words_bonus": self.all_words_bonus if short else 0.0,
            "proximity_boost": self.proximity_boost if short else 0.0,
            "proximity_slop": self.proximity_slop,
        }

    def query(self, parsed: Any) -> Any:
        """`parsed` (a ParsedQuery) with its fields combined as these settings say."""
        if self.field_tiebreak == 1.0 or parsed.is_empty:
            return parsed
        return replace(parsed, query=fields_by_max(parsed.query, self.field_tiebreak))

    def weighting(self) -> Any:
        """The searcher's weighting model with these k1 and b."""
        from search.scoring import RobertsonBM25F

        return RobertsonBM25F(B=self.b, K1=self.k1)

    def label(self) -> str:
        """A short description for table headings."""
        text = (
            f"headline {self.headline_weight:g}, proximity {self.proximity_boost:g}"
            f"~{self.proximity_slop}, all-words {self.all_words_bonus:g}"
        )
        if self.short_query_words:
            text += f", tier+proximity only to <= {self.short_query_words} words"
        if self.field_tiebreak != 1.0:
            text += f", fields by dismax (tiebreak {self.field_tiebreak:g})"
        text += f", story headline {self.story_headline_weight:g}"
        return text + f", k1 {self.k1:g}, b {self.b:g}"


@contextlib.contextmanager
def ranking_settings(settings: Settings, engine: Any) -> Iterator[None]:
    """Make `Searcher.search` parse queries with `settings` and weigh with its k1 and b.

    The searcher calls `search.searcher.parse_query`; wrapping that one name keeps every other
    step of a search exactly as users run it.
    """
    engine.weighting = settings.weighting()
    import search.searcher as searcher_module
    from search.query import parse_query

    def parse_with_settings(text: str, **kwargs: Any) -> Any:
        options = settings.parse_options(text, bool(kwargs.get("stories")))
        return settings.query(parse_query(text, **{**kwargs, **options}))

    with mock.patch.object(searcher_module, "parse_query", parse_with_settings):
        yield


@dataclass
class Run:
    """One system's rankings of the judged queries of one collection, with its timings."""

    rankings: dict[str, list[str]]
    index_seconds: float
    query_ms: float


class OurIndex:
    """A collection indexed the way users index a folder of issues, ready to be searched."""

    def __init__(
        self, collection: Collection, workdir: Path, *, title_in_body: bool = False
    ) -> None:
        from index import build_index

        self.collection = collection
        name = collection.name + ("-title-in-body" if title_in_body else "")
        self.folder = workdir / name
        self.index_dir = workdir / f"{name}-index"
        self.title_in_body = title_in_body
        self.doc_ids = write_documents(collection, self.folder, title_in_body=title_in_body)
        started = time.perf_counter()
        # build_index syncs: in a kept --workdir, unchanged files are not indexed again.
        report = build_index(self.folder, self.index_dir)
        self.index_seconds = time.perf_counter() - started
        self.skipped = [f"{s.path}: {s.reason}" for s in report.skipped]

    def check_parse(self) -> list[str]:
        """Parse every file as the indexer does; the documents whose title or text moved."""
        from index import parse_issue

        problems: list[str] = []
        for name, doc_id in self.doc_ids.items():
            doc = self.collection.documents[doc_id]
            issue = parse_issue(self.folder / name, self.folder)
            body = squash(" ".join((issue.standfirst, issue.body)))
            text = f"{doc.title} {doc.text}".strip() if self.title_in_body else doc.text
            if doc.title and (squash(issue.headline) != doc.title or body != text):
                problems.append(f"{doc_id}: headline={issue.headline[:50]!r} body={body[:50]!r}")
        return problems

    def sample_parse(self) -> dict[str, str]:
        """The parsed fields of the first document, to show where title and text land."""
        from index import parse_issue

        name = next(iter(self.doc_ids))
        issue = parse_issue(self.folder / name, self.folder)
        return {
            "file": name,
            "headline": issue.headline[:100],
            "standfirst": issue.standfirst,
            "byline": issue.byline,
            "body": issue.body[:100] + ("..." if len(issue.body) > 100 else ""),
        }

    def run(self, settings: Settings) -> Run:
        """Every judged query through `Searcher.search(limit=100)`, timed one by one."""
        from search import Searcher

        rankings: dict[str, list[str]] = {}
        times: list[float] = []
        with Searcher(self.index_dir) as searcher, ranking_settings(settings, searcher.engine):
            for qid in self.collection.judged:
                text = sanitize_query(self.collection.queries[qid])
                started = time.perf_counter()
                # No timeout: a loaded machine must not cut a long question's matches short.
                # Judged queries are questions in prose: ranked any-word retrieval.
                results = searcher.search(text, limit=LIMIT, timeout=None, match="any")
                times.append(time.perf_counter() - started)
                rankings[qid] = [self.doc_ids[hit.id] for hit in results.hits]
        return Run(rankings, self.index_seconds, 1000 * statistics.fmean(times))


def rank_only(
    index_dir: Path, collection: Collection, doc_ids: Mapping[str, str], settings: Settings
) -> dict[str, list[str]]:
    """The rankings `Searcher.search` gives, without its snippets, totals and suggestions.

    The sweep runs many settings, so it runs the very query `parse_query` builds through the
    searcher's own matching (search.matching) under the same filter; the benchmark checks that
    this ranks exactly as `Searcher.search` does.
    """
    from whoosh import query as wq

    from index.fields import KIND_ISSUE
    from search import Searcher, carry, matching, parse_query
    from search.expand import expand

    rankings: dict[str, list[str]] = {}
    with Searcher(index_dir) as searcher:
        engine = searcher.engine
        engine.weighting = settings.weighting()
        for qid in collection.judged:
            text = sanitize_query(collection.queries[qid])
            options = {"match": "any", **settings.parse_options(text)}
            parsed = settings.query(parse_query(text, **options))
            if parsed.is_empty:
                rankings[qid] = []
                continue
            query, _ = expand(parsed.query, engine.reader())
            filters = [wq.Term("kind", KIND_ISSUE)]
            scores, _ = matching.collect(engine, query, matching.allowed(engine, filters), None)
            # Issues carried by their best story, as Searcher.search does (search/carry.py).
            story_options = {"match": "any", **settings.parse_options(text, stories=True)}
            stories = settings.query(parse_query(text, stories=True, **story_options))
            if scores and not stories.is_empty:
                story_query, _ = expand(stories.query, engine.reader())
                best = carry.best_stories(engine, story_query, filters, None)
                scores = carry.carried(scores, best)
            ranked = matching.order(engine, scores, "relevance")
            rankings[qid] = [
                doc_ids[engine.stored_fields(docnum)["id"]] for docnum, _ in ranked[:LIMIT]
            ]
    return rankings


def bm25_tokenize(texts: list[str], stemmer: Any, *, ids: bool = True) -> Any:
    """bm25s's tokenizer with English stop words and the given stemmer, quietly."""
    import bm25s

    return bm25s.tokenize(
        texts, stopwords="en", stemmer=stemmer, return_ids=ids, show_progress=False
    )


class BM25Index:
    """Plain BM25 (bm25s: k1=1.2, b=0.75, Lucene IDF) over texts, English stems and stop words."""

    def __init__(self, texts: list[str]) -> None:
        import bm25s
        import Stemmer

        self.stemmer = Stemmer.Stemmer("english")
        tokens = bm25_tokenize(texts, self.stemmer)
        self.retriever = bm25s.BM25(k1=1.2, b=0.75, method="lucene")
        self.retriever.index(tokens, show_progress=False)
        self.vocabulary = set(tokens.vocab)
        self.size = len(texts)

    def rank(self, query: str, k: int, *, unique_words: bool = False) -> list[int]:
        """Positions of the texts that match `query`, best first, at most k.

        A word repeated in a query counts once per occurrence, as bm25s does; `unique_words`
        counts it once, as our query language does.
        """
        words = [
            w for w in bm25_tokenize([query], self.stemmer, ids=False)[0] if w in self.vocabulary
        ]
        if unique_words:
            words = list(dict.fromkeys(words))
        if not words:
            return []
        found, scores = self.retriever.retrieve(
            [words], k=min(k, self.size), show_progress=False, n_threads=1
        )
        return [int(i) for i, s in zip(found[0], scores[0], strict=True) if s > 0]


def run_baseline(collection: Collection, *, unique_words: bool = False) -> Run:
    """Plain BM25 over title + text of each document (see BM25Index)."""
    doc_ids = list(collection.documents)
    texts = [f"{doc.title} {doc.text}".strip() for doc in collection.documents.values()]
    started = time.perf_counter()
    index = BM25Index(texts)
    index_seconds = time.perf_counter() - started
    rankings: dict[str, list[str]] = {}
    times: list[float] = []
    for qid in collection.judged:
        started = time.perf_counter()
        ranked = index.rank(collection.queries[qid], LIMIT, unique_words=unique_words)
        times.append(time.perf_counter() - started)
        rankings[qid] = [doc_ids[i] for i in ranked]
    return Run(rankings, index_seconds, 1000 * statistics.fmean(times))


def fields_by_max(query: Any, tiebreak: float) -> Any:
    """`query` with each word's OR over fields made a DisjunctionMax (Lucene's dismax).

    The product sums a word's per-field BM25 scores, so a word in both headline and body counts
    twice, each saturated on its own; dismax counts its best field plus `tiebreak` times the
    others (1.0: the sum again). The all-words tier keeps its constant score.
    """
    from whoosh import query as wq

    from search.filters import TierQuery

    def rewrite(node: Any) -> Any:
        if isinstance(node, TierQuery):
            return node
        if isinstance(node, wq.Or) and len(node.subqueries) > 1:
            parts = node.subqueries
            if all(isinstance(p, wq.Term) for p in parts) and len(
                {p.fieldname for p in parts}
            ) == len(parts):
                return wq.DisjunctionMax(parts, boost=node.boost, tiebreak=tiebreak)
        return node.apply(rewrite) if list(node.children()) else node

    return rewrite(query)
