"""Did you mean, on OpenSearch: candidates from the term suggester, chosen by whoosh's rules.

The same words are corrected (no stop words, numbers or short words; no question of more than
MAX_SUGGEST_WORDS words), over the same fields, towards the same kind of candidate: a stem of the
index within two edits (a swap of two letters being one), sharing the first letter, commoner
than the word (far commoner when the index knows the word too). The word shown is the form the
index holds as written, found by highlighting one document that has the stem.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from rapidfuzz.distance import OSA

from index import stemming
from index.stopwords import STOP_WORDS
from search.query import ParsedQuery
from search.suggest import KNOWN_WORD_RATIO, MAX_SUGGEST_WORDS, replace_word, vocabulary_fields

_MARK = re.compile(r"\x01(.*?)\x02", re.S)


def suggest_on_cluster(
    client: Any,
    index: str,
    parsed: ParsedQuery,
    total: int,
    count: Callable[[str], int],
    kind: str,
) -> str | None:
    """A corrected query string that finds more than `total` hits (by `count`), or None."""
    fields = vocabulary_fields(kind)
    words = list(dict.fromkeys(w for w in parsed.words if w not in STOP_WORDS))
    if len(words) > MAX_SUGGEST_WORDS:
        return None
    text = parsed.text
    for word in words:
        better = _correct(client, index, word, fields)
        if better and better != word:
            text = replace_word(text, word, better)
    if text == parsed.text:
        return None
    return text if count(text) > total else None


def _frequencies(client: Any, index: str, fields: tuple[str, ...], stems: list[str]) -> list[int]:
    """How many documents hold each stem in any of `fields` (one request for them all)."""
    # Term queries: each stem is looked up exactly as the index holds it.
    aggs: dict[str, Any] = {}
    for n, stem in enumerate(stems):
        should = [{"term": {field: stem}} for field in fields]
        aggs[str(n)] = {"filter": {"bool": {"should": should}}}
    answer = client.search(index=index, body={"size": 0, "aggs": aggs})
    return [int(answer["aggregations"][str(n)]["doc_count"]) for n in range(len(stems))]


def _correct(client: Any, index: str, word: str, fields: tuple[str, ...]) -> str | None:
    if word in STOP_WORDS or len(word) < 3 or word.isdigit():
        return None
    stem = stemming.stem(word)
    suggest = {
        field: {
            "text": stem,
            "term": {
                "field": field,
                "analyzer": "keyword",  # the stem as it is: no second stemming
                "suggest_mode": "always",
                "max_edits": 2,
                "prefix_length": 1,
                "min_word_length": 3,
                "size": 20,
            },
        }
        for field in fields
    }
    answer = client.search(index=index, body={"size": 0, "suggest": suggest})
    near: dict[str, int] = {}
    for field in fields:
        for entry in answer["suggest"].get(field, []):
            for option in entry["options"]:
                candidate = str(option["text"])
                distance = OSA.distance(stem, candidate, score_cutoff=2)
                if candidate != stem and distance <= 2:
                    near[candidate] = distance
    if not near:
        return None
    candidates = sorted(near)
    own, *freqs = _frequencies(client, index, fields, [stem, *candidates])
    best: tuple[int, int, str] | None = None
    for candidate, freq in zip(candidates, freqs, strict=True):
        distance = near[candidate]
        if freq > (0 if own == 0 else own * KNOWN_WORD_RATIO) and (
            best is None or (distance, -freq, candidate) < (best[0], -best[1], best[2])
        ):
            best = (distance, freq, candidate)
    if best is None:
        return None
    return _surface(client, index, fields, best[2], word)


def _surface(client: Any, index: str, fields: tuple[str, ...], stem: str, typed: str) -> str:
    """The stem as the index's text writes it, nearest to what was typed (else the stem)."""
    marks = {"pre_tags": ["\x01"], "post_tags": ["\x02"], "number_of_fragments": 3}
    body = {
        "size": 3,
        "_source": False,
        "query": {"bool": {"should": [{"term": {field: stem}} for field in fields]}},
        "highlight": {"fields": {field: dict(marks) for field in fields}},
    }
    forms: set[str] = set()
    for hit in client.search(index=index, body=body)["hits"]["hits"]:
        for fragments in hit.get("highlight", {}).values():
            for fragment in fragments:
                forms.update(m.lower() for m in _MARK.findall(fragment) if m.isalpha())
    if stem in forms or not forms:
        return stem
    return min(forms, key=lambda form: (OSA.distance(typed, form), len(form), form))


__all__ = ["suggest_on_cluster"]
