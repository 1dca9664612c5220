"""Relevance benchmark: our ranking against plain BM25 on the CRAN and CISI test collections."""

# Run from the repository root:
#
#     python -m bench.relevance                 # markdown table, both collections
#     python -m bench.relevance --json          # the same numbers as JSON
#     python -m bench.relevance --sweep         # also a small grid of ranking settings
#     python -m bench.relevance --headline-weight 2 --proximity-boost 0.5 --proximity-slop 4
#
# Each collection's documents are written to a temporary folder as plain-text files in the shape
# the text reader understands (line 1 the title, which becomes the headline; a blank line; then the
# abstract, which becomes the body), indexed with `index.build_index` and searched with
# `search.Searcher.search`: the code path users take. Authors and bibliographic notes are left out
# so that both systems see the same text (title + abstract).
#
# Query texts are long natural-language requests full of characters the query language reads as
# syntax (`?`, `(`, `"`, `-`, `*`, `:`): `sanitize_query` keeps their words only, lower-cased, as a
# user would type them. The baseline (bm25s, k1=1.2, b=0.75, Lucene IDF, PyStemmer English stems,
# English stop list) reads the raw query text through its own tokenizer.
#
# Metrics over the judged queries of each collection, on the top 100 hits: MAP (binary relevance),
# nDCG@10 (graded gain: 5 - code for CRAN codes 1-4, 1 for every CISI judgement; linear gain,
# log2 discount), P@10 and Recall@100. CRAN code -1 counts as not relevant.

from __future__ import annotations

import argparse
import contextlib
import json
import math
import re
import statistics
import sys
import tempfile
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import asdict, dataclass
from multiprocessing import get_context
from pathlib import Path
from typing import Any
from unittest import mock

DEFAULT_CORPUS = Path(__file__).resolve().parents[1].parent / "shared" / "corpus" / "ir"
COLLECTIONS = ("cran", "cisi")
LIMIT = 100
CUTOFF = 10

# One SMART field marker line: ".I 12", ".T", ".W", ... (anything after the letter is the value).
_MARKER = re.compile(r"^\.([A-Z])(?:\s+(.*?))?\s*$")
# The words of a query, as the index tokenizes them (inner apostrophes kept).
_WORD = re.compile(r"\w+(?:['’]\w+)*")

# qid -> {doc id: gain}; only relevant documents (gain > 0) are listed.
Judgements = dict[str, dict[str, int]]


# --------------------------------------------------------------------------- loading


@dataclass(frozen=True)
class SmartRecord:
    """One `.I` record of a SMART-format file: its id and its fields (repeated fields joined)."""

    id: str
    fields: dict[str, str]


@dataclass(frozen=True)
class Document:
    """One test-collection document: the title goes to the headline, the text to the body."""

    id: str
    title: str
    text: str


@dataclass(frozen=True)
class Collection:
    """Documents, queries (id -> text) and relevance judgements of one test collection."""

    name: str
    documents: dict[str, Document]
    queries: dict[str, str]
    judgements: Judgements

    @property
    def judged(self) -> list[str]:
        """The ids of the queries that have at least one relevant document, in query order."""
        return [qid for qid in self.queries if self.judgements.get(qid)]


def parse_smart(text: str) -> list[SmartRecord]:
    """Records of a SMART-format text (`.I id`, then `.T`, `.A`, `.B`, `.W`, `.X`, ... fields).

    Line endings may be CRLF. A field that appears twice in a record (the CRAN file has a few)
    is joined to the first with a newline. Lines before the first `.I` are ignored.
    """
    records: list[SmartRecord] = []
    current: dict[str, list[str]] | None = None
    record_id = ""
    name = ""
    for line in text.replace("\r\n", "\n").replace("\r", "\n").split("\n"):
        match = _MARKER.match(line)
        if match is not None and match.group(1) == "I":
            if current is not None:
                records.append(_finish(record_id, current))
            record_id, current, name = (match.group(2) or "").strip(), {}, ""
            continue
        if current is None:
            continue
        if match is not None and not (match.group(2) or "").strip():
            name = match.group(1)
            current.setdefault(name, [])
            continue
        if name:
            current[name].append(line)
    if current is not None:
        records.append(_finish(record_id, current))
    return records


def _finish(record_id: str, fields: dict[str, list[str]]) -> SmartRecord:
    return SmartRecord(
        record_id, {name: "\n".join(lines).strip() for name, lines in fields.items()}
    )


def _squash(text: str) -> str:
    return " ".join(text.split())


def documents_from_smart(text: str) -> dict[str, Document]:
    """The documents of a SMART file: `.T` title and `.W` text; other fields are dropped."""
    docs: dict[str, Document] = {}
    for record in parse_smart(text):
        doc_id = str(int(record.id))
        title = _squash(record.fields.get("T", ""))
        docs[doc_id] = Document(doc_id, title, _squash(record.fields.get("W", "")))
    return docs


def queries_from_smart(text: str, *, by_position: bool = False) -> dict[str, str]:
    """Query id -> query text (the `.W` field); `by_position` numbers them 1, 2, 3, ... instead."""
    queries: dict[str, str] = {}
    for n, record in enumerate(parse_smart(text), start=1):
        qid = str(n) if by_position else str(int(record.id))
        queries[qid] = _squash(record.fields.get("W", ""))
    return queries


def parse_cran_qrels(text: str) -> Judgements:
    """`cranqrel` rows `qid docid code`: codes 1-4 (1 = most relevant) get gain 5 - code.

    Code -1 (and anything outside 1-4) is not relevant and is left out.
    """
    judgements: Judgements = {}
    for line in text.splitlines():
        parts = line.split()
        if len(parts) < 3:
            continue
        qid, doc_id, code = str(int(parts[0])), str(int(parts[1])), int(parts[2])
        if 1 <= code <= 4:
            gains = judgements.setdefault(qid, {})
            gains[doc_id] = max(gains.get(doc_id, 0), 5 - code)
    return judgements


def parse_cisi_qrels(text: str) -> Judgements:
    """`CISI.REL` rows `qid docid 0 0.000000` (spaces and tabs mixed): every pair is relevant."""
    judgements: Judgements = {}
    for line in text.splitlines():
        parts = line.split()
        if len(parts) < 2:
            continue
        judgements.setdefault(str(int(parts[0])), {})[str(int(parts[1]))] = 1
    return judgements


def cran_from_texts(docs: str, queries: str, qrels: str) -> Collection:
    """CRAN from its three files' texts; queries are numbered by position, as `cranqrel` does."""
    return Collection(
        "cran",
        documents_from_smart(docs),
        queries_from_smart(queries, by_position=True),
        parse_cran_qrels(qrels),
    )


def cisi_from_texts(docs: str, queries: str, qrels: str) -> Collection:
    """CISI from its three files' texts (`.X` citation blocks are ignored)."""
    return Collection(
        "cisi", documents_from_smart(docs), queries_from_smart(queries), parse_cisi_qrels(qrels)
    )


def _read(path: Path) -> str:
    return path.read_text(encoding="utf-8", errors="replace")


def load_cran(corpus: Path) -> Collection:
    """The Cranfield collection from `corpus/cran` (1,400 docs, 225 queries)."""
    folder = corpus / "cran"
    return cran_from_texts(
        _read(folder / "cran.all.1400"), _read(folder / "cran.qry"), _read(folder / "cranqrel")
    )


def load_cisi(corpus: Path) -> Collection:
    """The CISI collection from `corpus/cisi` (1,460 docs, 112 queries of which 76 are judged)."""
    folder = corpus / "cisi"
    return cisi_from_texts(
        _read(folder / "CISI.ALL"), _read(folder / "CISI.QRY"), _read(folder / "CISI.REL")
    )


def load_collection(name: str, corpus: Path) -> Collection:
    """A collection by name: "cran" or "cisi"."""
    loaders: dict[str, Callable[[Path], Collection]] = {"cran": load_cran, "cisi": load_cisi}
    if name not in loaders:
        raise ValueError(f"unknown collection {name!r}: use one of {', '.join(loaders)}")
    return loaders[name](corpus)


# --------------------------------------------------------------------------- metrics


def precision_at(ranking: Sequence[str], relevant: Mapping[str, int], k: int) -> float:
    """The share of the first k ranks holding a relevant document (empty ranks count as misses)."""
    return sum(1 for doc in ranking[:k] if relevant.get(doc, 0) > 0) / k


def recall_at(ranking: Sequence[str], relevant: Mapping[str, int], k: int) -> float:
    """The share of the relevant documents found in the first k ranks."""
    wanted = sum(1 for gain in relevant.values() if gain > 0)
    if not wanted:
        return 0.0
    return sum(1 for doc in ranking[:k] if relevant.get(doc, 0) > 0) / wanted


def average_precision(ranking: Sequence[str], relevant: Mapping[str, int]) -> float:
    """The precision at each rank holding a relevant document, summed, over the relevant count."""
    wanted = sum(1 for gain in relevant.values() if gain > 0)
    if not wanted:
        return 0.0
    found = 0
    total = 0.0
    for rank, doc in enumerate(ranking, start=1):
        if relevant.get(doc, 0) > 0:
            found += 1
            total += found / rank
    return total / wanted


def ndcg_at(ranking: Sequence[str], gains: Mapping[str, int], k: int) -> float:
    """Normalised discounted cumulative gain at k: linear gains, discount 1 / log2(rank + 1)."""
    dcg = sum(gains.get(doc, 0) / math.log2(rank + 1) for rank, doc in enumerate(ranking[:k], 1))
    ideal = sorted((g for g in gains.values() if g > 0), reverse=True)[:k]
    idcg = sum(gain / math.log2(rank + 1) for rank, gain in enumerate(ideal, 1))
    return dcg / idcg if idcg else 0.0


@dataclass(frozen=True)
class Scores:
    """Mean metric values over the judged queries of one collection."""

    map: float
    ndcg10: float
    p10: float
    r100: float
    queries: int


def evaluate(rankings: Mapping[str, Sequence[str]], judgements: Judgements) -> Scores:
    """Mean MAP, nDCG@10, P@10 and Recall@100 over the queries with relevant documents."""
    judged = [qid for qid, gains in judgements.items() if gains]
    if not judged:
        return Scores(0.0, 0.0, 0.0, 0.0, 0)
    per_query = [
        (
            average_precision(rankings.get(qid, [])[:LIMIT], judgements[qid]),
            ndcg_at(rankings.get(qid, []), judgements[qid], CUTOFF),
            precision_at(rankings.get(qid, []), judgements[qid], CUTOFF),
            recall_at(rankings.get(qid, []), judgements[qid], LIMIT),
        )
        for qid in judged
    ]
    means = [statistics.fmean(values) for values in zip(*per_query, strict=True)]
    return Scores(means[0], means[1], means[2], means[3], len(judged))


# --------------------------------------------------------------------------- systems


def sanitize_query(text: str) -> str:
    """Keep the words of a natural-language query only, lower-cased, separated by spaces.

    The query language gives `"`, `(`, `-`, `*`, `:`, `?` and upper-case AND/OR/NOT a meaning;
    a user asking these questions would type the words, so the benchmark passes just the words.
    """
    return " ".join(word.lower() for word in _WORD.findall(text))


def document_file_text(doc: Document) -> str:
    """A document as a plain-text issue: the title line, a blank line, the text on one line.

    Without a title the text alone is written, and the reader takes it as the headline (no
    document of CRAN or CISI is like that; `--check-parse` would list any).
    """
    return f"{doc.title}\n\n{doc.text}\n" if doc.title else f"{doc.text}\n"


def write_documents(collection: Collection, folder: Path) -> dict[str, str]:
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
        (folder / name).write_text(document_file_text(doc), encoding="utf-8")
        ids[name] = doc_id
    return ids


@dataclass(frozen=True)
class Settings:
    """The ranking knobs of `search.query` that the benchmark measures and sweeps."""

    headline_weight: float
    proximity_boost: float
    proximity_slop: int
    all_words_bonus: float

    @classmethod
    def shipped(cls) -> Settings:
        """The values `search.query` ships with."""
        from search import query

        return cls(
            query.DEFAULT_WEIGHTS["headline"],
            query.PROXIMITY_BOOST,
            query.PROXIMITY_SLOP,
            query.ALL_WORDS_BONUS,
        )

    def replaced(
        self,
        *,
        headline_weight: float | None = None,
        proximity_boost: float | None = None,
        proximity_slop: int | None = None,
        all_words_bonus: float | None = None,
    ) -> Settings:
        """These settings with the given values changed (None leaves a value as it is)."""
        return Settings(
            self.headline_weight if headline_weight is None else headline_weight,
            self.proximity_boost if proximity_boost is None else proximity_boost,
            self.proximity_slop if proximity_slop is None else proximity_slop,
            self.all_words_bonus if all_words_bonus is None else all_words_bonus,
        )

    def parse_options(self) -> dict[str, Any]:
        """Keyword arguments for `search.query.parse_query` that carry these settings."""
        from search import query

        return {
            "weights": {**query.DEFAULT_WEIGHTS, "headline": self.headline_weight},
            "proximity_boost": self.proximity_boost,
            "proximity_slop": self.proximity_slop,
            "all_words_bonus": self.all_words_bonus,
        }

    def label(self) -> str:
        return (
            f"headline {self.headline_weight:g}, proximity {self.proximity_boost:g}"
            f"~{self.proximity_slop}, all-words {self.all_words_bonus:g}"
        )


@contextlib.contextmanager
def ranking_settings(settings: Settings) -> Iterator[None]:
    """Make `Searcher.search` parse queries with `settings` (nothing changes for shipped ones).

    The searcher calls `search.searcher.parse_query`; wrapping that one name keeps every other
    step of a search exactly as users run it.
    """
    if settings == Settings.shipped():
        yield
        return
    import search.searcher as searcher_module
    from search.query import parse_query

    options = settings.parse_options()

    def parse_with_settings(text: str, **kwargs: Any) -> Any:
        return parse_query(text, **{**kwargs, **options})

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

    def __init__(self, collection: Collection, workdir: Path) -> None:
        from index import build_index

        self.collection = collection
        self.folder = workdir / collection.name
        self.index_dir = workdir / f"{collection.name}-index"
        self.doc_ids = write_documents(collection, self.folder)
        started = time.perf_counter()
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
            body = _squash(" ".join((issue.standfirst, issue.body)))
            if (doc.title and _squash(issue.headline) != doc.title) or body != doc.text:
                problems.append(f"{doc_id}: headline={issue.headline[:50]!r} body={body[:50]!r}")
        return problems

    def sample_parse(self) -> dict[str, str]:
        """The parsed fields of the first document, to show where title and text land."""
        from index import parse_issue

        name = next(iter(self.doc_ids))
        issue = parse_issue(self.folder / name, self.folder)
        return {
            "file": name,
            "headline": issue.headline,
            "standfirst": issue.standfirst,
            "byline": issue.byline,
            "body": issue.body[:100] + ("..." if len(issue.body) > 100 else ""),
        }

    def run(self, settings: Settings) -> Run:
        """Every judged query through `Searcher.search(limit=100)`, timed one by one."""
        from search import Searcher

        rankings: dict[str, list[str]] = {}
        times: list[float] = []
        with Searcher(self.index_dir) as searcher, ranking_settings(settings):
            for qid in self.collection.judged:
                text = sanitize_query(self.collection.queries[qid])
                started = time.perf_counter()
                # Judged queries are natural-language requests: ranked any-word retrieval.
                results = searcher.search(text, limit=LIMIT, match="any")
                times.append(time.perf_counter() - started)
                rankings[qid] = [self.doc_ids[hit.id] for hit in results.hits]
        return Run(rankings, self.index_seconds, 1000 * statistics.fmean(times))


def rank_only(
    index_dir: Path, collection: Collection, doc_ids: Mapping[str, str], settings: Settings
) -> dict[str, list[str]]:
    """The rankings `Searcher.search` gives, without its snippets, totals and suggestions.

    The sweep runs many settings, so it asks the engine for the top hits of the very query
    `parse_query` builds, under the same filter; `main` checks that this ranks exactly as
    `Searcher.search` does.
    """
    from whoosh import query as wq

    from index.schema import KIND_ISSUE
    from search import Searcher, parse_query

    options = settings.parse_options()
    # What `Searcher.search` asks for: issues only, matched terms recorded (the collector differs).
    same = {"filter": wq.And([wq.Term("kind", KIND_ISSUE)]), "terms": True}
    rankings: dict[str, list[str]] = {}
    with Searcher(index_dir) as searcher:
        for qid in collection.judged:
            parsed = parse_query(sanitize_query(collection.queries[qid]), match="any", **options)
            if parsed.is_empty:
                rankings[qid] = []
                continue
            found = searcher.engine.search_page(parsed.query, 1, pagelen=LIMIT, **same)
            rankings[qid] = [doc_ids[hit["id"]] for hit in found]
    return rankings


def _sweep_task(task: tuple[str, Path, Path, Mapping[str, str], Settings]) -> Scores:
    """One sweep cell, in a worker process: a collection's scores under one setting."""
    name, corpus, index_dir, doc_ids, settings = task
    collection = load_collection(name, corpus)
    return evaluate(rank_only(index_dir, collection, doc_ids, settings), collection.judgements)


def run_baseline(collection: Collection, *, unique_words: bool = False) -> Run:
    """Plain BM25 (bm25s: k1=1.2, b=0.75, Lucene IDF) over title + text, English stems and stops.

    A word repeated in a query counts once per occurrence, as bm25s does; `unique_words` counts
    it once, as our query language does (to measure what that costs).
    """
    import bm25s
    import Stemmer

    stemmer = Stemmer.Stemmer("english")
    doc_ids = list(collection.documents)
    texts = [f"{doc.title} {doc.text}".strip() for doc in collection.documents.values()]
    started = time.perf_counter()
    corpus_tokens = bm25s.tokenize(texts, stopwords="en", stemmer=stemmer, show_progress=False)
    retriever = bm25s.BM25(k1=1.2, b=0.75, method="lucene")
    retriever.index(corpus_tokens, show_progress=False)
    index_seconds = time.perf_counter() - started
    vocabulary = set(corpus_tokens.vocab)
    rankings: dict[str, list[str]] = {}
    times: list[float] = []
    k = min(LIMIT, len(doc_ids))
    for qid in collection.judged:
        started = time.perf_counter()
        tokens = bm25s.tokenize(
            [collection.queries[qid]],
            stopwords="en",
            stemmer=stemmer,
            return_ids=False,
            show_progress=False,
        )
        words = [word for word in tokens[0] if word in vocabulary]
        if unique_words:
            words = list(dict.fromkeys(words))
        ranked: list[str] = []
        if words:
            found, scores = retriever.retrieve([words], k=k, show_progress=False, n_threads=1)
            ranked = [doc_ids[int(i)] for i, s in zip(found[0], scores[0], strict=True) if s > 0]
        times.append(time.perf_counter() - started)
        rankings[qid] = ranked
    return Run(rankings, index_seconds, 1000 * statistics.fmean(times))


# --------------------------------------------------------------------------- reporting


def _row(cells: Sequence[str]) -> str:
    return "| " + " | ".join(cells) + " |"


def markdown_table(header: Sequence[str], rows: Sequence[Sequence[str]]) -> str:
    """A GitHub-style markdown table, the first column left-aligned and the others right."""
    align = ["---:" if i else "---" for i in range(len(header))]
    return "\n".join([_row(header), _row(align), *(_row(row) for row in rows)])


def _fmt(value: float) -> str:
    return f"{value:.4f}"


def report_table(results: Mapping[str, Mapping[str, tuple[Scores, Run]]]) -> str:
    """One row per collection and system: the four metrics and the timings."""
    header = ["collection", "system", "MAP", "nDCG@10", "P@10", "R@100", "index s", "query ms"]
    rows: list[list[str]] = []
    for name, systems in results.items():
        for system, (scores, run) in systems.items():
            rows.append(
                [
                    f"{name} ({scores.queries} q)",
                    system,
                    _fmt(scores.map),
                    _fmt(scores.ndcg10),
                    _fmt(scores.p10),
                    _fmt(scores.r100),
                    f"{run.index_seconds:.2f}",
                    f"{run.query_ms:.1f}",
                ]
            )
    return markdown_table(header, rows)


SWEEP_HEADLINE = (0.25, 0.5, 1.0, 1.5, 2.0, 3.0)
SWEEP_TIER_OFF_AT = (0.5, 1.5, 3.0)


def sweep_grid(shipped: Settings) -> list[Settings]:
    """The settings `--sweep` tries: the shipped ones first, then a small grid around them.

    Each headline weight of SWEEP_HEADLINE; the all-words tier off at the weights of
    SWEEP_TIER_OFF_AT; proximity off, and stronger and looser, at the shipped weight. A grid
    point equal to the shipped settings is tried once.
    """
    grid = [shipped]
    grid += [shipped.replaced(headline_weight=weight) for weight in SWEEP_HEADLINE]
    grid += [
        shipped.replaced(headline_weight=weight, all_words_bonus=0.0)
        for weight in SWEEP_TIER_OFF_AT
    ]
    grid.append(shipped.replaced(proximity_boost=0.0))
    grid.append(shipped.replaced(proximity_boost=2.0, proximity_slop=8))
    return list(dict.fromkeys(grid))


def run_sweep(
    indexes: Mapping[str, OurIndex], corpus: Path, grid: Sequence[Settings], jobs: int
) -> dict[Settings, dict[str, Scores]]:
    """Scores of every setting of `grid` on every indexed collection, `jobs` processes at once."""
    tasks = [
        (name, corpus, ours.index_dir, ours.doc_ids, settings)
        for settings in grid
        for name, ours in indexes.items()
    ]
    if jobs > 1:
        with ProcessPoolExecutor(max_workers=jobs, mp_context=get_context("spawn")) as pool:
            scores = list(pool.map(_sweep_task, tasks))
    else:
        scores = [_sweep_task(task) for task in tasks]
    out: dict[Settings, dict[str, Scores]] = {}
    for (name, _, _, _, settings), value in zip(tasks, scores, strict=True):
        out.setdefault(settings, {})[name] = value
    return out


def _mean(scores: Mapping[str, Scores]) -> float:
    return statistics.fmean(v for s in scores.values() for v in (s.map, s.ndcg10))


def sweep_table(sweep: Mapping[Settings, Mapping[str, Scores]], shipped: Settings) -> str:
    """MAP and nDCG@10 of each setting on each collection and their mean, best first."""
    names = list(next(iter(sweep.values()))) if sweep else []
    header = ["headline", "proximity", "all-words"]
    for name in names:
        header += [f"{name} MAP", f"{name} nDCG@10"]
    header.append("mean")
    rows: list[list[str]] = []
    for settings, scores in sorted(sweep.items(), key=lambda item: -_mean(item[1])):
        mark = " (shipped)" if settings == shipped else ""
        cells = [
            f"{settings.headline_weight:g}{mark}",
            f"{settings.proximity_boost:g}~{settings.proximity_slop}",
            f"{settings.all_words_bonus:g}",
        ]
        for name in names:
            cells += [_fmt(scores[name].map), _fmt(scores[name].ndcg10)]
        cells.append(_fmt(_mean(scores)))
        rows.append(cells)
    return markdown_table(header, rows)


# --------------------------------------------------------------------------- command line


def _arguments(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS, help="the `ir` folder")
    parser.add_argument(
        "--collection", choices=COLLECTIONS, action="append", help="only this one (repeatable)"
    )
    parser.add_argument("--json", action="store_true", help="print JSON instead of tables")
    parser.add_argument("--sweep", action="store_true", help="also try a small grid of settings")
    parser.add_argument("--jobs", type=int, default=2, help="processes for --sweep (default 2)")
    parser.add_argument("--headline-weight", type=float, help="weight of the headline field")
    parser.add_argument("--proximity-boost", type=float, help="boost of the proximity clause")
    parser.add_argument("--proximity-slop", type=int, help="words allowed between, proximity")
    parser.add_argument("--all-words-bonus", type=float, help="score of the all-words tier")
    parser.add_argument("--no-baseline", action="store_true", help="skip the bm25s baseline")
    parser.add_argument(
        "--baseline-unique-words",
        action="store_true",
        help="also run the baseline counting each query word once, as the query language does",
    )
    parser.add_argument(
        "--check-parse", action="store_true", help="parse every file again and compare"
    )
    return parser.parse_args(argv)


def _ensure_importable() -> None:
    """Let `python bench/relevance.py` find the project's packages, as `-m bench.relevance` does."""
    root = str(Path(__file__).resolve().parents[1])
    if root not in sys.path:
        sys.path.insert(0, root)


def _scores_json(scores: Scores, run: Run | None = None) -> dict[str, Any]:
    data: dict[str, Any] = asdict(scores)
    if run is not None:
        data["index_seconds"] = round(run.index_seconds, 3)
        data["query_ms"] = round(run.query_ms, 2)
    return data


def main(argv: Sequence[str] | None = None) -> int:
    """Run the benchmark; 2 when the collections are missing."""
    args = _arguments(argv)
    _ensure_importable()
    corpus: Path = args.corpus
    names: list[str] = args.collection or list(COLLECTIONS)
    missing = [name for name in names if not (corpus / name).is_dir()]
    if missing:
        print(
            f"No {', '.join(missing)} collection under {corpus} (give --corpus DIR).",
            file=sys.stderr,
        )
        return 2
    shipped = Settings.shipped()
    settings = shipped.replaced(
        headline_weight=args.headline_weight,
        proximity_boost=args.proximity_boost,
        proximity_slop=args.proximity_slop,
        all_words_bonus=args.all_words_bonus,
    )
    ours_label = "ours (shipped)" if settings == shipped else f"ours ({settings.label()})"
    started = time.perf_counter()
    results: dict[str, dict[str, tuple[Scores, Run]]] = {}
    notes: list[str] = []
    samples: dict[str, dict[str, str]] = {}
    sweep: dict[Settings, dict[str, Scores]] = {}
    with tempfile.TemporaryDirectory(prefix="relevance-") as tmp:
        indexes: dict[str, OurIndex] = {}
        for name in names:
            collection = load_collection(name, corpus)
            ours = indexes[name] = OurIndex(collection, Path(tmp))
            samples[name] = ours.sample_parse()
            empty = len(collection.documents) - len(ours.doc_ids)
            if empty:
                notes.append(f"{name}: {empty} empty documents have no file")
            notes += [f"{name}: skipped {item}" for item in ours.skipped]
            if args.check_parse:
                problems = ours.check_parse()
                notes.append(
                    f"{name}: {len(ours.doc_ids) - len(problems)}/{len(ours.doc_ids)} files "
                    "parse as headline = title, body = text"
                )
                notes += [f"{name}: parsed differently: {problem}" for problem in problems[:5]]
            run = ours.run(settings)
            results[name] = {ours_label: (evaluate(run.rankings, collection.judgements), run)}
            if not args.no_baseline:
                base = run_baseline(collection)
                results[name]["bm25s baseline"] = (
                    evaluate(base.rankings, collection.judgements),
                    base,
                )
            if args.baseline_unique_words:
                base = run_baseline(collection, unique_words=True)
                results[name]["bm25s, each query word once"] = (
                    evaluate(base.rankings, collection.judgements),
                    base,
                )
            if args.sweep:
                fast = rank_only(ours.index_dir, collection, ours.doc_ids, settings)
                differ = [qid for qid, ranked in run.rankings.items() if fast[qid] != ranked]
                if differ:
                    notes.append(
                        f"{name}: the sweep's engine-only search ranks {len(differ)} of "
                        f"{len(run.rankings)} queries unlike Searcher.search (first: {differ[0]})"
                    )
        if args.sweep:
            sweep = run_sweep(indexes, corpus, sweep_grid(shipped), max(1, args.jobs))
    elapsed = time.perf_counter() - started
    if args.json:
        data: dict[str, Any] = {
            "settings": asdict(settings),
            "shipped": asdict(shipped),
            "results": {
                name: {
                    system: _scores_json(scores, run) for system, (scores, run) in systems.items()
                }
                for name, systems in results.items()
            },
            "sample_parse": samples,
            "notes": notes,
            "seconds": round(elapsed, 1),
        }
        if sweep:
            data["sweep"] = [
                {"settings": asdict(point), **{n: _scores_json(s) for n, s in scores.items()}}
                for point, scores in sweep.items()
            ]
        print(json.dumps(data, indent=2))
        return 0
    for name, sample in samples.items():
        print(f"Sample parse ({name}): " + ", ".join(f"{k}={v!r}" for k, v in sample.items()))
    for note in notes:
        print(f"Note: {note}")
    print(f"\nShipped settings: {shipped.label()}\n")
    print(report_table(results))
    if sweep:
        print("\nSweep (engine-only search of the same queries; mean = mean of MAP and nDCG@10):\n")
        print(sweep_table(sweep, shipped))
    print(f"\n{elapsed:.1f} s in all.")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
