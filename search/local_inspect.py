"""The whoosh engine's `describe`, `source_text` and `stats`: index.inspection over its folder."""

from __future__ import annotations

from pathlib import Path
from typing import Any


class LocalInspection:
    """What a searcher of a local index says about its files (mixed into search.Searcher)."""

    index_dir: Path

    def describe(self, path_or_id: str) -> list[dict[str, Any]]:
        """How a file, or the indexed issue or story with this id, parses: every field."""
        from index.inspection import describe_issues

        return describe_issues(path_or_id, self.index_dir)

    def source_text(self, path_or_id: str) -> str:
        """The source text of a file or an indexed issue (an mbox's message alone); untrusted."""
        from index.inspection import source_text

        return source_text(path_or_id, self.index_dir)

    def stats(self) -> dict[str, Any]:
        """Figures about the index: issues, stories, dates, newsletters, authors, last sync."""
        from index.inspection import index_stats

        return index_stats(self.index_dir)


__all__ = ["LocalInspection"]
