"""An independent oracle for the query language: brute-force matching over parsed issues.

It knows the language only from its documentation (README's "Query language" table and the
docstring of `search/query.py`) and the index only through `index.documents.documents` (which fields
a document has) and `index.analysis` (the same tokenizer, folding and stemming). It never compiles
to whoosh and imports nothing from `search` except the query parser's syntax tree, which
`from_parse_tree` converts (for hand-written queries such as the README's); generated queries are
built as oracle trees directly, so the parser is checked too.

Semantics (documented there, restated here as code):
- a leaf matches a document when one of its fields holds it: a word as its stem (folded word in
  name fields); a phrase as stems at increasing positions, consecutive ones at most slop+1 apart
  (whoosh's Phrase with slop N+1); `korea*` a term starting with the word or its stem; `word~N`
  a term whose first letter is the stem's and whose rest is within Levenshtein distance N;
- juxtaposed items: required (+, AND) items must all match, else at least one optional item;
  excluded (-, NOT) items must not; date items filter; stop words are dropped when anything else
  that scores is left; an item list of filters and exclusions only matches everything else;
- free words search every text field of the document's kind; `brief:` is the brief headlines
  and texts of an issue, and a story's own headline and body.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from index.analysis import analyze, tokenize
from index.documents import documents
from index.model import Issue
from index.parse import detect_format, parse_file
from index.stemming import stem
from index.stopwords import STOP_WORDS

# --- the documented field model ----------------------------------------------------------------

# Name fields are folded, not stemmed.
NAME_FIELDS = frozenset({"byline", "newsletter", "story_byline"})
ISSUE_FREE = (
    "headline",
    "standfirst",
    "byline",
    "body",
    "brief_headlines",
    "briefs",
    "sections",
    "newsletter",
)
STORY_FREE = (
    "story_headline",
    "story_standfirst",
    "story_byline",
    "story_body",
    "story_sections",
    "newsletter",
)
ISSUE_SCOPED = {
    "headline": ("headline",),
    "byline": ("byline",),
    "author": ("byline",),
    "body": ("body",),
    "brief": ("brief_headlines", "briefs"),
    "section": ("sections",),
    "newsletter": ("newsletter",),
    "standfirst": ("standfirst",),
}
STORY_SCOPED = {
    "headline": ("story_headline",),
    "byline": ("story_byline",),
    "author": ("story_byline",),
    "body": ("story_body",),
    "brief": ("story_headline", "story_body"),
    "section": ("story_sections",),
    "newsletter": ("newsletter",),
    "standfirst": ("story_standfirst",),
}
USER_FIELDS = tuple(ISSUE_SCOPED)

# --- oracle query trees ------------------------------------------------------------------------


@dataclass(frozen=True)
class Leaf:
    kind: str  # "word" | "phrase" | "prefix" | "fuzzy"
    tokens: tuple[str, ...]  # folded words
    field: str | None = None  # a user field name (see USER_FIELDS)
    explicit: bool = False  # scoped by its own field: or quoted: never a droppable stop word
    slop: int = 0
    distance: int = 0


@dataclass(frozen=True)
class Date:
    since: dt.date | None
    until: dt.date | None


@dataclass(frozen=True)
class Not:
    child: Node


@dataclass(frozen=True)
class Req:
    child: Node


@dataclass(frozen=True)
class And:
    children: tuple[Node, ...]


@dataclass(frozen=True)
class Or:
    children: tuple[Node, ...]


@dataclass(frozen=True)
class Seq:
    children: tuple[Node, ...]


Node = Leaf | Date | Not | Req | And | Or | Seq


def from_parse_tree(node: Any) -> Node:
    """An oracle tree from `search.querytree`'s syntax tree (for hand-written query text)."""
    name = type(node).__name__
    if name == "Leaf":
        return Leaf(
            node.kind, tuple(node.tokens), node.field, node.explicit, node.slop, node.distance
        )
    if name == "DateNode":
        return Date(node.since, node.until)
    if name in ("Not", "Required"):
        child = from_parse_tree(node.child)
        return Not(child) if name == "Not" else Req(child)
    children = tuple(from_parse_tree(child) for child in node.children)
    return {"AndNode": And, "OrNode": Or, "Seq": Seq}[name](children)


# --- matching ----------------------------------------------------------------------------------


def levenshtein(a: str, b: str) -> int:
    previous = list(range(len(b) + 1))
    for i, ca in enumerate(a, start=1):
        current = [i]
        for j, cb in enumerate(b, start=1):
            current.append(min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (ca != cb)))
        previous = current
    return previous[-1]


def phrase_at(positions: list[list[int]], slop: int) -> bool:
    """Positions p1 < p2 < ... with each p(i+1) - p(i) in 1..slop (whoosh's SpanNear2)."""
    reach = set(positions[0])
    for nxt in positions[1:]:
        reach = {p for p in nxt if any(1 <= p - q <= slop for q in reach)}
        if not reach:
            return False
    return True


@dataclass
class Doc:
    id: str
    kind: str
    date: dt.date | None
    newsletter_key: str
    authors: frozenset[str]
    terms: dict[str, list[str]] = field(default_factory=dict)  # field -> term sequence

    def positions(self, name: str, term: str) -> list[int]:
        return [n for n, t in enumerate(self.terms.get(name, ())) if t == term]


def oracle_of(folder: Path) -> Oracle:
    """The oracle over every issue file in `folder`, read as the indexer reads them."""
    issues = []
    for path in sorted(folder.rglob("*")):
        if path.is_file() and detect_format(path, folder) is not None:
            issues.extend(parse_file(path, folder))
    return Oracle(issues)


def _first_copies(issues: list[Issue]) -> dict[str, str]:
    """Issue id -> the first id of its copies: the same place in files of the same bytes."""
    paths = sorted({issue.path for issue in issues})
    digests: dict[str, str] = {}
    for path in paths:
        try:
            digests[path] = hashlib.sha256(Path(path).read_bytes()).hexdigest()
        except OSError:
            continue
    places: dict[tuple[str, int], list[str]] = {}
    seen: dict[str, int] = {}
    for issue in sorted(issues, key=lambda issue: (issue.path, issue.id)):
        place = seen[issue.path] = seen.get(issue.path, -1) + 1
        if issue.path in digests:
            places.setdefault((digests[issue.path], place), []).append(issue.id)
    return {issue_id: min(ids) for ids in places.values() if len(ids) > 1 for issue_id in ids}


def _term(name: str, word: str) -> str:
    return word if name in NAME_FIELDS else stem(word)


class Oracle:
    """All documents of a set of issues, and the query language evaluated over them."""

    def __init__(self, issues: Iterable[Issue]) -> None:
        self.docs: dict[str, Doc] = {}
        # field -> term -> ids: a plain inverted index, to keep 300 queries quick.
        self.postings: dict[str, dict[str, set[str]]] = {}
        self.issues = sorted(issues, key=lambda issue: issue.id)
        for issue in self.issues:
            for fields in documents(issue):
                self._add(fields)
        self._first_copy = _first_copies(self.issues)

    def canonical(self, doc_id: str) -> str:
        """The id standing for every copy of a document in byte-identical files.

        The product shows such copies once (whichever ranks best): results are compared on
        these ids.
        """
        issue_id, sep, position = doc_id.rpartition("::")
        if sep and position.isdigit():
            return f"{self._first_copy.get(issue_id, issue_id)}::{position}"
        return self._first_copy.get(doc_id, doc_id)

    def _add(self, fields: dict[str, Any]) -> None:
        when = fields.get("date")
        doc = Doc(
            id=fields["id"],
            kind=fields["kind"],
            date=when.date() if isinstance(when, dt.datetime) else when,
            newsletter_key=" ".join(str(fields.get("newsletter", "")).lower().split()),
            authors=frozenset(
                a.strip().lower() for a in str(fields.get("authors", "")).split(",") if a.strip()
            ),
        )
        for name in {*ISSUE_FREE, *STORY_FREE}:
            text = fields.get(name) or ""
            if not text:
                continue
            seq = [w for w, _, _ in tokenize(text)] if name in NAME_FIELDS else analyze(text)
            doc.terms[name] = seq
            for term in seq:
                self.postings.setdefault(name, {}).setdefault(term, set()).add(doc.id)
        self.docs[doc.id] = doc

    # leaves

    def _fields(self, leaf: Leaf, stories: bool) -> tuple[str, ...]:
        if leaf.field is None:
            return STORY_FREE if stories else ISSUE_FREE
        return (STORY_SCOPED if stories else ISSUE_SCOPED)[leaf.field]

    def _matching_terms(self, name: str, leaf: Leaf) -> Iterator[str]:
        vocab = self.postings.get(name, {})
        word = leaf.tokens[0]
        if leaf.kind == "prefix":
            starts = {word} if name in NAME_FIELDS else {word, stem(word)}
            yield from (t for t in vocab if any(t.startswith(s) for s in starts))
        elif leaf.kind == "fuzzy":
            q = _term(name, word)
            for t in vocab:
                if t[:1] == q[:1] and levenshtein(t[1:], q[1:]) <= leaf.distance:
                    yield t
        else:
            yield _term(name, word)

    def leaf(self, leaf: Leaf, stories: bool) -> set[str]:
        found: set[str] = set()
        for name in self._fields(leaf, stories):
            vocab = self.postings.get(name, {})
            if leaf.kind == "phrase" or len(leaf.tokens) > 1:
                terms = [_term(name, w) for w in leaf.tokens]
                if any(t not in vocab for t in terms):
                    continue
                candidates = set.intersection(*(vocab[t] for t in terms))
                for doc_id in candidates - found:
                    doc = self.docs[doc_id]
                    if phrase_at([doc.positions(name, t) for t in terms], leaf.slop + 1):
                        found.add(doc_id)
            else:
                for term in self._matching_terms(name, leaf):
                    found |= vocab.get(term, set())
        return found

    # the tree

    @staticmethod
    def droppable(node: Node) -> bool:
        return (
            isinstance(node, Leaf)
            and node.kind == "word"
            and not node.explicit
            and len(node.tokens) == 1
            and node.tokens[0] in STOP_WORDS
        )

    @staticmethod
    def scores(node: Node) -> bool:
        inner = node.child if isinstance(node, Req) else node
        return not isinstance(inner, (Not, Date))

    def evaluate(self, node: Node, stories: bool) -> set[str]:
        """The ids of the documents (of either kind) that `node` matches."""
        if isinstance(node, Leaf):
            return self.leaf(node, stories)
        if isinstance(node, Date):
            return {
                d.id
                for d in self.docs.values()
                if d.date is not None
                and (node.since is None or d.date >= node.since)
                and (node.until is None or d.date <= node.until)
            }
        if isinstance(node, Not):
            return set(self.docs) - self.evaluate(node.child, stories)
        if isinstance(node, Req):
            return self.evaluate(node.child, stories)
        if isinstance(node, Or):
            return set().union(*(self.evaluate(c, stories) for c in node.children))
        if isinstance(node, And):
            return set(self.docs).intersection(*(self.evaluate(c, stories) for c in node.children))
        children = node.children
        if any(self.scores(c) and not self.droppable(c) for c in children):
            children = tuple(c for c in children if not self.droppable(c))
        required = [c for c in children if isinstance(c, Req) and self.scores(c)]
        optional = [c for c in children if not isinstance(c, Req) and self.scores(c)]
        # Filters (dates, plain or required) and exclusions restrict what the rest matches.
        restricting = [c for c in children if not self.scores(c)]
        if required:
            core = set(self.docs).intersection(*(self.evaluate(c, stories) for c in required))
        elif optional:
            core = set().union(*(self.evaluate(c, stories) for c in optional))
        elif restricting:
            core = set(self.docs)
        else:
            core = set()
        for child in restricting:
            core &= self.evaluate(child, stories)
        return core

    # the search

    def search(
        self,
        node: Node,
        *,
        stories: bool = False,
        since: dt.date | None = None,
        until: dt.date | None = None,
        newsletter: str | None = None,
        author: str | None = None,
    ) -> set[str]:
        """The ids a search must return: issues, or with `stories` stories; options filter."""
        kind = "story" if stories else "issue"
        matched = self.evaluate(node, stories)
        return {
            doc_id
            for doc_id in matched
            if (doc := self.docs[doc_id]).kind == kind
            and self._options(doc, since, until, newsletter, author)
        }

    def _options(
        self,
        doc: Doc,
        since: dt.date | None,
        until: dt.date | None,
        newsletter: str | None,
        author: str | None,
    ) -> bool:
        if since is not None or until is not None:
            if doc.date is None:
                return False
            if (since and doc.date < since) or (until and doc.date > until):
                return False
        if newsletter is not None:
            words = {w for w, _, _ in tokenize(newsletter)}
            exact = doc.newsletter_key == " ".join(newsletter.lower().split())
            if not exact and not words <= set(doc.terms.get("newsletter", ())):
                return False
        if author is not None:
            words = {w for w, _, _ in tokenize(author)}
            byline = set(doc.terms.get("byline", ())) | set(doc.terms.get("story_byline", ()))
            exact = " ".join(author.lower().split()) in doc.authors
            if not exact and not (words and words <= byline):
                return False
        return True

    def dates(self) -> dict[str, dt.date | None]:
        return {doc_id: doc.date for doc_id, doc in self.docs.items()}
