"""The whoosh schema of the index: the fields that hold index.documents' documents.

whoosh pickles this schema into the index, so its analyzers live at stable import paths
(index.analysis). The documents themselves, the schema version and the story ids are
engine-neutral: index.documents.
"""

from __future__ import annotations

from whoosh.fields import DATETIME, ID, KEYWORD, NUMERIC, STORED, TEXT, Schema

from index.analysis import name_analyzer, text_analyzer
from index.fields import analyzer_of, schema_text_fields

__all__ = ["build_schema"]


def build_schema() -> Schema:
    """A fresh schema object (whoosh keeps and pickles it with the index).

    Text fields come from the field table (index.fields); the rest are keys, filters and stored
    values of our own.
    """
    analyzers = {"text": text_analyzer(), "names": name_analyzer()}
    text = {
        name: TEXT(analyzer=analyzers[analyzer_of(name)], stored=True)
        for name in schema_text_fields()
    }
    return Schema(
        id=ID(stored=True, unique=True),
        kind=ID(stored=True),
        issue_id=ID(stored=True),
        path=ID(stored=True),
        newsletter_key=ID(stored=True, sortable=True),
        authors=KEYWORD(stored=True, commas=True, lowercase=True, scorable=False),
        date=DATETIME(stored=True, sortable=True),
        month=ID(stored=True, sortable=True),
        number=NUMERIC(stored=True),
        issue_headline=STORED(),
        link=STORED(),
        extra=STORED(),
        date_source=STORED(),
        **text,
    )
