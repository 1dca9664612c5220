"""OpenSearch index settings: analyzers matching index.analysis, text fields from the field table.

Ours (index/analysis.py): a regular expression finds words (letters, digits, inner apostrophes),
then each word is lower-cased, its curly quotes folded to ASCII, its accents stripped (NFKD), and,
in text fields, stemmed with Snowball English; name fields (newsletters, bylines) are not stemmed.

OpenSearch's closest chain, from analysis-common (on every OpenSearch, no extra plugin):
  char filter `mapping`   curly quotes -> ASCII (our table: index.wordforms.QUOTE_FOLDS);
  tokenizer `pattern`     our word pattern, Python's Unicode `\\w` spelled `[\\p{L}\\p{N}_]`
                          (Java's `\\w` is ASCII-only; its `(?U)\\w` also takes combining marks);
  filters `lowercase`, `asciifolding`, then (text fields only) `snowball` English (Porter2).

Where they differ (tests/opensearch/test_analysis_conformance.py measures it on real text):
  - `asciifolding` also folds letters that have no NFKD decomposition (ß -> ss, æ -> ae,
    ø -> o, œ -> oe, ł -> l, đ/ð -> d, þ -> th), and leaves accents on non-Latin letters (Greek,
    Cyrillic) that NFKD strips;
  - Lucene's lowercase maps one code point at a time: Greek final sigma stays σ (Python: ς);
  - Lucene's Snowball English is generated from a later Snowball release than nltk's port.
"""

from __future__ import annotations

from typing import Any

from index.fields import Analyzer, analyzer_of, schema_text_fields
from index.wordforms import QUOTE_FOLDS, TOKEN_PATTERN

# Our analyzer names in an index's settings, by the field table's analyzer kinds.
ANALYZERS: dict[Analyzer, str] = {"text": "newsletter_text", "names": "newsletter_names"}

# Python's `\w` on str patterns: letters, numbers (any Unicode category L or N) and underscore.
_JAVA_WORD = r"[\p{L}\p{N}_]"


def java_token_pattern() -> str:
    """Our word pattern (index.wordforms.TOKEN_PATTERN) in Java regular-expression syntax."""
    return TOKEN_PATTERN.replace(r"\w", _JAVA_WORD)


def analysis_settings() -> dict[str, Any]:
    """The `settings.analysis` part of an index: char filter, tokenizer and our two analyzers."""
    folded = ["lowercase", "asciifolding"]
    common = {
        "type": "custom",
        "char_filter": ["newsletter_quotes"],
        "tokenizer": "newsletter_words",
    }
    return {
        "char_filter": {
            "newsletter_quotes": {
                "type": "mapping",
                "mappings": [f"{curly} => {plain}" for curly, plain in QUOTE_FOLDS.items()],
            }
        },
        "tokenizer": {
            # group 0: tokens are the pattern's matches (by default the pattern would split).
            "newsletter_words": {"type": "pattern", "pattern": java_token_pattern(), "group": 0}
        },
        "filter": {"newsletter_snowball": {"type": "snowball", "language": "English"}},
        "analyzer": {
            ANALYZERS["text"]: {**common, "filter": [*folded, "newsletter_snowball"]},
            ANALYZERS["names"]: {**common, "filter": folded},
        },
    }


def text_field_properties() -> dict[str, dict[str, Any]]:
    """Mapping properties of every text field of the schema, each with its analyzer.

    The one place that reads the field table for OpenSearch's text fields: the engine's full
    mapping (ids, dates, facets, the story relation) builds on this.
    """
    return {
        name: {"type": "text", "analyzer": ANALYZERS[analyzer_of(name)]}
        for name in schema_text_fields()
    }


def index_definition() -> dict[str, Any]:
    """The body of a create-index request: our analysis and the text fields' mappings."""
    return {
        "settings": {"analysis": analysis_settings()},
        "mappings": {"properties": text_field_properties()},
    }
