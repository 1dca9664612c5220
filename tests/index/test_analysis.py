"""The analyzer: words, folding, Snowball stems; and that the schema pickles at stable paths."""

from __future__ import annotations

import pickle
import random
from typing import Any

import pytest
from whoosh.formats import Positions

from index.analysis import analyze, fold, name_analyzer, text_analyzer, tokenize
from index.schema import build_schema


def terms(text: str) -> list[str]:
    return [token.text for token in text_analyzer()(text)]


def test_stems_meet_their_other_forms() -> None:
    assert terms("troops") == terms("troop") == ["troop"]
    assert terms("deployed") == terms("deployment") == terms("deploying") == ["deploy"]
    assert terms("Running runners") == ["run", "runner"]


def test_curly_apostrophes_and_quotes_fold_to_ascii() -> None:
    assert terms("Korea’s") == terms("Korea's") == ["korea"]
    assert fold("“Quoted”") == '"quoted"'


def test_accents_and_case_fold() -> None:
    assert terms("Café CAFÉ cafe") == ["cafe", "cafe", "cafe"]
    assert fold("Zürich") == "zurich"


def test_stop_words_keep_their_positions() -> None:
    # whoosh reuses one Token object: read each as it comes.
    tokens = text_analyzer()("the day of victory", positions=True)
    assert [(t.text, t.pos) for t in tokens] == [
        ("the", 0),
        ("day", 1),
        ("of", 2),
        ("victori", 3),
    ]


def test_offsets_point_into_the_original_text() -> None:
    text = "North Korea’s troops"
    assert [(w, text[s:e]) for w, s, e in tokenize(text)] == [
        ("north", "North"),
        ("korea's", "Korea’s"),
        ("troops", "troops"),
    ]
    assert analyze(text) == ["north", "korea", "troop"]


def test_names_are_folded_not_stemmed() -> None:
    assert [t.text for t in name_analyzer()("Caitlin Allen’s Notes")] == [
        "caitlin",
        "allen's",
        "notes",
    ]


def test_schema_pickles_without_lambdas_and_round_trips() -> None:
    schema = build_schema()
    restored = pickle.loads(pickle.dumps(schema))
    assert restored.names() == schema.names()
    analyzer = restored["body"].analyzer
    assert [t.text for t in analyzer("Troops deployed")] == ["troop", "deploy"]
    # Every callable in the schema lives in our package at an importable path.
    classes = {type(item).__module__ for item in analyzer.items}
    assert classes <= {"whoosh.analysis.tokenizers", "index.analysis"}


def test_one_pass_tokenizer_gives_the_tokens_of_the_filter_chain() -> None:
    # Indexes written before WordTokenizer pickled this chain: both must index the same terms.
    from whoosh.analysis import RegexTokenizer

    from index.analysis import TOKEN_PATTERN, FoldFilter, SnowballFilter

    chains = (
        (RegexTokenizer(TOKEN_PATTERN) | FoldFilter() | SnowballFilter(), text_analyzer()),
        (RegexTokenizer(TOKEN_PATTERN) | FoldFilter(), name_analyzer()),
    )
    text = "North Korea’s troops, CAFÉ crème; the U.S. e-mail 2024 deployed\n“Running” runners x"
    options: list[dict[str, object]] = [
        {},
        {"positions": True, "chars": True},
        {"positions": True, "chars": True, "keeporiginal": True, "start_pos": 3, "start_char": 9},
        {"tokenize": False},
        {"mode": "query", "removestops": False},
    ]
    for old, new in chains:
        for kwargs in options:
            for value in (text, "", "Zürich"):
                fields = ("text", "pos", "startchar", "endchar", "original", "boost", "stopped")
                seen = [
                    [
                        tuple(getattr(token, name, None) for name in fields)
                        for token in a(value, **kwargs)
                    ]
                    for a in (old, new)
                ]
                assert seen[0] == seen[1], (kwargs, value)


@pytest.mark.parametrize("analyzer", [text_analyzer(), name_analyzer()], ids=["text", "names"])
def test_postings_of_a_text_are_whooshs_own(analyzer: Any) -> None:
    """The one-pass word_values gives whoosh's terms, counts, weights and encoded positions."""
    rng = random.Random(9)
    pool = ["Flood", "floods", "the", "Café", "o’clock", "42", "rust-lang", "İstanbul", "sirens"]
    fmt = Positions(field_boost=1.5)
    for _ in range(50):
        text = " ".join(rng.choice(pool) for _ in range(rng.randint(0, 40)))
        fast = list(fmt.word_values(text, analyzer, mode="index"))
        slow = list(fmt.whoosh_word_values(text, analyzer, mode="index"))
        assert fast == slow
        assert [type(found[2]) for found in fast] == [type(found[2]) for found in slow]
    assert next(fmt.word_values("Flood flood", analyzer, mode="index"))[1:3] == (2, 3.0)
