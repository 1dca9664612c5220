"""The query language: query text -> whoosh query, its explanation, and what to highlight.

Words
    north korean troops     any of the words, over every text field (headline, standfirst, byline,
                            body, brief headlines, briefs, sections, newsletter) with per-field
                            boosts (DEFAULT_WEIGHTS). Documents with ALL the words always rank
                            above those without (a constant ALL_WORDS_BONUS tier); among those,
                            the words near each other in the headline or body rank higher (a
                            sloppy phrase, PROXIMITY_SLOP words apart, PROXIMITY_BOOST). Stop
                            words (the, of, ...) are dropped unless nothing else is left.
    U.S.  e-mail            a word the tokenizer splits is searched as a phrase of its parts.
    "north korean troops"   a phrase; "..."~3 lets up to 3 other words sit between its words.
    korea*                  prefix: korea, korean, koreans... (stemmed fields also try the
                            stem: happy* finds happiness, indexed as happi).
    nucler~  blinkin~2      fuzzy: a stem within edit distance 1 (default) or 2 of the word's
                            stem, first letter fixed (blinkin~2 finds blinking: stem blink).

Operators (upper case only: and/or/not are ordinary words)
    +korea  -china          korea must match; china must not.
    korea AND china         both; AND binds tighter than OR: `a AND b OR c` is `(a AND b) OR c`.
    korea OR china          either.  NOT china  is  -china.   (...)  groups.
    Juxtaposed items (`a b -c +d date:2024`) loosest of all: +/AND items must match, -/NOT items
    must not, date items filter, and the other items score with the all-words tier (they must
    match at least one unless some item is required).

Fields
    headline:korea  byline:lee  author:lee  body:  brief:  newsletter:  section:  standfirst:
    headline:(north korea)  headline:"north korea"  -byline:smith
    `brief:` searches brief headlines and brief texts; `author:` is `byline:`. Field names are
    case-insensitive; `headline: korea` (with a space) is read as headline:korea, with a note.
    A word ending in a colon (`Update: troops`) and a URL (`https://...`) are plain text.

Dates (filters: they restrict, never score)
    date:2024-11-05  date:2024-11  date:2024  date:2024-10-01..2024-11-30  date:2024-10..
    date:>2024-06-01  date:>=2024-06  date:<2024  date:<=2024-06-30  date:today  date:yesterday
    date:"last week"  date:"this month"  date:"last year"  date:"last 30 days"  date:"past 2 weeks"
    Relative dates count from `today` (the user's local date); see `search.dates` for every form.

What a query matches
    A query of filters only (`date:2024-11`) matches every document in them; a query of exclusions
    only (`-korea`) matches every document except those. `is_empty` is True only when nothing
    searchable is left (`()`, `""`, `&`): the searcher then returns no hits.

Lenient reading
    An unbalanced quote is read as closed, an unclosed `(` as closed at the end, a stray `)` and a
    dangling AND/OR/NOT are ignored: each such reading adds a note. An unknown field (`foo:bar`),
    an unreadable date, or a fuzzy distance above 2 raise QueryError saying where and what to do.

Explanations (deterministic; words shown as the stems searched). `(a OR b){all words first}`
is any of the items, those with all of them ranked first; `near "a b"~3` is the proximity bonus.
    north korean troops
        (north OR korean OR troop){all words first; near "north korean troops"~3}
    +korea troops -china "kim jong un"~1
        +korea (troop OR "kim jong un"~1){all words first} -china
    +korea troops
        +korea (troop){all words first}
    headline:(korea OR japan) date:2024
        (headline:korea OR headline:japan) date:2024-01-01..2024-12-31
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from whoosh import query as wq
from whoosh.matching import ConstantScoreWrapperMatcher, NullMatcher

from index import stemming
from index.analysis import tokenize
from index.errors import QueryError
from index.schema import TEXT_FIELDS, author_keys, newsletter_key
from index.stopwords import STOP_WORDS
from search.dates import format_range, parse_date_expression
from search.querylex import (
    FIELD_ALIASES,
    AndNode,
    DateNode,
    Leaf,
    Node,
    Not,
    OrNode,
    Required,
    Seq,
    parse_tree,
)

__all__ = [
    "ALL_WORDS_BONUS",
    "DEFAULT_WEIGHTS",
    "FIELD_ALIASES",
    "PROXIMITY_BOOST",
    "PROXIMITY_FIELDS",
    "PROXIMITY_SLOP",
    "ParsedQuery",
    "TierQuery",
    "author_filter",
    "date_filter",
    "newsletter_filter",
    "parse_date_expression",
    "parse_query",
]

# Multipliers on each field's own BM25 score (search/scoring.py). Short fields already score a
# match higher than a long body does, so a headline at 0.5 still outranks the same word in a body
# (tests/search/test_searcher.py); higher headline weights measured worse on both judged
# collections (bench/relevance.py: 1.0 and 1.5 fell below plain BM25 on CISI).
DEFAULT_WEIGHTS: dict[str, float] = {
    "headline": 0.5,
    "brief_headlines": 0.5,
    "standfirst": 0.75,
    "briefs": 1.0,
    "body": 1.0,
    "sections": 1.0,
    "byline": 1.0,
    "newsletter": 1.0,
}

# The constant score of matching every (non-stop) word: large enough to be a rank tier, not a blend.
ALL_WORDS_BONUS = 1000.0
# The sloppy-phrase clause that rewards query words near each other, and where it looks.
PROXIMITY_BOOST = 1.0
PROXIMITY_SLOP = 3  # other words allowed between consecutive query words
PROXIMITY_FIELDS = ("headline", "body")

# Fields indexed by `name_analyzer` (folded, not stemmed): their terms are folded words.
NAME_FIELDS = frozenset({"byline", "newsletter"})


class _TierMatcher(ConstantScoreWrapperMatcher):  # type: ignore[misc]
    """A constant score that survives whoosh's quality-based pruning of its child."""

    def supports_block_quality(self) -> bool:
        # The child's block qualities are its own scores, not ours: never skip on them.
        return False

    def replace(self, minquality: float = 0) -> Any:
        if not self.child.is_active():
            return NullMatcher
        # Asking the child with minquality 0 stops it dropping itself for low scores of its own.
        child = self.child.replace(0)
        return self if child is self.child else self._replacement(child)


class TierQuery(wq.ConstantScoreQuery):  # type: ignore[misc]
    """`ConstantScoreQuery` whose score holds even when the search needs the current match.

    whoosh's own class falls back to the child's real scores when the collector asks for the
    current match (`terms=True`, sorting, facets), which would turn the tier into a blend.
    """

    def matcher(self, searcher: Any, context: Any = None) -> Any:
        child = self.child.matcher(searcher, context)
        if not child.is_active():
            return NullMatcher
        return _TierMatcher(child, score=self.score)


@dataclass(frozen=True)
class ParsedQuery:
    """A parsed query: the whoosh query, how it was read, and what to highlight in hits."""

    text: str  # the query as given
    query: Any  # the whoosh query (NullQuery when is_empty)
    explanation: str  # how it was read, e.g. `+korea (troop){all words first} -china`
    # Schema field -> the terms of positive single words: stems, or folded words in name fields.
    highlight: dict[str, frozenset[str]]
    # (schema field or "*" for free text, "prefix" | "fuzzy", folded word) of positive terms.
    patterns: tuple[tuple[str, str, str], ...]
    phrases: tuple[tuple[str, ...], ...]  # stems of positive phrases (and split words: U.S.)
    words: tuple[str, ...]  # folded positive words searched, in query order, once each
    notes: tuple[str, ...]  # each lenient reading of malformed input
    is_empty: bool  # nothing searchable was left: the searcher returns no hits


Compiled = tuple[Any, str]


def _or(queries: list[Any]) -> Any:
    return queries[0] if len(queries) == 1 else wq.Or(queries)


def _and(queries: list[Any]) -> Any:
    return queries[0] if len(queries) == 1 else wq.And(queries)


def _wrap_joined(texts: list[str], joint: str) -> str:
    return texts[0] if len(texts) == 1 else "(" + joint.join(texts) + ")"


def _strip_outer(text: str) -> str:
    """Drop one pair of parentheses around the whole text (folded words never hold parens)."""
    if not (text.startswith("(") and text.endswith(")")):
        return text
    depth = 0
    for index, ch in enumerate(text):
        depth += ch == "("
        depth -= ch == ")"
        if depth == 0 and index < len(text) - 1:
            return text
    return text[1:-1]


class _Compiler:
    """Compiles the syntax tree to whoosh queries, collecting what positive terms to highlight."""

    def __init__(
        self,
        weights: dict[str, float],
        *,
        all_words_bonus: float,
        proximity_boost: float,
        proximity_slop: int,
    ) -> None:
        self.weights = weights
        self.all_words_bonus = all_words_bonus
        self.proximity_boost = proximity_boost
        self.proximity_slop = proximity_slop
        self.highlight: dict[str, set[str]] = {}
        self.patterns: list[tuple[str, str, str]] = []
        self.phrases: list[tuple[str, ...]] = []
        self.words: list[str] = []

    # leaves

    def fields(self, field: str | None) -> list[tuple[str, float]]:
        """(schema field, boost) pairs a term searches: a scoped field always counts."""
        if field is None:
            return [(name, self.weights[name]) for name in TEXT_FIELDS if self.weights[name] > 0]
        return [(name, self.weights.get(name, 0.0) or 1.0) for name in FIELD_ALIASES[field]]

    @staticmethod
    def term(field: str, word: str) -> str:
        return word if field in NAME_FIELDS else stemming.stem(word)

    def display(self, leaf: Leaf) -> str:
        """The leaf as the explanation shows it: stems, or folded words for name-only scopes."""
        names_only = leaf.field is not None and all(
            name in NAME_FIELDS for name in FIELD_ALIASES[leaf.field]
        )
        prefix = f"{leaf.field}:" if leaf.field else ""
        if leaf.kind == "phrase" or len(leaf.tokens) > 1:
            slop = f"~{leaf.slop}" if leaf.slop else ""
            return f'{prefix}"{" ".join(leaf.tokens)}"{slop}'
        word = leaf.tokens[0]
        if leaf.kind == "prefix":
            return f"{prefix}{word}*"
        shown = word if names_only else stemming.stem(word)
        if leaf.kind == "fuzzy":
            return f"{prefix}{shown}~{leaf.distance}"
        return f"{prefix}{shown}"

    def leaf(self, leaf: Leaf, positive: bool) -> Compiled:
        targets = self.fields(leaf.field)
        queries: list[Any] = []
        for name, boost in targets:
            if leaf.kind == "phrase" or len(leaf.tokens) > 1:
                terms = [self.term(name, word) for word in leaf.tokens]
                # Our slop counts the words allowed between; whoosh's counts positions apart.
                queries.append(wq.Phrase(name, terms, slop=leaf.slop + 1, boost=boost))
            elif leaf.kind == "prefix":
                queries.extend(self.prefixes(name, leaf.tokens[0], boost))
            elif leaf.kind == "fuzzy":
                text = self.term(name, leaf.tokens[0])
                queries.append(
                    wq.FuzzyTerm(name, text, boost=boost, maxdist=leaf.distance, prefixlength=1)
                )
            else:
                queries.append(wq.Term(name, self.term(name, leaf.tokens[0]), boost=boost))
        if positive and targets:
            self.remember(leaf, [name for name, _ in targets])
        return (_or(queries) if queries else None), self.display(leaf)

    def prefixes(self, field: str, word: str, boost: float) -> list[Any]:
        """Prefix queries for `word*`: on a stemmed field, also the stem's (happy* -> happi)."""
        candidates = {word} if field in NAME_FIELDS else {word, stemming.stem(word)}
        # A candidate that extends another adds nothing: `studi` covers `studies`.
        kept = sorted(
            c for c in candidates if not any(o != c and c.startswith(o) for o in candidates)
        )
        return [wq.Prefix(field, text, boost=boost) for text in kept]

    def remember(self, leaf: Leaf, fields: list[str]) -> None:
        if leaf.kind in ("prefix", "fuzzy"):
            scopes = fields if leaf.field else ["*"]
            self.patterns.extend((scope, leaf.kind, leaf.tokens[0]) for scope in scopes)
            return
        for word in leaf.tokens:
            if word not in self.words:
                self.words.append(word)
        if leaf.kind == "phrase" or len(leaf.tokens) > 1:
            stems = tuple(stemming.stem(word) for word in leaf.tokens)
            if stems not in self.phrases:
                self.phrases.append(stems)
            return
        for name in fields:
            self.highlight.setdefault(name, set()).add(self.term(name, leaf.tokens[0]))

    # tree

    def node(self, node: Node, positive: bool) -> Compiled:
        if isinstance(node, Leaf):
            return self.leaf(node, positive)
        if isinstance(node, DateNode):
            text = f"date:{format_range(node.since, node.until)}"
            return date_filter(node.since, node.until), text
        if isinstance(node, Not):
            query, text = self.node(node.child, not positive)
            if query is None:
                return None, ""
            return wq.AndNot(wq.Every(), query), f"-{text}"
        if isinstance(node, Required):
            query, text = self.node(node.child, positive)
            return query, (f"+{text}" if query is not None else "")
        if isinstance(node, OrNode):
            parts = [self.node(child, positive) for child in node.children]
            kept = [(query, text) for query, text in parts if query is not None]
            if not kept:
                return None, ""
            return _or([q for q, _ in kept]), _wrap_joined([t for _, t in kept], " OR ")
        if isinstance(node, AndNode):
            return self.conjunction(node, positive)
        return self.seq(node, positive)

    def item(self, child: Node, positive: bool) -> tuple[str, Compiled]:
        """An item of a juxtaposition or AND: its role and its compiled form."""
        inner = child.child if isinstance(child, Required) else child
        if isinstance(inner, DateNode):
            return "filter", self.node(inner, positive)
        if isinstance(child, Not):
            query, text = self.node(child.child, not positive)
            return "excluded", (query, f"-{text}")
        if isinstance(child, Required):
            return "required", self.node(child, positive)
        return "optional", self.node(child, positive)

    def items(self, children: tuple[Node, ...], positive: bool) -> dict[str, list[Compiled]]:
        """Compile items in order (so `words` keep the query's order), grouped by role."""
        roles: dict[str, list[Compiled]] = {
            "required": [],
            "optional": [],
            "filter": [],
            "excluded": [],
        }
        for child in children:
            role, compiled = self.item(child, positive)
            if compiled[0] is not None:
                roles[role].append(compiled)
        return roles

    @staticmethod
    def restrict(core: Any, filters: list[Compiled], excluded: list[Compiled]) -> Any:
        """`core` limited to the filters (without scoring them) and minus the exclusions."""
        if filters:
            window = _and([q for q, _ in filters])
            core = window if core is None else wq.Require(core, window)
        if excluded:
            core = wq.AndNot(wq.Every() if core is None else core, _or([q for q, _ in excluded]))
        return core

    def conjunction(self, node: AndNode, positive: bool) -> Compiled:
        roles = self.items(node.children, positive)
        scoring = roles["required"] + roles["optional"]
        core = _and([q for q, _ in scoring]) if scoring else None
        core = self.restrict(core, roles["filter"], roles["excluded"])
        if core is None:
            return None, ""
        texts = [t for _, t in scoring + roles["filter"] + roles["excluded"]]
        return core, _wrap_joined(texts, " AND ")

    @staticmethod
    def droppable(node: Node) -> bool:
        """A bare stop word: dropped from bag-of-words clauses when anything else is left."""
        return (
            isinstance(node, Leaf)
            and node.kind == "word"
            and not node.explicit
            and len(node.tokens) == 1
            and node.tokens[0] in STOP_WORDS
        )

    @staticmethod
    def scores(node: Node) -> bool:
        """Whether an item is searched for (not an exclusion, not a date filter)."""
        inner = node.child if isinstance(node, Required) else node
        return not isinstance(inner, (Not, DateNode))

    def seq(self, node: Seq, positive: bool) -> Compiled:
        children = node.children
        if any(self.scores(c) and not self.droppable(c) for c in children):
            children = tuple(c for c in children if not self.droppable(c))
        roles = self.items(children, positive)
        # The bare words searched (after stop words went), for the proximity clause.
        bare = [
            c
            for c in children
            if isinstance(c, Leaf) and c.kind == "word" and not c.explicit and self.fields(c.field)
        ]
        # A repeated item weighs as often as it is repeated, as in BM25's query-term frequency:
        # long natural-language queries repeat what matters ("titles ... titles ... titles").
        counts: dict[str, int] = {}
        first: dict[str, Any] = {}
        for query, text in roles["optional"]:
            counts[text] = counts.get(text, 0) + 1
            first.setdefault(text, query)
        optional: list[Compiled] = [
            (first[text], text)
            if count == 1
            else (first[text].with_boost(first[text].boost * count), f"{text}^{count}")
            for text, count in counts.items()
        ]
        required = roles["required"]
        scoring, scoring_text = self.optional_part(node, bare, optional, required=bool(required))
        core: Any = scoring
        if required:
            core = _and([q for q, _ in required])
            if scoring is not None:
                core = wq.AndMaybe(core, scoring)
        core = self.restrict(core, roles["filter"], roles["excluded"])
        if core is None:
            return None, ""
        parts = [t for _, t in required] + ([scoring_text] if scoring_text else [])
        parts += [t for _, t in roles["excluded"]] + [t for _, t in roles["filter"]]
        return core, _wrap_joined(parts, " ")

    def optional_part(
        self, node: Seq, bare: list[Leaf], compiled: list[Compiled], *, required: bool
    ) -> tuple[Any, str]:
        """The scoring items: any of them, all of them as a rank tier, and their proximity.

        Beside required items even one scoring item gets the tier: `+korea troops` ranks the
        issues with troops (all the words) first.
        """
        if not compiled:
            return None, ""
        queries = [q for q, _ in compiled]
        texts = [t for _, t in compiled]
        if len(compiled) == 1 and not required:
            return queries[0], texts[0]
        clauses = list(queries)
        ranking: list[str] = []
        if self.all_words_bonus > 0:
            clauses.insert(0, TierQuery(_and(queries), score=self.all_words_bonus))
            ranking.append("all words first")
        near = self.proximity(node, bare)
        if near is not None:
            clauses.append(near[0])
            ranking.append(near[1])
        if not ranking:
            return _or(clauses), _wrap_joined(texts, " OR ")
        return wq.Or(clauses), "(" + " OR ".join(texts) + "){" + "; ".join(ranking) + "}"

    def proximity(self, node: Seq, bare: list[Leaf]) -> Compiled | None:
        """A sloppy phrase of the bare words, in order, over the headline and body."""
        words = [word for leaf in bare for word in leaf.tokens]
        if len(bare) < 2 or self.proximity_boost <= 0:
            return None
        if node.field is None:
            targets = [(f, self.weights[f]) for f in PROXIMITY_FIELDS if self.weights[f] > 0]
        else:
            targets = self.fields(node.field)
        phrases = [
            wq.Phrase(
                name,
                [self.term(name, word) for word in words],
                slop=self.proximity_slop + 1,
                boost=self.proximity_boost * weight,
            )
            for name, weight in targets
        ]
        if not phrases:
            return None
        return _or(phrases), f'near "{" ".join(words)}"~{self.proximity_slop}'


def _weights(weights: dict[str, float] | None) -> dict[str, float]:
    merged = dict(DEFAULT_WEIGHTS)
    for name, value in (weights or {}).items():
        if name not in DEFAULT_WEIGHTS or value < 0:
            # A programming error (a benchmark typo), not a user's query: fail loudly.
            raise ValueError(
                f"weights: {name!r}={value!r}; give a non-negative boost for one of "
                f"{', '.join(DEFAULT_WEIGHTS)}"
            )
        merged[name] = float(value)
    return merged


def parse_query(
    text: str,
    *,
    weights: dict[str, float] | None = None,
    today: dt.date | None = None,
    all_words_bonus: float = ALL_WORDS_BONUS,
    proximity_boost: float = PROXIMITY_BOOST,
    proximity_slop: int = PROXIMITY_SLOP,
) -> ParsedQuery:
    """Parse query text (see the module docstring); bad input raises QueryError, nothing else.

    `weights` overrides DEFAULT_WEIGHTS field by field (0 leaves a field out of free text);
    `today` anchors relative dates (default: the local date). The ranking knobs default to the
    module constants and exist for the relevance benchmark. An unknown field or negative value
    in `weights`, or a negative `proximity_slop`, is a programming error and raises ValueError.
    """
    if proximity_slop < 0:
        raise ValueError(f"proximity_slop must be 0 or more, not {proximity_slop}")
    if not text.strip():
        raise QueryError("Empty query: give at least one word to search for.", text, None)
    compiler = _Compiler(
        _weights(weights),
        all_words_bonus=all_words_bonus,
        proximity_boost=proximity_boost,
        proximity_slop=proximity_slop,
    )
    parsed = parse_tree(text, today or dt.date.today())
    query, explanation = compiler.seq(parsed.tree, positive=True)
    return ParsedQuery(
        text=text,
        query=query if query is not None else wq.NullQuery,
        explanation=_strip_outer(explanation),
        highlight={name: frozenset(terms) for name, terms in sorted(compiler.highlight.items())},
        patterns=tuple(dict.fromkeys(compiler.patterns)),
        phrases=tuple(compiler.phrases),
        words=tuple(compiler.words),
        notes=parsed.notes,
        is_empty=query is None,
    )


def date_filter(since: dt.date | None, until: dt.date | None) -> Any | None:
    """Documents dated from `since` to `until`, both days included; None if both are open."""
    if since is None and until is None:
        return None
    if since is not None and until is not None and since > until:
        raise QueryError(
            f"The start date {since.isoformat()} is after the end date {until.isoformat()}."
        )
    start = dt.datetime.combine(since, dt.time.min) if since else None
    end = dt.datetime.combine(until, dt.time.max) if until else None
    return wq.DateRange("date", start, end)


def _name_words(field: str, name: str) -> Any | None:
    words = [wq.Term(field, word) for word, _, _ in tokenize(name)]
    return _and(words) if words else None


def newsletter_filter(name: str) -> Any:
    """A newsletter by exact (case- and space-insensitive) name, or by all the words of its name."""
    key = newsletter_key(name)
    if not key:
        raise QueryError("Empty newsletter name: give the newsletter to search in.")
    exact = wq.Term("newsletter_key", key)
    words = _name_words("newsletter", name)
    return exact if words is None else wq.Or([exact, words])


def author_filter(name: str) -> Any:
    """An author by full name (case- and space-insensitive), or by all the words of the byline."""
    key = author_keys((name,))
    if not key:
        raise QueryError("Empty author name: give the author to search for.")
    exact = wq.Term("authors", key)
    words = _name_words("byline", name)
    return exact if words is None else wq.Or([exact, words])
