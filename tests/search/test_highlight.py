"""Snippet text and highlight spans, asserted exactly."""

from __future__ import annotations

import random

from index.stemming import stem
from search.highlight import find_matches, leading_fragment, make_snippets


def marked(text: str, spans: tuple[tuple[int, int], ...]) -> str:
    """The text with [brackets] around each span, for readable assertions."""
    out, last = [], 0
    for start, end in spans:
        out += [text[last:start], "[", text[start:end], "]"]
        last = end
    return "".join([*out, text[last:]])


def snippet_marked(snippet) -> str:  # type: ignore[no-untyped-def]
    return marked(snippet.text, tuple((s.start, s.end) for s in snippet.spans))


BODY = (
    "Ministers met on Monday. The North Korean troops were seen near the border, "
    "officials said. Troop movements have grown since spring. Nothing else happened "
    "in the capital, where the weather stayed mild and the markets were calm all week long."
)


def test_stemmed_words_are_highlighted_in_their_surface_form() -> None:
    matches = find_matches(BODY, {stem("troop")})
    assert [BODY[m.start : m.end] for m in matches] == ["troops", "Troop"]


def test_phrase_is_one_span_and_its_words_alone_are_not_highlighted() -> None:
    text = "The day was long. Until the day of victory we stand, said the day's speaker."
    phrase = tuple(stem(w) for w in ("the", "day", "of", "victory"))
    matches = find_matches(text, set(), [phrase])
    assert [text[m.start : m.end] for m in matches] == ["the day of victory"]


def test_curly_apostrophe_matches_straight_query() -> None:
    text = "North Korea’s army moved."
    matches = find_matches(text, {stem("korea's")})
    assert [text[m.start : m.end] for m in matches] == ["Korea’s"]


def test_snippet_is_cut_at_word_boundaries_around_the_richest_cluster() -> None:
    terms = {"body": frozenset({stem("troops"), stem("korean")})}
    (snippet,) = make_snippets([("body", BODY, True)], terms, size=80)
    assert snippet.field == "body"
    assert snippet_marked(snippet) == (
        "…North [Korean] [troops] were seen near the border, officials said. [Troop] movements…"
    )


def test_two_fragments_from_one_field_when_matches_are_far_apart() -> None:
    text = "Alpha beta gamma delta. " * 10 + "The harbour strike ended. " + "Filler words. " * 20
    text += "A second harbour meeting followed."
    terms = {"body": frozenset({stem("harbour")})}
    snippets = make_snippets([("body", text, True)], terms, size=60)
    assert [snippet_marked(s) for s in snippets] == [
        "…gamma delta. The [harbour] strike ended. Filler words. Filler…",
        "…words. Filler words. A second [harbour] meeting followed.",
    ]


def test_headline_only_match_gets_the_start_of_the_body() -> None:
    snippets = make_snippets(
        [("body", BODY, True)], {"headline": frozenset({stem("ministers")})}, size=60
    )
    assert [(s.field, s.text, s.spans) for s in snippets] == [
        ("body", "Ministers met on Monday. The North Korean troops were seen…", ())
    ]


def test_leading_fragment_of_short_text_is_whole() -> None:
    fragment = leading_fragment("Short text.", 200)
    assert fragment is not None
    assert fragment.text == "Short text."


def test_unstemmed_name_fields_match_folded_words() -> None:
    text = "By Caitlin Allen, Deputy Editor"
    matches = find_matches(text, {"allen"}, stemmed=False)
    assert [text[m.start : m.end] for m in matches] == ["Allen"]


def test_query_spans_mark_a_whole_field_as_the_query_reads_it() -> None:
    from search import Span, parse_query, query_spans

    text = "Port strikes hit the port; Koreans and Korea. Heat pumps and the heat pump grant."

    def shown(query: str, field: str = "body") -> list[str]:
        spans = query_spans(text, parse_query(query), field)
        assert all(isinstance(span, Span) for span in spans)
        return [text[span.start : span.end] for span in spans]

    assert shown("port strike") == ["Port", "strikes", "port"]
    assert shown("korea*") == ["Koreans", "Korea"]
    assert shown('"heat pump" grant') == ["Heat pumps", "heat pump", "grant"]
    # A word searched in another field is not marked in this one.
    assert shown("headline:port") == []
    assert shown("headline:port", "headline") == ["Port", "port"]
    assert shown("-port") == []


def test_terms_skip_only_words_that_cannot_be_wanted() -> None:
    """The shortcut over long texts gives tokenize's words and the terms of the wanted ones."""
    from index.analysis import tokenize
    from index.stemming import stem
    from search.highlight import _candidate, _terms

    pool = [
        "Floods",
        "flooding",
        "FLOOD",
        "Dying",
        "dyïng",
        "lying",
        "Tying",
        "Café",
        "café",
        "’Twas",
        "o’clock",
        "İstanbul",
        "Ünion",
        "naïve",
        "42",
        "x",
        "Straße",
        "ŒUVRE",
        "K-pop",
        "e-mail",
        "don't",
        "Élan",
        "strike",
        "STRIKES",
        "\u212aelvin",
    ]
    rng = random.Random(5)
    for _ in range(200):
        text = " ".join(rng.choice(pool) + rng.choice(["", ",", ".", "!"]) for _ in range(12))
        wanted = {stem(w) for w, _, _ in tokenize(" ".join(rng.sample(pool, 4)))}
        prefixes = frozenset(term[:2] for term in wanted)
        expected = [
            (stem(word) if _candidate(word, prefixes) else "", start, end)
            for word, start, end in tokenize(text)
        ]
        assert _terms(text, prefixes, stem) == expected
