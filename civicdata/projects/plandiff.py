"""Differences between two versions of an intervention plan, section by section.

Built on difflib at word level so a reader sees exactly which words were added or removed; the
template renders them with <ins>/<del> plus spoken labels, so the change is not conveyed by colour.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Mapping
from dataclasses import dataclass

_TOKENS = re.compile(r"\s+|[^\s]+")


@dataclass(frozen=True, slots=True)
class Fragment:
    """A run of text that was kept (``equal``), added (``insert``) or removed (``delete``)."""

    op: str
    text: str


@dataclass(frozen=True, slots=True)
class SectionDiff:
    """The change to one section of the plan."""

    key: str
    changed: bool
    fragments: tuple[Fragment, ...]


def diff_text(old: str, new: str) -> tuple[Fragment, ...]:
    """Word-level difference between two texts; whitespace is kept so line breaks survive."""
    a = _TOKENS.findall(old or "")
    b = _TOKENS.findall(new or "")
    matcher = difflib.SequenceMatcher(a=a, b=b, autojunk=False)
    fragments: list[Fragment] = []
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        if op == "equal":
            fragments.append(Fragment("equal", "".join(a[i1:i2])))
            continue
        if op in ("delete", "replace") and i2 > i1:
            fragments.append(Fragment("delete", "".join(a[i1:i2])))
        if op in ("insert", "replace") and j2 > j1:
            fragments.append(Fragment("insert", "".join(b[j1:j2])))
    return tuple(f for f in fragments if f.text)


def diff_versions(old: Mapping[str, str], new: Mapping[str, str], keys: list[str]) -> list[SectionDiff]:
    """Compare two plan snapshots over ``keys`` (in display order)."""
    result = []
    for key in keys:
        before, after = str(old.get(key) or ""), str(new.get(key) or "")
        result.append(SectionDiff(key=key, changed=before != after, fragments=diff_text(before, after)))
    return result
