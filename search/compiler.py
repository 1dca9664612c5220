"""Compiling the query syntax tree (search.querytree) to whoosh queries and their explanation."""

from __future__ import annotations

from typing import Any

from whoosh import query as wq

from index import stemming
from index.fields import NAME_FIELDS, TEXT_FIELD_TABLE, query_targets, schema_field
from index.stopwords import STOP_WORDS
from search.dates import format_range
from search.filters import AndNot, TierQuery, date_filter
from search.querytree import AndNode, DateNode, Leaf, Node, Not, OrNode, Required, Seq

# Where the proximity clause (query words near each other) looks, for free text (logical fields).
PROXIMITY_FIELDS = ("headline", "body")
# (schema field, logical field, boost): one place a term is searched.
Target = tuple[str, str, float]


Compiled = tuple[Any, str]


def _or(queries: list[Any]) -> Any:
    return queries[0] if len(queries) == 1 else wq.Or(queries)


def _and(queries: list[Any]) -> Any:
    return queries[0] if len(queries) == 1 else wq.And(queries)


def _wrap_joined(texts: list[str], joint: str) -> str:
    return texts[0] if len(texts) == 1 else "(" + joint.join(texts) + ")"


def strip_outer(text: str) -> str:
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


class Compiler:
    """Compiles the syntax tree to whoosh queries, collecting what positive terms to highlight."""

    def __init__(
        self,
        weights: dict[str, float],
        *,
        kind: str,
        all_words_bonus: float,
        proximity_boost: float,
        proximity_slop: int,
        match_all: bool = False,
    ) -> None:
        self.weights = weights
        # Juxtaposed items all required (match="all"), not any of them with all ranked first.
        self.match_all = match_all
        self.kind = kind
        self.all_words_bonus = all_words_bonus
        self.proximity_boost = proximity_boost
        self.proximity_slop = proximity_slop
        self.highlight: dict[str, set[str]] = {}
        self.patterns: list[tuple[str, str, str]] = []
        self.phrases: list[tuple[str, ...]] = []
        self.words: list[str] = []

    # leaves

    def fields(self, field: str | None) -> list[Target]:
        """Where a term is searched on this kind of document: a scoped field always counts."""
        if field is None:
            names = [f.name for f in TEXT_FIELD_TABLE if self.weights[f.name] > 0]
        else:
            names = list(query_targets(field, self.kind))
        targets = []
        for name in names:
            schema_name = schema_field(name, self.kind)
            if schema_name is not None:
                boost = self.weights[name] if field is None else (self.weights[name] or 1.0)
                targets.append((schema_name, name, boost))
        return targets

    @staticmethod
    def term(field: str, word: str) -> str:
        """The indexed form of `word` in the logical field `field`."""
        return word if field in NAME_FIELDS else stemming.stem(word)

    def display(self, leaf: Leaf) -> str:
        """The leaf as the explanation shows it: stems, or folded words for name-only scopes."""
        names_only = leaf.field is not None and all(
            name in NAME_FIELDS for name in query_targets(leaf.field, self.kind)
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
        for schema_name, name, boost in targets:
            if leaf.kind == "phrase" or len(leaf.tokens) > 1:
                terms = [self.term(name, word) for word in leaf.tokens]
                # Our slop counts the words allowed between; whoosh's counts positions apart.
                queries.append(wq.Phrase(schema_name, terms, slop=leaf.slop + 1, boost=boost))
            elif leaf.kind == "prefix":
                queries.extend(self.prefixes(schema_name, name, leaf.tokens[0], boost))
            elif leaf.kind == "fuzzy":
                text = self.term(name, leaf.tokens[0])
                queries.append(
                    wq.FuzzyTerm(
                        schema_name, text, boost=boost, maxdist=leaf.distance, prefixlength=1
                    )
                )
            else:
                queries.append(wq.Term(schema_name, self.term(name, leaf.tokens[0]), boost=boost))
        if positive and targets:
            self.remember(leaf, [name for _, name, _ in targets])
        return (_or(queries) if queries else None), self.display(leaf)

    @staticmethod
    def prefixes(schema_name: str, name: str, word: str, boost: float) -> list[Any]:
        """Prefix queries for `word*`: on a stemmed field, also the stem's (happy* -> happi)."""
        candidates = {word} if name in NAME_FIELDS else {word, stemming.stem(word)}
        # A candidate that extends another adds nothing: `studi` covers `studies`.
        kept = sorted(
            c for c in candidates if not any(o != c and c.startswith(o) for o in candidates)
        )
        return [wq.Prefix(schema_name, text, boost=boost) for text in kept]

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
            return AndNot(wq.Every(), query), f"-{text}"
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
            core = AndNot(wq.Every() if core is None else core, _or([q for q, _ in excluded]))
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
        if self.match_all:
            return self.all_of(node, bare, required + optional, roles)
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

    def all_of(
        self,
        node: Seq,
        bare: list[Leaf],
        scoring: list[Compiled],
        roles: dict[str, list[Compiled]],
    ) -> Compiled:
        """match="all": every scoring item required; words near each other still rank higher.

        Every hit has all the words, so today's all-words tier would be the same constant for
        each: the order among them is the one match="any" gives them.
        """
        core: Any = _and([q for q, _ in scoring]) if scoring else None
        # `+x` says nothing more when every item is required.
        texts = [t[1:] if t.startswith("+") else t for _, t in scoring]
        text = _wrap_joined(texts, " AND ") if texts else ""
        near = self.proximity(node, bare)
        if core is not None and near is not None:
            core = wq.AndMaybe(core, near[0])
            text = "(" + strip_outer(text) + "){" + near[1] + "}"
        core = self.restrict(core, roles["filter"], roles["excluded"])
        if core is None:
            return None, ""
        parts = ([text] if text else []) + [t for _, t in roles["excluded"]]
        parts += [t for _, t in roles["filter"]]
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
        targets = self.fields(node.field)
        if node.field is None:
            targets = [target for target in targets if target[1] in PROXIMITY_FIELDS]
        phrases = [
            wq.Phrase(
                schema_name,
                [self.term(name, word) for word in words],
                slop=self.proximity_slop + 1,
                boost=self.proximity_boost * weight,
            )
            for schema_name, name, weight in targets
        ]
        if not phrases:
            return None
        return _or(phrases), f'near "{" ".join(words)}"~{self.proximity_slop}'
