"""Prefix and fuzzy terms, expanded against the index's vocabulary with a bounded cost.

`korea*` or `shutle~2` can name thousands of indexed words (`a*` on 20 Newsgroups names tens of
thousands); searching them all took whoosh tens of seconds. Each pattern is expanded here to the
words it names, at most MAX_EXPANSIONS of them per field (the most frequent: what the user most
likely means), after reading at most MAX_SCANNED words of the vocabulary; when a cap cuts, a note
says so. The expanded words are also what the snippets highlight.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from rapidfuzz.distance import Levenshtein
from whoosh import query as wq

from index.fields import logical_name

MAX_EXPANSIONS = 24  # words a pattern names per field, most frequent first
MAX_SCANNED = 50_000  # vocabulary words read per pattern and field


@dataclass
class Expansion:
    """The outcome of expanding a query: what each field's patterns named, and any cut."""

    terms: dict[str, set[str]] = field(default_factory=dict)  # logical field -> words named
    notes: list[str] = field(default_factory=list)


def words_with_prefix(
    reader: Any, fieldname: str, prefix: str
) -> tuple[list[tuple[str, int]], bool]:
    """(word, document frequency) of the field's words that start with `prefix`; cut or not.

    Each segment's words are read in order, segment by segment: asking a multi-segment reader
    would look every word up in every segment.
    """
    found: dict[str, int] = {}
    cut = False
    for segment, _ in reader.leaf_readers():
        if fieldname not in segment.indexed_field_names():
            continue
        for count, (text, info) in enumerate(segment.iter_prefix(fieldname, prefix)):
            if count >= MAX_SCANNED:
                cut = True
                break
            word = text if isinstance(text, str) else text.decode("utf-8")
            found[word] = found.get(word, 0) + info.doc_frequency()
    return list(found.items()), cut


def _named(node: Any, reader: Any) -> tuple[list[tuple[str, int]], bool]:
    if isinstance(node, wq.FuzzyTerm):
        word, distance = node.text, node.maxdist
        start = word[: node.prefixlength]
        pool, cut = words_with_prefix(reader, node.fieldname, start)
        named = [
            (text, freq)
            for text, freq in pool
            if abs(len(text) - len(word)) <= distance
            and Levenshtein.distance(word, text, score_cutoff=distance) <= distance
        ]
        return named, cut
    return words_with_prefix(reader, node.fieldname, node.text)


def expand(query: Any, reader: Any) -> tuple[Any, Expansion]:
    """`query` with every Prefix and FuzzyTerm replaced by the words it names (capped)."""
    outcome = Expansion()
    cuts: dict[str, tuple[int, bool]] = {}  # pattern -> (words named, vocabulary scan cut)

    def replace(node: Any) -> Any:
        if not isinstance(node, (wq.Prefix, wq.FuzzyTerm)):
            return node
        named, scan_cut = _named(node, reader)
        named.sort(key=lambda item: (-item[1], item[0]))
        kept = [text for text, _ in named[:MAX_EXPANSIONS]]
        shown = f"{node.text}~{node.maxdist}" if isinstance(node, wq.FuzzyTerm) else f"{node.text}*"
        if len(named) > MAX_EXPANSIONS or scan_cut:
            before = cuts.get(shown, (0, False))
            cuts[shown] = (max(before[0], len(named)), before[1] or scan_cut)
        outcome.terms.setdefault(logical_name(node.fieldname), set()).update(kept)
        if not kept:
            return wq.NullQuery
        terms = [wq.Term(node.fieldname, text, boost=node.boost) for text in kept]
        return terms[0] if len(terms) == 1 else wq.Or(terms)

    expanded = query.accept(replace)
    for shown, (count, scan_cut) in cuts.items():
        outcome.notes.append(
            f"{shown} names {'over ' if scan_cut else ''}{count:,} indexed words: searched "
            f"the {MAX_EXPANSIONS} most frequent of each field"
        )
    return expanded, outcome
