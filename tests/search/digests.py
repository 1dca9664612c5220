"""A deterministic generator of newsletter digests (plain-text issues with briefs) for oracle tests.

The words come from a small fixed vocabulary, so that generated queries hit a useful share of the
issues; it has inflected forms (stemming), accents, curly apostrophes, stop words and numbers.
"""

from __future__ import annotations

import datetime as dt
import random
from pathlib import Path

NEWSLETTERS = ("harbour-dispatch", "green-ledger", "the-circuit", "river-post")

WORDS = """
port ports strike strikes striking striker dock docks dockers harbour harbours crane cranes
flood floods flooding flooded storm storms wall walls insurance insurer premium premiums
heat pump pumps pumping subsidy subsidies grant grants boiler boilers installer installers
chip chips factory factories semiconductor wafer wafers tool tools sensor sensors network
bank banks rate rates inflation mortgage mortgages budget budgets council councils mayor
election elections vote votes voting voter union unions wage wages pay talks deal deals
river rivers tide tides estuary quay quays ferry ferries cargo shipping ship ships lorry
korea korean koreans troop troops border happiness happy nuclear blinking blink blinked
café naïve résumé Korea’s harbour’s council’s 1989 2024 seven forty e-mail U.S.
market markets trader traders price prices energy solar panel panels wind turbine turbines
school schools teacher teachers hospital hospitals nurse nurses doctor doctors patient
road roads bridge bridges railway rail train trains station stations bus buses cycle
victory day night morning evening week month year summer winter autumn spring
""".split()  # noqa: SIM905 (a word list reads better as text)

STOP = ["the", "of", "and", "a", "to", "in", "is", "on", "for", "with", "was", "that", "by"]

FIRST = ("Agnes", "Tomasz", "Maeve", "Ines", "Callum", "Priya", "Owen", "Nell", "Dev", "Mara")
LAST = ("Mulrooney", "Wieczorek", "Tolland", "Carvalho", "Rees", "Natarajan", "Okafor", "Quinn")
SECTIONS = ("ALSO KNOW", "IN BRIEF", "ELSEWHERE TODAY")


# Rare made-up words (kalvon, merisa, ...): most queries then match a few issues, not half of
# them, which keeps the comparison of every page quick.
_SYLLABLES = ("ka", "lo", "mer", "vis", "tan", "dro", "sel", "qui", "ron", "bex", "ul", "pha")
RARE = random.Random(0).sample(
    sorted({a + b + c for a in _SYLLABLES for b in _SYLLABLES for c in _SYLLABLES}), 1200
)
# Zipf-like frequencies, flattened: the first words are in a fifth of the issues, not all.
_WEIGHTS = [1 / (rank + 30) for rank in range(len(WORDS))]


def _sentence(rng: random.Random, low: int, high: int) -> str:
    words = []
    for _ in range(rng.randint(low, high)):
        roll = rng.random()
        if roll < 0.2:
            words.append(rng.choice(STOP))
        elif roll < 0.65:
            words.append(rng.choice(RARE))
        else:
            words.append(rng.choices(WORDS, _WEIGHTS)[0])
    text = " ".join(words)
    return text[0].upper() + text[1:]


def _headline(rng: random.Random) -> str:
    # Headlines must not look like a byline or a section header to the text reader.
    return _sentence(rng, 4, 9) + rng.choice(("", "?", "", " again"))


def digest(rng: random.Random, newsletter: str) -> str:
    """The text of one digest issue: headline, standfirst, lead, byline, sections of briefs."""
    name = newsletter.replace("-", " ").title()
    lines = [
        _headline(rng),
        _sentence(rng, 5, 10) + ".",
        f"To receive our weekly newsletter, upgrade to a paid {name} subscription.",
    ]
    for _ in range(rng.randint(1, 2)):
        lines.append(". ".join(_sentence(rng, 5, 10) for _ in range(rng.randint(1, 3))) + ".")
    lines += [f"{rng.choice(FIRST)} {rng.choice(LAST)}", "Staff Correspondent"]
    for section in rng.sample(SECTIONS, rng.randint(0, 2)):
        lines.append(section)
        for _ in range(rng.randint(1, 3)):
            head = _sentence(rng, 3, 6)
            lines.append(f"{head} - {_sentence(rng, 4, 10)}.")
    return "\n".join(lines) + "\n"


def file_name(rng: random.Random, serial: int, dated: bool) -> str:
    slug = f"issue-{serial:04d}"
    if not dated:
        return slug + ".txt"
    day = dt.date(2023, 1, 1) + dt.timedelta(days=rng.randint(0, 800))
    return f"{day.isoformat()}-{slug}.txt"


def write_digests(folder: Path, count: int, seed: int, *, start: int = 0) -> list[Path]:
    """Write `count` digests under `folder` (one subfolder per newsletter); 1 in 6 undated."""
    rng = random.Random(seed)
    written = []
    for serial in range(start, start + count):
        newsletter = NEWSLETTERS[serial % len(NEWSLETTERS)]
        path = folder / newsletter / file_name(rng, serial, dated=rng.random() > 1 / 6)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(digest(rng, newsletter), encoding="utf-8")
        written.append(path)
    return written


def rewrite(path: Path, seed: int) -> None:
    """Give an existing issue new text (same newsletter, same name)."""
    path.write_text(digest(random.Random(seed), path.parent.name), encoding="utf-8")
