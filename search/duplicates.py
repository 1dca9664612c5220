"""Byte-identical source files shown once: the best-ranked copy, with where the others are."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from whoosh import query as wq

from index.documents import story_parts
from index.errors import IndexUnusableError
from index.state import read_state

# A document's place among identical files: (content hash, issue's place in the file, story id
# suffix); documents sharing it are the same text found at different paths.
Key = tuple[str, int, str]


@dataclass
class Collapsed:
    """A ranked list with duplicates left out, and for each kept document the ones it stands for."""

    ranked: list[tuple[int, float]]
    also: dict[int, list[int]] = field(default_factory=dict)


class Duplicates:
    """The documents of byte-identical files in one committed generation, read when first needed.

    Only files whose content hash another file shares are looked at: in a typical archive those
    are few, so a search pays for a dictionary lookup per hit.
    """

    def __init__(self, store: Path, generation: int) -> None:
        self.store, self.generation = store, generation
        self._keys: dict[int, Key] | None = None

    def keys(self, searcher: Any) -> dict[int, Key]:
        if self._keys is None:
            self._keys = self._read(searcher)
        return self._keys

    def _read(self, searcher: Any) -> dict[int, Key]:
        try:
            state = read_state(self.store, self.generation)
        except IndexUnusableError:
            # A sync committed since this searcher opened and removed the record of its
            # generation: the searcher still answers (from its open files), uncollapsed.
            return {}
        by_hash: dict[str, list[tuple[str, ...]]] = {}
        for record in state.files.values():
            if record.ids and record.error is None:
                by_hash.setdefault(record.sha256, []).append(record.ids)
        keys: dict[int, Key] = {}
        for digest, copies in by_hash.items():
            if len(copies) < 2:
                continue
            for ids in copies:
                for place, issue_id in enumerate(ids):
                    for docnum in searcher.docs_for_query(wq.Term("issue_id", issue_id)):
                        doc_id = searcher.stored_fields(docnum).get("id", "")
                        parts = story_parts(doc_id)
                        keys[docnum] = (digest, place, str(parts[1]) if parts else "")
        return keys

    def collapse(self, searcher: Any, ranked: list[tuple[int, float]]) -> Collapsed:
        """`ranked` with each duplicate after its first (best-ranked) copy left out."""
        if len(ranked) < 2:
            return Collapsed(ranked)  # nothing to collapse: the record is not read
        keys = self.keys(searcher)
        if not keys:
            return Collapsed(ranked)
        kept: list[tuple[int, float]] = []
        first: dict[Key, int] = {}
        also: dict[int, list[int]] = {}
        for docnum, score in ranked:
            key = keys.get(docnum)
            if key is None:
                kept.append((docnum, score))
            elif key in first:
                also.setdefault(first[key], []).append(docnum)
            else:
                first[key] = docnum
                kept.append((docnum, score))
        return Collapsed(kept, also)
