"""The speed benchmark's corpus and queries: issue files from BBC text (or generated), a query mix.

`write_corpus` recombines BBC News paragraphs (../shared/corpus/news/bbc) into newsletter issues
of about 1,000 words: a headline, a lead of paragraphs from articles on one topic, and an ALSO
TODAY section of three "Headline - text" briefs; one newsletter per BBC topic, one issue a day,
dated in the file name. Without ../shared the words come from a fixed generated vocabulary.
Everything is drawn from one seeded random generator, so a size and a seed give the same files.

`make_queries` draws the query mix from the files themselves (any corpus, a real archive too):
single words, 2-3 word free text, long questions, phrases, headline fields, date filters, sorted
by date, stories and facets, each as a `BenchQuery` that every engine renders in its own syntax.
"""

from __future__ import annotations

import datetime as dt
import random
import re
from collections import Counter
from dataclasses import dataclass, replace
from pathlib import Path

from index.scan import walk
from index.stopwords import STOP_WORDS

BBC = Path(__file__).resolve().parents[2] / "shared" / "corpus" / "news" / "bbc"
NEWSLETTERS = {
    "business": "the-ledger",
    "entertainment": "screen-time",
    "politics": "westminster-daily",
    "sport": "pitch-side",
    "tech": "the-circuit-board",
}
LEAD_WORDS = 750
BRIEFS = 3
FIRST_DAY = dt.date(2019, 1, 1)
_WORD = re.compile(r"[a-z0-9]+")
_DATE = re.compile(r"(\d{4})-(\d{2})-(\d{2})")


@dataclass(frozen=True)
class Article:
    headline: str
    paragraphs: tuple[str, ...]


def _bbc_articles(root: Path) -> dict[str, list[Article]]:
    topics: dict[str, list[Article]] = {}
    for topic in sorted(NEWSLETTERS):
        for path in sorted((root / topic).glob("*.txt")):
            text = path.read_bytes().decode("utf-8", errors="replace")
            lines = [" ".join(block.split()) for block in text.split("\n\n")]
            lines = [line for line in lines if line]
            if len(lines) >= 2:
                topics.setdefault(topic, []).append(Article(lines[0], tuple(lines[1:])))
    return topics


def _generated_articles(rng: random.Random) -> dict[str, list[Article]]:
    """Articles of made-up words with a Zipf-like spread, for when ../shared is absent."""
    syllables = ["ka", "lo", "mi", "ne", "tra", "sol", "ven", "dor", "pi", "rus", "tek", "ban"]
    vocabulary = sorted({"".join(rng.choices(syllables, k=rng.randint(1, 4))) for _ in range(6000)})
    weights = [1.0 / (rank + 1) for rank in range(len(vocabulary))]

    def sentence() -> str:
        words = rng.choices(vocabulary, weights, k=rng.randint(8, 24))
        return " ".join(words).capitalize() + "."

    topics: dict[str, list[Article]] = {}
    for topic in NEWSLETTERS:
        topics[topic] = [
            Article(
                " ".join(rng.choices(vocabulary, weights, k=rng.randint(4, 8))).capitalize(),
                tuple(
                    " ".join(sentence() for _ in range(rng.randint(2, 5)))
                    for _ in range(rng.randint(4, 10))
                ),
            )
            for _ in range(80)
        ]
    return topics


def _slug(headline: str) -> str:
    return "-".join(_WORD.findall(headline.lower())[:6]) or "issue"


def write_corpus(folder: Path, issues: int, seed: int = 11, source: Path = BBC) -> str:
    """Write `issues` issue files under `folder`; return a one-line description of the text."""
    rng = random.Random(seed)
    topics = _bbc_articles(source) if source.is_dir() else {}
    described = f"BBC News paragraphs from {source}"
    if not topics:
        topics = _generated_articles(rng)
        described = "generated text (no BBC corpus found)"
    names = sorted(topics)
    for number in range(issues):
        topic = names[number % len(names)]
        day = FIRST_DAY + dt.timedelta(days=number // len(names))
        articles = topics[topic]
        lead = rng.choice(articles)
        paragraphs = list(lead.paragraphs)
        while sum(len(p.split()) for p in paragraphs) < LEAD_WORDS:
            paragraphs.extend(rng.choice(articles).paragraphs[:3])
        briefs = []
        for _ in range(BRIEFS):
            other = rng.choice(articles)
            words = rng.choice(other.paragraphs).split()[:80]
            briefs.append(f"{other.headline} - {' '.join(words)}")
        text = "\n\n".join([lead.headline, *paragraphs, "ALSO TODAY\n" + "\n".join(briefs)])
        path = folder / NEWSLETTERS[topic] / f"{day.isoformat()}-{_slug(lead.headline)}.txt"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text + "\n", encoding="utf-8")
    return described


@dataclass(frozen=True)
class RawDoc:
    """A file as the baseline engines index it: first line the headline, the rest the body."""

    path: str
    newsletter: str
    date: dt.date | None
    headline: str
    body: str


def raw_doc(relpath: str, path: Path) -> RawDoc:
    text = path.read_bytes().decode("utf-8", errors="replace")
    head, _, body = text.strip().partition("\n")
    match = _DATE.search(Path(relpath).name)
    when = None
    if match:
        try:
            when = dt.date(*(int(part) for part in match.groups()))
        except ValueError:
            when = None
    parts = relpath.split("/")
    newsletter = parts[-2] if len(parts) > 1 else "archive"
    return RawDoc(relpath, newsletter, when, head.strip(), body)


def raw_docs(folder: Path) -> list[RawDoc]:
    return [raw_doc(relpath, path) for relpath, path in walk(folder)]


@dataclass(frozen=True)
class BenchQuery:
    """One query of the mix, engine-neutral (words lower-case, letters and digits only)."""

    kind: str
    words: tuple[str, ...]
    phrase: bool = False
    field: str | None = None
    since: dt.date | None = None
    until: dt.date | None = None
    newest: bool = False
    stories: bool = False
    facets: bool = False

    @property
    def content_words(self) -> tuple[str, ...]:
        """The words without stop words (what a bag-of-words engine needs to see)."""
        kept = tuple(w for w in self.words if w not in STOP_WORDS)
        return kept or self.words


# How many queries of each kind in the default mix of 230.
MIX = {
    "word": 40,
    "free": 40,
    "question": 20,
    "phrase": 30,
    "field": 20,
    "date": 20,
    "newest": 20,
    "stories": 20,
    "facets": 20,
}


def _words(text: str) -> list[str]:
    return [w for w in _WORD.findall(text.lower()) if len(w) > 1]


def make_queries(docs: list[RawDoc], total: int = 230, seed: int = 11) -> list[BenchQuery]:
    """A fixed query mix drawn from the documents (see MIX; scaled to `total`)."""
    rng = random.Random(seed)
    sample = rng.sample(docs, min(len(docs), 400))
    counts: Counter[str] = Counter()
    sentences: list[list[str]] = []
    for doc in sample:
        for sentence in re.split(r"[.!?\n]+", doc.body):
            words = _words(sentence)
            counts.update(w for w in words if w not in STOP_WORDS and not w.isdigit())
            if len(words) >= 6:
                sentences.append(words)
    ranked = [w for w, _ in counts.most_common()]
    common, middle = ranked[:150], ranked[150:3000] or ranked
    rare = [w for w, n in counts.items() if 2 <= n <= 4] or ranked
    headlines = [h for h in (_words(d.headline) for d in sample) if h]
    dates = sorted(d.date for d in docs if d.date is not None)

    def content(words: list[str]) -> list[str]:
        return [w for w in words if w not in STOP_WORDS and not w.isdigit()]

    def free(size: int) -> tuple[str, ...]:
        for _ in range(50):
            words = content(rng.choice(sentences))
            if len(words) >= size:
                start = rng.randrange(len(words) - size + 1)
                return tuple(words[start : start + size])
        return tuple(rng.sample(middle, size))

    def phrase() -> tuple[str, ...]:
        for _ in range(200):
            words = rng.choice(sentences)
            size = rng.choice((2, 2, 3))
            start = rng.randrange(len(words) - size + 1)
            chunk = words[start : start + size]
            if len(content(chunk)) == size:
                return tuple(chunk)
        return free(2)

    def window() -> tuple[dt.date | None, dt.date | None]:
        if not dates:
            return None, None
        start = rng.choice(dates)
        return start, start + dt.timedelta(days=rng.choice((30, 61, 91, 365)))

    def one(kind: str) -> BenchQuery:
        if kind == "word":
            band = rng.choice((common, middle, middle, rare))
            return BenchQuery(kind, (rng.choice(band),))
        if kind == "free":
            return BenchQuery(kind, free(rng.choice((2, 3))))
        if kind == "question":
            words = rng.choice([s for s in sentences if len(s) >= 20] or sentences)
            return BenchQuery(kind, tuple(words[:40]))
        if kind == "phrase":
            return BenchQuery(kind, phrase(), phrase=True)
        if kind == "field":
            words = content(rng.choice(headlines)) or rng.choice(headlines)
            return BenchQuery(
                kind,
                tuple(rng.sample(words, min(len(words), rng.choice((1, 2))))),
                field="headline",
            )
        since, until = window() if kind == "date" else (None, None)
        query = BenchQuery(kind, free(rng.choice((1, 2))), since=since, until=until)
        return replace(
            query, newest=kind == "newest", stories=kind == "stories", facets=kind == "facets"
        )

    scale = total / sum(MIX.values())
    return [one(kind) for kind, n in MIX.items() for _ in range(max(1, round(n * scale)))]
