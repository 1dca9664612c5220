"""OpenSearch's analysis (index/engines/opensearch_mapping.py) against ours (index/analysis.py).

The oracle is our own analyzer: the same text goes through `_analyze` on a real node and through
`index.analysis`, and the tokens must agree exactly on our fixture text, agree on all but a
documented handful of words on real text, and differ only in the documented ways.
"""

from __future__ import annotations

import collections
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from opensearchpy import OpenSearch

from index import parse_file
from index.analysis import TOKEN_PATTERN, analyze, fold, tokenize
from index.engines.opensearch_mapping import ANALYZERS, index_definition
from index.fields import analyzer_of, schema_text_fields

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
INDEX = "analysis-conformance"
WORD = re.compile(TOKEN_PATTERN)

# Our own text for the features the analysis must keep: curly and straight apostrophes,
# quotes, accents, ligatures, full-width letters, underscores, digits, stemming.
SAMPLE = """\
Korea’s exports rose; Korea's imports fell. “Don’t panic,” said O’Brien’s deputy ‘today’.
The café’s naïve façade: Zoë and Renée met at the Crème Brûlée stall in São Paulo.
ﬁnance ＡＢＣ x² snake_case user_id 3.5 e-mail U.S.A. 2024-03-07 §12 rock’n’roll
Running runners ran; studies studied studying; generously generous generosity; agreed.
connection connections connected connecting; happily happiness; relational relativity
"""


def their_tokens(client: OpenSearch, analyzer: str, text: str | list[str]) -> list[str]:
    answer = client.indices.analyze(index=INDEX, body={"analyzer": analyzer, "text": text})
    return [token["token"] for token in answer["tokens"]]


def our_tokens(analyzer: str, text: str) -> list[str]:
    if analyzer == ANALYZERS["text"]:
        return analyze(text)
    return [word for word, _, _ in tokenize(text)]  # folded, not stemmed


@pytest.fixture(scope="module")
def client(opensearch_url: str) -> Iterator[OpenSearch]:
    """A client with our analysis installed in an index (created here, deleted afterwards)."""
    client = OpenSearch(hosts=[opensearch_url], timeout=120)
    body: dict[str, Any] = index_definition()
    # Whole documents and word lists go through _analyze in one request each.
    body["settings"]["index"] = {"number_of_replicas": 0, "analyze": {"max_token_count": 500_000}}
    client.indices.create(index=INDEX, body=body)
    try:
        yield client
    finally:
        client.indices.delete(index=INDEX)
        client.close()


def fixture_texts() -> list[str]:
    """The text fields of every issue in the repository's fixture archive."""
    texts = []
    for path in sorted(p for p in FIXTURES.rglob("*") if p.is_file()):
        for issue in parse_file(path, FIXTURES):
            texts += [issue.headline, issue.standfirst, issue.byline, issue.body]
            texts += [part for brief in issue.briefs for part in (brief.headline, brief.text)]
    return [text for text in texts if text]


@pytest.mark.parametrize("analyzer", sorted(ANALYZERS.values()))
def test_our_text_analyzes_identically(client: OpenSearch, analyzer: str) -> None:
    texts = [SAMPLE, *fixture_texts()]
    assert len(texts) > 50
    for text in texts:
        assert their_tokens(client, analyzer, text) == our_tokens(analyzer, text), text


def test_each_text_field_gets_its_analyzer_from_the_field_table(client: OpenSearch) -> None:
    text = "Runners’ Cafés"
    for field in schema_text_fields():
        answer = client.indices.analyze(index=INDEX, body={"field": field, "text": text})
        tokens = [token["token"] for token in answer["tokens"]]
        stemmed = analyzer_of(field) == "text"
        assert tokens == (["runner", "cafe"] if stemmed else ["runners", "cafes"]), field
        assert tokens == our_tokens(ANALYZERS[analyzer_of(field)], text), field
    assert {analyzer_of(field) for field in schema_text_fields()} == {"text", "names"}


# Every known kind of difference, one example each: word, ours, OpenSearch's.
DIFFERENCES = [
    # asciifolding folds letters that NFKD cannot decompose; ours keeps them.
    ("Wrocław", "wrocław", "wroclaw"),
    ("Straße", "straße", "strass"),
    ("Mjølner", "mjølner", "mjolner"),
    ("Æternity", "æterniti", "aetern"),
    ("þ", "þ", "th"),
    # NFKD strips marks and maps compatibility forms that asciifolding leaves alone.
    ("Артём", "артем", "артём"),
    ("で", "て", "で"),
    ("4½", "41⁄2", "4½"),
    ("1º", "1o", "1º"),
    ("µs", "μs", "µs"),
    # Hangul syllables: ours decomposes them into jamo (NFKD), OpenSearch keeps them composed.
    ("최신", "\u110e\u116c\u1109\u1175\u11ab", "최신"),
    # Lucene lower-cases one code point at a time: no Greek final sigma.
    ("ΟΔΟΣ", "οδος", "οδοσ"),
    # nltk's Snowball English port vs Lucene's (generated from the reference Snowball).
    ("quantization", "quantize", "quantiz"),
    ("rotationally", "rotate", "rotat"),
    ("strated", "strat", "strate"),
]


def test_documented_differences(client: OpenSearch) -> None:
    analyzer = ANALYZERS["text"]
    found = [
        (word, " ".join(our_tokens(analyzer, word)), " ".join(their_tokens(client, analyzer, word)))
        for word, _, _ in DIFFERENCES
    ]
    assert found == DIFFERENCES


def corpus_words(corpus: Path) -> collections.Counter[str]:
    """Occurrences of each distinct word (as written) in the real newsletters and news."""
    words: collections.Counter[str] = collections.Counter()
    folders = [corpus / "seed", corpus / "newsletters", corpus / "news"]
    for path in sorted(p for folder in folders for p in folder.rglob("*") if p.is_file()):
        words.update(WORD.findall(path.read_bytes().decode("utf-8", "replace")))
    return words


def their_word_tokens(client: OpenSearch, words: list[str]) -> Iterator[tuple[str, str]]:
    """(word, OpenSearch's tokens joined by spaces) for each word; one request per ~10,000."""
    if not words:
        return
    tokens = their_tokens(client, ANALYZERS["text"], words)
    if len(tokens) == len(words):
        yield from zip(words, tokens, strict=True)
    elif len(words) == 1:
        yield words[0], " ".join(tokens)
    else:
        # Some word is not one token there: halve until it is found.
        half = len(words) // 2
        yield from their_word_tokens(client, words[:half])
        yield from their_word_tokens(client, words[half:])


@pytest.mark.slow
def test_real_vocabulary_agrees(client: OpenSearch, shared_corpus: Path) -> None:
    words = corpus_words(shared_corpus)
    vocabulary = sorted(words)
    theirs: dict[str, str] = {}
    for start in range(0, len(vocabulary), 10_000):
        theirs.update(their_word_tokens(client, vocabulary[start : start + 10_000]))
    differ = {word for word in vocabulary if theirs[word] != " ".join(analyze(word))}
    print(f"{len(differ)} of {len(vocabulary)} distinct words analyze differently:")
    for word in sorted(differ, key=lambda w: -words[w]):
        print(f"  {words[word]:6} {word!r}: ours {analyze(word)}, OpenSearch {theirs[word]!r}")
    # Every word is one token in both: the tokenizers agree everywhere.
    assert all(len(theirs[word].split(" ")) == 1 for word in vocabulary)
    # ASCII words fold alike; only the two Snowball ports tell some of them apart.
    ascii_differ = sorted(word for word in differ if word.isascii())
    unstemmed = their_tokens(client, ANALYZERS["names"], ascii_differ) if ascii_differ else []
    assert unstemmed == [fold(word) for word in ascii_differ]
    assert len(ascii_differ) <= len(vocabulary) // 5000
    assert sum(words[word] for word in differ) <= sum(words.values()) // 10_000
