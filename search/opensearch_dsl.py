"""Compiling the query syntax tree (search.querytree) to OpenSearch's query DSL.

The same compiler as whoosh's (search.compiler.Compiler: field targets and weights, stop-word
dropping, item roles, repeated-item boosts, the all-words tier and the proximity clause), with
each whoosh query swapped for its DSL counterpart, so a query matches the same documents on both
engines. Words are `match` queries (OpenSearch analyzes them with the field's own analyzer, as
the documents were); prefix and fuzzy terms are term-level queries on our folded word and stem.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from index.documents import author_keys, newsletter_key
from index.errors import QueryError
from index.fields import KINDS, schema_field
from search.compiler import PROXIMITY_FIELDS, Compiled, Compiler
from search.dates import format_range
from search.querytree import AndNode, DateNode, Leaf, Node, Not, OrNode, Seq

__all__ = ["DslCompiler", "author_filter", "date_range", "newsletter_filter"]

Dsl = dict[str, Any]
MATCH_ALL: Dsl = {"match_all": {}}


def any_of(queries: list[Dsl]) -> Dsl:
    if len(queries) == 1:
        return queries[0]
    return {"bool": {"should": queries, "minimum_should_match": 1}}


def all_of(queries: list[Dsl]) -> Dsl:
    return queries[0] if len(queries) == 1 else {"bool": {"must": queries}}


def boosted(query: Dsl, boost: float) -> Dsl:
    return {"bool": {"must": [query], "boost": boost}}


def date_range(since: dt.date | None, until: dt.date | None) -> Dsl | None:
    """Documents dated from `since` to `until`, both days included; None if both are open."""
    if since is None and until is None:
        return None
    if since is not None and until is not None and since > until:
        raise QueryError(
            f"The start date {since.isoformat()} is after the end date {until.isoformat()}."
        )
    bounds = {}
    if since is not None:
        bounds["gte"] = since.isoformat()
    if until is not None:
        bounds["lte"] = until.isoformat()
    return {"range": {"date": bounds}}


def _all_words(field: str, name: str) -> Dsl:
    return {"match": {field: {"query": name, "operator": "and"}}}


def newsletter_filter(name: str) -> Dsl:
    """A newsletter by exact (case- and space-insensitive) name, or by all the words of its name."""
    key = newsletter_key(name)
    if not key:
        raise QueryError("Empty newsletter name: give the newsletter to search in.")
    return any_of([{"term": {"newsletter_key": key}}, _all_words("newsletter", name)])


def author_filter(name: str) -> Dsl:
    """An author by full name, or by all the words of the byline (search.filters' semantics)."""
    # `authors` holds lower-cased names (whoosh's KEYWORD lowercase, OpenSearch's too).
    key = author_keys((name,)).lower()
    if not key:
        raise QueryError("Empty author name: give the author to search for.")
    bylines = [_all_words(f, name) for kind in KINDS if (f := schema_field("byline", kind))]
    return any_of([{"term": {"authors": key}}, *bylines])


class DslCompiler(Compiler):
    """search.compiler.Compiler producing query DSL instead of whoosh queries."""

    def leaf(self, leaf: Leaf, positive: bool) -> Compiled:
        targets = self.fields(leaf.field)
        queries: list[Dsl] = []
        for schema_name, name, boost in targets:
            if leaf.kind == "phrase" or len(leaf.tokens) > 1:
                queries.append(self.phrase(schema_name, leaf.tokens, leaf.slop, boost))
            elif leaf.kind == "prefix":
                # The same candidates as whoosh's (word, and stem on stemmed fields).
                queries.extend(
                    {"prefix": {q.fieldname: {"value": q.text, "boost": q.boost}}}
                    for q in self.prefixes(schema_name, name, leaf.tokens[0], boost)
                )
            elif leaf.kind == "fuzzy":
                fuzzy = {
                    "value": self.term(name, leaf.tokens[0]),
                    "fuzziness": leaf.distance,
                    "prefix_length": 1,
                    "transpositions": False,  # plain Levenshtein, as search.expand counts
                    "boost": boost,
                }
                queries.append({"fuzzy": {schema_name: fuzzy}})
            else:
                queries.append({"match": {schema_name: {"query": leaf.tokens[0], "boost": boost}}})
        if positive and targets:
            self.remember(leaf, [name for _, name, _ in targets])
        return (any_of(queries) if queries else None), self.display(leaf)

    @staticmethod
    def phrase(field: str, words: tuple[str, ...], slop: int, boost: float) -> Dsl:
        """Words in order, at most `slop` other words between each two (whoosh's Phrase)."""
        text = " ".join(words)
        if slop == 0:
            return {"match_phrase": {field: {"query": text, "boost": boost}}}
        # Ordered intervals, not match_phrase: Lucene's phrase slop also admits words swapped.
        # (max_gaps bounds the gaps of the whole phrase; whoosh bounds each gap: equal for two
        # words, stricter here for three or more.)
        rule = {"match": {"query": text, "max_gaps": slop, "ordered": True}}
        query: Dsl = {"intervals": {field: rule}}
        return query if boost == 1 else boosted(query, boost)

    def node(self, node: Node, positive: bool) -> Compiled:
        if isinstance(node, DateNode):
            return date_range(
                node.since, node.until
            ), f"date:{format_range(node.since, node.until)}"
        if isinstance(node, Not):
            query, text = self.node(node.child, not positive)
            if query is None:
                return None, ""
            return {"bool": {"must": [MATCH_ALL], "must_not": [query]}}, f"-{text}"
        if isinstance(node, OrNode):
            parts = [self.node(child, positive) for child in node.children]
            kept = [(query, text) for query, text in parts if query is not None]
            if not kept:
                return None, ""
            return any_of([q for q, _ in kept]), " OR ".join(t for _, t in kept)
        return super().node(node, positive)

    @staticmethod
    def restrict(core: Any, filters: list[Compiled], excluded: list[Compiled]) -> Any:
        if filters:
            window = [q for q, _ in filters]
            core = {"bool": {"must": [core] if core is not None else [], "filter": window}}
        if excluded:
            core = {
                "bool": {
                    "must": [MATCH_ALL if core is None else core],
                    "must_not": [any_of([q for q, _ in excluded])],
                }
            }
        return core

    def conjunction(self, node: AndNode, positive: bool) -> Compiled:
        roles = self.items(node.children, positive)
        scoring = roles["required"] + roles["optional"]
        core = all_of([q for q, _ in scoring]) if scoring else None
        core = self.restrict(core, roles["filter"], roles["excluded"])
        if core is None:
            return None, ""
        return core, " AND ".join(t for _, t in scoring + roles["filter"] + roles["excluded"])

    def seq(self, node: Seq, positive: bool) -> Compiled:
        children = node.children
        if any(self.scores(c) and not self.droppable(c) for c in children):
            children = tuple(c for c in children if not self.droppable(c))
        roles = self.items(children, positive)
        bare = [
            c
            for c in children
            if isinstance(c, Leaf) and c.kind == "word" and not c.explicit and self.fields(c.field)
        ]
        counts: dict[str, int] = {}
        first: dict[str, Any] = {}
        for query, text in roles["optional"]:
            counts[text] = counts.get(text, 0) + 1
            first.setdefault(text, query)
        optional: list[Compiled] = [
            (first[text] if count == 1 else boosted(first[text], count), text)
            for text, count in counts.items()
        ]
        required = roles["required"]
        if self.match_all:
            # match="all": every item required; words near each other still rank higher.
            items = required + optional
            every = all_of([q for q, _ in items]) if items else None
            near = self.nearness(node, bare)
            if every is not None and near:
                every = {"bool": {"must": [every], "should": near}}
            return self.restrict(every, roles["filter"], roles["excluded"]), ""
        scoring = self.scoring(node, bare, optional, required=bool(required))
        core: Any = scoring
        if required:
            core = all_of([q for q, _ in required])
            if scoring is not None:
                core = {"bool": {"must": [core], "should": [scoring]}}
        core = self.restrict(core, roles["filter"], roles["excluded"])
        return core, ""

    def scoring(
        self, node: Seq, bare: list[Leaf], compiled: list[Compiled], *, required: bool
    ) -> Dsl | None:
        """Any of the scoring items, all of them as a constant rank tier, and their proximity."""
        if not compiled:
            return None
        queries: list[Dsl] = [q for q, _ in compiled]
        if len(compiled) == 1 and not required:
            return queries[0]
        clauses = list(queries)
        if self.all_words_bonus > 0:
            tier = {"constant_score": {"filter": all_of(queries), "boost": self.all_words_bonus}}
            clauses.insert(0, tier)
        clauses += self.nearness(node, bare)
        scored: Dsl = any_of(clauses)
        return scored

    def nearness(self, node: Seq, bare: list[Leaf]) -> list[Dsl]:
        """The proximity bonus: the bare words as a sloppy phrase in the proximity fields."""
        if len(bare) < 2 or self.proximity_boost <= 0:
            return []
        words = [word for leaf in bare for word in leaf.tokens]
        targets = self.fields(node.field)
        if node.field is None:
            targets = [target for target in targets if target[1] in PROXIMITY_FIELDS]
        return [
            {
                "match_phrase": {
                    schema_name: {
                        "query": " ".join(words),
                        "slop": self.proximity_slop,
                        "boost": self.proximity_boost * weight,
                    }
                }
            }
            for schema_name, _, weight in targets
        ]
