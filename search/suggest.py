"""Did you mean: a corrected query built from the index's own vocabulary."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from rapidfuzz.distance import OSA

from index import stemming
from index.fields import NAME_FIELDS, TEXT_FIELD_TABLE, schema_field
from index.stopwords import STOP_WORDS
from search.expand import words_with_prefix
from search.query import ParsedQuery

# A word the index knows is corrected only towards one this many times commoner.
KNOWN_WORD_RATIO = 20
# A longer query is a question or a pasted sentence: no "did you mean" (correcting each of 25
# words took seconds, the most of a long question's time in bench/compare.py).
MAX_SUGGEST_WORDS = 6


def vocabulary_fields(kind: str) -> tuple[str, ...]:
    """The schema fields of `kind` whose terms are stemmed words (where corrections come from)."""
    fields = (schema_field(f.name, kind) for f in TEXT_FIELD_TABLE if f.name not in NAME_FIELDS)
    return tuple(field for field in fields if field is not None)


def _frequency(searcher: Any, fields: tuple[str, ...], term: str) -> int:
    return sum(int(searcher.doc_frequency(field, term)) for field in fields)


def _surface(stem: str, words: dict[str, str], typed: str) -> str:
    """The word to show for `stem`: the stem itself if it is a word, else the form that stems
    to it nearest to what was typed ("asynchronus" -> "asynchronous", not "asynchrone")."""
    forms = sorted(
        (w for w, s in words.items() if s == stem),
        key=lambda w: (OSA.distance(typed, w), len(w), w),
    )
    return stem if stem in words or not forms else forms[0]


# The stems of the index's word table by first letter, and the table size they were made at.
_BY_LETTER: dict[str, list[str]] = {}
_MADE_AT: list[tuple[int, int]] = [(0, -1)]


def _stems_starting(searcher: Any, fields: tuple[str, ...], letter: str) -> list[str]:
    """The index's stems that start with `letter`: candidates for a correction.

    From the word table the index keeps (index/stemming.py): every indexed word went through it,
    so its stems hold every term of the fields (and maybe more, which counts 0 in them). Reading
    the terms of each field and segment instead cost 0.3-0.7 s a word on 10,000 issues; that
    remains the way when the table is missing.
    """
    table = stemming.all_words()
    if not table:
        reader = searcher.reader()
        return [word for field in fields for word, _ in words_with_prefix(reader, field, letter)[0]]
    if _MADE_AT[0] != (id(table), len(table)):
        _BY_LETTER.clear()
        for found in set(table.values()):
            _BY_LETTER.setdefault(found[:1], []).append(found)
        _MADE_AT[0] = (id(table), len(table))
    return _BY_LETTER.get(letter, [])


def correct_word(searcher: Any, word: str, fields: tuple[str, ...]) -> str | None:
    """The best-attested word of `fields` within edit distance 2 of `word`, if it beats `word`."""
    if word in STOP_WORDS or len(word) < 3 or word.isdigit():
        return None
    stem = stemming.stem(word)
    own = _frequency(searcher, fields, stem)
    # Words of the same first letter within 2 edits, a swap of two letters being one (whoosh's
    # terms_within counts so), measured in C by rapidfuzz rather than by whoosh in Python.
    near: dict[str, int] = {}
    for candidate in _stems_starting(searcher, fields, stem[:1]):
        if candidate != stem and abs(len(candidate) - len(stem)) <= 2:
            distance = OSA.distance(stem, candidate, score_cutoff=2)
            if distance <= 2:
                near[candidate] = distance
    best: tuple[int, int, str] | None = None
    # Nearest first: once a word one edit away qualifies, none two away can win, and their
    # frequencies (a lookup per field and segment each) are not needed.
    for candidate, distance in sorted(near.items(), key=lambda item: item[1]):
        if best is not None and distance > best[0]:
            break
        freq = _frequency(searcher, fields, candidate)
        # A word the index knows is corrected only towards a far commoner one (a typo that
        # happens to occur in a large archive), never towards a near-equal.
        if freq > (0 if own == 0 else own * KNOWN_WORD_RATIO) and (
            best is None or (distance, -freq, candidate) < (best[0], -best[1], best[2])
        ):
            best = (distance, freq, candidate)
    if best is None:
        return None
    return _surface(best[2], stemming.known_words(), word)


def suggest_query(
    searcher: Any, parsed: ParsedQuery, total: int, count: Callable[[str], int], kind: str
) -> str | None:
    """A corrected query string that finds more than `total` hits (by `count`), or None.

    `count` runs a query text exactly as the search being corrected was run (same kind of
    document, filters, dates), so a suggestion never promises hits the user will not get.
    """
    fields = vocabulary_fields(kind)
    text = parsed.text
    changed = False
    words = list(dict.fromkeys(w for w in parsed.words if w not in STOP_WORDS))
    if len(words) > MAX_SUGGEST_WORDS:
        return None
    for word in words:
        better = correct_word(searcher, word, fields)
        if better and better != word:
            text = replace_word(text, word, better)
            changed = True
    if not changed or text == parsed.text:
        return None
    return text if count(text) > total else None


def replace_word(text: str, word: str, better: str) -> str:
    """Replace `word` (case-insensitively, whole words only) in the query text."""
    pattern = re.compile(rf"(?<![\w*]){re.escape(word)}(?![\w*~])", re.IGNORECASE)
    return pattern.sub(better, text)
