"""Judged test collections (CRAN, CISI, MED, ADI): SMART-format loaders and their quirks."""

# Formats (../shared/corpus/README.md): each collection is three SMART-style files, documents
# (`.I id` then `.T` title, `.A` authors, `.B` source, `.W` text, `.X` citations), queries (`.I`,
# `.W`) and relevance judgements, whose rows differ per collection:
#
#     CRAN  cranqrel  `qid docid code`        codes 1-4 graded (1 best), -1 not relevant;
#                                             queries numbered 1-225 by position, not by `.I`
#     CISI  CISI.REL  `qid docid 0 0.000000`  binary; 76 of 112 queries judged
#     MED   MED.REL   `qid 0 docid 1`         binary, TREC-like; documents have no `.T`
#     ADI   ADI.REL   `qid docid 0 0.000000`  binary; document 67 repeats its `.T`

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

COLLECTIONS = ("cran", "cisi", "med", "adi")

# One SMART field marker line: ".I 12", ".T", ".W", ... (anything after the letter is the value).
_MARKER = re.compile(r"^\.([A-Z])(?:\s+(.*?))?\s*$")
# MED: an abstract's leading serial number ("2803. effect of dosage ..."), then its first sentence.
_SERIAL = re.compile(r"^\d+\.\s*(?=\S)")
_SENTENCE_END = re.compile(r"\.(?=\s|$)")
# A MED title longer than this is no title: the abstract had no sentence break where one ends.
MED_TITLE_WORDS = 40

# qid -> {doc id: gain}; only relevant documents (gain > 0) are listed.
Judgements = dict[str, dict[str, int]]


@dataclass(frozen=True)
class SmartRecord:
    """One `.I` record of a SMART-format file: its id and its fields (repeated fields joined)."""

    id: str
    fields: dict[str, str]


@dataclass(frozen=True)
class Document:
    """One test-collection document: the title goes to the headline, the text to the body."""

    id: str
    title: str
    text: str


@dataclass(frozen=True)
class Collection:
    """Documents, queries (id -> text) and relevance judgements of one test collection."""

    name: str
    documents: dict[str, Document]
    queries: dict[str, str]
    judgements: Judgements

    @property
    def judged(self) -> list[str]:
        """The ids of the queries that have at least one relevant document, in query order."""
        return [qid for qid in self.queries if self.judgements.get(qid)]


def parse_smart(text: str) -> list[SmartRecord]:
    """Records of a SMART-format text (`.I id`, then `.T`, `.A`, `.B`, `.W`, `.X`, ... fields).

    Line endings may be CRLF. A field that appears twice in a record (the CRAN file has a few)
    is joined to the first with a newline. Lines before the first `.I` are ignored.
    """
    records: list[SmartRecord] = []
    current: dict[str, list[str]] | None = None
    record_id = ""
    name = ""
    for line in text.replace("\r\n", "\n").replace("\r", "\n").split("\n"):
        match = _MARKER.match(line)
        if match is not None and match.group(1) == "I":
            if current is not None:
                records.append(_finish(record_id, current))
            record_id, current, name = (match.group(2) or "").strip(), {}, ""
            continue
        if current is None:
            continue
        if match is not None and not (match.group(2) or "").strip():
            name = match.group(1)
            current.setdefault(name, [])
            continue
        if name:
            current[name].append(line)
    if current is not None:
        records.append(_finish(record_id, current))
    return records


def _finish(record_id: str, fields: dict[str, list[str]]) -> SmartRecord:
    return SmartRecord(
        record_id, {name: "\n".join(lines).strip() for name, lines in fields.items()}
    )


def squash(text: str) -> str:
    """Whitespace runs (newlines, the 72-column padding of MED) as single spaces."""
    return " ".join(text.split())


def _title(record: SmartRecord) -> str:
    """The `.T` field; a title repeated word for word (ADI 67 has `.T` twice) counts once."""
    lines = [squash(line) for line in record.fields.get("T", "").split("\n")]
    text = squash(" ".join(lines))
    half = len(text) // 2
    if text and text[:half].strip() == text[half:].strip():
        return text[:half].strip()
    return text


def documents_from_smart(text: str) -> dict[str, Document]:
    """The documents of a SMART file: `.T` title and `.W` text; other fields are dropped."""
    docs: dict[str, Document] = {}
    for record in parse_smart(text):
        doc_id = str(int(record.id))
        docs[doc_id] = Document(doc_id, _title(record), squash(record.fields.get("W", "")))
    return docs


def split_med_title(lines: str) -> tuple[str, str]:
    """A MED abstract (its `.W` lines) as (title, text), every word kept once.

    MED has no `.T`: each `.W` starts with the article's title, ended by a full stop (`title .`
    or `title.`), some after a serial number (`2803. title`); that first sentence is the title.
    When no full stop comes within MED_TITLE_WORDS words, the first line of the abstract is.
    """
    text = squash(lines)
    serial = _SERIAL.match(text)
    start = serial.end() if serial else 0
    end = _SENTENCE_END.search(text, start)
    if end is None or len(text[start : end.start()].split()) > MED_TITLE_WORDS:
        first, _, rest = lines.strip().partition("\n")
        return squash(first), squash(rest)
    return text[: end.end()].strip(), text[end.end() :].strip()


def queries_from_smart(text: str, *, by_position: bool = False) -> dict[str, str]:
    """Query id -> query text (the `.W` field); `by_position` numbers them 1, 2, 3, ... instead."""
    queries: dict[str, str] = {}
    for n, record in enumerate(parse_smart(text), start=1):
        qid = str(n) if by_position else str(int(record.id))
        queries[qid] = squash(record.fields.get("W", ""))
    return queries


def parse_cran_qrels(text: str) -> Judgements:
    """`cranqrel` rows `qid docid code`: codes 1-4 (1 = most relevant) get gain 5 - code.

    Code -1 (and anything outside 1-4) is not relevant and is left out.
    """
    judgements: Judgements = {}
    for line in text.splitlines():
        parts = line.split()
        if len(parts) < 3:
            continue
        qid, doc_id, code = str(int(parts[0])), str(int(parts[1])), int(parts[2])
        if 1 <= code <= 4:
            gains = judgements.setdefault(qid, {})
            gains[doc_id] = max(gains.get(doc_id, 0), 5 - code)
    return judgements


def parse_cisi_qrels(text: str) -> Judgements:
    """`CISI.REL` (and `ADI.REL`) rows `qid docid 0 0.000000`, spaces and tabs mixed: binary."""
    judgements: Judgements = {}
    for line in text.splitlines():
        parts = line.split()
        if len(parts) < 2:
            continue
        judgements.setdefault(str(int(parts[0])), {})[str(int(parts[1]))] = 1
    return judgements


def parse_trec_qrels(text: str) -> Judgements:
    """`MED.REL` rows `qid 0 docid relevance` (TREC order): a relevance above 0 is relevant."""
    judgements: Judgements = {}
    for line in text.splitlines():
        parts = line.split()
        if len(parts) < 4 or int(parts[3]) <= 0:
            continue
        judgements.setdefault(str(int(parts[0])), {})[str(int(parts[2]))] = 1
    return judgements


def cran_from_texts(docs: str, queries: str, qrels: str) -> Collection:
    """CRAN from its three files' texts; queries are numbered by position, as `cranqrel` does."""
    return Collection(
        "cran",
        documents_from_smart(docs),
        queries_from_smart(queries, by_position=True),
        parse_cran_qrels(qrels),
    )


def cisi_from_texts(docs: str, queries: str, qrels: str) -> Collection:
    """CISI from its three files' texts (`.X` citation blocks are ignored)."""
    return Collection(
        "cisi", documents_from_smart(docs), queries_from_smart(queries), parse_cisi_qrels(qrels)
    )


def med_from_texts(docs: str, queries: str, qrels: str) -> Collection:
    """MED from its three files' texts; each abstract's first sentence becomes its title."""
    documents = {}
    for record in parse_smart(docs):
        doc_id = str(int(record.id))
        documents[doc_id] = Document(doc_id, *split_med_title(record.fields.get("W", "")))
    return Collection("med", documents, queries_from_smart(queries), parse_trec_qrels(qrels))


def adi_from_texts(docs: str, queries: str, qrels: str) -> Collection:
    """ADI from its three files' texts (authors dropped; qrels as CISI's)."""
    return Collection(
        "adi", documents_from_smart(docs), queries_from_smart(queries), parse_cisi_qrels(qrels)
    )


def _read(path: Path) -> str:
    return path.read_text(encoding="utf-8", errors="replace")


def _load(
    corpus: Path, folder: str, files: tuple[str, str, str], build: Callable[..., Collection]
) -> Collection:
    return build(*(_read(corpus / folder / name) for name in files))


def load_cran(corpus: Path) -> Collection:
    """The Cranfield collection from `corpus/cran` (1,400 docs, 225 queries)."""
    return _load(corpus, "cran", ("cran.all.1400", "cran.qry", "cranqrel"), cran_from_texts)


def load_cisi(corpus: Path) -> Collection:
    """The CISI collection from `corpus/cisi` (1,460 docs, 112 queries of which 76 are judged)."""
    return _load(corpus, "cisi", ("CISI.ALL", "CISI.QRY", "CISI.REL"), cisi_from_texts)


def load_med(corpus: Path) -> Collection:
    """The MEDLINE collection from `corpus/med` (1,033 abstracts, 30 queries, all judged)."""
    return _load(corpus, "med", ("MED.ALL", "MED.QRY", "MED.REL"), med_from_texts)


def load_adi(corpus: Path) -> Collection:
    """The ADI collection from `corpus/adi` (82 abstracts, 35 queries, all judged)."""
    return _load(corpus, "adi", ("ADI.ALL", "ADI.QRY", "ADI.REL"), adi_from_texts)


LOADERS: dict[str, Callable[[Path], Collection]] = {
    "cran": load_cran,
    "cisi": load_cisi,
    "med": load_med,
    "adi": load_adi,
}


def load_collection(name: str, corpus: Path) -> Collection:
    """A collection by name: one of COLLECTIONS."""
    if name not in LOADERS:
        raise ValueError(f"unknown collection {name!r}: use one of {', '.join(LOADERS)}")
    return LOADERS[name](corpus)
