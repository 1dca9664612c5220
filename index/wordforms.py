"""What a word is and which quotes fold, for every engine's analysis (ours and OpenSearch's)."""

from __future__ import annotations

# A word: letters/digits, with inner apostrophes (straight or curly) kept so "Korea’s" is one token.
TOKEN_PATTERN = r"\w+(?:['’‘ʼ]\w+)*"

# Curly quotes and apostrophes fold to ASCII so that `Korea's` matches `Korea’s`.
QUOTE_FOLDS = {"’": "'", "‘": "'", "ʼ": "'", "“": '"', "”": '"', "„": '"'}

__all__ = ["QUOTE_FOLDS", "TOKEN_PATTERN"]
