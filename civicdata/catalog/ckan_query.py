"""A small, bounded parser for the Solr query syntax CKAN clients send in `q` and `fq`, compiled to a
Django filter on datasets.

Grammar (Lucene's standard syntax, the subset CKAN clients use)::

    query   := or
    or      := and (("OR" | "||") and)*
    and     := unary (["AND" | "&&"] unary)*       # two clauses side by side: AND (CKAN's default operator)
    unary   := ("NOT" | "!" | "-" | "+") unary | primary
    primary := "(" query ")" | [field ":"] (word | word* | "phrase" | [low TO high] | {low TO high}) | *:*

Operators are upper case (`and`/`or` in lower case are ordinary words). The default operator is AND, as
in CKAN's Solr schema (`<solrQueryParser defaultOperator="AND"/>`): `q=water quality` needs both words.
A term with no field searches the `text` field (title, description, keywords and publisher). Limits:
MAX_LENGTH characters, MAX_TERMS terms and MAX_DEPTH nested parentheses; anything the parser cannot read
raises QuerySyntaxError, which the API answers with CKAN's 409 "Search Query Error".
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime

from django.db.models import Q
from django.db.models.expressions import RawSQL
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.text import slugify

from civicdata.accounts.models import Organization
from civicdata.catalog.ckan_mapping import ckan_format, organization_uuid
from civicdata.catalog.models import DatasetFacet, FacetKind
from civicdata.catalog.search import text_backend

MAX_LENGTH = 2000
MAX_TERMS = 64
MAX_DEPTH = 8

# Fields searched as text: CKAN name -> full-text column (None: every column, CKAN's `text` field).
TEXT_FIELDS: dict[str, str | None] = {
    "text": None,
    "title": "title",
    "notes": "description",
    "description": "description",
    "author": "publisher",
    "publisher": "publisher",
}
# Fields matched as exact values (a trailing * matches the start) on the facet table.
FACET_FIELDS: dict[str, str] = {
    "tags": FacetKind.KEYWORD,
    "organization": FacetKind.PUBLISHER,
    "owner_org": FacetKind.PUBLISHER,
    "res_format": FacetKind.FORMAT,
    "groups": FacetKind.THEME,
    "license_id": FacetKind.LICENSE,
    "access_level": FacetKind.ACCESS_LEVEL,
}
DATE_FIELDS = {"metadata_modified": "updated_at", "metadata_created": "created_at"}
# Fields every dataset in the public listing has with one value: `state:active` matches all, others none.
CONSTANT_FIELDS = {"state": "active", "dataset_type": "dataset", "type": "dataset", "capacity": "public"}
OTHER_FIELDS = ("name", "id", "identifier", "maintainer", "site_id")
FIELDS = (*TEXT_FIELDS, *FACET_FIELDS, *DATE_FIELDS, *CONSTANT_FIELDS, *OTHER_FIELDS)


class QuerySyntaxError(ValueError):
    """The query uses syntax or a field this parser does not support."""


@dataclass(frozen=True, slots=True)
class Term:
    field: str | None
    kind: str  # "word", "prefix", "phrase", "range"
    value: str
    high: str = ""
    inclusive: tuple[bool, bool] = (True, True)


@dataclass(frozen=True, slots=True)
class Node:
    op: str  # "and", "or", "not", "all"
    children: tuple[Node | Term, ...] = ()


ALL = Node("all")

_TOKEN = re.compile(
    r"""\s*(?:
        (?P<open>\() | (?P<close>\)) |
        (?P<op>AND\b|OR\b|NOT\b|&&|\|\|) |
        (?P<unary>[+\-!])(?=\S) |
        (?P<field>[A-Za-z_][\w.]*):(?=\S) |
        "(?P<phrase>(?:[^"\\]|\\.)*)" |
        (?P<range>[\[{][^\]}]*[\]}]) |
        (?P<word>(?:[^\s()"\\]|\\.)+)
    )""",
    re.VERBOSE,
)
_ESCAPE = re.compile(r"\\(.)")
_RANGE = re.compile(r"^([\[{])\s*(\S+)\s+TO\s+(\S+)\s*([\]}])$")


def tokenize(text: str) -> list[tuple[str, str]]:
    if len(text) > MAX_LENGTH:
        raise QuerySyntaxError(f"The query is longer than {MAX_LENGTH} characters.")
    tokens: list[tuple[str, str]] = []
    position = 0
    text = text.rstrip()
    while position < len(text):
        match = _TOKEN.match(text, position)
        if not match or match.end() == position:
            raise QuerySyntaxError(f"Cannot read the query at character {position + 1}: {text[position:][:20]!r}")
        kind = match.lastgroup or ""
        tokens.append((kind, match.group(kind)))
        position = match.end()
    return tokens


class _Parser:
    def __init__(self, tokens: list[tuple[str, str]]) -> None:
        self.tokens = tokens
        self.position = 0
        self.terms = 0

    def peek(self) -> tuple[str, str] | None:
        return self.tokens[self.position] if self.position < len(self.tokens) else None

    def take(self) -> tuple[str, str]:
        token = self.tokens[self.position]
        self.position += 1
        return token

    def parse(self) -> Node | Term:
        if not self.tokens:
            return ALL
        tree = self.or_(0)
        if self.peek() is not None:
            raise QuerySyntaxError(f"Unexpected {self.peek()[1]!r} in the query.")  # type: ignore[index]
        return tree

    def or_(self, depth: int) -> Node | Term:
        parts = [self.and_(depth)]
        while (token := self.peek()) and token[0] == "op" and token[1] in ("OR", "||"):
            self.take()
            parts.append(self.and_(depth))
        return parts[0] if len(parts) == 1 else Node("or", tuple(parts))

    def and_(self, depth: int) -> Node | Term:
        parts = [self.unary(depth)]
        while (token := self.peek()) and token[0] != "close" and not (token[0] == "op" and token[1] in ("OR", "||")):
            if token[0] == "op" and token[1] in ("AND", "&&"):
                self.take()
            parts.append(self.unary(depth))
        return parts[0] if len(parts) == 1 else Node("and", tuple(parts))

    def unary(self, depth: int) -> Node | Term:
        token = self.peek()
        if token is None:
            raise QuerySyntaxError("The query ends where a term was expected.")
        if token[0] == "unary" or (token[0] == "op" and token[1] == "NOT"):
            self.take()
            inner = self.unary(depth)
            return inner if token[1] == "+" else Node("not", (inner,))
        return self.primary(depth)

    def primary(self, depth: int) -> Node | Term:
        kind, value = self.take()
        if kind == "open":
            if depth >= MAX_DEPTH:
                raise QuerySyntaxError(f"The query nests parentheses deeper than {MAX_DEPTH} levels.")
            inner = self.or_(depth + 1)
            if self.peek() is None or self.take()[0] != "close":
                raise QuerySyntaxError("A parenthesis is not closed.")
            return inner
        field = None
        if kind == "field":
            field = value
            if field not in FIELDS:
                raise QuerySyntaxError(f"Unsupported search field: {field}")
            if self.peek() is None:
                raise QuerySyntaxError(f"No value after {field}:")
            kind, value = self.take()
            if kind == "open":  # field:(a OR b) applies the field to every term inside
                if depth >= MAX_DEPTH:
                    raise QuerySyntaxError(f"The query nests parentheses deeper than {MAX_DEPTH} levels.")
                inner = self.or_(depth + 1)
                if self.peek() is None or self.take()[0] != "close":
                    raise QuerySyntaxError("A parenthesis is not closed.")
                return _with_field(inner, field)
        return self.term(field, kind, value)

    def term(self, field: str | None, kind: str, value: str) -> Node | Term:
        self.terms += 1
        if self.terms > MAX_TERMS:
            raise QuerySyntaxError(f"The query has more than {MAX_TERMS} terms.")
        if kind == "phrase":
            return Term(field, "phrase", _ESCAPE.sub(r"\1", value))
        if kind == "range":
            match = _RANGE.match(value)
            if not match or field not in DATE_FIELDS:
                raise QuerySyntaxError("Ranges ([a TO b]) are supported on metadata_modified and metadata_created.")
            return Term(field, "range", match[2], match[3], (match[1] == "[", match[4] == "]"))
        if kind != "word":
            raise QuerySyntaxError(f"Unexpected {value!r} in the query.")
        if value == "*":  # *:* and field:* (every dataset; CKAN's lists always carry these fields)
            return ALL
        if value.endswith("*") and not value.endswith("\\*"):
            stem = _ESCAPE.sub(r"\1", value[:-1])
            if "*" in stem or "?" in stem:
                raise QuerySyntaxError("Only a trailing * wildcard is supported.")
            return Term(field, "prefix", stem)
        if ("*" in value or "?" in value) and "\\" not in value:
            raise QuerySyntaxError("Only a trailing * wildcard is supported.")
        return Term(field, "word", _ESCAPE.sub(r"\1", value))


def _with_field(tree: Node | Term, field: str) -> Node | Term:
    if isinstance(tree, Term):
        if tree.field is not None:
            raise QuerySyntaxError("A field inside field:( … ) is not supported.")
        return Term(field, tree.kind, tree.value, tree.high, tree.inclusive)
    return Node(tree.op, tuple(_with_field(child, field) for child in tree.children))


def parse(text: str) -> Node | Term:
    """The syntax tree of a Solr query (`*:*` and the empty query match everything)."""
    stripped = text.strip()
    if stripped in ("", "*:*", "*", '""', "''"):
        return ALL
    return _Parser(tokenize(stripped.replace("*:*", "*"))).parse()


# --- compiling to a Django filter ----------------------------------------------------------------

_WORDS = re.compile(r"[^\W_]+", re.UNICODE)
_FTS_COLUMNS = {"title": "title", "description": "description", "publisher": "publisher"}


def pg_text_vector(table: str = "") -> str:
    """The text searched on PostgreSQL: the same expression as the GIN index of migration 0003 (so the
    index is used); `table` qualifies the columns where a query joins other tables."""
    prefix = f'"{table}".' if table else ""
    return (
        f"coalesce({prefix}title, '') || ' ' || coalesce({prefix}description, '') || ' ' || "
        f"coalesce({prefix}keyword::text, '') || ' ' || {prefix}publisher_name"
    )


PG_TEXT_VECTOR = pg_text_vector()
_PG_COLUMNS = {
    None: PG_TEXT_VECTOR,
    "title": "coalesce(title, '')",
    "description": "coalesce(description, '')",
    "publisher": "publisher_name",
}
_SUBSTRING_COLUMNS = {
    None: ("title", "description", "keyword", "publisher_name"),
    "title": ("title",),
    "description": ("description",),
    "publisher": ("publisher_name",),
}


def _fts5_expression(term: Term, column: str | None) -> str:
    words = _WORDS.findall(term.value)
    if not words:
        return ""
    text = '"' + " ".join(words) + '"' + ("*" if term.kind == "prefix" else "")
    return f"{{{_FTS_COLUMNS[column]}}} : {text}" if column else text


def _pg_expression(term: Term) -> str:
    words = [word.lower() for word in _WORDS.findall(term.value)]
    if not words:
        return ""
    parts = [f"'{word}'" for word in words]
    if term.kind == "prefix":
        parts[-1] += ":*"
    return " <-> ".join(parts)


def _text_q(term: Term, column: str | None, engine: str) -> Q | None:
    if engine == "fts5":
        expression = _fts5_expression(term, column)
        if not expression:
            return None
        sql = "SELECT rowid FROM catalog_dataset_fts WHERE catalog_dataset_fts MATCH %s"
        return Q(id__in=RawSQL(sql, (expression,)))  # noqa: S611 - fixed SQL, bound parameter
    if engine == "postgres":
        expression = _pg_expression(term)
        if not expression:
            return None
        vector = _PG_COLUMNS[column]
        sql = f"SELECT id FROM catalog_dataset WHERE to_tsvector('simple', {vector}) @@ to_tsquery('simple', %s)"  # noqa: S608
        return Q(id__in=RawSQL(sql, (expression,)))  # noqa: S611 - fixed column expressions, bound parameter
    words = _WORDS.findall(term.value)
    if not words:
        return None
    condition = Q()
    for word in words:
        any_column = Q()
        for name in _SUBSTRING_COLUMNS[column]:
            any_column |= Q(**{f"{name}__icontains": word})
        condition &= any_column
    return condition


def _facet_values(facet: str, accepts: Callable[[str], bool]) -> list[str]:
    values = DatasetFacet.objects.filter(facet=facet).values_list("value", flat=True).distinct()
    return [value for value in values if accepts(value)]


def _matcher(term: Term, *, fold: bool) -> Callable[[str], bool]:
    wanted = term.value.lower() if fold else term.value
    if term.kind == "prefix":
        return lambda value: (value.lower() if fold else value).startswith(wanted)
    return lambda value: (value.lower() if fold else value) == wanted


def _facet_q(term: Term) -> Q:
    facet = FACET_FIELDS[term.field or ""]
    if term.kind == "range":
        raise QuerySyntaxError(f"Ranges are not supported on {term.field}.")
    if term.field == "res_format":  # CKAN's short names (CSV) or the stored label (text/csv), any case
        match = _matcher(term, fold=True)
        values = _facet_values(facet, lambda value: match(value) or match(ckan_format(value, "")))
    elif term.field == "groups":  # group names are the slugs of the category labels
        match = _matcher(term, fold=True)
        values = _facet_values(facet, lambda value: match(slugify(value) or value) or match(value))
    elif term.field == "owner_org" and _is_uuid(term.value):
        slugs = Organization.objects.values_list("pk", "slug")
        values = [slug for pk, slug in slugs if organization_uuid(pk) == term.value.lower()]
    elif term.kind == "prefix":
        value = term.value.lower() if facet == FacetKind.KEYWORD else term.value
        return Q(id__in=DatasetFacet.objects.filter(facet=facet, value__startswith=value).values("dataset_id"))
    else:
        values = [term.value.lower() if facet == FacetKind.KEYWORD else term.value]
    return Q(id__in=DatasetFacet.objects.filter(facet=facet, value__in=values).values("dataset_id"))


def _is_uuid(text: str) -> bool:
    try:
        uuid.UUID(text)
    except ValueError:
        return False
    return True


def _moment(text: str, *, end: bool) -> datetime | None:
    if text == "*":
        return None
    if text.upper().startswith("NOW"):
        return datetime.now(UTC)
    found = parse_datetime(text)
    if found is None and (day := parse_date(text)) is not None:
        found = datetime(day.year, day.month, day.day, tzinfo=UTC)
        if end:
            found = found.replace(hour=23, minute=59, second=59, microsecond=999999)
    if found is None:
        raise QuerySyntaxError(f"Not a date: {text}")
    return found if found.tzinfo else found.replace(tzinfo=UTC)


def _date_q(term: Term) -> Q:
    column = DATE_FIELDS[term.field or ""]
    if term.kind != "range":
        low = _moment(term.value, end=False)
        high = _moment(term.value, end=True) if parse_date(term.value) else low
        return Q(**{f"{column}__gte": low, f"{column}__lte": high})
    condition = Q()
    low, high = _moment(term.value, end=False), _moment(term.high, end=True)
    if low is not None:
        condition &= Q(**{f"{column}__{'gte' if term.inclusive[0] else 'gt'}": low})
    if high is not None:
        condition &= Q(**{f"{column}__{'lte' if term.inclusive[1] else 'lt'}": high})
    return condition


_NOTHING = Q(pk__in=[])


def _term_q(term: Term, engine: str) -> Q | None:
    field = term.field or "text"
    if field in TEXT_FIELDS:
        if term.kind == "range":
            raise QuerySyntaxError(f"Ranges are not supported on {field}.")
        return _text_q(term, TEXT_FIELDS[field], engine)
    if field in FACET_FIELDS:
        return _facet_q(term)
    if field in DATE_FIELDS:
        return _date_q(term)
    if field in CONSTANT_FIELDS:
        return None if term.value.lower() == CONSTANT_FIELDS[field] else _NOTHING
    if field == "site_id":
        return None
    if field == "name":
        return Q(name__startswith=term.value) if term.kind == "prefix" else Q(name=term.value)
    if field == "id":
        return Q(uuid=uuid.UUID(term.value)) if _is_uuid(term.value) else _NOTHING
    if field == "identifier":
        return Q(identifier__startswith=term.value) if term.kind == "prefix" else Q(identifier=term.value)
    return Q(contact_name__icontains=term.value)  # maintainer


def to_q(tree: Node | Term, engine: str | None = None) -> Q | None:
    """The Django filter for a parsed query; None means "no restriction"."""
    engine = engine or text_backend()
    if isinstance(tree, Term):
        return _term_q(tree, engine)
    if tree.op == "all":
        return None
    if tree.op == "not":
        inner = to_q(tree.children[0], engine)
        return _NOTHING if inner is None else ~inner
    parts = [to_q(child, engine) for child in tree.children]
    if tree.op == "and":
        kept = [part for part in parts if part is not None]
        result = Q()
        for part in kept:
            result &= part
        return result if kept else None
    if any(part is None for part in parts):
        return None
    result = Q()
    for part in parts:
        result |= part  # type: ignore[operator]
    return result


def ranking_terms(tree: Node | Term, *, negated: bool = False) -> list[Term]:
    """The positive text terms of a query: what relevance (`score`) is computed from."""
    if isinstance(tree, Term):
        return [tree] if not negated and (tree.field or "text") in TEXT_FIELDS else []
    found: list[Term] = []
    for child in tree.children:
        found.extend(ranking_terms(child, negated=negated or tree.op == "not"))
    return found


def fts5_ranking(terms: list[Term]) -> str:
    return " OR ".join(filter(None, (_fts5_expression(t, TEXT_FIELDS[t.field or "text"]) for t in terms)))


def pg_ranking(terms: list[Term]) -> str:
    return " | ".join(f"({expression})" for expression in filter(None, map(_pg_expression, terms)))
