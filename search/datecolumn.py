"""Date ranges answered from a segment's date column instead of the terms whoosh expands them to.

whoosh runs a `DateRange` as the union of the trie terms that cover it: a year of days is
hundreds of term matchers stepped a document at a time, and every search with `--since/--until`
ran it twice (issues and stories). That was most of a date-filtered search's time (10,000
issues: 22 of 30 s in a profile of the benchmark's 20 date queries). The date column holds each
document's date as the same number the range compares (`datetime_to_long`): sorted once per
segment, a range is two binary searches.
"""

from __future__ import annotations

import sys
from array import array
from bisect import bisect_left, bisect_right
from typing import Any

from whoosh import query as wq

# (dates in ascending order, the segment docnum of each), for one field of one segment.
SortedDates = tuple[list[int], list[int]]


def sorted_dates(reader: Any, fieldname: str) -> SortedDates:
    """Every dated live document of the segment, ordered by date (undated ones left out)."""
    if not reader.has_column(fieldname):  # no document of the segment has a date
        return [], []
    column = reader.column_reader(fieldname, translate=False)
    values = array(column._typecode)
    # The column is one run of big-endian numbers; documents past its end have the default.
    values.frombytes(column._dbfile.get(column._basepos, column._count * column._fixedlen))
    if sys.byteorder == "little":
        values.byteswap()
    undated = reader.schema[fieldname].default
    deleted = reader.deleted_docs_set if reader.has_deletions() else frozenset()
    pairs = sorted(
        (value, doc) for doc, value in enumerate(values) if value != undated and doc not in deleted
    )
    return [value for value, _ in pairs], [doc for _, doc in pairs]


def range_docs(dates: SortedDates, query: wq.NumericRange) -> set[int]:
    """The documents whose date is within the range (its open ends and exclusions respected)."""
    values, docs = dates
    if query.start is None:
        low = 0
    else:
        low = (bisect_right if query.startexcl else bisect_left)(values, query.start)
    if query.end is None:
        high = len(values)
    else:
        high = (bisect_left if query.endexcl else bisect_right)(values, query.end)
    return set(docs[low:high])


def answers(query: Any, reader: Any) -> bool:
    """Whether the column can answer `query`: a date range on a field with a date column."""
    if type(query) is not wq.DateRange:
        return False
    column = getattr(reader.schema[query.fieldname], "column_type", None)
    return column is not None and getattr(column, "_typecode", None) is not None
