"""Where the index lives when the caller does not say: $NEWSLETTER_SEARCH_INDEX, else per user."""

from __future__ import annotations

import os
from pathlib import Path

ENV_VAR = "NEWSLETTER_SEARCH_INDEX"


def default_index_dir() -> Path:
    """$NEWSLETTER_SEARCH_INDEX if set, else the per-user data directory's `index` folder."""
    chosen = os.environ.get(ENV_VAR)
    if chosen:
        return Path(chosen).expanduser()
    from platformdirs import user_data_dir

    return Path(user_data_dir("newsletter-search", appauthor=False)) / "index"
