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

from whoosh.analysis import CompositeAnalyzer, Filter, Token, Tokenizer

from index import stemming
from index.wordforms import QUOTE_FOLDS, TOKEN_PATTERN

# A word, as indexed; search/highlight.py finds words with it too.
TOKEN_RE = re.compile(TOKEN_PATTERN)

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
    for match in TOKEN_RE.finditer(text):
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
        # The table first: a call to stemming.stem per token costs more than the lookup.
        known, stem = stemming.known_words(), stemming.stem
        for token in tokens:
            found = known.get(token.text)
            token.text = stem(token.text) if found is None else found
            yield token


# Word as written -> its term (folded, and stemmed or not), for WordTokenizer. Bounded: cleared
# when full (it only spares work; the terms come out the same without it). Its stems come from
# one stem table: should that table be replaced (tests do), the cache starts again, so that every
# word new to the table still goes through stemming.stem (which records it for saving).
_TERMS: dict[bool, dict[str, str]] = {True: {}, False: {}}
_TERMS_MAX = 500_000
_TABLE_SEEN: list[dict[str, str]] = [{}]


class WordTokenizer(Tokenizer):  # type: ignore[misc]
    """whoosh tokenizer: in one pass, the tokens of RegexTokenizer | FoldFilter [| SnowballFilter].

    Same terms, positions and offsets as that chain (indexes written with it keep working), at
    about half the cost: one generator instead of three, and one lookup per word as written
    instead of a fold and a stem call. (Profile of a build: the chain took a fifth of the time.)
    """

    def __init__(self, stem: bool = True) -> None:
        self.stem = stem

    def __eq__(self, other: object) -> bool:
        return isinstance(other, WordTokenizer) and other.stem == self.stem

    def __hash__(self) -> int:
        return hash((WordTokenizer, self.stem))

    def _terms(self) -> dict[str, str]:
        """The cache of word -> term (started again when the stem table was replaced)."""
        if stemming.known_words() is not _TABLE_SEEN[0]:
            _TABLE_SEEN[0] = stemming.known_words()
            _TERMS[True].clear()
        return _TERMS[self.stem]

    def positions(self, value: str) -> dict[str, list[int]]:
        """Each term of `value` -> its positions, in order of first use: what indexing needs."""
        terms, term = self._terms(), self._term
        found: dict[str, list[int]] = {}
        for pos, match in enumerate(TOKEN_RE.finditer(value)):
            word = match.group()
            text = terms.get(word)
            if text is None:
                text = term(word)
            at = found.get(text)
            if at is None:
                found[text] = [pos]
            else:
                at.append(pos)
        return found

    def _term(self, word: str) -> str:
        terms = _TERMS[self.stem]
        if len(terms) >= _TERMS_MAX:
            terms.clear()
        found = terms[word] = stemming.stem(fold(word)) if self.stem else fold(word)
        return found

    def __call__(
        self,
        value: str,
        positions: bool = False,
        chars: bool = False,
        keeporiginal: bool = False,
        removestops: bool = True,
        start_pos: int = 0,
        start_char: int = 0,
        tokenize: bool = True,
        mode: str = "",
        **kwargs: Any,
    ) -> Iterator[Any]:
        # As RegexTokenizer.__call__ (whoosh reuses one Token object), with the filters inlined.
        token = Token(positions, chars, removestops=removestops, mode=mode, **kwargs)
        if not tokenize:
            token.original = value
            token.text = self._term(value)
            token.boost = 1.0
            if positions:
                token.pos = start_pos
            if chars:
                token.startchar = start_char
                token.endchar = start_char + len(value)
            yield token
            return
        terms, term = self._terms(), self._term
        for pos, match in enumerate(TOKEN_RE.finditer(value)):
            word = match.group()
            found = terms.get(word)
            token.text = term(word) if found is None else found
            token.boost = 1.0
            if keeporiginal:
                token.original = word
            token.stopped = False
            if positions:
                token.pos = start_pos + pos
            if chars:
                token.startchar = start_char + match.start()
                token.endchar = start_char + match.end()
            yield token


def text_analyzer() -> Any:
    """The analyzer of every searchable text field: words, folded, stemmed; no stop list."""
    return CompositeAnalyzer(WordTokenizer(stem=True))


def name_analyzer() -> Any:
    """Analyzer for names (newsletters, authors): words, folded, not stemmed."""
    return CompositeAnalyzer(WordTokenizer(stem=False))


def _word_tokenizer(analyzer: Any) -> WordTokenizer | None:
    """The WordTokenizer an analyzer of ours is made of alone (None: another analyzer)."""
    if type(analyzer) is CompositeAnalyzer and len(analyzer.items) == 1:
        item = analyzer.items[0]
        return item if type(item) is WordTokenizer else None
    return None


def _positions_in_one_pass() -> None:
    """whoosh's Positions.word_values, for our analyzers, without a Token object per word.

    whoosh gathers each term's positions from a stream of Token objects through three
    generators; a build spent a third of its time there. For a text and one of our analyzers the
    terms and positions come straight from WordTokenizer.positions; the postings are the same
    (tests/index/test_analysis.py), so indexes and the schema whoosh pickles do not change.
    """
    from whoosh.formats import Positions

    original = Positions.word_values

    def word_values(self: Any, value: Any, analyzer: Any, **kwargs: Any) -> Iterator[Any]:
        tokenizer = _word_tokenizer(analyzer)
        if tokenizer is None or not isinstance(value, str) or set(kwargs) - {"mode"}:
            yield from original(self, value, analyzer, **kwargs)
            return
        boost, encode = self.field_boost, self.encode
        for term, found in tokenizer.positions(value).items():
            # whoosh sums a boost of 1.0 per occurrence: the same float as the count.
            yield (term, len(found), float(len(found)) * boost, encode(found))

    Positions.word_values = word_values
    Positions.whoosh_word_values = original  # for tests that compare the two


_positions_in_one_pass()
