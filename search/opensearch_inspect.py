"""The OpenSearch engine's `describe`, `source_text` and `stats`: the same answers as whoosh's.

An indexed issue's file is found through its stored path and read again (as `show` does for a
local index); the figures come from aggregations over the index and its record of files.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from index.describe import Located, describe_located, located_source
from index.documents import story_parts
from index.engines.opensearch_engine import LOCK_ID, files_index, index_meta
from index.fields import KIND_ISSUE, KIND_STORY


class ClusterInspection:
    """What a searcher of an OpenSearch index says about its files (mixed in)."""

    url: str
    index_name: str
    _client: Any

    if TYPE_CHECKING:  # the searcher's own

        def document(self, id_or_path: str) -> dict[str, Any]: ...

    def _meta(self) -> dict[str, Any]:
        return index_meta(self._client, self.index_name)

    def _locate(self, path_or_id: str) -> Located:
        folder = self._meta().get("folder")
        root = Path(folder) if folder else None
        candidate = Path(path_or_id).expanduser()
        if candidate.is_file():
            resolved = candidate.resolve()
            inside = root is not None and resolved.is_relative_to(root)
            return Located(resolved, root if inside else None, None, None)
        doc = self.document(path_or_id)
        story = story_parts(path_or_id) if doc.get("kind") == KIND_STORY else None
        wanted = str(doc.get("issue_id") or doc["id"]) if story else str(doc["id"])
        return Located(Path(str(doc["path"])), root, wanted, story)

    def describe(self, path_or_id: str) -> list[dict[str, Any]]:
        """How a file, or the indexed issue or story with this id, parses: every field."""
        return describe_located(self._locate(path_or_id), path_or_id)

    def source_text(self, path_or_id: str) -> str:
        """The source text of a file or an indexed issue (an mbox's message alone); untrusted."""
        return located_source(self._locate(path_or_id))

    def stats(self) -> dict[str, Any]:
        """Figures about the index, as index.inspection.index_stats gives them for whoosh."""
        client, name = self._client, self.index_name
        body = {
            "size": 0,
            "track_total_hits": True,
            "query": {"term": {"kind": KIND_ISSUE}},
            "aggs": {
                "first": {"min": {"field": "date"}},
                "last": {"max": {"field": "date"}},
                "newsletters": {
                    "terms": {"field": "newsletter_key", "size": 10_000},
                    "aggs": {"label": {"top_hits": {"size": 1, "_source": ["newsletter"]}}},
                },
                "authors": {
                    "terms": {"field": "authors", "size": 10_000},
                    "aggs": {"label": {"top_hits": {"size": 1, "_source": ["author_names"]}}},
                },
            },
        }
        answer = client.search(index=name, body=body)
        aggs = answer["aggregations"]
        stories = client.count(index=name, body={"query": {"term": {"kind": KIND_STORY}}})
        files = client.search(
            index=files_index(name),
            body={
                "size": 0,
                "track_total_hits": True,
                "query": {"term": {"type": "file"}},
                "aggs": {"skipped": {"filter": {"exists": {"field": "error"}}}},
            },
        )
        from opensearchpy.exceptions import NotFoundError

        try:
            lock = client.get(index=files_index(name), id=LOCK_ID)
        except NotFoundError:
            lock = {}
        store = client.indices.stats(index=name, metric="store")
        meta = self._meta()
        folder = meta.get("folder")
        return {
            "index_dir": f"{self.url.rstrip('/')}/{name}",
            "folder": folder,
            "folders": [{"path": folder, "label": ""}] if folder else [],
            "schema_version": meta.get("schema_version"),
            "issues": int(answer["hits"]["total"]["value"]),
            "stories": int(stories["count"]),
            "files": int(files["hits"]["total"]["value"]),
            "files_skipped": int(files["aggregations"]["skipped"]["doc_count"]),
            "first_date": _day(aggs["first"]),
            "last_date": _day(aggs["last"]),
            "created": meta.get("created", ""),
            "last_sync": meta.get("last_sync"),
            "last_sync_complete": True,  # a sync writes its record of files last, in one go
            "writer": (lock.get("_source") or {}).get("owner") if lock.get("found") else None,
            "size_bytes": int(store["_all"]["total"]["store"]["size_in_bytes"]),
            "newsletters": _counts(aggs["newsletters"], "newsletter"),
            "authors": _counts(aggs["authors"], "author_names"),
        }


def _day(agg: dict[str, Any]) -> str | None:
    text = agg.get("value_as_string")
    return str(text)[:10] if agg.get("value") is not None and text else None


def _counts(agg: dict[str, Any], source: str) -> dict[str, int]:
    """Values by count, labelled as written (from one document holding each value)."""
    out: dict[str, int] = {}
    for bucket in agg["buckets"]:
        key = str(bucket["key"])
        hits = bucket["label"]["hits"]["hits"]
        written = hits[0]["_source"].get(source) if hits else None
        label = key
        if isinstance(written, str):
            label = written
        elif isinstance(written, list):
            label = next((str(w).strip() for w in written if str(w).strip().lower() == key), key)
        out[label] = int(bucket["doc_count"])
    return out


__all__ = ["ClusterInspection"]
