"""The relevance benchmark's SMART loaders, query sanitizer and metrics, on tiny inputs."""

from __future__ import annotations

import math
from pathlib import Path

import pytest

from bench.crossval import cross_validate, mean_relative, relative, sweep_grid
from bench.irdata import (
    Collection,
    Document,
    adi_from_texts,
    cisi_from_texts,
    cran_from_texts,
    load_adi,
    load_cisi,
    load_cran,
    load_med,
    med_from_texts,
    parse_cisi_qrels,
    parse_cran_qrels,
    parse_smart,
    parse_trec_qrels,
    split_med_title,
)
from bench.metrics import (
    Scores,
    average_precision,
    evaluate,
    markdown_table,
    ndcg_at,
    precision_at,
    recall_at,
    reciprocal_rank,
)
from bench.systems import Settings, document_file_text, sanitize_query, write_documents
from index.fields import STORY_WEIGHTS

CRAN_DOCS = (
    ".I 1\r\n"
    ".T\r\n"
    "flow over a flat\r\n"
    "plate .\r\n"
    ".A\r\n"
    "smith,j.\r\n"
    ".B\r\n"
    "j. ae. scs. 25, 1958, 324.\r\n"
    ".W\r\n"
    "flow over a flat\r\n"
    "plate .\r\n"
    "  the boundary layer was measured .\r\n"
    ".I 2\r\n"
    ".T\r\n"
    ".A\r\n"
    ".B\r\n"
    ".W\r\n"
    ".I 3\r\n"
    ".T\r\n"
    "shock waves .\r\n"
    ".A\r\n"
    "lee,b.\r\n"
    ".B\r\n"
    "naca tn 1000\r\n"
    ".W\r\n"
    "shock waves .\r\n"
    ".W\r\n"
    "in supersonic flow .\r\n"
)
CRAN_QUERIES = (
    ".I 001\r\n"
    ".W\r\n"
    "what is the boundary layer\r\n"
    "over a flat plate ?\r\n"
    ".I 002\r\n"
    ".W\r\n"
    "shock waves (supersonic) .\r\n"
    ".I 004\r\n"
    ".W\r\n"
    "anything else .\r\n"
)
CRAN_QRELS = "1 1 2 \r\n1 3 -1 \r\n2  3  1\r\n2 1 4\r\n3 2 -1\r\n"

CISI_DOCS = (
    ".I 1\n"
    ".T\n"
    "18 Editions of the Dewey Decimal Classifications\n"
    ".A\n"
    "Comaromi, J.P.\n"
    ".W\n"
    "   The present study is a history of the DEWEY Decimal\n"
    "Classification.\n"
    ".X\n"
    "1\t5\t1\n"
    "92\t1\t1\n"
    ".I 2\n"
    ".T \n"
    "Use Made of Technical Libraries\n"
    ".A \n"
    "Slater, M.\n"
    ".W\n"
    "How engineers use libraries.\n"
    ".X\n"
    "2\t6\t2\n"
)
CISI_QUERIES = (
    ".I 1\n"
    ".W\n"
    "What problems are there in making up descriptive titles?\n"
    ".I 2\n"
    ".T\n"
    "Library Networking\n"
    ".A\n"
    "Avram, H.D.\n"
    ".W\n"
    "Bibliographic control before and after MARC.\n"
    ".I 3\n"
    ".W\n"
    "Nobody judged this one.\n"
)
CISI_QRELS = "     1     1\t0\t0.000000\n     1     2\t0\t0.000000\n2 2 0 0.000000\n"


def test_parse_smart_reads_crlf_records_and_joins_repeated_fields() -> None:
    records = parse_smart(CRAN_DOCS)
    assert [record.id for record in records] == ["1", "2", "3"]
    assert records[0].fields["T"] == "flow over a flat\nplate ."
    assert records[0].fields["A"] == "smith,j."
    assert "\r" not in records[0].fields["W"]
    assert records[1].fields == {"T": "", "A": "", "B": "", "W": ""}
    assert records[2].fields["W"] == "shock waves .\nin supersonic flow ."


def test_parse_smart_ignores_text_before_the_first_record() -> None:
    assert parse_smart("header line\n.I 7\n.W\nbody\n") == parse_smart(".I 7\n.W\nbody\n")
    assert parse_smart("") == []


def test_cran_numbers_queries_by_position_and_grades_codes() -> None:
    collection = cran_from_texts(CRAN_DOCS, CRAN_QUERIES, CRAN_QRELS)
    assert list(collection.queries) == ["1", "2", "3"]  # ids 001, 002, 004 in the file
    assert collection.queries["1"] == "what is the boundary layer over a flat plate ?"
    assert collection.documents["1"] == Document(
        "1",
        "flow over a flat plate .",
        "flow over a flat plate . the boundary layer was measured .",
    )
    assert collection.documents["2"] == Document("2", "", "")
    # gain = 5 - code; -1 is not relevant, so query 3 (only a -1) is not judged.
    assert collection.judgements == {"1": {"1": 3}, "2": {"3": 4, "1": 1}}
    assert collection.judged == ["1", "2"]


def test_cran_qrels_skip_blank_lines_and_keep_the_best_code_of_a_repeated_pair() -> None:
    assert parse_cran_qrels("\r\n5 9 3\r\n5 9 1\r\n\r\n") == {"5": {"9": 4}}


def test_cisi_ignores_citations_and_reads_mixed_whitespace_qrels() -> None:
    collection = cisi_from_texts(CISI_DOCS, CISI_QUERIES, CISI_QRELS)
    first = collection.documents["1"]
    assert first.title == "18 Editions of the Dewey Decimal Classifications"
    assert first.text == "The present study is a history of the DEWEY Decimal Classification."
    assert collection.documents["2"].title == "Use Made of Technical Libraries"
    assert collection.queries["2"] == "Bibliographic control before and after MARC."
    assert collection.judgements == {"1": {"1": 1, "2": 1}, "2": {"2": 1}}
    assert collection.judged == ["1", "2"]  # query 3 has no judgements


def test_parse_cisi_qrels_tabs_and_spaces() -> None:
    assert parse_cisi_qrels("  3\t 10 0\t0.000000\r\n3 11 0 0.000000") == {"3": {"10": 1, "11": 1}}


MED_DOCS = (
    ".I 1\r\n"
    ".W\r\n"
    "correlation between maternal and fetal plasma levels of glucose and free\r\n"
    "fatty acids .                                                           \r\n"
    "  correlation coefficients have been determined .                       \r\n"
    ".I 2\r\n"
    ".W\r\n"
    "2803. effect of dosage on the system of rabbits. tissues were removed .\r\n"
    ".I 3\r\n"
    ".W\r\n"
    "lesions of the liver in hereditary metabolic diseases whether the\r\n"
    "various cells of the liver are affected\r\n"
)
MED_QUERIES = ".I 1\r\n.W\r\n the crystalline lens in vertebrates, including humans.\r\n"
MED_QRELS = "1 0 13 1\n1 0 3 1\n2 0 5 0\n"

ADI_DOCS = (
    ".I 66\r\n"
    ".T\r\n"
    "a national plan for science abstracting .\r\n"
    ".A\r\n"
    "R. A. JENSEN\r\n"
    ".T\r\n"
    " a national plan for science abstracting .\r\n"
    ".W\r\n"
    "a national plan is presented .  \r\n"
    ".I 67\r\n"
    ".T\r\n"
    "indexing\r\n"
    ".W\r\n"
    "no authors here .\r\n"
)
ADI_QUERIES = ".I 1\r\n.W\r\nWhat problems are there in \r\nmaking up titles?  \r\n\r\n\r\n"
ADI_QRELS = "1   17   0   0.000000   \r\n1   46   0   0.000000   \r\n"


def test_med_takes_each_abstract_first_sentence_as_its_title() -> None:
    collection = med_from_texts(MED_DOCS, MED_QUERIES, MED_QRELS)
    first = collection.documents["1"]
    assert first.title == (
        "correlation between maternal and fetal plasma levels of glucose and free fatty acids ."
    )
    assert first.text == "correlation coefficients have been determined ."
    # A serial number before the title stays with it.
    assert collection.documents["2"].title == "2803. effect of dosage on the system of rabbits."
    assert collection.documents["2"].text == "tissues were removed ."
    # No full stop within 40 words: the abstract's first line is the title.
    assert collection.documents["3"] == Document(
        "3",
        "lesions of the liver in hereditary metabolic diseases whether the",
        "various cells of the liver are affected",
    )
    assert collection.queries == {"1": "the crystalline lens in vertebrates, including humans."}
    assert collection.judgements == {"1": {"13": 1, "3": 1}}  # relevance 0 is not relevant


def test_split_med_title_keeps_every_word_once() -> None:
    lines = "a b c .\nd e f ."
    title, text = split_med_title(lines)
    assert (title, text) == ("a b c .", "d e f .")
    assert split_med_title(("word " * 50).strip()) == (("word " * 50).strip(), "")


def test_parse_trec_qrels() -> None:
    assert parse_trec_qrels("3 0 10 1\n3 0 11 1\r\n\n4 0 1 0\n") == {"3": {"10": 1, "11": 1}}


def test_adi_counts_a_repeated_title_once_and_reads_padded_qrels() -> None:
    collection = adi_from_texts(ADI_DOCS, ADI_QUERIES, ADI_QRELS)
    assert collection.documents["66"] == Document(
        "66", "a national plan for science abstracting .", "a national plan is presented ."
    )
    assert collection.documents["67"] == Document("67", "indexing", "no authors here .")
    assert collection.queries == {"1": "What problems are there in making up titles?"}
    assert collection.judgements == {"1": {"17": 1, "46": 1}}


def test_reciprocal_rank() -> None:
    assert reciprocal_rank(["a", "b", "c"], "c") == pytest.approx(1 / 3)
    assert reciprocal_rank(["a"], "z") == 0.0


def test_average_precision_by_hand() -> None:
    relevant = {"a": 1, "b": 1, "c": 1, "d": 1}
    # Hits at ranks 1, 3 and 5; d is never found: (1/1 + 2/3 + 3/5) / 4.
    assert average_precision(["a", "x", "b", "y", "c"], relevant) == pytest.approx(0.5666667)
    assert average_precision([], relevant) == 0.0
    assert average_precision(["a"], {}) == 0.0


def test_ndcg_by_hand() -> None:
    gains = {"a": 3, "b": 1, "c": 2}
    dcg = 3 / math.log2(3) + 1 / math.log2(4)
    ideal = 3 + 2 / math.log2(3) + 1 / math.log2(4)
    assert ndcg_at(["x", "a", "b"], gains, 3) == pytest.approx(dcg / ideal)
    assert ndcg_at(["x", "a", "b"], gains, 3) == pytest.approx(0.5024905)
    assert ndcg_at(["a", "c", "b"], gains, 3) == pytest.approx(1.0)
    assert ndcg_at(["a", "c", "b", "x"], gains, 2) == pytest.approx(1.0)
    assert ndcg_at(["x"], {}, 10) == 0.0


def test_precision_and_recall_at_k_by_hand() -> None:
    relevant = {"a": 1, "b": 2, "c": 1, "d": 4}
    assert precision_at(["a", "x", "b"], relevant, 2) == pytest.approx(0.5)
    assert precision_at(["a", "x", "b"], relevant, 5) == pytest.approx(0.4)  # short list
    assert recall_at(["a", "x", "b", "c"], relevant, 2) == pytest.approx(0.25)
    assert recall_at(["a", "x", "b", "c"], relevant, 100) == pytest.approx(0.75)
    assert recall_at(["a"], {}, 10) == 0.0


def test_evaluate_averages_over_judged_queries_only() -> None:
    judgements = {"1": {"a": 1}, "2": {"b": 2, "c": 1}, "3": {}}
    rankings = {"1": ["a"], "2": ["x", "b"], "3": ["a"]}
    scores = evaluate(rankings, judgements)
    assert scores.queries == 2
    assert scores.map == pytest.approx((1.0 + 0.25) / 2)
    assert scores.p10 == pytest.approx((0.1 + 0.1) / 2)
    assert scores.r100 == pytest.approx((1.0 + 0.5) / 2)
    second = (2 / math.log2(3)) / (2 + 1 / math.log2(3))
    assert scores.ndcg10 == pytest.approx((1.0 + second) / 2)
    assert evaluate({}, {}).queries == 0


def test_sanitize_query_keeps_words_only() -> None:
    text = 'What is "x-ray" (scattering)? a*b: NOT c\'s AND d_1'
    assert sanitize_query(text) == "what is x ray scattering a b not c's and d_1"
    assert sanitize_query("?? () -- **") == ""


def test_documents_are_written_as_title_blank_line_text(tmp_path: Path) -> None:
    collection = Collection(
        "tiny",
        {
            "1": Document("1", "A title", "The text."),
            "2": Document("2", "", ""),
            "12": Document("12", "", "Text only."),
        },
        {},
        {},
    )
    ids = write_documents(collection, tmp_path)
    assert ids == {"0001.txt": "1", "0012.txt": "12"}  # the empty document gets no file
    assert (tmp_path / "0001.txt").read_text(encoding="utf-8") == "A title\n\nThe text.\n"
    assert document_file_text(collection.documents["12"]) == "Text only.\n"
    both = document_file_text(collection.documents["1"], title_in_body=True)
    assert both == "A title\n\nA title The text.\n"


def test_a_written_document_parses_as_headline_and_body(tmp_path: Path) -> None:
    from index import parse_issue

    doc = Document("7", "Shock waves in supersonic flow .", "the flow was measured . " * 20)
    (tmp_path / "0007.txt").write_text(document_file_text(doc), encoding="utf-8")
    issue = parse_issue(tmp_path / "0007.txt", tmp_path)
    assert issue.headline == doc.title
    assert issue.body == doc.text.strip()
    assert issue.standfirst == "" and issue.byline == ""


def test_sweep_grid_starts_with_the_shipped_settings_and_has_no_duplicates() -> None:
    shipped = Settings(0.5, 1.0, 3, 1000.0)
    grid = sweep_grid(shipped)
    assert grid[0] == shipped
    assert len(grid) == len(set(grid))
    assert Settings(0.5, 0.0, 3, 0.0) in grid  # plain BM25F: no tier, no proximity
    assert Settings(0.5, 1.0, 3, 1000.0, short_query_words=3) in grid
    assert Settings(0.25, 1.0, 3, 1000.0, short_query_words=3) in grid


def test_settings_apply_the_tier_and_proximity_only_to_short_queries() -> None:
    settings = Settings(0.5, 1.0, 3, 1000.0, short_query_words=3)
    short = settings.parse_options("the flow over a flat plate")  # 3 content words
    assert short["all_words_bonus"] == 1000.0 and short["proximity_boost"] == 1.0
    long = settings.parse_options("what is the boundary layer flow over a flat plate")
    assert long["all_words_bonus"] == 0.0 and long["proximity_boost"] == 0.0
    assert long["weights"] == {"headline": 0.5}
    # Story documents get the story headline weight (0 as shipped: index.fields).
    assert settings.parse_options("flat plate", stories=True)["weights"] == {"headline": 0.0}
    assert Settings.shipped().parse_options("flat plate", stories=True)["weights"] == {
        "headline": STORY_WEIGHTS["headline"]
    }
    every = Settings(0.5, 1.0, 3, 1000.0).parse_options("boundary layer flow flat plate")
    assert every["all_words_bonus"] == 1000.0


def _scores(map_: float, ndcg: float) -> Scores:
    return Scores(map_, ndcg, 0.0, 0.0, 1)


def test_relative_scores_divide_by_the_baseline() -> None:
    assert relative(_scores(0.2, 0.6), _scores(0.4, 0.3)) == pytest.approx((0.5 + 2.0) / 2)
    assert relative(_scores(0.2, 0.6), None) == pytest.approx(0.4)
    bases = {"a": _scores(0.5, 0.5), "b": _scores(0.25, 0.25)}
    got = {"a": _scores(0.5, 0.5), "b": _scores(0.5, 0.5)}
    assert mean_relative(got, bases, ["a", "b"]) == pytest.approx(1.5)


def test_cross_validation_chooses_on_the_others_and_reports_the_held_out() -> None:
    one, two = Settings(0.5, 1.0, 3, 1000.0), Settings(1.0, 0.0, 3, 0.0)
    bases = {name: _scores(0.5, 0.5) for name in ("a", "b", "c")}
    sweep = {
        # `one` wins on a and b, `two` on c by far: holding out c still picks `one`.
        one: {"a": _scores(0.6, 0.6), "b": _scores(0.6, 0.6), "c": _scores(0.1, 0.1)},
        two: {"a": _scores(0.5, 0.5), "b": _scores(0.5, 0.5), "c": _scores(0.9, 0.9)},
    }
    folds = {fold.held_out: fold for fold in cross_validate(sweep, bases)}
    assert list(folds) == ["a", "b", "c"]
    assert folds["c"].chosen == one
    assert folds["c"].scores == _scores(0.1, 0.1)
    assert folds["c"].train_score == pytest.approx(1.2)
    # Without a (or b), `two` averages (1.0 + 1.8) / 2 = 1.4 against `one`'s (1.2 + 0.2) / 2.
    assert folds["a"].chosen == two
    assert folds["a"].baseline == bases["a"]


def test_markdown_table() -> None:
    assert markdown_table(["a", "b"], [["x", "1"]]) == "| a | b |\n| --- | ---: |\n| x | 1 |"


def test_real_collections_load(shared_corpus: Path) -> None:
    corpus = shared_corpus / "ir"
    if not all((corpus / name).is_dir() for name in ("cran", "cisi", "med", "adi")):
        pytest.skip("CRAN, CISI, MED and ADI are not all in the shared corpus")
    cran = load_cran(corpus)
    assert len(cran.documents) == 1400
    assert len(cran.queries) == 225
    assert len(cran.judged) == 225
    assert cran.queries["1"].startswith("what similarity laws must be obeyed")
    assert cran.judgements["1"]["184"] == 3  # "1 184 2": code 2, gain 3
    assert cran.documents["471"] == Document("471", "", "")
    cisi = load_cisi(corpus)
    assert len(cisi.documents) == 1460
    assert len(cisi.queries) == 112
    assert len(cisi.judged) == 76
    assert cisi.documents["1"].title == "18 Editions of the Dewey Decimal Classifications"
    assert not any(".X" in doc.text or "\t" in doc.text for doc in cisi.documents.values())
    med = load_med(corpus)
    assert (len(med.documents), len(med.queries), len(med.judged)) == (1033, 30, 30)
    assert sum(len(gains) for gains in med.judgements.values()) == 696
    assert all(doc.title for doc in med.documents.values())
    assert sum(1 for doc in med.documents.values() if not doc.text) == 5  # one-sentence abstracts
    adi = load_adi(corpus)
    assert (len(adi.documents), len(adi.queries), len(adi.judged)) == (82, 35, 35)
    assert sum(len(gains) for gains in adi.judgements.values()) == 170
    assert (
        adi.documents["67"].title
        == "a national plan for science abstracting and indexing services ."
    )


@pytest.mark.slow
def test_the_sweeps_engine_only_ranking_is_searchers(shared_corpus: Path, tmp_path: Path) -> None:
    from bench.irdata import load_collection
    from bench.systems import OurIndex, rank_only

    if not (shared_corpus / "ir" / "adi").is_dir():
        pytest.skip("ADI is not in the shared corpus")
    collection = load_collection("adi", shared_corpus / "ir")
    ours = OurIndex(collection, tmp_path)
    rankings = []
    for settings in (Settings.shipped(), Settings.shipped().replaced(story_headline_weight=0.5)):
        searched = ours.run(settings).rankings
        assert rank_only(ours.index_dir, collection, ours.doc_ids, settings) == searched
        rankings.append(searched)
    # The story headline's weight reaches the ranking only through the carrying story.
    assert rankings[0] != rankings[1]
