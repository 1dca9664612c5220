"""Parse-quality report: parse every file of every archive, show per archive what went wrong."""

# Run from the repository root:
#
#     python -m bench.parse_quality ../shared/corpus          # markdown table + anomaly examples
#     python -m bench.parse_quality ../shared/corpus --json   # the same figures as JSON
#     python -m bench.parse_quality DIR --depth 0             # DIR is one archive
#
# An archive is a folder `--depth` levels below each given root (default 2: corpus/kind/archive,
# e.g. `news/bbc`); files nearer the root form an archive of their own folder. Every issue file
# (as `index.parse.detect_format` sees them) is parsed with `index.parse.parse_file`, as the index
# does, and measured against an independent reading of the same file (`bench.reader_words`): the
# words a reader sees. Columns:
#
#   files, errors      issue files, and those the parser refused (IssueReadError)
#   issues             issues parsed (an mbox holds several)
#   empty body         share of issues with no body at all
#   body <80%          share of issues whose body keeps less than 80% of the file's words outside
#                      the headline and the briefs (multiset overlap of lower-cased words; the
#                      standfirst, byline and section names are not body either)
#   briefs/issue       mean number of briefs per issue
#   holes, lead punct  share of briefs whose text has a hole (" ." , " ,", "()" where words were
#                      taken out) / whose headline or text opens with punctuation
#   names              distinct newsletter names in the archive
#   date, byline       share of issues with a date / a byline
#   brief authors      share of issues with at least one brief that names its author
#
# Then a few examples of each anomaly per archive, drawn at random with a fixed seed.

from __future__ import annotations

import argparse
import json
import os
import random
import re
import sys
from collections import Counter
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from bench.reader_words import reader_words
from index.errors import IssueReadError
from index.model import Brief, Issue
from index.parse import detect_format, parse_file

KEEP_SHARE = 0.8
EXAMPLES = 3
SEED = 20240607
# A hole: punctuation standing alone where words were cut out ("have been ." / "( )").
# ("fn main() {}" and "fix ? suggestion" are code, not holes.)
_HOLE = re.compile(r"(?:^|\s)[.,;:)](?=\s|$)|(?:^|\s)\(\s*\)|(?:^|\s)\[\s*\]")
_LEAD_PUNCT = re.compile(r"^[.,;:!?)\]]")
_WORD = re.compile(r"\w+")
ANOMALIES = ("error", "empty body", "body <80%", "brief hole", "lead punct", "name")


def words(text: str) -> Counter[str]:
    """Lower-cased word counts of a text."""
    return Counter(_WORD.findall(text.lower()))


def has_hole(text: str) -> bool:
    """True when a text shows where words were taken out of it."""
    return _HOLE.search(text) is not None


def leads_with_punctuation(text: str) -> bool:
    """True when a text opens with punctuation that belongs to a sentence before it."""
    return _LEAD_PUNCT.match(text) is not None


def body_share(issue: Issue, source: Counter[str]) -> float | None:
    """Share of the source's words outside headline and briefs that the body keeps (None: none)."""
    date = str(issue.date) if issue.date else ""  # "2018-09-27" under a headline is the date
    taken = words(" ".join([issue.headline, date, issue.standfirst, issue.byline, *issue.sections]))
    for brief in issue.briefs:
        author = f"by {brief.author}" if brief.author else ""  # "Title by Author"
        taken += words(f"{brief.headline} {brief.text} {author}")
    rest = source - taken
    total = sum(rest.values())
    if not total:
        return None
    kept = rest & words(issue.body)
    return sum(kept.values()) / total


def _brief_example(issue: Issue, brief: Brief) -> str:
    return f"{issue.id}: {brief.headline[:60]!r} / {brief.text[:80]!r}"


@dataclass
class Archive:
    """The running figures of one archive."""

    name: str
    files: int = 0
    errors: int = 0
    issues: int = 0
    empty_body: int = 0
    low_body: int = 0
    briefs: int = 0
    holes: int = 0
    lead_punct: int = 0
    dated: int = 0
    bylined: int = 0
    brief_authors: int = 0
    names: Counter[str] = field(default_factory=Counter)
    examples: dict[str, list[str]] = field(default_factory=dict)

    def note(self, kind: str, example: str) -> None:
        # Issue text is untrusted: escape what a terminal would act on.
        shown = "".join(c if c.isprintable() else repr(c)[1:-1] for c in example)
        self.examples.setdefault(kind, []).append(shown)

    def add(self, issue: Issue, source: Counter[str] | None) -> None:
        """Count one parsed issue; `source` is its reader's words (None when not known)."""
        self.issues += 1
        self.names[issue.newsletter] += 1
        self.dated += issue.date is not None
        self.bylined += bool(issue.byline)
        self.brief_authors += any(b.author for b in issue.briefs)
        if not issue.body:
            self.empty_body += 1
            self.note("empty body", f"{issue.id}: {len(issue.briefs)} briefs")
        share = body_share(issue, source) if source is not None else None
        if share is not None and share < KEEP_SHARE:
            self.low_body += 1
            self.note("body <80%", f"{issue.id}: body keeps {share:.0%}")
        for brief in issue.briefs:
            self.briefs += 1
            if has_hole(brief.text) or has_hole(brief.headline):
                self.holes += 1
                self.note(
                    "brief hole", f"{issue.id}: {brief.headline[:60]!r} / {brief.text[:80]!r}"
                )
            if leads_with_punctuation(brief.text) or leads_with_punctuation(brief.headline):
                self.lead_punct += 1
                self.note(
                    "lead punct", f"{issue.id}: {brief.headline[:60]!r} / {brief.text[:80]!r}"
                )

    def row(self) -> dict[str, object]:
        """The archive's figures as plain values (shares as fractions)."""
        n, b = max(self.issues, 1), max(self.briefs, 1)
        return {
            "archive": self.name,
            "files": self.files,
            "errors": self.errors,
            "issues": self.issues,
            "empty_body": self.empty_body / n,
            "body_under_80": self.low_body / n,
            "briefs_per_issue": self.briefs / n,
            "brief_holes": self.holes / b,
            "brief_lead_punct": self.lead_punct / b,
            "names": len(self.names),
            "dated": self.dated / n,
            "bylined": self.bylined / n,
            "brief_authors": self.brief_authors / n,
        }


def archive_of(relpath: Path, depth: int, root: Path) -> str:
    """The archive a file belongs to: its folder, cut to `depth` parts below the root."""
    folder = relpath.parent.parts[:depth]
    return "/".join(folder) if folder else root.name


def issue_files(root: Path) -> Iterator[tuple[Path, str]]:
    """Every issue file below root, in a stable order, with its format."""
    for folder, dirs, files in os.walk(root):
        dirs.sort()
        for name in sorted(files):
            path = Path(folder) / name
            fmt = detect_format(path, root)
            if fmt is not None:
                yield path, fmt


def measure(roots: Sequence[Path], depth: int) -> list[Archive]:
    """Parse every issue file under the roots; one Archive of figures per archive folder."""
    archives: dict[str, Archive] = {}
    for root in roots:
        for path, fmt in issue_files(root):
            relpath = path.relative_to(root)
            key = archive_of(relpath, depth, root)
            archive = archives.setdefault(key, Archive(key))
            archive.files += 1
            try:
                issues = parse_file(path, root)
            except IssueReadError as exc:
                archive.errors += 1
                archive.note("error", f"{relpath}: {exc}")
                continue
            sources = reader_words(path, fmt)
            for n, issue in enumerate(issues):
                source = sources[n] if n < len(sources) else None
                archive.add(issue, None if source is None else words(source))
    for archive in archives.values():
        for name, count in archive.names.most_common():
            archive.note("name", f"{name!r}: {count} issues")
    return sorted(archives.values(), key=lambda a: a.name)


def _pct(value: object) -> str:
    return f"{value:.1%}" if isinstance(value, float) else str(value)


COLUMNS = (
    ("archive", "archive"),
    ("files", "files"),
    ("errors", "errors"),
    ("issues", "issues"),
    ("empty_body", "empty body"),
    ("body_under_80", "body <80%"),
    ("briefs_per_issue", "briefs/issue"),
    ("brief_holes", "holes"),
    ("brief_lead_punct", "lead punct"),
    ("names", "names"),
    ("dated", "date"),
    ("bylined", "byline"),
    ("brief_authors", "brief authors"),
)


def table(archives: Sequence[Archive]) -> str:
    """The figures as a markdown table."""
    lines = ["| " + " | ".join(title for _, title in COLUMNS) + " |"]
    lines.append("|" + "---|" * len(COLUMNS))
    for archive in archives:
        row = archive.row()
        cells = []
        for key, _ in COLUMNS:
            value = row[key]
            if key == "briefs_per_issue":
                cells.append(f"{value:.1f}")
            else:
                cells.append(_pct(value))
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)


Examples = dict[str, dict[str, list[str]]]


def examples(archives: Sequence[Archive], per_kind: int, seed: int) -> Examples:
    """A few examples of each anomaly per archive (the most common names, random others)."""
    rng = random.Random(seed)
    picked: Examples = {}
    for archive in archives:
        for kind in ANOMALIES:
            found = archive.examples.get(kind, [])
            if not found:
                continue
            chosen = (
                found[:per_kind] if kind == "name" else rng.sample(found, min(per_kind, len(found)))
            )
            picked.setdefault(archive.name, {})[kind] = chosen
    return picked


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.parse_quality", description=__doc__)
    parser.add_argument("roots", nargs="+", type=Path, help="folders of archives")
    parser.add_argument("--depth", type=int, default=2, help="folder levels that name an archive")
    parser.add_argument("--examples", type=int, default=EXAMPLES, help="examples per anomaly")
    parser.add_argument("--seed", type=int, default=SEED, help="seed for drawing examples")
    parser.add_argument("--json", action="store_true", help="print JSON instead of markdown")
    args = parser.parse_args(argv)
    missing = [str(r) for r in args.roots if not r.is_dir()]
    if missing:
        parser.error(f"not a folder: {', '.join(missing)}")
    archives = measure([r.resolve() for r in args.roots], args.depth)
    picked = examples(archives, args.examples, args.seed)
    if args.json:
        rows = [a.row() for a in archives]
        json.dump({"archives": rows, "examples": picked}, sys.stdout, indent=2)
        print()
        return 0
    print(table(archives))
    for name, kinds in picked.items():
        print(f"\n### {name}")
        for kind, found in kinds.items():
            print(f"- {kind}:")
            for example in found:
                print(f"  - {example}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
