"""The field table: every field of the index, declared once; schema, query fields, weights,
aliases, snippet order and the issue/story mapping all derive from it.

An issue is indexed as an issue document and as story documents (its lead and each brief). The two
kinds keep their text in fields of their own (`body` / `story_body`), so that each kind's ranking
statistics describe that kind alone: 126 short briefs beside one long issue would otherwise make
every issue body look enormous. A logical text field names both; the query language, snippets and
hits speak of logical fields only, and `schema_field(name, kind)` says where the text lives.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

KIND_ISSUE = "issue"
KIND_STORY = "story"
KINDS = (KIND_ISSUE, KIND_STORY)

Analyzer = Literal["text", "names"]


@dataclass(frozen=True)
class TextField:
    """A searchable text field: where it lives for each kind and how it is searched and shown."""

    name: str  # the logical name (hits, snippets, `weights=`)
    issue: str | None  # schema field on issue documents (None: issues have no such text)
    story: str | None  # schema field on story documents
    analyzer: Analyzer  # "text": folded and stemmed; "names": folded, not stemmed
    weight: float  # multiplier on the field's BM25 score in free text (0: not in free text)
    # Query-language names that search this field, for issues and for stories.
    issue_names: tuple[str, ...]
    story_names: tuple[str, ...]
    snippet: int | None = None  # order among snippet sources (None: never a snippet)
    list_valued: bool = False  # stored one item a line (shown joined in snippets)
    # The field whose text is indexed in front of this one's (item by item for lists): a
    # headline opens its text, as the first line of an article does. Stored and shown as written.
    # Judged collections rank better so (bench/relevance.py --title-in-body: MAP over BM25 from
    # 1.049/1.049/0.971/1.005 to 1.048/1.070/1.025/1.062 on CRAN/CISI/MED/ADI): a word of the
    # headline counts in the text's statistics too, as plain BM25 over the whole file counts it.
    opened_by: str | None = None
    # The weight on story documents, where it differs (None: `weight`).
    story_weight: float | None = None


# Multipliers on each field's own BM25 score (search/scoring.py). Short fields already score a
# match higher than a long body does, so a headline at 0.5 still outranks the same word in a body
# (tests/search/test_searcher.py); higher headline weights measured worse on both judged
# collections (bench/relevance.py: 1.0 and 1.5 fell below plain BM25 on CISI).
TEXT_FIELD_TABLE: tuple[TextField, ...] = (
    # A story's headline counts in free text through its body alone, which it opens: a second
    # score on the headline field over-weighted titles in the story that carries an issue (search/
    # carry.py). Judged collections, bench/relevance.py, MAP and nDCG@10 over BM25, story headline
    # 0.5 -> 0: CRAN 1.048/1.040 -> 1.049/1.035, CISI 1.071/1.017 -> 1.078/1.030, MED 1.026/1.000
    # -> 1.029/1.008, ADI 1.062/1.050 -> 1.066/1.052 (chosen in every leave-one-out fold); known
    # items (bench/known_item.py) MRR 0.927 -> 0.918 on This Week in Rust, 0.951 -> 0.942 on
    # Haskell Weekly, still 1.64x and 1.16x BM25's.
    TextField(
        "headline",
        "headline",
        "story_headline",
        "text",
        0.5,
        ("headline",),
        ("headline", "brief"),
        story_weight=0.0,
    ),
    TextField(
        "standfirst",
        "standfirst",
        "story_standfirst",
        "text",
        0.75,
        ("standfirst",),
        ("standfirst",),
        snippet=1,
    ),
    TextField(
        "byline",
        "byline",
        "story_byline",
        "names",
        1.0,
        ("byline", "author"),
        ("byline", "author"),
        snippet=5,
    ),
    TextField(
        "body",
        "body",
        "story_body",
        "text",
        1.0,
        ("body",),
        ("body", "brief"),
        snippet=0,
        opened_by="headline",
    ),
    # A story has no briefs of its own: a brief story's headline and text are its headline and body.
    TextField(
        "brief_headlines",
        "brief_headlines",
        None,
        "text",
        0.5,
        ("brief",),
        (),
        snippet=2,
        list_valued=True,
    ),
    TextField(
        "briefs",
        "briefs",
        None,
        "text",
        1.0,
        ("brief",),
        (),
        snippet=3,
        list_valued=True,
        opened_by="brief_headlines",
    ),
    TextField(
        "sections",
        "sections",
        "story_sections",
        "text",
        1.0,
        ("section",),
        ("section",),
        snippet=4,
        list_valued=True,
    ),
    TextField(
        "newsletter", "newsletter", "newsletter", "names", 1.0, ("newsletter",), ("newsletter",)
    ),
)

TEXT_FIELDS: tuple[str, ...] = tuple(field.name for field in TEXT_FIELD_TABLE)
BY_NAME: dict[str, TextField] = {field.name: field for field in TEXT_FIELD_TABLE}
DEFAULT_WEIGHTS: dict[str, float] = {field.name: field.weight for field in TEXT_FIELD_TABLE}
STORY_WEIGHTS: dict[str, float] = {
    field.name: field.weight if field.story_weight is None else field.story_weight
    for field in TEXT_FIELD_TABLE
}
# Logical fields whose terms are folded words, not stems.
NAME_FIELDS = frozenset(field.name for field in TEXT_FIELD_TABLE if field.analyzer == "names")
# Where snippets come from, in order of preference.
SNIPPET_FIELDS: tuple[str, ...] = tuple(
    field.name
    for field in sorted(TEXT_FIELD_TABLE, key=lambda f: f.snippet or 0)
    if field.snippet is not None
)
# What a hit shows: its headline, then the snippet sources.
DISPLAY_FIELDS: tuple[str, ...] = ("headline", *SNIPPET_FIELDS)
# Query-language field names (besides `date:`, a filter), e.g. `author:` -> byline.
QUERY_FIELD_NAMES: tuple[str, ...] = tuple(
    dict.fromkeys(
        name for field in TEXT_FIELD_TABLE for name in (*field.issue_names, *field.story_names)
    )
)

# The query-language names for people: each field's name, then its aliases in parentheses.
QUERY_FIELDS_TEXT = ", ".join(
    dict.fromkeys(
        names[0] + (f" ({', '.join(names[1:])})" if len(names) > 1 else "")
        for names in (field.issue_names for field in TEXT_FIELD_TABLE)
        if names
    )
)


def default_weights(kind: str) -> dict[str, float]:
    """Each logical field's weight in free text on documents of `kind` (a fresh dict)."""
    return dict(STORY_WEIGHTS if kind == KIND_STORY else DEFAULT_WEIGHTS)


def schema_field(name: str, kind: str) -> str | None:
    """Where the logical text field `name` lives on documents of `kind` (None: nowhere)."""
    field = BY_NAME[name]
    return field.issue if kind == KIND_ISSUE else field.story


def query_targets(query_name: str, kind: str) -> tuple[str, ...]:
    """The logical fields a query-language field name searches on documents of `kind`."""
    return tuple(
        field.name
        for field in TEXT_FIELD_TABLE
        if query_name in (field.issue_names if kind == KIND_ISSUE else field.story_names)
    )


def kind_of(schema_name: str) -> str | None:
    """The kind of document a schema text field belongs to (None: both kinds share it)."""
    kinds = {
        kind
        for field in TEXT_FIELD_TABLE
        for kind in KINDS
        if schema_name == (field.issue if kind == KIND_ISSUE else field.story)
    }
    return kinds.pop() if len(kinds) == 1 else None


def logical_name(schema_name: str) -> str:
    """The logical field of a schema text field (`story_body` -> `body`)."""
    for field in TEXT_FIELD_TABLE:
        if schema_name in (field.issue, field.story):
            return field.name
    return schema_name


def schema_text_fields(kind: str | None = None) -> tuple[str, ...]:
    """Every schema text field, or those of one kind of document."""
    kinds = KINDS if kind is None else (kind,)
    names = [
        name
        for field in TEXT_FIELD_TABLE
        for k in kinds
        if (name := schema_field(field.name, k)) is not None
    ]
    return tuple(dict.fromkeys(names))


def analyzer_of(schema_name: str) -> Analyzer:
    """How a schema text field is analyzed."""
    return BY_NAME[logical_name(schema_name)].analyzer
