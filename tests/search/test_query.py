"""The query language: parsing, explanations, highlight data, and ranking on a small index."""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Iterator
from typing import Any

import pytest
from whoosh import query as wq
from whoosh.filedb.filestore import RamStorage

from index.documents import documents
from index.errors import QueryError
from index.fields import KIND_ISSUE, KIND_STORY, TEXT_FIELDS, query_targets, schema_field
from index.model import Brief, Issue
from index.schema import build_schema
from search.query import (
    ALL_WORDS_BONUS,
    DEFAULT_WEIGHTS,
    NAME_FIELDS,
    PROXIMITY_FIELDS,
    PROXIMITY_SLOP,
    ParsedQuery,
    TierQuery,
    author_filter,
    date_filter,
    newsletter_filter,
    parse_date_expression,
    parse_query,
)
from search.querylex import KNOWN_FIELDS
from search.scoring import weighting

D = dt.date
TODAY = D(2024, 11, 13)  # a Wednesday: "last week" is 2024-11-04..2024-11-10


def parse(text: str, **kwargs: Any) -> ParsedQuery:
    """The any-word reading unless `match` says otherwise (the all-word tests ask for it)."""
    return parse_query(text, today=TODAY, **{"match": "any", **kwargs})


def walk(query: Any) -> Iterator[Any]:
    yield query
    for child in query.children():
        yield from walk(child)


def of_type(query: Any, kind: type) -> list[Any]:
    return [q for q in walk(query) if isinstance(q, kind)]


# --- parsing: explanations -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "explanation"),
    [
        ("korea", "korea"),
        ("Troops", "troop"),
        (
            "north korean troops",
            '(north OR korean OR troop){all words first; near "north korean troops"~3}',
        ),
        ('"north korean troops"', '"north korean troops"'),
        ('"north korean troops"~3', '"north korean troops"~3'),
        ('"troops"', "troop"),
        ("U.S.", '"u s"'),
        ("e-mail", '"e mail"'),
        ("korea*", "korea*"),
        ("blinkin~", "blinkin~1"),
        ("blinking~2", "blink~2"),
        ("korea~0", "korea"),
        ("+korea troops -china", "+korea (troop){all words first} -china"),
        ("+korea +japan", "+korea +japan"),
        ("korea NOT china", "korea -china"),
        ("korea AND china", "korea AND china"),
        ("korea OR china", "korea OR china"),
        ("korea AND china OR japan", "(korea AND china) OR japan"),
        ("korea OR china AND japan", "korea OR (china AND japan)"),
        ("korea AND NOT china", "korea AND -china"),
        ("headline:korea", "headline:korea"),
        ("HEADLINE:korea", "headline:korea"),
        ("author:Lee", "author:lee"),
        ("byline:Lees", "byline:lees"),
        ("newsletter:watch", "newsletter:watch"),
        ("brief:troops", "brief:troop"),
        ("section:asia", "section:asia"),
        ("standfirst:look", "standfirst:look"),
        ('headline:"north korea"', 'headline:"north korea"'),
        (
            "headline:(korea OR japan) date:2024",
            "(headline:korea OR headline:japan) date:2024-01-01..2024-12-31",
        ),
        (
            "headline:(north korea)",
            '(headline:north OR headline:korea){all words first; near "north korea"~3}',
        ),
        ("-headline:korea", "-headline:korea"),
        ("date:2024-11-05", "date:2024-11-05"),
        ("date:2024-11", "date:2024-11-01..2024-11-30"),
        ("date:2024-10-01..2024-11-30", "date:2024-10-01..2024-11-30"),
        ("date:2024-10..", "date:2024-10-01.."),
        ("date:>2024-06-01", "date:2024-06-02.."),
        ("date:<=2024-06", "date:..2024-06-30"),
        ('date:"last week"', "date:2024-11-04..2024-11-10"),
        ("date:today", "date:2024-11-13"),
        ("korea date:2024-11", "korea date:2024-11-01..2024-11-30"),
        ("+date:2024 korea", "korea date:2024-01-01..2024-12-31"),
        ("NOT date:2024", "-date:2024-01-01..2024-12-31"),
        ("the day of victory", '(day OR victori){all words first; near "day victory"~3}'),
        ("the who", '(the OR who){all words first; near "the who"~3}'),
        ("+the war", "+the (war){all words first}"),
        ('"the"', "the"),
        ("korea Korea", "korea^2"),
        ("café", "cafe"),
        ("-korea", "-korea"),
        ("korea (north OR south)", "(korea OR (north OR south)){all words first}"),
    ],
)
def test_explanation(text: str, explanation: str) -> None:
    assert parse(text).explanation == explanation


@pytest.mark.parametrize(
    ("text", "explanation"),
    [
        ("north korean troops", '(north AND korean AND troop){near "north korean troops"~3}'),
        ("korea", "korea"),
        ("+korea troops -china", "(korea AND troop) -china"),
        ('korea "kim jong un"', 'korea AND "kim jong un"'),
        ("korea OR japan", "korea OR japan"),
        ("headline:(north korea)", '(headline:north AND headline:korea){near "north korea"~3}'),
        ("korea date:2024", "korea date:2024-01-01..2024-12-31"),
        ("the day of victory", '(day AND victori){near "day victory"~3}'),
    ],
)
def test_explanation_all_words(text: str, explanation: str) -> None:
    assert parse(text, match="all").explanation == explanation


def test_all_words_is_the_default() -> None:
    assert (
        parse_query("korea troops", today=TODAY).explanation
        == parse("korea troops", match="all").explanation
    )


def test_unknown_match_mode() -> None:
    with pytest.raises(QueryError, match="use one of all, any"):
        parse("korea", match="most")


def test_explanation_is_deterministic() -> None:
    text = '+korea "kim jong un"~1 troops -china headline:(north korea) date:"last 30 days"'
    assert len({parse(text).explanation for _ in range(5)}) == 1
    assert parse(text).explanation == (
        '+korea ("kim jong un"~1 OR troop OR (headline:north OR headline:korea)'
        '{all words first; near "north korea"~3}){all words first} -china '
        "date:2024-10-15..2024-11-13"
    )


# --- parsing: whoosh query structure --------------------------------------------------------


def test_bare_words_build_all_words_tier_any_word_and_proximity() -> None:
    parsed = parse("north korean troops")
    top = parsed.query
    assert isinstance(top, wq.Or)
    tier, *words, near = top.subqueries
    assert isinstance(tier, TierQuery)
    assert tier.score == ALL_WORDS_BONUS
    assert isinstance(tier.child, wq.And) and len(tier.child.subqueries) == 3
    assert len(words) == 3
    # Each word searches every weighted text field, stemmed except in name fields.
    first = words[0]
    assert {t.fieldname for t in first.subqueries} == set(TEXT_FIELDS)
    troops = {t.fieldname: t.text for t in words[2].subqueries}
    assert troops["body"] == "troop" and troops["byline"] == "troops"
    boosts = {t.fieldname: t.boost for t in first.subqueries}
    assert boosts["headline"] == DEFAULT_WEIGHTS["headline"]
    assert boosts["body"] == DEFAULT_WEIGHTS["body"]
    # The proximity clause: sloppy phrases over headline and body.
    phrases = of_type(near, wq.Phrase)
    assert {p.fieldname for p in phrases} == set(PROXIMITY_FIELDS)
    assert all(p.words == ["north", "korean", "troop"] for p in phrases)
    assert all(p.slop == PROXIMITY_SLOP + 1 for p in phrases)


def test_ranking_knobs_are_keyword_arguments() -> None:
    parsed = parse(
        "north korean troops", all_words_bonus=50.0, proximity_boost=2.0, proximity_slop=5
    )
    tier = of_type(parsed.query, TierQuery)[0]
    assert tier.score == 50.0
    phrases = of_type(parsed.query, wq.Phrase)
    assert {p.slop for p in phrases} == {6}
    assert {p.fieldname: p.boost for p in phrases} == {
        "headline": 2.0 * DEFAULT_WEIGHTS["headline"],
        "body": 2.0 * DEFAULT_WEIGHTS["body"],
    }
    plain = parse("north korean troops", all_words_bonus=0.0, proximity_boost=0.0)
    assert not of_type(plain.query, TierQuery) and not of_type(plain.query, wq.Phrase)
    assert plain.explanation == "north OR korean OR troop"


def test_weights_override_and_zero_leaves_a_field_out() -> None:
    parsed = parse("korea", weights={"headline": 5.0, "newsletter": 0.0})
    boosts = {t.fieldname: t.boost for t in of_type(parsed.query, wq.Term)}
    assert boosts["headline"] == 5.0
    assert "newsletter" not in boosts
    assert "newsletter" not in parsed.highlight
    # An explicit field is searched even when its free-text weight is zero.
    assert of_type(parse("newsletter:watch", weights={"newsletter": 0.0}).query, wq.Term)
    with pytest.raises(ValueError, match="weights"):
        parse("korea", weights={"nope": 1.0})


def test_single_word_has_no_tier_or_proximity() -> None:
    parsed = parse("korea")
    assert not of_type(parsed.query, TierQuery)
    assert not of_type(parsed.query, wq.Phrase)


def test_field_scoping_uses_the_alias_fields() -> None:
    assert {t.fieldname for t in of_type(parse("brief:troops").query, wq.Term)} == {
        "brief_headlines",
        "briefs",
    }
    assert {t.fieldname for t in of_type(parse("author:lee").query, wq.Term)} == {"byline"}
    assert {t.fieldname for t in of_type(parse("section:asia").query, wq.Term)} == {"sections"}


def test_required_excluded_and_filters_structure() -> None:
    query = parse("+japan korea -china date:2024").query
    assert isinstance(query, wq.AndNot)
    assert isinstance(query.a, wq.Require)  # the date filters without scoring
    assert isinstance(query.a.a, wq.AndMaybe)  # required first, the rest only scores
    assert isinstance(query.a.b, wq.DateRange)


def test_pure_exclusion_matches_everything_else() -> None:
    parsed = parse("-korea")
    assert isinstance(parsed.query, wq.AndNot) and isinstance(parsed.query.a, wq.Every)
    assert not parsed.is_empty
    assert parsed.highlight == {} and parsed.words == ()


def test_prefix_and_fuzzy_queries() -> None:
    prefixes = of_type(parse("happy*").query, wq.Prefix)
    # Stemmed fields also try the stem (happy -> happi); name fields the folded word only.
    assert {(p.fieldname, p.text) for p in prefixes if p.fieldname == "body"} == {
        ("body", "happi"),
        ("body", "happy"),
    }
    assert {p.text for p in prefixes if p.fieldname == "byline"} == {"happy"}
    # A prefix that extends the stem adds nothing: `studies*` is `studi*`.
    assert {p.text for p in of_type(parse("body:studies*").query, wq.Prefix)} == {"studi"}
    fuzzy = of_type(parse("blinking~2").query, wq.FuzzyTerm)
    body = next(f for f in fuzzy if f.fieldname == "body")
    assert (body.text, body.maxdist, body.prefixlength) == ("blink", 2, 1)
    assert next(f for f in fuzzy if f.fieldname == "byline").text == "blinking"


# --- parsing: highlight, phrases, words, patterns ------------------------------------------


def test_highlight_has_stems_for_text_fields_and_words_for_name_fields() -> None:
    parsed = parse("Troops -china")
    assert parsed.highlight["body"] == frozenset({"troop"})
    assert parsed.highlight["byline"] == frozenset({"troops"})
    assert set(parsed.highlight) == set(TEXT_FIELDS)
    assert all("china" not in terms for terms in parsed.highlight.values())
    assert parse("headline:korea").highlight == {"headline": frozenset({"korea"})}


def test_phrases_words_and_patterns() -> None:
    parsed = parse('"North Korean troops" U.S. korea* blinkin~ headline:nuke* -"no way" the')
    assert parsed.phrases == (("north", "korean", "troop"), ("u", "s"))
    assert parsed.words == ("north", "korean", "troops", "u", "s")
    assert parsed.patterns == (
        ("*", "prefix", "korea"),
        ("*", "fuzzy", "blinkin"),
        ("headline", "prefix", "nuke"),
    )
    # Phrase words are highlighted as phrases, not one by one; stop words are dropped.
    assert parsed.highlight == {}


def test_words_keep_query_order_without_duplicates() -> None:
    assert parse("to be or not to be").words == ("to", "be", "or", "not")
    assert parse("+korea troops korea").words == ("korea", "troops")


def test_stop_words_dropped_unless_nothing_else() -> None:
    assert parse("the war").words == ("war",)
    assert parse("the who").words == ("the", "who")
    assert parse("headline:(the war)").words == ("war",)
    # Stop words in a phrase stay: the index keeps them, with positions.
    assert parse('"day of victory"').phrases == (("day", "of", "victori"),)
    # Only exclusions and filters beside them: the stop words are all there is.
    assert parse("the -war date:2024").words == ("the",)


def test_lower_case_operators_are_words() -> None:
    assert parse("cats and dogs").explanation.startswith("(cat OR dog)")
    assert parse("rock or roll").words == ("rock", "roll")


# --- parsing: lenient reading and errors ----------------------------------------------------


@pytest.mark.parametrize(
    ("text", "explanation", "note"),
    [
        ('"north korea', '"north korea"', "unbalanced quote at position 0: read as if closed"),
        ("(korea OR japan", "korea OR japan", 'unclosed "(" at position 0: closed at the end'),
        (
            "korea) japan",
            '(korea OR japan){all words first; near "korea japan"~3}',
            'stray ")" at position 5: ignored',
        ),
        ("korea AND", "korea", 'dangling "AND" at position 6: ignored'),
        ("korea OR", "korea", 'dangling "OR" at position 6: ignored'),
        ("korea NOT", "korea", 'dangling "NOT" at position 6: ignored'),
        ("korea -", "korea", '"-" at position 6 has no letters or digits: ignored'),
        ("AND korea", "korea", '"AND" at position 0 has nothing before it: ignored'),
        (
            "korea () japan",
            '(korea OR japan){all words first; near "korea japan"~3}',
            "empty parentheses at position 6: ignored",
        ),
        ('korea ""', "korea", "empty phrase at position 6: ignored"),
        (
            "headline: korea",
            "headline:korea",
            'space after "headline:" at position 0: read as applying to what follows',
        ),
        (
            "date: 2024-11",
            "date:2024-11-01..2024-11-30",
            'space after "date:" at position 0: read as applying to what follows',
        ),
        (
            "date:last week",
            "date:2024-11-04..2024-11-10",
            'read date:last week at position 0 as date:"last week"',
        ),
        (
            "date:2024-12..2024-10",
            "date:2024-10-01..2024-12-31",
            "backwards date range at position 5: read as 2024-10-01..2024-12-31",
        ),
        (
            "ko*ea",
            '"ko ea"',
            '"*" works only at the end of a word: read "ko*ea" at position 0 as words',
        ),
        (
            "U.S*",
            '"u s"',
            '"U.S*" at position 0 is several words, which a wildcard cannot span: read as a phrase',
        ),
        (
            '"north korea"~ troops',
            '("north korea" OR troop){all words first}',
            '"~" without a number at position 13: ignored',
        ),
    ],
)
def test_lenient_reading_adds_a_note(text: str, explanation: str, note: str) -> None:
    parsed = parse(text)
    assert parsed.explanation == explanation
    assert note in parsed.notes


def test_clean_query_has_no_notes() -> None:
    assert parse('+korea "north korea"~2 headline:(a b) date:2024 -china').notes == ()


def test_colon_words_that_are_not_fields_are_text() -> None:
    assert parse("Update: troops").words == ("update", "troops")
    assert parse("https://example.com").phrases == (("https", "exampl", "com"),)
    assert parse("10:30").phrases == (("10", "30"),)


@pytest.mark.parametrize("text", ["()", "&", '""', "NOT", "( ) ) (", "-"])
def test_nothing_searchable_is_empty(text: str) -> None:
    parsed = parse(text)
    assert parsed.is_empty
    assert parsed.query is wq.NullQuery
    assert parsed.explanation == ""
    assert parsed.notes


def test_filters_only_are_not_empty() -> None:
    parsed = parse("date:2024-11")
    assert not parsed.is_empty
    assert isinstance(parsed.query, wq.DateRange)


@pytest.mark.parametrize("text", ["", "   ", "\n\t"])
def test_empty_query_is_an_error(text: str) -> None:
    with pytest.raises(QueryError) as caught:
        parse(text)
    assert caught.value.message == "Empty query: give at least one word to search for."


def test_unknown_field_error_names_field_position_and_known_fields() -> None:
    with pytest.raises(QueryError) as caught:
        parse("korea foo:bar")
    error = caught.value
    assert error.position == 6
    assert error.message == (
        'Unknown field "foo" at position 6. Known fields: headline, standfirst, byline (author),'
        " body, brief, section, newsletter, date."
        ' To search for the text "foo:bar", put it in quotes.'
    )
    assert parse('"foo:bar"').phrases == (("foo", "bar"),)
    with pytest.raises(QueryError, match='Unknown field "foo"'):
        parse('foo:"bar"')


@pytest.mark.parametrize(
    ("text", "position", "fragment"),
    [
        ("date:soon", 5, "Cannot read the date"),
        ("korea date:2024-13", 11, "month must be in 1..12"),
        ("date:2024-02-30", 5, "day is out of range"),
        ('date:"next week"', 6, "Accepted forms"),
        ("date:", 0, "has no date after it"),
        ("date:(2024)", 0, "not a group"),
        ("korea~3", 5, "Fuzzy distance"),
        ("korea~12", 5, "use ~1 or ~2"),
        ('"a b"~101', 5, "Phrase slop"),
    ],
)
def test_errors_say_where(text: str, position: int, fragment: str) -> None:
    with pytest.raises(QueryError) as caught:
        parse(text)
    assert caught.value.position == position
    assert fragment in caught.value.message
    assert caught.value.query == text


@pytest.mark.parametrize("text", ["(" * 400 + "korea", "NOT " * 1200 + "korea", "a:(" * 50])
def test_deep_nesting_is_a_query_error_not_a_recursion_error(text: str) -> None:
    with pytest.raises(QueryError, match="nests parentheses or NOTs"):
        parse(text.replace("a:(", "headline:("))


def test_moderate_nesting_is_fine() -> None:
    assert parse("(" * 30 + "korea" + ")" * 30).explanation == "korea"
    assert parse("NOT NOT korea").explanation == "--korea"


def test_date_error_lists_accepted_forms() -> None:
    with pytest.raises(QueryError, match=r"2024-10-01\.\.2024-11-30.*last week"):
        parse("date:whenever")


def test_query_fields_exist_for_issues_and_stories() -> None:
    schema = build_schema()
    assert set(KNOWN_FIELDS) == {
        "headline",
        "byline",
        "author",
        "body",
        "brief",
        "newsletter",
        "section",
        "standfirst",
        "date",
    }
    for name in KNOWN_FIELDS:
        if name == "date":
            continue
        for kind in (KIND_ISSUE, KIND_STORY):
            targets = query_targets(name, kind)
            assert targets, (name, kind)
            for target in targets:
                field = schema_field(target, kind)
                assert field is not None and field in schema.names(), (name, kind, target)
    assert query_targets("brief", KIND_STORY) == ("headline", "body")
    assert set(DEFAULT_WEIGHTS) == set(TEXT_FIELDS)


def test_name_fields_are_the_unstemmed_ones() -> None:
    schema = build_schema()
    unstemmed = {
        name
        for name in TEXT_FIELDS
        if [t.text for t in schema[name].analyzer("Running")] == ["running"]
    }
    assert unstemmed == NAME_FIELDS


def test_relative_dates_default_to_the_local_date() -> None:
    today = dt.date.today()
    assert parse_query("date:today").explanation == f"date:{today.isoformat()}"


# --- ranking on a small index ----------------------------------------------------------------

ISSUES = (
    Issue(
        id="phrase",
        path="phrase.txt",
        newsletter="Peninsula Watch",
        headline="Front line report",
        byline="By Ann Lee",
        date=D(2024, 10, 20),
        body="Officials confirmed that north korean troops have reached the front line near the"
        " border, according to several reports from the region this week.",
    ),
    Issue(
        id="scatter",
        path="scatter.txt",
        newsletter="World Brief",
        headline="Regional roundup",
        byline="By Bo Wu",
        date=D(2024, 11, 5),
        body="Troops gathered in the far north of the country on Monday. Later a korean envoy"
        " arrived to meet the visiting troops, and the korean ministers then flew back north.",
    ),
    Issue(
        id="partial",
        path="partial.txt",
        newsletter="Peninsula Watch",
        headline="North Korean leaders",
        byline="By Ann Lee",
        date=D(2024, 6, 1),
        body="North Korean leaders met; north korean officials and north korean diplomats spoke.",
    ),
    Issue(
        id="china",
        path="china.txt",
        newsletter="Asia Daily",
        headline="China votes",
        byline="By Carol Diaz",
        date=D(2023, 12, 15),
        body="An election in china drew crowds; korea watched closely.",
    ),
    Issue(
        id="lights",
        path="lights.txt",
        newsletter="Asia Daily",
        headline="Blinking lights over Seoul",
        byline="By Carol Diaz",
        date=D(2024, 11, 8),
        body="Residents reported blinking lights for hours.",
    ),
    Issue(
        id="japan",
        path="japan.txt",
        newsletter="World Brief",
        headline="Japan and Korea sign a pact",
        byline="By Bo Wu and Ann Lee",
        date=D(2024, 11, 12),
        body="Japan and korea agreed on fishing rights.",
        briefs=(Brief(headline="Troops leave Okinawa", text="A small contingent departs."),),
    ),
    Issue(
        id="koreans",
        path="koreans.txt",
        newsletter="Diaspora Notes",
        headline="Koreans abroad",
        standfirst="A look at emigrant life",
        byline="By Dee Kim",
        date=D(2024, 9, 2),
        body="Diaspora communities of koreans grow.",
    ),
    Issue(
        id="nuclear",
        path="nuclear.txt",
        newsletter="Asia Daily",
        headline="Nuclear talks stall",
        byline="By Carol Diaz",
        date=D(2024, 11, 13),
        body="Negotiators on nuclear issues left Geneva.",
        sections=("Security",),
    ),
)


@pytest.fixture(scope="module")
def searcher() -> Iterator[Any]:
    # whoosh keeps a RAM index's column scratch files in /tmp/<indexname>.tmp: a name of our own
    # keeps concurrent test runs from deleting each other's.
    index = RamStorage().create_index(build_schema(), indexname=f"query-tests-{os.getpid()}")
    writer = index.writer()
    for issue in ISSUES:
        for document in documents(issue):
            writer.add_document(**document)
    writer.commit()
    with index.searcher(weighting=weighting()) as opened:
        yield opened


ISSUE_ONLY = wq.Term("kind", "issue")


def ids(searcher: Any, query: Any, **options: Any) -> list[str]:
    return [hit["id"] for hit in searcher.search(query, limit=None, filter=ISSUE_ONLY, **options)]


# The ranking-mechanics tests below (tier, required words, prefixes) were written for these
# weights; the shipped DEFAULT_WEIGHTS are tuned by bench/relevance.py and their effect on
# ranking is checked in tests/search/test_searcher.py.
MECHANICS_WEIGHTS = {"headline": 3.0, "brief_headlines": 2.0, "standfirst": 1.5}


def ranked(searcher: Any, text: str, **kwargs: Any) -> list[str]:
    kwargs.setdefault("weights", MECHANICS_WEIGHTS)
    return ids(searcher, parse(text, **kwargs).query)


def found(searcher: Any, text: str) -> set[str]:
    return set(ranked(searcher, text))


def test_documents_with_all_words_rank_first(searcher: Any) -> None:
    order = ranked(searcher, "north korean troops")
    assert order[:2] == ["phrase", "scatter"]
    # "partial" says north korean six times -- a higher plain score, but it lacks "troops".
    assert order.index("partial") > 1
    assert ranked(searcher, "north korean troops", all_words_bonus=0.0)[0] == "partial"


def test_tier_holds_when_the_search_needs_current_matches(searcher: Any) -> None:
    # Highlighting (terms=True), sorting and paging make whoosh keep the current match; the
    # all-words tier must not fall back to a blend then.
    parsed = parse("north korean troops")
    with_terms = ids(searcher, parsed.query, terms=True)
    assert with_terms[:2] == ["phrase", "scatter"]
    page = searcher.search_page(parsed.query, 1, pagelen=2, filter=ISSUE_ONLY, terms=True)
    assert [hit["id"] for hit in page] == ["phrase", "scatter"]
    assert page[0].score > ALL_WORDS_BONUS


def test_proximity_ranks_the_phrase_above_scattered_words(searcher: Any) -> None:
    assert ranked(searcher, "north korean troops")[:2] == ["phrase", "scatter"]
    # Without the proximity clause the scattered issue (more occurrences) wins.
    assert ranked(searcher, "north korean troops", proximity_boost=0.0)[:2] == [
        "scatter",
        "phrase",
    ]


def test_field_weights_rank_headline_matches_higher(searcher: Any) -> None:
    # "japan" has korea in its headline (boost 3), "china" only in its body.
    assert ranked(searcher, "korea") == ["japan", "china"]


def test_field_scoping(searcher: Any) -> None:
    # "Koreans" stems to "korean" too; shorter fields and more occurrences rank higher.
    assert ranked(searcher, "headline:korean") == ["koreans", "partial"]
    assert ranked(searcher, "body:korean") == ["partial", "koreans", "scatter", "phrase"]
    assert ranked(searcher, "brief:troops") == ["japan"]
    # A brief headlined "Troops ..." (its headline opens its text too) comes before bodies that
    # mention troops once or twice among thirty words.
    assert ranked(searcher, "troops") == ["japan", "scatter", "phrase"]
    assert ranked(searcher, "headline:troops") == []
    assert ranked(searcher, "section:security") == ["nuclear"]
    assert ranked(searcher, "standfirst:emigrant") == ["koreans"]
    assert found(searcher, "byline:lee") == {"phrase", "partial", "japan"}
    assert found(searcher, "author:lee") == {"phrase", "partial", "japan"}
    assert found(searcher, "newsletter:watch") == {"phrase", "partial"}
    assert found(searcher, 'newsletter:"asia daily"') == {"china", "lights", "nuclear"}
    assert found(searcher, "headline:(korea OR nuclear)") == {"japan", "nuclear"}


def test_boolean_operators(searcher: Any) -> None:
    assert ranked(searcher, "korea AND china") == ["china"]
    assert ranked(searcher, "nuclear OR blinking") == ["nuclear", "lights"]
    assert ranked(searcher, "korea -china") == ["japan"]
    assert ranked(searcher, "korea NOT china") == ["japan"]
    assert ranked(searcher, "korean NOT north") == ["koreans"]
    assert ranked(searcher, "+japan korea") == ["japan"]
    assert found(searcher, "korea AND china OR nuclear") == {"china", "nuclear"}
    assert ranked(searcher, "korea AND (china OR japan)") == ["japan", "china"]
    assert ranked(searcher, "(korea OR korean) AND japan") == ["japan"]
    assert ranked(searcher, "(korea OR korean) -headline:korean") == [
        "japan",
        "china",
        "scatter",
        "phrase",
    ]
    # Lower-case "or" is a word: a stop word, dropped beside the others.
    assert ranked(searcher, "nuclear or blinking") == ["nuclear", "lights"]


def test_required_words_must_match_and_the_rest_rank(searcher: Any) -> None:
    # Four issues have "korean"; those that also have "troops" (all the words) rank first,
    # though "koreans" and "partial" score higher on "korean" alone.
    assert ranked(searcher, "+korean troops") == ["scatter", "phrase", "koreans", "partial"]
    assert ranked(searcher, "+korean troops", all_words_bonus=0.0)[0] == "koreans"


def test_pure_exclusion_matches_every_other_issue(searcher: Any) -> None:
    assert found(searcher, "-korea -korean -koreans") == {"lights", "nuclear"}


def test_phrases(searcher: Any) -> None:
    assert found(searcher, '"north korean troops"') == {"phrase"}
    assert found(searcher, '"korean troops"') == {"phrase"}
    assert found(searcher, '"north troops"') == set()
    assert found(searcher, '"north troops"~1') == {"phrase"}
    assert found(searcher, '"blinking lights"') == {"lights"}


def test_prefix(searcher: Any) -> None:
    # The rarer expansion weighs more: "korea" (in japan's headline and body) before "korean".
    assert ranked(searcher, "korea*") == [
        "japan",
        "koreans",
        "partial",
        "china",
        "scatter",
        "phrase",
    ]
    # `koreans*` also tries its stem `korean`, so "korean" matches too.
    assert ranked(searcher, "koreans*") == ["koreans", "partial", "scatter", "phrase"]
    assert found(searcher, "headline:korea*") == {"partial", "japan", "koreans"}
    assert found(searcher, "nuc*") == {"nuclear"}


def test_fuzzy(searcher: Any) -> None:
    assert found(searcher, "nucler~") == {"nuclear"}
    assert found(searcher, "nuclr~") == set()
    assert found(searcher, "nuclr~2") == {"nuclear"}
    # Distances are between stems: blinkin -> blink is 2.
    assert found(searcher, "blinkin~2") == {"lights"}
    assert found(searcher, "byline:diz~") == {"china", "lights", "nuclear"}


def test_date_ranges(searcher: Any) -> None:
    assert found(searcher, "date:2024-11") == {"scatter", "lights", "japan", "nuclear"}
    assert found(searcher, "date:2024-10-01..2024-11-05") == {"phrase", "scatter"}
    assert found(searcher, "date:2024-11-08") == {"lights"}
    assert found(searcher, "date:>2024-11-08") == {"japan", "nuclear"}
    assert found(searcher, "date:>=2024-11-08") == {"lights", "japan", "nuclear"}
    assert found(searcher, "date:<2024") == {"china"}
    assert found(searcher, "date:<=2024-06-01") == {"china", "partial"}
    assert found(searcher, "date:2024-11-12..") == {"japan", "nuclear"}
    assert found(searcher, "date:2023") == {"china"}
    assert found(searcher, "korea date:2024") == {"japan"}
    assert found(searcher, "korea -date:2024") == {"china"}
    assert ranked(searcher, "korean date:>=2024-09") == ["koreans", "scatter", "phrase"]
    assert ranked(searcher, "korean date:2024-10..2024-11") == ["scatter", "phrase"]


def test_relative_dates_use_today(searcher: Any) -> None:
    # Date terms alone score every issue the same: only membership matters here.
    assert found(searcher, 'date:"last week"') == {"scatter", "lights"}
    assert found(searcher, "date:today") == {"nuclear"}
    assert found(searcher, "date:yesterday") == {"japan"}
    assert found(searcher, 'date:"this month"') == {"scatter", "lights", "japan", "nuclear"}
    assert found(searcher, 'date:"last month"') == {"phrase"}
    assert found(searcher, 'date:"last year"') == {"china"}
    assert found(searcher, 'date:"last 30 days"') == {
        "phrase",
        "scatter",
        "lights",
        "japan",
        "nuclear",
    }
    assert found(searcher, 'date:"past 2 weeks"') == {"scatter", "lights", "japan", "nuclear"}


def test_date_filter_does_not_change_scores(searcher: Any) -> None:
    plain = searcher.search(parse("korea").query, limit=None, filter=ISSUE_ONLY)
    dated = searcher.search(parse("korea date:2024").query, limit=None, filter=ISSUE_ONLY)
    assert dated[0]["id"] == "japan"
    assert dated[0].score == pytest.approx(next(h.score for h in plain if h["id"] == "japan"))


def test_date_filter(searcher: Any) -> None:
    assert set(ids(searcher, date_filter(D(2024, 11, 8), D(2024, 11, 8)))) == {"lights"}
    assert set(ids(searcher, date_filter(D(2024, 11, 12), None))) == {"japan", "nuclear"}
    assert set(ids(searcher, date_filter(None, D(2023, 12, 31)))) == {"china"}
    assert date_filter(None, None) is None
    with pytest.raises(QueryError, match="after the end date"):
        date_filter(D(2024, 2, 1), D(2024, 1, 1))


def test_newsletter_filter(searcher: Any) -> None:
    query = parse("korean OR nuclear OR lights").query
    within = wq.And([ISSUE_ONLY, newsletter_filter("peninsula watch")])
    assert [hit["id"] for hit in searcher.search(query, limit=None, filter=within)] == [
        "partial",
        "phrase",
    ]
    assert set(ids(searcher, newsletter_filter("Peninsula  WATCH"))) == {"phrase", "partial"}
    assert set(ids(searcher, newsletter_filter(" asia daily "))) == {"china", "lights", "nuclear"}
    # No exact key: falls back to all the words of the name.
    assert set(ids(searcher, newsletter_filter("watch"))) == {"phrase", "partial"}
    assert set(ids(searcher, newsletter_filter("Daily Asia"))) == {"china", "lights", "nuclear"}
    assert ids(searcher, newsletter_filter("Peninsula Daily")) == []
    with pytest.raises(QueryError):
        newsletter_filter("  ")


def test_author_filter(searcher: Any) -> None:
    query = parse("korean OR nuclear OR lights").query
    by = wq.And([ISSUE_ONLY, author_filter("Carol Diaz")])
    assert [hit["id"] for hit in searcher.search(query, limit=None, filter=by)] == [
        "nuclear",
        "lights",
    ]
    assert set(ids(searcher, author_filter("Ann Lee"))) == {"phrase", "partial", "japan"}
    assert set(ids(searcher, author_filter("ANN   lee"))) == {"phrase", "partial", "japan"}
    assert set(ids(searcher, author_filter("lee"))) == {"phrase", "partial", "japan"}
    assert set(ids(searcher, author_filter("Bo Wu"))) == {"scatter", "japan"}
    assert ids(searcher, author_filter("Ann Wu")) == ["japan"]
    with pytest.raises(QueryError):
        author_filter("")


def test_filters_combine_with_a_query(searcher: Any) -> None:
    query = parse("korea OR korean").query
    both = wq.And([ISSUE_ONLY, author_filter("Ann Lee"), date_filter(D(2024, 10, 1), None)])
    assert [hit["id"] for hit in searcher.search(query, limit=None, filter=both)] == [
        "japan",
        "phrase",
    ]


def test_parse_date_expression_is_exported() -> None:
    assert parse_date_expression("2024-11", TODAY) == (D(2024, 11, 1), D(2024, 11, 30))


def test_module_docstring_examples_hold() -> None:
    import search.query

    doc = search.query.__doc__ or ""
    lines = doc.split("Explanations", 1)[1].splitlines()[2:]
    examples = [
        (query.strip(), explanation.strip())
        for query, explanation in zip(lines[::2], lines[1::2], strict=False)
        if query.startswith("    ") and explanation.startswith("        ")
    ]
    assert len(examples) == 4
    for query, explanation in examples:
        assert parse(query).explanation == explanation


def test_author_filter_matches_the_full_name_key_whatever_the_case() -> None:
    # A document known to be by Bo Wu through its `authors` key alone (no byline words to fall
    # back on): the key is indexed lower-cased, so the filter must ask for it lower-cased.
    index = RamStorage().create_index(build_schema(), indexname=f"authors-{os.getpid()}")
    writer = index.writer()
    writer.add_document(id="a", kind=KIND_ISSUE, authors="Bo Wu", body="ferry")
    writer.add_document(id="b", kind=KIND_ISSUE, authors="Ann Lee", body="ferry")
    writer.commit()
    with index.searcher() as opened:
        for name in ("Bo Wu", "bo wu", "BO  WU"):
            found = opened.docs_for_query(author_filter(name))
            assert [opened.stored_fields(n)["id"] for n in found] == ["a"], name


def test_story_headlines_count_in_free_text_through_their_body_alone() -> None:
    # A story's body is indexed with its headline in front (index.fields, opened_by).
    story = {t.fieldname: t.boost for t in of_type(parse("flood", stories=True).query, wq.Term)}
    assert "story_headline" not in story and story["story_body"] == DEFAULT_WEIGHTS["body"]
    issue = {t.fieldname: t.boost for t in of_type(parse("flood").query, wq.Term)}
    assert issue["headline"] == DEFAULT_WEIGHTS["headline"]
    # A scoped search and an explicit weight still reach the story's headline.
    scoped = of_type(parse("headline:flood", stories=True).query, wq.Term)
    assert [t.fieldname for t in scoped] == ["story_headline"]
    weighted = parse("flood", stories=True, weights={"headline": 0.5}).query
    assert {t.fieldname: t.boost for t in of_type(weighted, wq.Term)}["story_headline"] == 0.5
