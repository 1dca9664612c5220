"""The speed benchmark's baselines: SQLite FTS5, tantivy, bare whoosh (ours: compare_ours.py).

Each engine builds an index of a folder of issue files (in a child process, so that its peak
memory is its own), opens it for repeated searches, re-indexes one changed file, and gives a
command line that runs one search with snippets in a fresh interpreter. The baselines index each
file's first line as the headline and the rest as the body (see `compare_corpus.raw_doc`), with
the date from the file name: SQLite FTS5 (stdlib, porter tokenizer, bm25(), snippet()), tantivy
(its Python package, en_stem tokenizer, two indexing threads) and bare whoosh (StemmingAnalyzer,
`procs=2, multisegment=True`).
"""

from __future__ import annotations

import datetime as dt
import sqlite3
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from bench.compare_corpus import BenchQuery, RawDoc, raw_doc, raw_docs
from bench.compare_ours import LIMIT, Ours, OursOnOpenSearch, Runner

REPO = Path(__file__).resolve().parents[1]


def _month(doc: RawDoc) -> str:
    return doc.date.strftime("%Y-%m") if doc.date else ""


# -- SQLite FTS5


def fts5_match(query: BenchQuery) -> str:
    if query.phrase:
        return '"' + " ".join(query.words) + '"'
    terms = " OR ".join(f'"{w}"' for w in query.content_words)
    return f"headline : ({terms})" if query.field else terms


class Fts5:
    name = "SQLite FTS5"

    def build(self, folder: Path, where: Path, jobs: int) -> int:
        where.mkdir(parents=True, exist_ok=True)
        db = sqlite3.connect(where / "fts.db")
        db.executescript(
            "CREATE VIRTUAL TABLE docs USING fts5(headline, body,"
            " tokenize='porter unicode61 remove_diacritics 2');"
            "CREATE TABLE meta(id INTEGER PRIMARY KEY, path TEXT UNIQUE, newsletter TEXT,"
            " date TEXT, month TEXT);"
        )
        docs = raw_docs(folder)
        with db:
            for number, doc in enumerate(docs, 1):
                self._insert(db, number, doc)
            db.execute("CREATE INDEX meta_date ON meta(date)")
        db.close()
        return len(docs)

    @staticmethod
    def _insert(db: sqlite3.Connection, number: int, doc: RawDoc) -> None:
        db.execute(
            "INSERT INTO docs(rowid, headline, body) VALUES (?, ?, ?)",
            (number, doc.headline, doc.body),
        )
        date = doc.date.isoformat() if doc.date else None
        db.execute(
            "INSERT INTO meta VALUES (?, ?, ?, ?, ?)",
            (number, doc.path, doc.newsletter, date, _month(doc)),
        )

    def open(self, where: Path) -> tuple[Runner, Callable[[], None]]:
        db = sqlite3.connect(where / "fts.db")

        def run(query: BenchQuery, snippets: bool) -> int:
            where_sql, args = "docs MATCH ?", [fts5_match(query)]
            if query.since and query.until:
                where_sql += " AND meta.date BETWEEN ? AND ?"
                args += [query.since.isoformat(), query.until.isoformat()]
            base = f"FROM docs JOIN meta ON meta.id = docs.rowid WHERE {where_sql}"
            order = "meta.date DESC" if query.newest else "rank"
            snippet = ", snippet(docs, 1, '<b>', '</b>', '…', 32)" if snippets else ""
            rows = db.execute(
                f"SELECT meta.path, docs.headline{snippet} {base} ORDER BY {order} LIMIT {LIMIT}",
                args,
            ).fetchall()
            total = db.execute(f"SELECT count(*) {base}", args).fetchone()[0]
            if query.facets:
                for column in ("newsletter", "month"):
                    db.execute(f"SELECT meta.{column}, count(*) {base} GROUP BY 1", args).fetchall()
            return int(total) if rows or total else 0

        return run, db.close

    def sync_one(self, folder: Path, where: Path, relpath: str) -> None:
        db = sqlite3.connect(where / "fts.db")
        with db:
            (number,) = db.execute("SELECT id FROM meta WHERE path = ?", (relpath,)).fetchone()
            db.execute("DELETE FROM docs WHERE rowid = ?", (number,))
            db.execute("DELETE FROM meta WHERE id = ?", (number,))
            self._insert(db, number, raw_doc(relpath, folder / relpath))
        db.close()

    def cold(self, where: Path, query: BenchQuery) -> list[str]:
        script = (
            "import sqlite3, sys\n"
            "db = sqlite3.connect(sys.argv[1])\n"
            "for row in db.execute(\"SELECT headline, snippet(docs, 1, '<b>', '</b>', '…', 32)"
            ' FROM docs WHERE docs MATCH ? ORDER BY rank LIMIT 10", (sys.argv[2],)):\n'
            "    print(*row)\n"
        )
        return [sys.executable, "-c", script, str(where / "fts.db"), fts5_match(query)]


# -- tantivy


def tantivy_text(query: BenchQuery) -> str:
    if query.phrase:
        text = '"' + " ".join(query.words) + '"'
    elif query.field:
        text = " ".join(f"{query.field}:{w}" for w in query.content_words)
    else:
        text = " ".join(query.content_words)
    if query.since and query.until:
        text = (
            f"+({text}) +date:[{query.since.isoformat()}T00:00:00Z TO "
            f"{query.until.isoformat()}T23:59:59Z]"
        )
    return text


def _tantivy_schema() -> Any:
    import tantivy

    builder = tantivy.SchemaBuilder()
    builder.add_text_field("headline", stored=True, tokenizer_name="en_stem")
    builder.add_text_field("body", stored=True, tokenizer_name="en_stem")
    builder.add_text_field("path", stored=True, tokenizer_name="raw")
    builder.add_text_field("newsletter", stored=True, tokenizer_name="raw", fast=True)
    builder.add_text_field("month", tokenizer_name="raw", fast=True)
    builder.add_date_field("date", stored=True, indexed=True, fast=True)
    return builder.build()


def _tantivy_doc(doc: RawDoc) -> Any:
    import tantivy

    fields: dict[str, Any] = {
        "headline": doc.headline,
        "body": doc.body,
        "path": doc.path,
        "newsletter": doc.newsletter,
        "month": _month(doc),
    }
    if doc.date:
        fields["date"] = dt.datetime.combine(doc.date, dt.time(), dt.UTC)
    return tantivy.Document(**fields)


class Tantivy:
    name = "tantivy"

    def build(self, folder: Path, where: Path, jobs: int) -> int:
        import tantivy

        where.mkdir(parents=True, exist_ok=True)
        index = tantivy.Index(_tantivy_schema(), path=str(where))
        writer = index.writer(128_000_000, 2)
        docs = raw_docs(folder)
        for doc in docs:
            writer.add_document(_tantivy_doc(doc))
        writer.commit()
        writer.wait_merging_threads()
        return len(docs)

    def open(self, where: Path) -> tuple[Runner, Callable[[], None]]:
        import tantivy

        index = tantivy.Index.open(str(where))
        schema = index.schema
        searcher = index.searcher()

        def run(query: BenchQuery, snippets: bool) -> int:
            parsed = index.parse_query(tantivy_text(query), ["headline", "body"])
            order = {"order_by_field": "date"} if query.newest else {}
            found = searcher.search(parsed, LIMIT, count=True, **order)
            generator = (
                tantivy.SnippetGenerator.create(searcher, parsed, schema, "body")
                if snippets
                else None
            )
            for _, address in found.hits:
                doc = searcher.doc(address)
                doc["headline"]
                if generator is not None:
                    generator.snippet_from_doc(doc).to_html()
            if query.facets:
                searcher.aggregate(
                    parsed,
                    {
                        "newsletter": {"terms": {"field": "newsletter", "size": 1000}},
                        "month": {"terms": {"field": "month", "size": 10000}},
                    },
                )
            return int(found.count or 0)

        return run, lambda: None

    def sync_one(self, folder: Path, where: Path, relpath: str) -> None:
        import tantivy

        index = tantivy.Index.open(str(where))
        writer = index.writer(128_000_000, 1)
        writer.delete_documents_by_term("path", relpath)
        writer.add_document(_tantivy_doc(raw_doc(relpath, folder / relpath)))
        writer.commit()
        writer.wait_merging_threads()

    def cold(self, where: Path, query: BenchQuery) -> list[str]:
        script = (
            "import sys, tantivy\n"
            "ix = tantivy.Index.open(sys.argv[1]); s = ix.searcher()\n"
            "q = ix.parse_query(sys.argv[2], ['headline', 'body'])\n"
            "g = tantivy.SnippetGenerator.create(s, q, ix.schema, 'body')\n"
            "for _, a in s.search(q, 10).hits:\n"
            "    d = s.doc(a); print(d['headline'], g.snippet_from_doc(d).to_html())\n"
        )
        return [sys.executable, "-c", script, str(where), tantivy_text(query)]


# -- bare whoosh


def whoosh_text(query: BenchQuery) -> str:
    if query.phrase:
        return '"' + " ".join(query.words) + '"'
    text = " ".join(query.content_words)
    return f"{query.field}:({text})" if query.field else text


def _whoosh_fields(doc: RawDoc) -> dict[str, Any]:
    fields: dict[str, Any] = {
        "path": doc.path,
        "newsletter": doc.newsletter,
        "headline": doc.headline,
        "body": doc.body,
        "month": _month(doc),
    }
    if doc.date:
        fields["date"] = dt.datetime.combine(doc.date, dt.time())
    return fields


class BareWhoosh:
    name = "bare whoosh"

    def build(self, folder: Path, where: Path, jobs: int) -> int:
        from whoosh import fields, index
        from whoosh.analysis import StemmingAnalyzer

        schema = fields.Schema(
            path=fields.ID(stored=True, unique=True),
            newsletter=fields.ID(stored=True, sortable=True),
            month=fields.ID(sortable=True),
            date=fields.DATETIME(stored=True, sortable=True),
            headline=fields.TEXT(analyzer=StemmingAnalyzer(), stored=True),
            body=fields.TEXT(analyzer=StemmingAnalyzer(), stored=True),
        )
        where.mkdir(parents=True, exist_ok=True)
        ix = index.create_in(str(where), schema)
        writer = ix.writer(procs=2, multisegment=True, limitmb=128)
        docs = raw_docs(folder)
        for doc in docs:
            writer.add_document(**_whoosh_fields(doc))
        writer.commit()
        return len(docs)

    def open(self, where: Path) -> tuple[Runner, Callable[[], None]]:
        from whoosh import index, sorting
        from whoosh import query as wq
        from whoosh.qparser import MultifieldParser, OrGroup

        ix = index.open_dir(str(where))
        searcher = ix.searcher()
        parser = MultifieldParser(["headline", "body"], ix.schema, group=OrGroup)

        def run(query: BenchQuery, snippets: bool) -> int:
            options: dict[str, Any] = {"limit": LIMIT}
            if query.since and query.until:
                options["filter"] = wq.DateRange(
                    "date",
                    dt.datetime.combine(query.since, dt.time()),
                    dt.datetime.combine(query.until, dt.time(23, 59)),
                )
            if query.newest:
                options.update(sortedby="date", reverse=True)
            if query.facets:
                options["groupedby"] = {
                    "newsletter": sorting.FieldFacet("newsletter"),
                    "month": sorting.FieldFacet("month"),
                }
            found = searcher.search(parser.parse(whoosh_text(query)), **options)
            for hit in found:
                hit["headline"]
                if snippets:
                    hit.highlights("body")
            return len(found)

        return run, searcher.close

    def sync_one(self, folder: Path, where: Path, relpath: str) -> None:
        from whoosh import index

        ix = index.open_dir(str(where))
        writer = ix.writer()
        writer.update_document(**_whoosh_fields(raw_doc(relpath, folder / relpath)))
        writer.commit()
        ix.close()

    def cold(self, where: Path, query: BenchQuery) -> list[str]:
        script = (
            "import sys\n"
            "from whoosh import index\n"
            "from whoosh.qparser import MultifieldParser, OrGroup\n"
            "ix = index.open_dir(sys.argv[1])\n"
            "with ix.searcher() as s:\n"
            "    q = MultifieldParser(['headline', 'body'], ix.schema, group=OrGroup)"
            ".parse(sys.argv[2])\n"
            "    for hit in s.search(q, limit=10):\n"
            "        print(hit['headline'], hit.highlights('body'))\n"
        )
        return [sys.executable, "-c", script, str(where), whoosh_text(query)]


def baselines() -> list[Any]:
    """The baseline engines whose libraries are installed (tantivy is in the `bench` extra)."""
    found: list[Any] = [Fts5()]
    try:
        import tantivy  # noqa: F401
    except ImportError:
        print("tantivy is not installed (pip install -e '.[bench]'): left out", file=sys.stderr)
    else:
        found.append(Tantivy())
    found.append(BareWhoosh())
    return found


ENGINES: dict[str, Callable[[], Any]] = {
    "ours": Ours,
    "opensearch": OursOnOpenSearch,
    "fts5": Fts5,
    "tantivy": Tantivy,
    "whoosh": BareWhoosh,
}


def timed(action: Callable[[], Any]) -> tuple[float, Any]:
    start = time.perf_counter()
    result = action()
    return time.perf_counter() - start, result
