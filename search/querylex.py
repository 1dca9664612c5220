"""Reading query text, first step: the tokenizer, and the limits and field names it shares.

`search.querytree` parses the tokens into a syntax tree; `search.query` compiles that tree.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

from index.errors import QueryError
from index.fields import QUERY_FIELD_NAMES, QUERY_FIELDS_TEXT

# Query-language field names, from the field table (index.fields); "date" is a filter.
DATE_FIELD = "date"
KNOWN_FIELDS: tuple[str, ...] = (*QUERY_FIELD_NAMES, DATE_FIELD)
KNOWN_FIELDS_TEXT = f"{QUERY_FIELDS_TEXT}, {DATE_FIELD}"

MAX_FUZZY_DISTANCE = 2
MAX_PHRASE_SLOP = 100
# Parentheses and NOTs nested deeper than this are refused: parsing and compiling recurse.
MAX_NESTING = 40
# Size limits: each word is searched in up to eight fields, so cost grows with the word count;
# judged questions stay inside (CISI has some of 300+ words); the deadline bounds the rest.
MAX_QUERY_CHARS = 20000
MAX_WORDS = 1000
MAX_WORD_CHARS = 100

QUOTES = '"“”„'
KEYWORDS = ("AND", "OR", "NOT")

TokKind = Literal["(", ")", "phrase", "word", "AND", "OR", "NOT", "+", "-"]


@dataclass(frozen=True)
class Tok:
    """One lexical token: `text` is the raw word, or a phrase's inside; `end` is exclusive."""

    kind: TokKind
    text: str
    pos: int
    end: int
    slop: int | None = None


# --- tokenizer -------------------------------------------------------------------------------


def lex(text: str, notes: list[str]) -> list[Tok]:
    """Split query text into tokens; an unclosed quote runs to the end (with a note)."""
    toks: list[Tok] = []
    i, n = 0, len(text)
    while i < n:
        ch = text[i]
        if ch.isspace():
            i += 1
        elif ch in "()":
            toks.append(Tok(ch, ch, i, i + 1))  # type: ignore[arg-type]
            i += 1
        elif ch in QUOTES:
            close = next((j for j in range(i + 1, n) if text[j] in QUOTES), None)
            if close is None:
                notes.append(f"unbalanced quote at position {i}: read as if closed")
                toks.append(Tok("phrase", text[i + 1 :], i, n))
                i = n
                continue
            end = close + 1
            slop = None
            if end < n and text[end] == "~":
                digits = re.match(r"\d*", text[end + 1 :])
                assert digits is not None
                if not digits.group():
                    notes.append(f'"~" without a number at position {end}: ignored')
                elif len(digits.group()) > 3 or int(digits.group()) > MAX_PHRASE_SLOP:
                    raise QueryError(
                        f"Phrase slop {digits.group()} at position {end} is too large: "
                        f'give 0 to {MAX_PHRASE_SLOP} (e.g. "north korean troops"~3).',
                        text,
                        end,
                    )
                else:
                    slop = int(digits.group())
                end += 1 + len(digits.group())
            toks.append(Tok("phrase", text[i + 1 : close], i, end, slop))
            i = end
        elif ch in "+-" and i + 1 < n and not text[i + 1].isspace() and text[i + 1] not in ")+-":
            toks.append(Tok(ch, ch, i, i + 1))  # type: ignore[arg-type]
            i += 1
        else:
            j = i
            while j < n and not text[j].isspace() and text[j] not in "()" and text[j] not in QUOTES:
                j += 1
            raw = text[i:j]
            kind: TokKind = raw if raw in KEYWORDS else "word"  # type: ignore[assignment]
            toks.append(Tok(kind, raw, i, j))
            i = j
    return toks
