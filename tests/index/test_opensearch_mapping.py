"""The OpenSearch index definition, without a node (tests/opensearch runs it on a real one)."""

from __future__ import annotations

import re
import sys
import unicodedata

from index.analysis import TOKEN_PATTERN
from index.engines.opensearch_mapping import (
    ANALYZERS,
    analysis_settings,
    index_definition,
    java_token_pattern,
)
from index.fields import analyzer_of, schema_text_fields


def test_java_word_class_is_pythons_word_class() -> None:
    # The Java pattern spells Python's `\w` as [\p{L}\p{N}_]: check that over every code point.
    word = re.compile(r"\w")
    differ = [
        hex(code)
        for code in range(sys.maxunicode + 1)
        if bool(word.fullmatch(chr(code)))
        != (unicodedata.category(chr(code))[0] in "LN" or chr(code) == "_")
    ]
    assert differ == []
    assert java_token_pattern() == TOKEN_PATTERN.replace(r"\w", r"[\p{L}\p{N}_]")
    assert r"\w" not in java_token_pattern()


def test_every_text_field_is_mapped_with_its_analyzer() -> None:
    properties = index_definition()["mappings"]["properties"]
    assert set(properties) == set(schema_text_fields())
    assert properties["story_body"] == {"type": "text", "analyzer": "newsletter_text"}
    assert properties["byline"] == {"type": "text", "analyzer": "newsletter_names"}
    for name, mapping in properties.items():
        assert mapping["analyzer"] == ANALYZERS[analyzer_of(name)]
        assert mapping["analyzer"] in analysis_settings()["analyzer"]


def test_only_text_fields_are_stemmed() -> None:
    analyzers = analysis_settings()["analyzer"]
    assert analyzers["newsletter_text"]["filter"][-1] == "newsletter_snowball"
    assert "newsletter_snowball" not in analyzers["newsletter_names"]["filter"]
