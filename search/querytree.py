"""Reading query text, second step: the syntax tree and the parser that builds it from tokens.

The tree knows nothing of whoosh: `search.query` compiles it. Malformed input is read leniently
where the intent is clear (each such reading adds a note) and raises QueryError where it is not.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal

from index.analysis import tokenize
from index.errors import QueryError
from search.dates import parse_date_range
from search.querylex import (
    KEYWORDS,
    KNOWN_FIELDS,
    KNOWN_FIELDS_TEXT,
    MAX_FUZZY_DISTANCE,
    MAX_NESTING,
    MAX_QUERY_CHARS,
    MAX_WORD_CHARS,
    MAX_WORDS,
    Tok,
    lex,
)

# A field prefix: ASCII letters then a colon, but not a URL scheme (`https://`).
_FIELD_RE = re.compile(r"([A-Za-z][A-Za-z_]*):(?!//)")
_FUZZY_RE = re.compile(r"~(\d*)$")

# --- syntax tree -----------------------------------------------------------------------------

LeafKind = Literal["word", "phrase", "prefix", "fuzzy"]


@dataclass(frozen=True)
class Leaf:
    """A searchable term: `tokens` are the folded words (several for a phrase)."""

    kind: LeafKind
    tokens: tuple[str, ...]
    pos: int
    field: str | None = None  # the user field name that scopes it, None for free text
    explicit: bool = False  # scoped by its own `field:` or quoted: never dropped as a stop word
    slop: int = 0  # phrases: words allowed between consecutive phrase words
    distance: int = 0  # fuzzy: maximum edit distance


@dataclass(frozen=True)
class DateNode:
    since: dt.date | None
    until: dt.date | None
    pos: int


@dataclass(frozen=True)
class Not:
    child: Node


@dataclass(frozen=True)
class Required:
    child: Node


@dataclass(frozen=True)
class AndNode:
    children: tuple[Node, ...]


@dataclass(frozen=True)
class OrNode:
    children: tuple[Node, ...]


@dataclass(frozen=True)
class Seq:
    """Juxtaposed items (`a b -c`): the default any-word-with-all-words-first semantics."""

    children: tuple[Node, ...]
    field: str | None = None


Node = Leaf | DateNode | Not | Required | AndNode | OrNode | Seq


# --- parser ----------------------------------------------------------------------------------


class Parser:
    """Recursive descent over tokens. Precedence, loosest first: juxtaposition, OR, AND, NOT/+/-."""

    def __init__(self, text: str, today: dt.date) -> None:
        self.text = text
        self.today = today
        self.notes: list[str] = []
        self.toks = lex(text, self.notes)
        self.i = 0
        self.depth = 0

    # helpers

    def peek(self, ahead: int = 0) -> Tok | None:
        index = self.i + ahead
        return self.toks[index] if index < len(self.toks) else None

    def advance(self) -> Tok:
        tok = self.toks[self.i]
        self.i += 1
        return tok

    def note(self, message: str) -> None:
        self.notes.append(message)

    def _ends_operand(self, tok: Tok | None) -> bool:
        """True where an operator has nothing after it to apply to."""
        return tok is None or tok.kind in (")", "AND", "OR")

    # grammar

    def parse(self) -> Seq:
        return self.seq(depth=0, field=None)

    def seq(self, depth: int, field: str | None) -> Seq:
        items: list[Node] = []
        while (tok := self.peek()) is not None:
            if tok.kind == ")":
                if depth > 0:
                    break
                self.advance()
                self.note(f'stray ")" at position {tok.pos}: ignored')
                continue
            if tok.kind in ("AND", "OR"):
                self.advance()
                self.note(f'"{tok.kind}" at position {tok.pos} has nothing before it: ignored')
                continue
            item = self.or_expr(field)
            if item is not None:
                items.append(item)
        return Seq(tuple(items), field)

    def or_expr(self, field: str | None) -> Node | None:
        return self._chain("OR", self.and_expr, OrNode, field)

    def and_expr(self, field: str | None) -> Node | None:
        return self._chain("AND", self.unary, AndNode, field)

    def _chain(
        self,
        operator: str,
        operand: Callable[[str | None], Node | None],
        make: Callable[[tuple[Node, ...]], Node],
        field: str | None,
    ) -> Node | None:
        """Operands joined by one binary operator (a dangling operator is dropped, with a note)."""
        children = [operand(field)]
        while (tok := self.peek()) is not None and tok.kind == operator:
            self.advance()
            if self._ends_operand(self.peek()):
                self.note(f'dangling "{operator}" at position {tok.pos}: ignored')
                break
            children.append(operand(field))
        kept = tuple(child for child in children if child is not None)
        if len(kept) > 1:
            return make(kept)
        return kept[0] if kept else None

    def unary(self, field: str | None) -> Node | None:
        # Every level of nesting (a group, a NOT, a field) passes through here once.
        self.depth += 1
        try:
            return self._unary(field)
        finally:
            self.depth -= 1

    def _unary(self, field: str | None) -> Node | None:
        tok = self.peek()
        if tok is None:
            return None
        if self.depth > MAX_NESTING:
            raise QueryError(
                f"The query nests parentheses or NOTs more than {MAX_NESTING} deep at position"
                f" {tok.pos}: simplify it.",
                self.text,
                tok.pos,
            )
        if tok.kind in ("NOT", "-", "+"):
            self.advance()
            if self._ends_operand(self.peek()):
                self.note(f'dangling "{tok.text}" at position {tok.pos}: ignored')
                return None
            child = self.unary(field)
            if child is None:
                return None
            return Required(child) if tok.kind == "+" else Not(child)
        return self.primary(field)

    def primary(self, field: str | None) -> Node | None:
        tok = self.advance()
        if tok.kind == "(":
            return self.group(tok, field)
        if tok.kind == "phrase":
            return self.phrase(tok, field, explicit=field is not None)
        if tok.kind == "word":
            return self.word_or_field(tok, field)
        # Unreachable through the grammar above; kept so a surprise token is skipped, not looped on.
        self.note(f'"{tok.text}" at position {tok.pos}: ignored')
        return None

    def group(self, open_tok: Tok, field: str | None) -> Node | None:
        inner = self.seq(depth=1, field=field)
        closing = self.peek()
        if closing is not None and closing.kind == ")":
            self.advance()
        else:
            self.note(f'unclosed "(" at position {open_tok.pos}: closed at the end')
        if not inner.children:
            self.note(f"empty parentheses at position {open_tok.pos}: ignored")
            return None
        return inner

    def phrase(self, tok: Tok, field: str | None, *, explicit: bool) -> Node | None:
        words = tuple(word for word, _, _ in tokenize(tok.text))
        if not words:
            self.note(f"empty phrase at position {tok.pos}: ignored")
            return None
        if len(words) == 1:
            return Leaf("word", words, tok.pos, field, explicit=True)
        return Leaf("phrase", words, tok.pos, field, explicit=explicit, slop=tok.slop or 0)

    def word_or_field(self, tok: Tok, field: str | None) -> Node | None:
        match = _FIELD_RE.match(tok.text)
        if match is None:
            return self.word(tok.text, tok.pos, field, explicit=False)
        name = match.group(1)
        value = tok.text[match.end() :]
        value_pos = tok.pos + match.end()
        nxt = self.peek()
        adjacent = nxt is not None and nxt.pos == tok.end and nxt.kind in ("(", "phrase")
        key = name.lower()
        if key not in KNOWN_FIELDS:
            if not value and not adjacent:
                # "Update: troops" -- a colon at the end of a word is punctuation, not a field.
                return self.word(tok.text, tok.pos, field, explicit=False)
            raise QueryError(
                f'Unknown field "{name}" at position {tok.pos}. Known fields: {KNOWN_FIELDS_TEXT}.'
                f' To search for the text "{tok.text}", put it in quotes.',
                self.text,
                tok.pos,
            )
        if key == "date":
            return self.date_value(tok, value, value_pos, adjacent)
        if value:
            return self.word(value, value_pos, key, explicit=True)
        if nxt is None or nxt.kind in (")", "AND", "OR"):
            self.note(f'"{tok.text}" at position {tok.pos} has nothing after it: ignored')
            return None
        if not adjacent:
            self.note(
                f'space after "{tok.text}" at position {tok.pos}: read as applying to what follows'
            )
        if nxt.kind == "(":
            return self.group(self.advance(), key)
        if nxt.kind == "phrase":
            return self.phrase(self.advance(), key, explicit=True)
        # After a space, the field applies to the next term (a word, or a signed or NOT term).
        return self.unary(key)

    def word(self, raw: str, pos: int, field: str | None, *, explicit: bool) -> Node | None:
        kind: LeafKind = "word"
        distance = 0
        base = raw
        fuzzy = _FUZZY_RE.search(raw)
        if fuzzy and any(True for _ in tokenize(raw[: fuzzy.start()])):
            digits = fuzzy.group(1)
            if len(digits) > 1 or (digits and int(digits) > MAX_FUZZY_DISTANCE):
                raise QueryError(
                    f'Fuzzy distance "~{digits}" at position {pos + fuzzy.start()} is too large:'
                    f" use ~1 or ~2 (e.g. blinkin~2).",
                    self.text,
                    pos + fuzzy.start(),
                )
            distance = int(digits) if digits else 1
            base = raw[: fuzzy.start()]
            kind = "fuzzy" if distance else "word"
        elif raw.endswith("*"):
            kind = "prefix"
            base = raw.rstrip("*")
        if "*" in base:
            self.note(
                f'"*" works only at the end of a word: read "{raw}" at position {pos} as words'
            )
        words = tuple(word for word, _, _ in tokenize(base))
        if not words:
            self.note(f'"{raw}" at position {pos} has no letters or digits: ignored')
            return None
        if len(words) > 1:
            if kind != "word":
                what = "a wildcard" if kind == "prefix" else "a fuzzy match"
                self.note(
                    f'"{raw}" at position {pos} is several words, which {what} cannot span:'
                    f" read as a phrase"
                )
            # A word the tokenizer splits (U.S., e-mail) is a phrase of its parts.
            return Leaf("word", words, pos, field, explicit=explicit)
        return Leaf(kind, words, pos, field, explicit=explicit, distance=distance)

    def date_value(self, tok: Tok, value: str, value_pos: int, adjacent: bool) -> Node:
        nxt = self.peek()
        if not value:
            if nxt is not None and nxt.kind == "(" and adjacent:
                raise QueryError(
                    f"date: at position {tok.pos} takes one date or range, not a group."
                    f" Write e.g. date:2023-01..2024-12 or date:2024 OR date:2023.",
                    self.text,
                    tok.pos,
                )
            if nxt is None or nxt.kind not in ("phrase", "word"):
                raise QueryError(
                    f"date: at position {tok.pos} has no date after it."
                    f' Write e.g. date:2024-11, date:2024-10-01..2024-11-30 or date:"last week".',
                    self.text,
                    tok.pos,
                )
            if not adjacent:
                self.note(
                    f'space after "{tok.text}" at position {tok.pos}:'
                    " read as applying to what follows"
                )
            self.advance()
            value, value_pos = nxt.text, nxt.pos + (1 if nxt.kind == "phrase" else 0)
            (since, until), backwards = self._date(value, value_pos)
            return self._date_node(tok, since, until, value_pos, backwards)
        try:
            (since, until), backwards = self._date(value, value_pos)
        except QueryError:
            # `date:last week` unquoted: try the next one or two words as part of the expression.
            extended = self._extend_date(value)
            if extended is None:
                raise
            (since, until), backwards, used = extended
            words = " ".join([value, *(t.text for t in self.toks[self.i : self.i + used])])
            self.i += used
            self.note(f'read date:{words} at position {tok.pos} as date:"{words}"')
        return self._date_node(tok, since, until, value_pos, backwards)

    def _date(self, value: str, pos: int) -> tuple[tuple[dt.date | None, dt.date | None], bool]:
        return parse_date_range(value, self.today, position=pos, query=self.text)

    def _extend_date(
        self, value: str
    ) -> tuple[tuple[dt.date | None, dt.date | None], bool, int] | None:
        parts = [value]
        for used in (1, 2):
            tok = self.peek(used - 1)
            if tok is None or tok.kind != "word":
                return None
            parts.append(tok.text)
            try:
                found, backwards = self._date(" ".join(parts), 0)
            except QueryError:
                continue
            return found, backwards, used
        return None

    def _date_node(
        self, tok: Tok, since: dt.date | None, until: dt.date | None, pos: int, backwards: bool
    ) -> DateNode:
        if backwards:
            self.note(
                f"backwards date range at position {pos}: read as "
                f"{since.isoformat() if since else ''}..{until.isoformat() if until else ''}"
            )
        return DateNode(since, until, tok.pos)


@dataclass(frozen=True)
class ParseResult:
    tree: Seq
    notes: tuple[str, ...]


def check_size(text: str) -> None:
    """Refuse a query whose size alone would make it slow: too long, too many or too long words."""
    if len(text) > MAX_QUERY_CHARS:
        raise QueryError(
            f"The query is {len(text):,} characters long; at most {MAX_QUERY_CHARS:,} are read."
        )
    # Operators are not words: they cost nothing to search (their nesting has its own limit).
    spans = [(start, end) for _, start, end in tokenize(text) if text[start:end] not in KEYWORDS]
    for count, (start, end) in enumerate(spans, start=1):
        if end - start > MAX_WORD_CHARS:
            raise QueryError(
                f"A word of {end - start:,} characters: words are searched up to "
                f"{MAX_WORD_CHARS} characters long.",
                text,
                start,
            )
        if count > MAX_WORDS:
            raise QueryError(
                f"The query has more than {MAX_WORDS} words: shorten it to the words that matter.",
                text,
                start,
            )


def parse_tree(text: str, today: dt.date) -> ParseResult:
    """Parse query text into its syntax tree and the notes of any lenient reading."""
    check_size(text)
    parser = Parser(text, today)
    tree = parser.parse()
    return ParseResult(tree, tuple(parser.notes))
