"""Random queries for the differential test: each is query text built together with its oracle tree.

The tree is what the text means by the documentation, so the product's parser is under test too.
"""

from __future__ import annotations

import calendar
import datetime as dt
import random
from dataclasses import dataclass, field
from typing import Any

from index.analysis import tokenize
from tests.search.digests import FIRST, LAST, NEWSLETTERS, RARE, STOP, WORDS
from tests.search.oracle import USER_FIELDS, And, Date, Leaf, Node, Not, Or, Req, Seq

# Binding levels of generated text: an atom can go anywhere; the others need parentheses when
# put inside a tighter construct.
ATOM, AND, OR, SEQ = 0, 1, 2, 3

Part = tuple[Node, str, int]


@dataclass(frozen=True)
class Case:
    """One query to check: the text, its oracle tree and the search options."""

    group: str
    text: str
    tree: Node
    options: dict[str, Any] = field(default_factory=dict)

    def __str__(self) -> str:
        extra = " ".join(f"{k}={v}" for k, v in sorted(self.options.items()))
        return f"{self.text!r} {extra}".strip()


# Words the generated issues do not contain, and misspellings within reach of fuzzy matching.
ABSENT = ("zeppelin", "quixotic", "marmalade")


def _fold(word: str) -> tuple[str, ...]:
    return tuple(w for w, _, _ in tokenize(word))


class Generator:
    def __init__(self, seed: int, today: dt.date, vocabulary: list[str] | None = None) -> None:
        self.rng = random.Random(seed)
        self.today = today
        # Another archive's words (real issues), or the generated issues' common and rare words.
        self.common = vocabulary or WORDS
        self.rare = vocabulary or RARE
        self.single = [w for w in self.common if len(_fold(w)) == 1] + self.rare[:100]

    def pick_word(self) -> str:
        roll = self.rng.random()
        if roll < 0.08:
            return self.rng.choice(STOP)
        if roll < 0.12:
            return self.rng.choice(ABSENT)
        if roll < 0.65:
            return self.rng.choice(self.rare)
        word = self.rng.choice(self.common)
        return word.capitalize() if self.rng.random() < 0.15 else word

    # leaves

    def word(self, field: str | None = None) -> Part:
        raw = self.pick_word()
        explicit = field is not None
        if field is None and self.rng.random() < 0.1:
            return Leaf("word", _fold(raw), None, True), f'"{raw}"', ATOM
        prefix = f"{field}:" if field else ""
        return Leaf("word", _fold(raw), field, explicit), prefix + raw, ATOM

    def name_word(self, field: str) -> Part:
        raw = self.rng.choice((*FIRST, *LAST, "staff", "dispatch", "ledger", "post", "circuit"))
        return Leaf("word", _fold(raw), field, True), f"{field}:{raw}", ATOM

    def phrase(self, field: str | None = None, source: list[str] | None = None) -> Part:
        if source and len(source) >= 2:
            start = self.rng.randrange(len(source) - 1)
            words = source[start : start + self.rng.randint(2, 3)]
        else:
            words = [self.pick_word() for _ in range(self.rng.randint(2, 3))]
        slop = self.rng.choice((0, 0, 1, 2, 3))
        tokens = tuple(t for w in words for t in _fold(w))
        text = '"' + " ".join(words) + '"' + (f"~{slop}" if slop else "")
        prefix = f"{field}:" if field else ""
        if len(tokens) == 1:
            return Leaf("word", tokens, field, True), prefix + text, ATOM
        return Leaf("phrase", tokens, field, field is not None, slop=slop), prefix + text, ATOM

    def prefix(self, field: str | None = None) -> Part:
        word = self.rng.choice([w for w in self.single if w.isascii() and w.isalpha()])
        stub = word[: self.rng.randint(2, max(2, len(word) - 1))]
        prefix = f"{field}:" if field else ""
        return Leaf("prefix", (stub,), field, field is not None), f"{prefix}{stub}*", ATOM

    def fuzzy(self, field: str | None = None) -> Part:
        word = self.rng.choice([w for w in self.single if w.isalpha() and len(w) > 3])
        chars = list(word.lower())
        for _ in range(self.rng.randint(0, 2)):
            i = self.rng.randrange(1, len(chars))
            op = self.rng.choice(("sub", "del", "ins"))
            if op == "sub":
                chars[i] = self.rng.choice("aeioursnt")
            elif op == "del" and len(chars) > 3:
                del chars[i]
            else:
                chars.insert(i, self.rng.choice("aeioursnt"))
        typo = "".join(chars)
        distance = self.rng.choice((1, 2))
        mark = "~" if distance == 1 and self.rng.random() < 0.5 else f"~{distance}"
        prefix = f"{field}:" if field else ""
        leaf = Leaf("fuzzy", (typo,), field, field is not None, distance=distance)
        return leaf, f"{prefix}{typo}{mark}", ATOM

    def date(self) -> Part:
        rng = self.rng
        year = rng.choice((2023, 2024, 2025))
        month = rng.randint(1, 12)
        day = rng.randint(1, 28)
        last = calendar.monthrange(year, month)[1]
        first_day, last_day = dt.date(year, month, 1), dt.date(year, month, last)
        one = dt.date(year, month, day)
        form = rng.randrange(8)
        if form == 0:
            return Date(dt.date(year, 1, 1), dt.date(year, 12, 31)), f"date:{year}", ATOM
        if form == 1:
            return Date(first_day, last_day), f"date:{year}-{month:02d}", ATOM
        if form == 2:
            return Date(one, one), f"date:{one.isoformat()}", ATOM
        if form == 3:
            end = one + dt.timedelta(days=rng.randint(5, 120))
            return Date(one, end), f"date:{one.isoformat()}..{end.isoformat()}", ATOM
        if form == 4:
            return Date(one + dt.timedelta(days=1), None), f"date:>{one.isoformat()}", ATOM
        if form == 5:
            return Date(first_day, None), f"date:>={year}-{month:02d}", ATOM
        if form == 6:
            return Date(None, dt.date(year - 1, 12, 31)), f"date:<{year}", ATOM
        back = self.today - dt.timedelta(days=29)
        return Date(back, self.today), 'date:"last 30 days"', ATOM

    def leaf(self) -> Part:
        roll = self.rng.random()
        if roll < 0.55:
            return self.word()
        if roll < 0.7:
            return self.phrase()
        if roll < 0.8:
            return self.prefix()
        if roll < 0.9:
            return self.fuzzy()
        return self.scoped()

    def scoped(self) -> Part:
        name = self.rng.choice(USER_FIELDS)
        if name in ("byline", "author", "newsletter") and self.rng.random() < 0.7:
            return self.name_word(name)
        roll = self.rng.random()
        if roll < 0.6:
            return self.word(name)
        if roll < 0.75:
            return self.phrase(name)
        if roll < 0.85:
            return self.prefix(name)
        if roll < 0.9:
            return self.fuzzy(name)
        return self.field_group(name)

    def field_group(self, name: str) -> Part:
        items = [self.pick_word() for _ in range(self.rng.randint(1, 3))]
        if self.rng.random() < 0.4 and len(items) > 1:
            node: Node = Or(tuple(Leaf("word", _fold(w), name) for w in items))
            return Seq((node,)), f"{name}:(" + " OR ".join(items) + ")", ATOM
        leaves = tuple(Leaf("word", _fold(w), name) for w in items)
        return Seq(leaves), f"{name}:(" + " ".join(items) + ")", ATOM

    # combinations

    @staticmethod
    def atom(part: Part) -> Part:
        node, text, level = part
        return part if level == ATOM else (Seq((node,)), f"({text})", ATOM)

    def unary(self, part: Part) -> Part:
        node, text, _ = self.atom(part)
        roll = self.rng.random()
        if roll < 0.4:
            return Not(node), f"-{text}", ATOM
        if roll < 0.6:
            return Not(node), f"NOT {text}", ATOM
        return Req(node), f"+{text}", ATOM

    def conj(self, parts: list[Part]) -> Part:
        fixed = [p if p[2] <= AND else self.atom(p) for p in parts]
        return And(tuple(p[0] for p in fixed)), " AND ".join(p[1] for p in fixed), AND

    def disj(self, parts: list[Part]) -> Part:
        fixed = [p if p[2] <= OR else self.atom(p) for p in parts]
        return Or(tuple(p[0] for p in fixed)), " OR ".join(p[1] for p in fixed), OR

    def seq(self, parts: list[Part]) -> Part:
        fixed = [p if p[2] <= OR else self.atom(p) for p in parts]
        return Seq(tuple(p[0] for p in fixed)), " ".join(p[1] for p in fixed), SEQ

    def boolean(self, depth: int = 0) -> Part:
        if depth >= 2 or self.rng.random() < 0.3:
            return self.leaf()
        parts = [self.boolean(depth + 1) for _ in range(self.rng.randint(2, 3))]
        roll = self.rng.random()
        if roll < 0.3:
            return self.conj(parts)
        if roll < 0.55:
            return self.disj(parts)
        if roll < 0.75:
            parts[-1] = self.unary(parts[-1])
            return self.seq(parts)
        return self.seq(parts)


def generate(
    seed: int, today: dt.date, phrases: list[list[str]], vocabulary: list[str] | None = None
) -> list[Case]:
    """The differential test's queries, by group; `phrases` are word runs taken from issues."""
    gen = Generator(seed, today, vocabulary)
    rng = gen.rng
    cases: list[Case] = []

    def add(group: str, part: Part, **options: Any) -> None:
        node, text, level = part
        tree = node if level == SEQ else Seq((node,))
        cases.append(Case(group, text, tree, options))

    for _ in range(40):
        add("words", gen.seq([gen.word() for _ in range(rng.randint(1, 3))]))
    for _ in range(45):
        add("boolean", gen.boolean())
    for _ in range(30):
        add("phrase", gen.phrase(source=rng.choice(phrases)))
    for _ in range(30):
        add("field", gen.seq([gen.scoped() for _ in range(rng.randint(1, 2))]))
    for _ in range(25):
        add("prefix", gen.seq([gen.prefix() for _ in range(rng.randint(1, 2))]))
    for _ in range(25):
        add("fuzzy", gen.seq([gen.fuzzy() for _ in range(rng.randint(1, 2))]))
    for _ in range(25):
        add("date", gen.seq([gen.word(), gen.date()]))
    for _ in range(10):
        extra = [gen.unary(gen.word())] if rng.random() < 0.4 else []
        add("date-only", gen.seq([gen.date(), *extra]))
    for _ in range(10):
        add("date-or", gen.disj([gen.date(), gen.word()]))
    for _ in range(25):
        options: dict[str, Any] = {}
        while not options:
            if rng.random() < 0.4:
                options["since"] = dt.date(2023, rng.randint(1, 12), 1)
            if rng.random() < 0.3:
                options["until"] = dt.date(2024, rng.randint(1, 12), 28)
            if rng.random() < 0.3:
                options["newsletter"] = rng.choice(
                    ("Harbour Dispatch", "green ledger", "circuit", NEWSLETTERS[3])
                )
            if rng.random() < 0.3:
                options["author"] = rng.choice(
                    (f"{rng.choice(FIRST)} {rng.choice(LAST)}", rng.choice(LAST).lower())
                )
        add("options", gen.boolean(), **options)
    for sort in ("newest", "oldest"):
        for _ in range(20):
            add(f"sort-{sort}", gen.boolean(), sort=sort)
    for _ in range(35):
        add("stories", gen.boolean(), stories=True)
    for _ in range(15):
        add("stories-field", gen.seq([gen.scoped(), gen.word()]), stories=True)
    for _ in range(10):
        add("stories-sorted", gen.boolean(), stories=True, sort=rng.choice(("newest", "oldest")))
    return cases
