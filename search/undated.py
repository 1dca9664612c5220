"""What a date filter leaves out: the undated documents that match the query otherwise."""

from __future__ import annotations

from typing import Any

from search import matching
from search.evaluate import Evaluator


class Undated:
    """The undated documents of each kind in one searcher's snapshot, found when first asked."""

    def __init__(self) -> None:
        self._by_kind: dict[str, set[int]] = {}

    def of_kind(self, searcher: Any, kind: str) -> set[int]:
        if kind not in self._by_kind:
            missing = searcher.schema["date"].default
            found: set[int] = set()
            for reader, offset in searcher.reader().leaf_readers():
                column = (
                    reader.column_reader("date", translate=False)
                    if reader.has_column("date")
                    else None
                )
                for docnum in reader.postings("kind", kind).all_ids():
                    raw = None if column is None else column[docnum]
                    if (raw is None or raw == missing) and not reader.is_deleted(docnum):
                        found.add(docnum + offset)
            self._by_kind[kind] = found
        return self._by_kind[kind]

    def note(
        self,
        searcher: Any,
        query: Any,
        filters: list[Any],
        window: Any,
        deadline: float | None,
        evaluator: Evaluator,
    ) -> str | None:
        """ "N undated issues ... left out", when the date filter `window` left any out."""
        kind = filters[0].text
        undated = self.of_kind(searcher, kind)
        if not undated:
            return None
        others = [f for f in filters if f is not window]
        within = undated & matching.allowed(searcher, others, evaluator)
        if not within:
            return None
        left, complete = matching.collect(searcher, query, within, deadline, evaluator)
        if not left or not complete:
            return None
        plural = len(left) != 1
        what = (
            ("stories" if plural else "story")
            if kind == "story"
            else ("issues" if plural else "issue")
        )
        verb = "were" if plural else "was"
        return f"{len(left)} undated {what} matching the query {verb} left out by the date filter"


__all__ = ["Undated"]
