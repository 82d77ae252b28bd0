"""Field-level differences between two versions of a dataset, for the revision history."""

from __future__ import annotations

from typing import Any

from civicdata.catalog.pod import json_equivalent


def _escape(key: str) -> str:
    return key.replace("~", "~0").replace("/", "~1")


def json_diff(old: Any, new: Any, path: str = "") -> list[dict[str, Any]]:
    """Changes from `old` to `new` as a list of {op, path, old, new}; `op` is add, remove or change.

    Objects are compared member by member; lists of equal length element by element, otherwise the
    whole list counts as one change (a reordered keyword list reads better that way than as n edits).
    """
    if isinstance(old, dict) and isinstance(new, dict):
        changes: list[dict[str, Any]] = []
        for key in list(old) + [k for k in new if k not in old]:
            pointer = f"{path}/{_escape(key)}"
            if key not in new:
                changes.append({"op": "remove", "path": pointer, "old": old[key], "new": None})
            elif key not in old:
                changes.append({"op": "add", "path": pointer, "old": None, "new": new[key]})
            else:
                changes.extend(json_diff(old[key], new[key], pointer))
        return changes
    if isinstance(old, list) and isinstance(new, list) and len(old) == len(new):
        changes = []
        for index, (a, b) in enumerate(zip(old, new, strict=True)):
            changes.extend(json_diff(a, b, f"{path}/{index}"))
        return changes
    if json_equivalent(old, new):
        return []
    return [{"op": "change", "path": path or "/", "old": old, "new": new}]
