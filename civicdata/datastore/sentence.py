"""The plain-language sentence that says which rows a table query shows, Datasette-style:
"24 rows where Status is “Open” and Ward is 3, sorted by Date, descending" — with the columns'
titles from the Table Schema, in the reader's language."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from .query import BBOX_PARAM, OPERATORS

#: How each condition reads in the filter form's "Condition" list.
OPERATOR_WORDS = {
    "exact": gettext_lazy("is"),
    "ne": gettext_lazy("is not"),
    "gt": gettext_lazy("is more than"),
    "gte": gettext_lazy("is at least"),
    "lt": gettext_lazy("is less than"),
    "lte": gettext_lazy("is at most"),
    "in": gettext_lazy("is one of (separate values with commas)"),
    "contains": gettext_lazy("contains"),
    "startswith": gettext_lazy("starts with"),
    "isnull": gettext_lazy("is empty (true or false)"),
}
BARE_TYPES = ("integer", "number", "boolean")


def _value(value: str, ftype: str) -> str:
    return value if ftype in BARE_TYPES else f"“{value}”"


def describe_condition(
    key: str, value: str, *, titles: Mapping[str, str], types: Mapping[str, str], shapes: bool = False
) -> str | None:
    """One filter parameter in words ("Ward is 3"), or None when `key` is not a filter of this table.
    `shapes`: the table's rows are shapes, which the area filter keeps by their bounding boxes."""
    if key == "q":
        return _("any text contains %(words)s") % {"words": f"“{value}”"} if value.strip() else None
    if key == BBOX_PARAM:
        if not value.strip():
            return None
        if shapes:
            return _("the shape touches the chosen map area (judged by the box around the shape)")
        return _("the location is inside the chosen map area")
    column, _sep, op = key.partition("__")
    op = op or "exact"
    if column not in titles or op not in OPERATORS:
        return None
    ftype = types.get(column, "string")
    words = {"column": titles[column], "value": _value(value, ftype)}
    if op == "isnull":
        empty = value.strip().lower() in ("true", "1", "yes")
        return (_("%(column)s is empty") if empty else _("%(column)s is not empty")) % words
    if op == "in":
        words["value"] = ", ".join(_value(v.strip(), ftype) for v in value.split(",") if v.strip())
        return _("%(column)s is one of %(value)s") % words
    dated = ftype in ("date", "datetime")
    phrases = {
        "exact": _("%(column)s is %(value)s"),
        "ne": _("%(column)s is not %(value)s"),
        "gt": _("%(column)s is after %(value)s") if dated else _("%(column)s is more than %(value)s"),
        "gte": _("%(column)s is on or after %(value)s") if dated else _("%(column)s is at least %(value)s"),
        "lt": _("%(column)s is before %(value)s") if dated else _("%(column)s is less than %(value)s"),
        "lte": _("%(column)s is on or before %(value)s") if dated else _("%(column)s is at most %(value)s"),
        "contains": _("%(column)s contains %(value)s"),
        "startswith": _("%(column)s starts with %(value)s"),
    }
    return phrases[op] % words


def join_words(items: Sequence[str]) -> str:
    """ "a", "a and b", "a, b and c" in the reader's language."""
    if len(items) < 2:
        return "".join(items)
    return _("%(items)s and %(last)s") % {"items": ", ".join(items[:-1]), "last": items[-1]}


def describe_rows(
    count: int,
    params: Sequence[tuple[str, str]],
    *,
    titles: Mapping[str, str],
    types: Mapping[str, str],
    grouped: bool = False,
    shapes: bool = False,
) -> str:
    """The whole sentence: how many rows (or groups) match, where what holds, and their order."""
    conditions = [
        text
        for key, value in params
        if (text := describe_condition(key, value, titles=titles, types=types, shapes=shapes))
    ]
    words = {"count": number_format(count, force_grouping=True), "conditions": join_words(conditions)}
    if grouped:
        if conditions:
            sentence = ngettext(
                "%(count)s group of rows where %(conditions)s", "%(count)s groups of rows where %(conditions)s", count
            )
        else:
            sentence = ngettext("%(count)s group of rows", "%(count)s groups of rows", count)
    elif conditions:
        sentence = ngettext("%(count)s row where %(conditions)s", "%(count)s rows where %(conditions)s", count)
    else:
        sentence = ngettext("%(count)s row", "%(count)s rows", count)
    text = sentence % words
    sort = [s.strip() for k, v in params if k == "sort" for s in v.split(",") if s.strip()]
    if sort:
        parts = []
        for item in sort:
            name = item.lstrip("-+")
            title = titles.get(name, name)
            parts.append(_("%(column)s, descending") % {"column": title} if item.startswith("-") else title)
        text = _("%(rows)s, sorted by %(order)s") % {"rows": text, "order": join_words(parts)}
    return text
