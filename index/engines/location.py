"""Where an index lives (a local folder, or an index in an OpenSearch cluster), and its sync."""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from index.errors import EngineOptionError
from index.folders import FolderArg, as_folder_list

ENGINES = ("whoosh", "opensearch")
DEFAULT_URL = "http://127.0.0.1:9200"
DEFAULT_INDEX_NAME = "newsletters"

# What a sync into OpenSearch does not offer (yet), with the reason given to the user.
_WHOOSH_ONLY = {
    "keep_stale": "keeping stale versions of files that now fail",
    "date_from_mtime": "dating undated issues by their files",
    "forget": "forgetting folders",
}
# Options that only change how a local sync runs; OpenSearch does its own work in the cluster.
_LOCAL_ONLY = frozenset({"jobs", "progress", "checkpoint_seconds"})


@dataclass(frozen=True)
class Location:
    """An index: a folder of whoosh segments (`index_dir`) or an OpenSearch index (`url`)."""

    index_dir: str | None = None
    url: str | None = None
    index_name: str = DEFAULT_INDEX_NAME

    @property
    def engine(self) -> str:
        return "opensearch" if self.url else "whoosh"

    @classmethod
    def of(
        cls,
        engine: str,
        index_dir: str | os.PathLike[str] | None,
        url: str = DEFAULT_URL,
        index_name: str = DEFAULT_INDEX_NAME,
    ) -> Location:
        """The location an engine's name and its settings give."""
        if engine not in ENGINES:
            raise EngineOptionError(f"No engine {engine!r}: use {' or '.join(ENGINES)}.")
        if engine == "opensearch":
            return cls(url=url, index_name=index_name)
        return cls(index_dir=os.fspath(index_dir) if index_dir is not None else None)

    def describe(self) -> str:
        if self.url:
            return f"OpenSearch index {self.index_name!r} at {self.url}"
        return str(self.index_dir)


def sync_into(
    location: Location,
    folders: FolderArg | Sequence[FolderArg] | None,
    **options: Any,
) -> Any:
    """Bring the index at `location` in step with its folders; an IndexReport either way.

    The options are `index.sync_index`'s. OpenSearch takes the ones it offers (and `shards`,
    `replicas` for a new index) and refuses the others with EngineOptionError.
    """
    if location.engine == "whoosh":
        from index.writer import sync_index

        if location.index_dir is None:
            raise EngineOptionError("A local index needs its directory (index_dir).")
        return sync_index(folders, location.index_dir, **options)
    from index.engines.opensearch_engine import sync_opensearch

    for name, what in _WHOOSH_ONLY.items():
        if options.get(name):
            raise EngineOptionError(f"The OpenSearch engine does not offer {what} yet.")
    given = as_folder_list(folders)
    if len(given) > 1:
        raise EngineOptionError("An OpenSearch index follows one folder: give one folder.")
    kept = {k: v for k, v in options.items() if k not in _WHOOSH_ONLY and k not in _LOCAL_ONLY}
    assert location.url is not None
    return sync_opensearch(given[0] if given else None, location.url, location.index_name, **kept)


__all__ = ["DEFAULT_INDEX_NAME", "DEFAULT_URL", "ENGINES", "Location", "sync_into"]
