"""Clean a header row into safe, unique column identifiers while keeping each original title."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field

RESERVED = frozenset({"rowid", "_rowid", "__failed", "_cursor"})
MAX_NAME = 63


@dataclass
class Header:
    """One column: `name` is the lowercase snake identifier used in SQL and URLs, `title` the
    header as published (whitespace tidied)."""

    name: str
    title: str
    position: int
    blank: bool = False
    duplicate_of: str | None = None


@dataclass
class HeaderReport:
    columns: list[Header]
    blank_positions: list[int] = field(default_factory=list)
    duplicates: list[str] = field(default_factory=list)


def snake(text: str) -> str:
    """ASCII lowercase snake_case; letters with accents lose them, other runs become `_`."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    ascii_text = re.sub(r"([a-z0-9])([A-Z])", r"\1_\2", ascii_text)
    name = re.sub(r"[^0-9a-zA-Z]+", "_", ascii_text).strip("_").lower()
    name = re.sub(r"_+", "_", name)
    if name and name[0].isdigit():
        name = f"c_{name}"
    return name[:MAX_NAME].rstrip("_")


def clean_headers(raw: list[str]) -> HeaderReport:
    """Blank → `column_N`, whitespace collapsed, names snake-cased and made unique (`_2`, `_3`)."""
    report = HeaderReport(columns=[])
    used: set[str] = set()
    for position, original in enumerate(raw, start=1):
        title = " ".join((original or "").replace("\ufeff", "").split())
        blank = not title
        if blank:
            title = f"column_{position}"
            report.blank_positions.append(position)
        name = snake(title) or f"column_{position}"
        if name in RESERVED:
            name = f"{name}_col"
        base, suffix, duplicate_of = name, 1, None
        while name in used:
            suffix += 1
            duplicate_of = base
            name = f"{base[: MAX_NAME - len(str(suffix)) - 1]}_{suffix}"
        if duplicate_of:
            report.duplicates.append(title)
        used.add(name)
        report.columns.append(Header(name=name, title=title, position=position, blank=blank, duplicate_of=duplicate_of))
    return report
