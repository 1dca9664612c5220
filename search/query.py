"""The query language: query text -> whoosh query, its explanation, and what to highlight.

Words
    north korean troops     every word (match="all", the default), over every text field
                            (headline, standfirst, byline, body, brief headlines, briefs,
                            sections, newsletter) with per-field boosts (DEFAULT_WEIGHTS); the
                            words near each other in the headline or body rank higher (a sloppy
                            phrase, PROXIMITY_SLOP words apart, PROXIMITY_BOOST). With
                            match="any", any of the words: documents with ALL of them always
                            rank above those without (a constant ALL_WORDS_BONUS tier). Stop
                            words (the, of, ...) are dropped unless nothing else is left.
    U.S.  e-mail            a word the tokenizer splits is searched as a phrase of its parts.
    "north korean troops"   a phrase; "..."~3 lets up to 3 other words sit between its words.
    korea*                  prefix: korea, korean, koreans... (stemmed fields also try the
                            stem: happy* finds happiness, indexed as happi).
    nucler~  blinkin~2      fuzzy: a stem within edit distance 1 (default) or 2 of the word's
                            stem, first letter fixed (blinkin~2 finds blinking: stem blink).

Operators (upper case only: and/or/not are ordinary words)
    +korea  -china          korea must match; china must not.
    korea AND china         both; AND binds tighter than OR: `a AND b OR c` is `(a AND b) OR c`.
    korea OR china          either.  NOT china  is  -china.   (...)  groups.
    Juxtaposed items (`a b -c +d date:2024`) loosest of all: +/AND items must match, -/NOT items
    must not, date items filter, and the other items must all match (match="all"), or with
    match="any" score with the all-words tier (at least one must match unless some item is
    required). The Searcher falls back to "any" when no document has all the words.

Fields
    headline:korea  byline:lee  author:lee  body:  brief:  newsletter:  section:  standfirst:
    headline:(north korea)  headline:"north korea"  -byline:smith
    `brief:` searches brief headlines and brief texts; `author:` is `byline:`. A headline is
    indexed at the start of the text it heads, so `body:` (and `brief:`) find its words too,
    as in the article a reader sees (the first line, then the text). Field names are
    case-insensitive; `headline: korea` (with a space) is read as headline:korea, with a note.
    A word ending in a colon (`Update: troops`) and a URL (`https://...`) are plain text.

Dates (filters: they restrict, never score)
    date:2024-11-05  date:2024-11  date:2024  date:2024-10-01..2024-11-30  date:2024-10..
    date:>2024-06-01  date:>=2024-06  date:<2024  date:<=2024-06-30  date:today  date:yesterday
    date:"last week"  date:"this month"  date:"last year"  date:"last 30 days"  date:"past 2 weeks"
    Relative dates count from `today` (the user's local date); see `search.dates` for every form.

What a query matches
    A query of filters only (`date:2024-11`) matches every document in them; a query of exclusions
    only (`-korea`) matches every document except those. `is_empty` is True only when nothing
    searchable is left (`()`, `""`, `&`): the searcher then returns no hits.

Lenient reading
    An unbalanced quote is read as closed, an unclosed `(` as closed at the end, a stray `)` and a
    dangling AND/OR/NOT are ignored: each such reading adds a note. An unknown field (`foo:bar`),
    an unreadable date, or a fuzzy distance above 2 raise QueryError saying where and what to do.

Explanations (deterministic; words shown as the stems searched). `a AND b` is all of the items
(match="all"); `(a OR b){all words first}` is any of them, those with all of them ranked first
(match="any"); `near "a b"~3` is the proximity bonus. With match="all":
    north korean troops
        (north AND korean AND troop){near "north korean troops"~3}
    +korea troops -china
        (korea AND troop) -china
With match="any":
    north korean troops
        (north OR korean OR troop){all words first; near "north korean troops"~3}
    +korea troops -china "kim jong un"~1
        +korea (troop OR "kim jong un"~1){all words first} -china
    +korea troops
        +korea (troop){all words first}
    headline:(korea OR japan) date:2024
        (headline:korea OR headline:japan) date:2024-01-01..2024-12-31
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from whoosh import query as wq

from index.errors import QueryError
from index.fields import DEFAULT_WEIGHTS, KIND_ISSUE, KIND_STORY, NAME_FIELDS, default_weights
from search.compiler import PROXIMITY_FIELDS, Compiler, strip_outer
from search.dates import parse_date_expression
from search.filters import TierQuery, author_filter, date_filter, newsletter_filter
from search.options import DEFAULT_MATCH, MATCH_MODES, check_match
from search.querytree import parse_tree

__all__ = [
    "ALL_WORDS_BONUS",
    "DEFAULT_MATCH",
    "DEFAULT_WEIGHTS",
    "MATCH_MODES",
    "NAME_FIELDS",
    "PROXIMITY_BOOST",
    "PROXIMITY_FIELDS",
    "PROXIMITY_SLOP",
    "ParsedQuery",
    "TierQuery",
    "author_filter",
    "check_match",
    "date_filter",
    "newsletter_filter",
    "parse_date_expression",
    "parse_query",
]

# The constant score of matching every (non-stop) word: large enough to be a rank tier, not a blend.
ALL_WORDS_BONUS = 1000.0
# The sloppy-phrase clause that rewards query words near each other (where: PROXIMITY_FIELDS).
PROXIMITY_BOOST = 1.0
PROXIMITY_SLOP = 3  # other words allowed between consecutive query words


@dataclass(frozen=True)
class ParsedQuery:
    """A parsed query: the whoosh query, how it was read, and what to highlight in hits."""

    text: str  # the query as given
    query: Any  # the whoosh query (NullQuery when is_empty)
    explanation: str  # how it was read, e.g. `+korea (troop){all words first} -china`
    # Logical field -> the terms of positive single words: stems, or folded words in name fields.
    highlight: dict[str, frozenset[str]]
    # (logical field or "*" for free text, "prefix" | "fuzzy", folded word) of positive terms.
    patterns: tuple[tuple[str, str, str], ...]
    phrases: tuple[tuple[str, ...], ...]  # stems of positive phrases (and split words: U.S.)
    words: tuple[str, ...]  # folded positive words searched, in query order, once each
    notes: tuple[str, ...]  # each lenient reading of malformed input
    is_empty: bool  # nothing searchable was left: the searcher returns no hits


def _weights(weights: dict[str, float] | None, kind: str) -> dict[str, float]:
    merged = default_weights(kind)
    for name, value in (weights or {}).items():
        if name not in DEFAULT_WEIGHTS or value < 0:
            # A programming error (a benchmark typo), not a user's query: fail loudly.
            raise ValueError(
                f"weights: {name!r}={value!r}; give a non-negative boost for one of "
                f"{', '.join(DEFAULT_WEIGHTS)}"
            )
        merged[name] = float(value)
    return merged


def parse_query(
    text: str,
    *,
    weights: dict[str, float] | None = None,
    today: dt.date | None = None,
    all_words_bonus: float = ALL_WORDS_BONUS,
    proximity_boost: float = PROXIMITY_BOOST,
    proximity_slop: int = PROXIMITY_SLOP,
    stories: bool = False,
    match: str = DEFAULT_MATCH,
) -> ParsedQuery:
    """Parse query text (see the module docstring); bad input raises QueryError, nothing else.

    `weights` overrides the field table's weights field by field, on issues and stories alike
    (index.fields.default_weights; 0 leaves a field out of free text);
    `today` anchors relative dates (default: the local date). The ranking knobs default to the
    module constants and exist for the relevance benchmark. An unknown field or negative value
    in `weights`, or a negative `proximity_slop`, is a programming error and raises ValueError.
    With `stories`, the query searches story documents: their own fields (index.fields), where
    a brief's headline and text are the story's headline and body. `match` is "all" (every
    juxtaposed item must match) or "any" (see the module docstring); another value raises
    QueryError.
    """
    check_match(match)
    if proximity_slop < 0:
        raise ValueError(f"proximity_slop must be 0 or more, not {proximity_slop}")
    if not text.strip():
        raise QueryError("Empty query: give at least one word to search for.", text, None)
    kind = KIND_STORY if stories else KIND_ISSUE
    compiler = Compiler(
        _weights(weights, kind),
        kind=kind,
        all_words_bonus=all_words_bonus,
        proximity_boost=proximity_boost,
        proximity_slop=proximity_slop,
        match_all=match == "all",
    )
    parsed = parse_tree(text, today or dt.date.today())
    query, explanation = compiler.seq(parsed.tree, positive=True)
    highlight = {name: frozenset(terms) for name, terms in compiler.highlight.items()}
    return ParsedQuery(
        text=text,
        query=query if query is not None else wq.NullQuery,
        explanation=strip_outer(explanation),
        highlight=dict(sorted(highlight.items())),
        patterns=tuple(dict.fromkeys(compiler.patterns)),
        phrases=tuple(compiler.phrases),
        words=tuple(compiler.words),
        notes=parsed.notes,
        is_empty=query is None,
    )
