"""The query language as users read it: the text `help query` and `search --help-query` print."""

from __future__ import annotations

from search.query import PROXIMITY_SLOP
from search.querylex import KNOWN_FIELDS_TEXT, MAX_FUZZY_DISTANCE

QUERY_HELP = f"""\
The query language

Words
  north korean troops      issues with all of the words (stemmed: troops finds troop); the
                           words close together rank higher. When no issue has them all, those
                           with any of them are shown, with a note. --match any: any of the
                           words, issues with all of them first.
  "heat pump grant"        the exact phrase; "heat grant"~3 allows 3 other words between.
  korea*                   words starting with korea.
  nucler~  blinkin~2       spelling off by 1 (or up to {MAX_FUZZY_DISTANCE}) letters.

Operators (in capitals; and/or/not are ordinary words)
  +korea -china            korea must match; china must not.
  korea AND china          both.     korea OR china     either.     NOT china   not china.
  (korea OR japan) troops  parentheses group.

Fields
  headline:strike  author:lee  body:  brief:  section:  newsletter:  standfirst:
  headline:(port strike)  headline:"port strike"  -author:smith
  Fields: {KNOWN_FIELDS_TEXT}.
  A headline opens the text it heads: body: (and brief:) find the headline's words too.

Dates (filters)
  date:2024-11-05  date:2024-11  date:2024  date:2024-10-01..2024-11-30  date:>2024-06-01
  date:<=2024-06-30  date:today  date:"last week"  date:"last 30 days"

Stop words (the, of, ...) are left out unless nothing else is left. Words near each other mean
within {PROXIMITY_SLOP} words. --explain shows how a query was read.
"""

__all__ = ["QUERY_HELP"]
