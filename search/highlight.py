"""Snippets: the best fragments of a hit's text around its matched words, with highlight spans.

Pure text work, no engine: given the stored text of each field and the terms that matched in it,
find the matched words (and whole phrases) and cut one or two fragments of about `size` characters
at word boundaries.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from index.analysis import TOKEN_RE, fold, tokenize
from index.fields import NAME_FIELDS
from index.stemming import stem
from search.model import Snippet, Span

if TYPE_CHECKING:
    from search.query import ParsedQuery

ELLIPSIS = "…"
SNIPPET_SIZE = 200
# Snowball stems share a word's first two letters, except for these (Snowball's own exceptions).
_STEM_EXCEPTIONS = {"dying": "die", "lying": "lie", "tying": "tie"}
_EXCEPTION_HEADS = frozenset(word[:2] for word in _STEM_EXCEPTIONS)


@dataclass(frozen=True)
class _Match:
    start: int
    end: int
    term: str


def _candidate(word: str, prefixes: frozenset[str]) -> bool:
    return word[:2] in prefixes or word in _STEM_EXCEPTIONS


def _terms(
    text: str, prefixes: frozenset[str], to_term: Callable[[str], str]
) -> list[tuple[str, int, int]]:
    """(term, start, end) of each word of `text`, the term "" where it cannot be a wanted one.

    index.analysis.tokenize's words, without folding every word of a long body: a word whose
    first two characters are ASCII folds to them lower-cased, so when those are no wanted
    term's (nor an exception's) the word cannot stem to one, and is skipped as it stands.
    """
    terms: list[tuple[str, int, int]] = []
    for match in TOKEN_RE.finditer(text):
        word = match.group()
        head = word[:2].lower()
        if head.isascii() and head not in prefixes and head not in _EXCEPTION_HEADS:
            terms.append(("", match.start(), match.end()))
            continue
        folded = fold(word)
        found = to_term(folded) if _candidate(folded, prefixes) else ""
        terms.append((found, match.start(), match.end()))
    return terms


def find_matches(
    text: str,
    terms: Iterable[str],
    phrases: Iterable[tuple[str, ...]] = (),
    *,
    stemmed: bool = True,
) -> list[_Match]:
    """Matched words and phrases of `text`, in order, as character ranges (phrases as one range).

    A phrase is highlighted as one span where its words occur in sequence; its words are not
    highlighted on their own unless they are also in `terms`.
    """
    term_set = frozenset(terms)
    phrase_list = [p for p in phrases if p]
    wanted = term_set | {word for phrase in phrase_list for word in phrase}
    if not wanted:
        return []
    # Only words that could stem to a wanted term are stemmed: the rest of the text is skipped.
    prefixes = frozenset(term[:2] for term in wanted)
    to_term: Callable[[str], str] = stem if stemmed else str
    tokens = _terms(text, prefixes, to_term)
    matches: list[_Match] = []
    covered: set[int] = set()
    for phrase in phrase_list:
        size = len(phrase)
        for i in range(len(tokens) - size + 1):
            if all(tokens[i + k][0] == phrase[k] for k in range(size)):
                matches.append(_Match(tokens[i][1], tokens[i + size - 1][2], " ".join(phrase)))
                covered.update(range(i, i + size))
    for i, (term, start, end) in enumerate(tokens):
        if term and term in term_set and i not in covered:
            matches.append(_Match(start, end, term))
    matches.sort(key=lambda m: (m.start, -m.end))
    # Overlapping ranges (a phrase inside a longer one) keep the first, longest.
    merged: list[_Match] = []
    for match in matches:
        if merged and match.start < merged[-1].end:
            continue
        merged.append(match)
    return merged


def query_spans(text: str, parsed: ParsedQuery, field: str = "body") -> tuple[Span, ...]:
    """Where `parsed` matches in `text`, read as the text of the issue field `field`.

    For showing a whole field (an issue page) rather than a snippet: the field's words, the
    query's phrases, and words that a prefix term (`korea*`) of that field or of free text
    matches. Fuzzy terms are not highlighted here (they need the index's term list).
    """
    stemmed = field not in NAME_FIELDS
    terms = set(parsed.highlight.get(field, frozenset()))
    prefixes = [
        word for where, how, word in parsed.patterns if how == "prefix" and where in ("*", field)
    ]
    if prefixes:
        for word, _, _ in tokenize(text):
            if word.startswith(tuple(prefixes)):
                terms.add(stem(word) if stemmed else word)
    matches = find_matches(text, terms, parsed.phrases, stemmed=stemmed)
    return tuple(Span(m.start, m.end) for m in matches)


def _snap_start(text: str, pos: int) -> int:
    """Move a cut forward to the start of a word (never into the middle of one)."""
    if pos <= 0:
        return 0
    if text[pos - 1].isspace():
        return pos
    space = text.find(" ", pos)
    return len(text) if space == -1 else space + 1


def _snap_end(text: str, pos: int) -> int:
    """Move a cut back to the end of a word."""
    if pos >= len(text):
        return len(text)
    if text[pos].isspace():
        return pos
    space = text.rfind(" ", 0, pos)
    return pos if space == -1 else space


def _best_window(matches: list[_Match], size: int) -> tuple[float, int, int] | None:
    """(score, first, last) of the best run of matches that fits in `size` characters."""
    best: tuple[float, int, int] | None = None
    for i, first in enumerate(matches):
        j = i
        while j + 1 < len(matches) and matches[j + 1].end - first.start <= size:
            j += 1
        group = matches[i : j + 1]
        # Distinct terms count most; repeated ones a little; phrases as much as their words.
        score = 10.0 * len({m.term for m in group}) + len(group)
        score += sum(4.0 * m.term.count(" ") for m in group)
        if best is None or score > best[0]:
            best = (score, i, j)
    return best


def _cut(text: str, start: int, end: int, matches: list[_Match]) -> Snippet:
    prefix = ELLIPSIS if start > 0 else ""
    suffix = ELLIPSIS if end < len(text) else ""
    body = text[start:end].strip()
    lead = start + (len(text[start:end]) - len(text[start:end].lstrip()))
    spans = tuple(
        Span(m.start - lead + len(prefix), m.end - lead + len(prefix))
        for m in matches
        if m.start >= lead and m.end <= lead + len(body)
    )
    return Snippet("", prefix + body + suffix, spans)


def fragment(text: str, matches: list[_Match], size: int = SNIPPET_SIZE) -> Snippet | None:
    """The best fragment of about `size` characters of (whitespace-normalised) `text`."""
    best = _best_window(matches, size)
    if best is None:
        return None
    _, i, j = best
    group_start, group_end = matches[i].start, matches[j].end
    slack = max(0, size - (group_end - group_start))
    # A third of the spare room goes before the matches, the rest after: text reads forward.
    start = max(0, group_start - slack // 3)
    end = start + max(size, group_end - start)
    if end > len(text):
        # Near the end of the text: spend the unused room on context before the matches.
        start, end = max(0, min(start, len(text) - size)), len(text)
    start = min(_snap_start(text, start), group_start)
    end = max(_snap_end(text, end), group_end)
    return _cut(text, start, end, matches)


def leading_fragment(text: str, size: int = SNIPPET_SIZE) -> Snippet | None:
    """The start of `text`, cut at a word boundary: for hits matched elsewhere (the headline)."""
    if not text:
        return None
    end = _snap_end(text, size) if len(text) > size else len(text)
    return _cut(text, 0, end or min(size, len(text)), [])


def normalise(text: str) -> str:
    """Collapse runs of white space (newlines included) to single spaces."""
    return " ".join(text.split())


def make_snippets(
    fields: list[tuple[str, str, bool]],
    matched: dict[str, frozenset[str]],
    phrases: tuple[tuple[str, ...], ...] = (),
    *,
    fallback: str = "body",
    count: int = 2,
    size: int = SNIPPET_SIZE,
) -> tuple[Snippet, ...]:
    """Up to `count` snippets from the fields' texts, best first.

    `fields` lists (field name, stored text, stemmed?) in order of preference; `matched` maps field
    names to the terms that matched there. When no field but the headline matched, the start of the
    `fallback` field stands in, so every hit shows some text.
    """
    scored: list[tuple[float, int, Snippet, list[_Match]]] = []
    texts: dict[str, str] = {}
    for order, (name, raw, stemmed) in enumerate(fields):
        text = normalise(raw)
        texts[name] = text
        terms = matched.get(name, frozenset())
        if not text or not (terms or phrases):
            continue
        matches = find_matches(text, terms, phrases, stemmed=stemmed)
        best = _best_window(matches, size)
        snippet = fragment(text, matches, size)
        if best is None or snippet is None:
            continue
        scored.append((best[0], order, Snippet(name, snippet.text, snippet.spans), matches))
    scored.sort(key=lambda item: (-item[0], item[1]))
    chosen: list[Snippet] = []
    for _, _, snippet, matches in scored:
        chosen.append(snippet)
        if len(chosen) >= count:
            break
        second = _second_fragment(texts[snippet.field], snippet, matches, size)
        if second is not None and len(chosen) < count and len(scored) == 1:
            chosen.append(second)
    if not chosen:
        lead = leading_fragment(texts.get(fallback, ""), size)
        if lead is not None:
            chosen.append(Snippet(fallback, lead.text, ()))
    return tuple(chosen[:count])


def _second_fragment(text: str, first: Snippet, matches: list[_Match], size: int) -> Snippet | None:
    """Another fragment of the same field, from matches the first one did not show."""
    shown = first.text.strip(ELLIPSIS)
    begin = text.find(shown)
    if begin < 0:
        return None
    rest = [m for m in matches if m.end <= begin or m.start >= begin + len(shown)]
    found = fragment(text, rest, size) if rest else None
    return Snippet(first.field, found.text, found.spans) if found else None
