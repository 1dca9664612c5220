"""Did you mean: a corrected query built from the index's own vocabulary."""

from __future__ import annotations

import re
from typing import Any

from index import stemming
from index.stopwords import STOP_WORDS
from search.query import ParsedQuery, parse_query

# Fields whose terms are stemmed words (the vocabulary corrections come from).
_KNOWN_WORD_RATIO = 20
_VOCAB_FIELDS = ("headline", "body", "brief_headlines", "briefs", "standfirst")


def _frequency(searcher: Any, term: str) -> int:
    return sum(int(searcher.doc_frequency(field, term)) for field in _VOCAB_FIELDS)


def _surface(stem: str, words: dict[str, str]) -> str:
    """The commonest-looking word that stems to `stem`: the stem itself if it is a word."""
    forms = sorted((w for w, s in words.items() if s == stem), key=lambda w: (len(w), w))
    return stem if stem in words or not forms else forms[0]


def correct_word(searcher: Any, word: str) -> str | None:
    """The best-attested index word within edit distance 2 of `word`, if it beats `word`."""
    if word in STOP_WORDS or len(word) < 3 or word.isdigit():
        return None
    stem = stemming.stem(word)
    own = _frequency(searcher, stem)
    reader = searcher.reader()
    best: tuple[int, int, str] | None = None
    for distance in (1, 2):
        for field in _VOCAB_FIELDS:
            for candidate in reader.terms_within(field, stem, distance, prefix=1):
                if candidate == stem:
                    continue
                freq = _frequency(searcher, candidate)
                # A word the index knows is corrected only towards a far commoner one (a typo
                # that happens to occur in a large archive), never towards a near-equal.
                if freq > (0 if own == 0 else own * _KNOWN_WORD_RATIO) and (
                    best is None or (distance, -freq) < (best[0], -best[1])
                ):
                    best = (distance, freq, candidate)
        if best is not None:
            break
    if best is None:
        return None
    return _surface(best[2], stemming.known_words())


def suggest_query(searcher: Any, parsed: ParsedQuery, total: int, filter_query: Any) -> str | None:
    """A corrected query string that finds more than `total` hits, or None."""
    text = parsed.text
    changed = False
    for word in dict.fromkeys(parsed.words):
        better = correct_word(searcher, word)
        if better and better != word:
            text = _replace_word(text, word, better)
            changed = True
    if not changed or text == parsed.text:
        return None
    corrected = parse_query(text)
    if corrected.is_empty:
        return None
    found = searcher.search(corrected.query, limit=1, filter=filter_query)
    return text if len(found) > total else None


def _replace_word(text: str, word: str, better: str) -> str:
    """Replace `word` (case-insensitively, whole words only) in the query text."""
    pattern = re.compile(rf"(?<![\w*]){re.escape(word)}(?![\w*~])", re.IGNORECASE)
    return pattern.sub(better, text)
