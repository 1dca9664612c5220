"""Text analysis: tokenizing, folding and stemming, as whoosh analyzers at stable import paths.

whoosh pickles the schema, analyzers included, into the index; every class here must stay importable
at `index.analysis.<Name>` or old indexes will not open. Stop words are kept in the index (phrases
such as "the day of victory" need their positions); queries drop them from bag-of-words clauses.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator
from functools import lru_cache
from typing import Any

from whoosh.analysis import Filter, RegexTokenizer

from index import stemming

# A word: letters/digits, with inner apostrophes (straight or curly) kept so "Korea’s" is one token.
TOKEN_PATTERN = r"\w+(?:['’‘ʼ]\w+)*"
_TOKEN_RE = re.compile(TOKEN_PATTERN)

# Curly quotes and apostrophes fold to ASCII so that `Korea's` matches `Korea’s`.
# (Public: the OpenSearch analysis folds the same characters.)
QUOTE_FOLDS = {"’": "'", "‘": "'", "ʼ": "'", "“": '"', "”": '"', "„": '"'}
_QUOTES = str.maketrans(QUOTE_FOLDS)


@lru_cache(maxsize=65536)
def fold(word: str) -> str:
    """Lower-case a word, fold its quotes to ASCII and strip accents (café -> cafe)."""
    text = word.lower().translate(_QUOTES)
    if text.isascii():
        return text
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def tokenize(text: str) -> Iterator[tuple[str, int, int]]:
    """Yield (folded word, start, end) for each word of `text`, offsets into `text`."""
    for match in _TOKEN_RE.finditer(text):
        yield fold(match.group()), match.start(), match.end()


def analyze(text: str) -> list[str]:
    """The indexed terms of `text`, in order: what the index stores for it."""
    return [stemming.stem(word) for word, _, _ in tokenize(text)]


class FoldFilter(Filter):  # type: ignore[misc]
    """whoosh filter: lower-case, fold quotes to ASCII, strip accents."""

    def __call__(self, tokens: Iterator[Any]) -> Iterator[Any]:
        for token in tokens:
            token.text = fold(token.text)
            yield token


class SnowballFilter(Filter):  # type: ignore[misc]
    """whoosh filter: Snowball English stems through `index.stemming` (nltk loaded lazily)."""

    def __call__(self, tokens: Iterator[Any]) -> Iterator[Any]:
        stem = stemming.stem
        for token in tokens:
            token.text = stem(token.text)
            yield token


def text_analyzer() -> Any:
    """The analyzer of every searchable text field: words, folded, stemmed; no stop list."""
    return RegexTokenizer(TOKEN_PATTERN) | FoldFilter() | SnowballFilter()


def name_analyzer() -> Any:
    """Analyzer for names (newsletters, authors): words, folded, not stemmed."""
    return RegexTokenizer(TOKEN_PATTERN) | FoldFilter()
