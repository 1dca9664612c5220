"""The OpenSearch engine's write side: the index mapping, and a sync of a folder into a cluster.

Documents are the same as whoosh's (index.documents.documents: an issue document, then one story
document per lead and brief), kept flat with `kind` and `issue_id`: the query language and its
semantics then carry over unchanged (a story query is the same query filtered to kind=story),
and removing an issue is one delete-by-query on `issue_id`. Nested documents or a join field
would make every story query a nested/has_parent query and re-index a whole issue per change,
for nothing the query language needs.

The record of indexed files (index.state.FileRecord, one document per file) lives in the
cluster, in `<name>-files`, with the sync lock: a second machine running `index` sees both.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import socket
import time
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from index.budget import DEFAULT_FILE_TIMEOUT
from index.documents import SCHEMA_VERSION, STORED_PREFIX, documents, opened_fields
from index.engines.location import DEFAULT_URL
from index.engines.opensearch_mapping import analysis_settings, text_field_properties
from index.errors import (
    FolderMismatchError,
    IndexLockedError,
    IndexMissingError,
    IndexWriteError,
    NothingIndexedError,
)
from index.model import Issue
from index.parse import DEFAULT_MAX_BYTES
from index.reading import read_source
from index.report import IndexReport, Skipped
from index.scan import plan_sync
from index.state import FileRecord

__all__ = [
    "DEFAULT_URL",
    "connect",
    "files_index",
    "index_body",
    "index_meta",
    "sync_opensearch",
    "to_source",
    "written",
]

LOCK_ID = "lock"
# A lock whose holder has not written a heartbeat for this long is taken over (holder died).
STALE_LOCK_SECONDS = 120.0
CHUNK = 500  # documents per bulk request
# Deep pages: our pages reach MAX_LIMIT hits a page; allow far more than the default 10,000.
MAX_RESULT_WINDOW = 1_000_000


def connect(url: str) -> Any:
    """A client for the cluster at `url`; connection errors retried by the client itself."""
    from opensearchpy import OpenSearch

    return OpenSearch(hosts=[url], timeout=60, max_retries=3, retry_on_timeout=True)


def files_index(name: str) -> str:
    """The index that records the indexed files (and holds the sync lock) of index `name`."""
    return f"{name}-files"


def index_body(shards: int = 1, replicas: int = 0) -> dict[str, Any]:
    """The create-index body: our analysis, the text fields, and the keys, filters and values."""
    keyword = {"type": "keyword"}
    stored_only = {"type": "keyword", "index": False, "doc_values": False}
    return {
        "settings": {
            "number_of_shards": shards,
            "number_of_replicas": replicas,
            "max_result_window": MAX_RESULT_WINDOW,
            "analysis": analysis_settings(),
        },
        "mappings": {
            "dynamic": "strict",
            "_meta": {"schema_version": SCHEMA_VERSION},
            "properties": {
                **text_field_properties(),
                "id": keyword,
                "kind": keyword,
                "issue_id": keyword,
                "path": keyword,
                "newsletter_key": keyword,
                # Lower-cased full names (filters, facets), like whoosh's KEYWORD(lowercase).
                "authors": keyword,
                "author_names": stored_only,  # as written: facet labels
                "date": {"type": "date", "format": "strict_date"},
                "month": keyword,
                "number": {"type": "long"},
                "issue_headline": stored_only,
                "link": stored_only,
                "extra": stored_only,
                "date_source": stored_only,
                # A text field's value as written, where its indexed text has its headline in
                # front (index.fields `opened_by`).
                **{written(name): {"type": "text", "index": False} for name in opened_fields()},
            },
        },
    }


def _files_body(replicas: int) -> dict[str, Any]:
    keyword = {"type": "keyword"}
    return {
        # As many copies as the issues have: the record of files and the sync lock must survive
        # the loss of a node as well as the issues do, or no sync could run after it.
        "settings": {"number_of_shards": 1, "number_of_replicas": replicas},
        "mappings": {
            "properties": {
                "type": keyword,
                "relpath": keyword,
                "size": {"type": "long"},
                "mtime_ns": {"type": "long"},
                "sha256": keyword,
                "ids": keyword,
                "error": {"type": "keyword", "index": False},
                "recheck": {"type": "boolean"},
                "owner": keyword,
                "beat": {"type": "double"},
            }
        },
    }


def to_source(doc: dict[str, Any]) -> dict[str, Any]:
    """An index.schema document as an OpenSearch `_source` (dates as days, authors as lists)."""
    source = dict(doc)
    when = source.pop("date", None)
    if isinstance(when, dt.datetime):
        source["date"] = when.date().isoformat()
    names = [name for name in str(source.pop("authors", "")).split(",") if name.strip()]
    source["authors"] = [name.lower() for name in names]
    source["author_names"] = names
    for key in [key for key in source if key.startswith(STORED_PREFIX)]:
        source[written(key.removeprefix(STORED_PREFIX))] = source.pop(key)
    return source


def written(field: str) -> str:
    """The `_source` key of a text field's value as written (the indexed one is `field`)."""
    return f"{field}_as_written"


def _issue_actions(index: str, issues: Iterable[Issue]) -> Iterator[dict[str, Any]]:
    for issue in issues:
        for doc in documents(issue):
            yield {
                "_op_type": "index",
                "_index": index,
                "_id": doc["id"],
                "_source": to_source(doc),
            }


def _record_source(relpath: str, record: FileRecord) -> dict[str, Any]:
    return {
        "type": "file",
        "relpath": relpath,
        "size": record.size,
        "mtime_ns": record.mtime_ns,
        "sha256": record.sha256,
        "ids": list(record.ids),
        "error": record.error,
        "recheck": record.recheck,
    }


def _read_records(client: Any, name: str) -> dict[str, FileRecord]:
    from opensearchpy import helpers

    records: dict[str, FileRecord] = {}
    query = {"query": {"term": {"type": "file"}}}
    for hit in helpers.scan(client, index=files_index(name), query=query, size=1000):
        src = hit["_source"]
        records[src["relpath"]] = FileRecord(
            src["size"],
            src["mtime_ns"],
            src["sha256"],
            tuple(src.get("ids") or ()),
            src.get("error"),
            bool(src.get("recheck")),
        )
    return records


class _Lock:
    """One sync at a time per index: a document created only if absent (op_type=create)."""

    def __init__(self, client: Any, name: str, timeout: float) -> None:
        self.client, self.index, self.timeout = client, files_index(name), timeout
        self.owner = f"{socket.gethostname()}:{os.getpid()}:{time.time_ns()}"

    def _create(self) -> bool:
        from opensearchpy.exceptions import ConflictError

        body = {"type": "lock", "owner": self.owner, "beat": time.time()}
        try:
            self.client.create(index=self.index, id=LOCK_ID, body=body, refresh=True)
        except ConflictError:
            return False
        return True

    def _take_stale(self) -> None:
        """Delete a lock nobody has refreshed for STALE_LOCK_SECONDS (its holder died)."""
        from opensearchpy.exceptions import ConflictError, NotFoundError

        try:
            held = self.client.get(index=self.index, id=LOCK_ID)
        except NotFoundError:
            return
        if time.time() - float(held["_source"].get("beat", 0)) < STALE_LOCK_SECONDS:
            return
        # Only that very lock: another machine may have taken it over meanwhile.
        with contextlib.suppress(ConflictError, NotFoundError):
            self.client.delete(
                index=self.index,
                id=LOCK_ID,
                if_seq_no=held["_seq_no"],
                if_primary_term=held["_primary_term"],
                refresh=True,
            )

    def __enter__(self) -> _Lock:
        deadline = time.monotonic() + self.timeout
        while not self._create():
            self._take_stale()
            if time.monotonic() >= deadline:
                raise IndexLockedError(
                    f"Another sync of this OpenSearch index is running (lock in "
                    f"{self.index}); wait for it, or raise --lock-timeout."
                )
            time.sleep(0.5)
        return self

    def beat(self) -> None:
        self.client.update(index=self.index, id=LOCK_ID, body={"doc": {"beat": time.time()}})

    def __exit__(self, *exc: object) -> None:
        from opensearchpy.exceptions import NotFoundError

        with contextlib.suppress(NotFoundError):
            self.client.delete(index=self.index, id=LOCK_ID, refresh=True)


def _bulk(client: Any, actions: Iterable[dict[str, Any]], lock: _Lock) -> None:
    """Bulk writes; rejected chunks (429: the cluster is busy) are retried with backoff."""
    from opensearchpy import helpers

    failed: list[Any] = []
    for n, (ok, item) in enumerate(
        helpers.streaming_bulk(
            client,
            actions,
            chunk_size=CHUNK,
            max_retries=5,
            initial_backoff=1,
            raise_on_error=False,
            raise_on_exception=True,
        ),
        start=1,
    ):
        if not ok and item.get("delete", {}).get("status") != 404:  # already gone is fine
            failed.append(item)
        if n % CHUNK == 0:
            lock.beat()
    if failed:
        raise IndexWriteError(f"OpenSearch refused {len(failed)} documents; first: {failed[0]}")


def _ensure(client: Any, name: str, rebuild: bool, shards: int, replicas: int) -> None:
    if rebuild:
        client.indices.delete(index=name, ignore_unavailable=True)
    if not client.indices.exists(index=name):
        client.indices.create(index=name, body=index_body(shards, replicas))
    if not client.indices.exists(index=files_index(name)):
        client.indices.create(index=files_index(name), body=_files_body(replicas))


def index_meta(client: Any, name: str) -> dict[str, Any]:
    """What the index's mapping records of it: schema version, folder, last sync."""
    mapping = client.indices.get_mapping(index=name)
    return dict(next(iter(mapping.values()))["mappings"].get("_meta", {}))


def _delete_issues(client: Any, name: str, ids: list[str], lock: _Lock) -> None:
    """Delete the documents of these issues (each issue's own and its stories').

    Found by a scan and deleted in bulk: delete-by-query lives in the reindex module, which a
    cluster need not load.
    """
    from opensearchpy import helpers

    doomed: list[str] = []
    for start in range(0, len(ids), 1000):
        query = {"query": {"terms": {"issue_id": ids[start : start + 1000]}}, "_source": False}
        doomed += [hit["_id"] for hit in helpers.scan(client, index=name, query=query)]
    _bulk(client, ({"_op_type": "delete", "_index": name, "_id": i} for i in doomed), lock)


def sync_opensearch(
    folder: str | os.PathLike[str] | None,
    url: str,
    index_name: str,
    *,
    rebuild: bool = False,
    max_bytes: int = DEFAULT_MAX_BYTES,
    lock_timeout: float = 10.0,
    file_timeout: float | None = DEFAULT_FILE_TIMEOUT,
    follow_symlinks: bool = True,
    shards: int = 1,
    replicas: int = 0,
) -> IndexReport:
    """Sync `folder` into the OpenSearch index `index_name` at `url` (whoosh's semantics).

    New and changed files are read and their issues (re)written, removed files' issues deleted,
    unchanged files left alone; the change detection is index.scan.plan_sync's, against the
    records kept in the cluster. Without `folder`, the folder the index was built from.
    """
    from opensearchpy.exceptions import ConnectionError as OSConnectionError

    started = time.monotonic()
    client = connect(url)
    try:
        client.cluster.health()
    except OSConnectionError as error:
        raise IndexMissingError(f"No OpenSearch answers at {url}: {error}") from None
    if folder is None:
        if not client.indices.exists(index=index_name):
            raise IndexMissingError(
                f"No OpenSearch index {index_name!r} at {url}: give the FOLDER to index."
            )
        remembered = index_meta(client, index_name).get("folder")
        if not remembered:
            raise IndexMissingError(f"Index {index_name!r} remembers no folder: give FOLDER.")
        folder = remembered
    root = Path(os.path.abspath(folder))
    if not root.is_dir():
        raise NothingIndexedError(f"{root} is not a folder.")
    _ensure(client, index_name, False, shards, replicas)
    with _Lock(client, index_name, lock_timeout) as lock:
        if rebuild:  # a fresh index and no records; the lock document stays
            _ensure(client, index_name, True, shards, replicas)
            old = _read_records(client, index_name)
            gone = (
                {"_op_type": "delete", "_index": files_index(index_name), "_id": f"file:{rel}"}
                for rel in old
            )
            _bulk(client, gone, lock)
            client.indices.refresh(index=files_index(index_name))
        known = index_meta(client, index_name).get("folder")
        if known and known != str(root) and not rebuild:
            raise FolderMismatchError(
                f"OpenSearch index {index_name!r} holds {known}, not {root}: use another "
                "--index-name, or --rebuild."
            ).with_remedy("replace", str(root))
        previous = _read_records(client, index_name)
        plan = plan_sync(root, previous, follow_symlinks=follow_symlinks)
        results = [
            read_source(seen, root, max_bytes, file_timeout) for seen in plan.new + plan.changed
        ]
        stale = [i for seen in plan.changed for i in previous[seen.relpath].ids]
        stale += [i for record in plan.removed.values() for i in record.ids]
        _delete_issues(client, index_name, stale, lock)
        good = [r for r in results if r.record.error is None]
        _bulk(client, _issue_actions(index_name, (i for r in good for i in r.issues)), lock)
        records = {r.relpath: r.record for r in results} | plan.touched
        record_index = files_index(index_name)
        actions: list[dict[str, Any]] = [
            {"_index": record_index, "_id": f"file:{rel}", "_source": _record_source(rel, rec)}
            for rel, rec in records.items()
        ]
        actions += [
            {"_op_type": "delete", "_index": record_index, "_id": f"file:{rel}"}
            for rel in plan.removed
        ]
        _bulk(client, actions, lock)
        client.indices.put_mapping(
            index=index_name,
            body={
                "_meta": {
                    "schema_version": SCHEMA_VERSION,
                    "folder": str(root),
                    "last_sync": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
                }
            },
        )
        client.indices.refresh(index=[index_name, record_index])
        issues = client.count(index=index_name, body={"query": {"term": {"kind": "issue"}}})
    new = {seen.relpath for seen in plan.new}
    skipped = [Skipped(r.relpath, r.record.error or "") for r in results if r.record.error]
    skipped += [Skipped(rel, why) for rel, why in plan.unreadable.items()]
    return IndexReport(
        folder=str(root),
        index_dir=f"{url.rstrip('/')}/{index_name}",
        rebuilt=rebuild,
        added=sum(1 for r in good if r.relpath in new),
        updated=sum(1 for r in good if r.relpath not in new),
        removed=len(plan.removed)
        + sum(1 for r in results if r.record.error and r.relpath not in new),
        unchanged=len(plan.unchanged) + len(plan.touched),
        skipped=tuple(skipped),
        kept_stale=0,
        ignored=plan.ignored,
        issues=int(issues["count"]),
        files_seen=len(results) + len(plan.unchanged) + len(plan.touched) + len(plan.unreadable),
        seconds=round(time.monotonic() - started, 3),
    )
