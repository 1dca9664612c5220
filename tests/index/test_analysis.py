"""The analyzer: words, folding, Snowball stems; and that the schema pickles at stable paths."""

from __future__ import annotations

import pickle

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
