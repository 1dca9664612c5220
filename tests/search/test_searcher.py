"""Ranking, snippets, filters and extras of `Searcher`, on the hand-written archive."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest

from index.errors import IndexMissingError, IssueNotFoundError, QueryError
from search import Searcher, expand, search, suggest

STRIKE = "harbour-dispatch/2024-10-01-strike.txt"
FLOODS = "harbour-dispatch/2024-10-15-floods.txt"
CHIPS = "the-circuit/2024-11-04-chips.txt"
TROOPS = "the-circuit/2024-11-18-troops.txt"
SCATTERED = "green-ledger/2024-12-02-scattered.txt"
PUMPS = "green-ledger/2024-12-16-heat-pumps.txt"


def ids(index_dir: Path, query: str, **options: object) -> list[str]:
    return [hit.id for hit in search(index_dir, query, limit=20, **options).hits]  # type: ignore[arg-type]


def marked(text: str, spans: tuple[tuple[int, int], ...]) -> str:
    out, last = [], 0
    for start, end in spans:
        out += [text[last:start], "[", text[start:end], "]"]
        last = end
    return "".join([*out, text[last:]])


def test_headline_match_outranks_body_mentions(archive_index: Path) -> None:
    # FLOODS has "Floods" in its headline; PUMPS only a brief about flood insurance.
    assert ids(archive_index, "flood") == [FLOODS, PUMPS]


def test_phrase_beats_scattered_words(archive_index: Path) -> None:
    assert ids(archive_index, "north korean troops") == [TROOPS, SCATTERED]


def test_all_words_rank_first(archive_index: Path) -> None:
    # Only STRIKE has both words; FLOODS mentions strike talks, nothing of ferries.
    assert ids(archive_index, "strike ferry", match="any") == [STRIKE, FLOODS]


def test_all_words_by_default(archive_index: Path) -> None:
    # FLOODS mentions strike talks but no ferry: by default every word must match.
    results = search(archive_index, "strike ferry")
    assert [hit.id for hit in results.hits] == [STRIKE]
    assert (results.total, results.match, results.notes) == (1, "all", ())
    assert ids(archive_index, "strike ferry", match="all") == [STRIKE]


def test_no_issue_with_all_words_falls_back_to_any(archive_index: Path) -> None:
    # No issue speaks of both floods and chips: the any-word hits, said in a note.
    results = search(archive_index, "flood chip")
    # CHIPS and FLOODS are about their word (headline and body); PUMPS has a flood brief.
    assert [hit.id for hit in results.hits] == [CHIPS, FLOODS, PUMPS]
    assert [hit.id for hit in results.hits] == ids(archive_index, "flood chip", match="any")
    assert results.match == "any"
    assert results.notes == ("no issue has all the words: showing those with any of them",)


def test_unknown_match_mode_is_a_query_error(archive_index: Path) -> None:
    with pytest.raises(QueryError, match="use one of all, any"):
        search(archive_index, "flood", match="some")


def test_stemming_finds_other_forms(archive_index: Path) -> None:
    assert ids(archive_index, "troop") == [TROOPS, SCATTERED]
    assert ids(archive_index, "chip") == [CHIPS]


def test_stop_words_do_not_break_phrases(archive_index: Path) -> None:
    assert ids(archive_index, '"the day of victory"') == [TROOPS]


def test_field_scope(archive_index: Path) -> None:
    assert ids(archive_index, "headline:strike") == [STRIKE]
    assert ids(archive_index, "author:okafor") == [CHIPS, TROOPS]


def test_boolean_operators(archive_index: Path) -> None:
    assert ids(archive_index, "strike AND NOT ferry") == [FLOODS]
    assert set(ids(archive_index, "chips OR ferry")) == {CHIPS, STRIKE}


def test_filters_and_sorting(archive_index: Path) -> None:
    assert ids(archive_index, "flood", newsletter="green ledger") == [PUMPS]
    assert ids(archive_index, "troops", since=dt.date(2024, 12, 1)) == [SCATTERED]
    assert ids(archive_index, "heat pump", sort="oldest") == [CHIPS, PUMPS]
    assert ids(archive_index, "heat pump", sort="newest") == [PUMPS, CHIPS]
    assert ids(archive_index, "strike", author="Mara Quinn") == [STRIKE, FLOODS]


def test_paging_and_exact_total(archive_index: Path) -> None:
    first = search(archive_index, "the", limit=2, page=1)
    second = search(archive_index, "the", limit=2, page=2)
    assert first.total == second.total == 6
    assert first.pages == 3
    assert [h.rank for h in second.hits] == [3, 4]
    assert not {h.id for h in first.hits} & {h.id for h in second.hits}
    assert search(archive_index, "the", limit=2, page=9).hits == ()


def test_snippet_highlights_phrase_as_one_span(archive_index: Path) -> None:
    (hit,) = search(archive_index, '"the day of victory"').hits
    (snippet,) = hit.snippets
    assert snippet.field == "body"
    assert marked(snippet.text, tuple((s.start, s.end) for s in snippet.spans)) == (
        "…North Korean troops had been seen in the region this week. Ministers asked for a "
        "briefing on what the deployment meant for regional security. [The day of victory], one "
        "general said, was still far off."
    )


def test_snippet_exact_text_for_words(archive_index: Path) -> None:
    hit = search(archive_index, "sandbags").hits[0]
    snippet = hit.snippets[0]
    assert marked(snippet.text, tuple((s.start, s.end) for s in snippet.spans)) == (
        "…on Tuesday and water reached the lower town by nightfall. Residents moved furniture "
        "upstairs while volunteers filled [sandbags]. The council said the flood barrier ordered "
        "last year had not yet arrived."
    )


def test_headline_only_hit_gets_body_start(archive_index: Path) -> None:
    hit = search(archive_index, "headline:budget").hits[0]
    assert hit.id == SCATTERED
    assert [(s.field, s.spans) for s in hit.snippets] == [("body", ())]
    assert hit.snippets[0].text.startswith("The committee heard that the north wing")


def test_hit_fields(archive_index: Path) -> None:
    hit = search(archive_index, "sandbags").hits[0]
    assert (hit.id, hit.newsletter, hit.date, hit.kind) == (
        FLOODS,
        "Harbour Dispatch",
        dt.date(2024, 10, 15),
        "issue",
    )
    assert hit.headline == "Floods reach the lower town"
    assert "Mara Quinn" in hit.byline
    assert hit.path.endswith(FLOODS)


def test_stories_rank_briefs_on_their_own(archive_index: Path) -> None:
    results = search(archive_index, "ferry timetable", stories=True)
    top = results.hits[0]
    assert (top.kind, top.headline, top.issue_id) == ("story", "Ferry timetable cut", STRIKE)
    assert top.issue_headline == "Dockworkers strike closes the harbour"
    assert top.snippets[0].text == "The island ferry will run twice a day while the dispute lasts."


def test_author_filter_reaches_story_bylines(archive_index: Path) -> None:
    results = search(archive_index, "harbour", stories=True, author="quinn")
    # Both of Mara Quinn's leads; no brief (they have no byline) and nobody else's story.
    assert sorted(h.id for h in results.hits) == [f"{STRIKE}::0", f"{FLOODS}::0"]


def test_facets_count_the_whole_result_set(archive_index: Path) -> None:
    results = search(archive_index, "the", limit=1, facets=True)
    newsletters = {c.value: c.count for c in results.facets["newsletter"]}
    assert newsletters == {"Harbour Dispatch": 2, "Circuit": 2, "Green Ledger": 2}
    months = [(c.value, c.count) for c in results.facets["month"]]
    assert months == [("2024-12", 2), ("2024-11", 2), ("2024-10", 2)]
    authors = {c.value: c.count for c in results.facets["author"]}
    assert authors == {"Mara Quinn": 2, "Dev Okafor": 2, "Ines Moreau": 2}


def test_did_you_mean(archive_index: Path) -> None:
    results = search(archive_index, "harbor strik")
    assert results.suggestion == "harbour strike"
    assert search(archive_index, "harbour").suggestion is None


def test_did_you_mean_reads_the_index_terms_when_the_word_table_is_missing(
    archive_index: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from index import stemming

    candidates: list[str] = []
    real = expand.words_with_prefix

    def scanned(reader: Any, fieldname: str, prefix: str) -> tuple[list[tuple[str, int]], bool]:
        found = real(reader, fieldname, prefix)
        candidates.extend(word for word, _ in found[0])
        return found

    monkeypatch.setattr(suggest, "words_with_prefix", scanned)
    assert search(archive_index, "harbor strik").suggestion == "harbour strike"
    assert not candidates, "the word table gives the candidates"
    monkeypatch.setattr(stemming, "all_words", dict)
    assert search(archive_index, "harbor strik").suggestion == "harbour strike"
    assert "harbour" in candidates and "strike" in candidates


def test_similar_issues_exclude_the_issue_itself(archive_index: Path) -> None:
    with Searcher(archive_index) as searcher:
        results = searcher.similar(STRIKE, limit=3)
    found = [hit.id for hit in results.hits]
    assert found and STRIKE not in found
    assert found[0] == FLOODS  # the other Harbour Dispatch issue, about the same strike


def test_unknown_issue_for_similar(archive_index: Path) -> None:
    with Searcher(archive_index) as searcher, pytest.raises(IssueNotFoundError):
        searcher.similar("nope.txt")


def test_bad_query_raises_query_error(archive_index: Path) -> None:
    with pytest.raises(QueryError, match="Unknown field"):
        search(archive_index, "colour:red")


def test_missing_index(tmp_path: Path) -> None:
    with pytest.raises(IndexMissingError, match="No index at") as caught:
        Searcher(tmp_path / "none")
    assert caught.value.remedy == "build" and caught.value.exit_code == 1


def test_unknown_filter_names_get_the_closest_known_ones(archive_index: Path) -> None:
    results = search(archive_index, "strike", newsletter="Harbor Dispach", author="Okafr")
    assert results.total == 0
    assert results.notes == (
        "no newsletter is called 'Harbor Dispach' (did you mean Harbour Dispatch?)",
        "no author is called 'Okafr' (did you mean Dev Okafor?)",
    )
    # A known name that simply has no hit for this query says nothing of names.
    assert search(archive_index, "chips", newsletter="Green Ledger").notes == ()
    assert search(archive_index, "strike", newsletter="zzz").notes == (
        "no newsletter is called 'zzz'",
    )


def test_a_swap_of_two_letters_is_one_edit_for_suggestions(archive_index: Path) -> None:
    assert search(archive_index, "harbuor").suggestion == "harbour"


def test_long_questions_get_no_suggestion(archive_index: Path) -> None:
    # Seven content words: a question or a pasted sentence, not a query to correct.
    words = "harbuor strik zyxt qwv vbnm plok yuio"
    assert search(archive_index, words, match="any").suggestion is None
    assert search(archive_index, "harbuor strik zyxt", match="any").suggestion == (
        "harbour strike zyxt"
    )


def test_a_fallback_to_any_word_still_suggests_a_correction(archive_index: Path) -> None:
    # "harbuor" is no word of the archive: no issue has all the words, the any-word hits are
    # those of "strike", and the correction finds issues with both words.
    results = search(archive_index, "harbuor strike")
    assert results.match == "any" and results.total >= 1
    assert results.suggestion == "harbour strike"
    assert search(archive_index, "harbour strike").suggestion is None
