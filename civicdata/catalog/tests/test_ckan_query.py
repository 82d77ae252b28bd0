"""The Solr query parser behind the CKAN API's q and fq: precedence, fields, wildcards, limits, errors."""

from __future__ import annotations

import pytest
from django.db import connection

from civicdata.catalog.ckan_query import (
    ALL,
    MAX_DEPTH,
    MAX_TERMS,
    Node,
    QuerySyntaxError,
    Term,
    parse,
    ranking_terms,
)


def word(value: str, field: str | None = None) -> Term:
    return Term(field, "word", value)


def test_match_all_forms():
    """The empty query, *:* and * match everything."""
    for text in ("", "  ", "*:*", "*", '""'):
        assert parse(text) is ALL


def test_default_operator_is_and_and_or_binds_loosest():
    """Terms side by side are ANDed (CKAN's defaultOperator); OR binds looser than AND."""
    assert parse("water quality") == Node("and", (word("water"), word("quality")))
    assert parse("a b OR c") == Node("or", (Node("and", (word("a"), word("b"))), word("c")))
    assert parse("a AND (b OR c)") == Node("and", (word("a"), Node("or", (word("b"), word("c")))))
    assert parse("a and b") == Node("and", (word("a"), word("and"), word("b")))  # lower case is a word


def test_negation_required_fields_phrases_prefixes_and_ranges():
    """-x, NOT x and !x exclude; +x requires; field:"phrase", field:pre* and [a TO b] parse."""
    assert parse("-tags:x") == Node("not", (word("x", "tags"),))
    assert parse("a NOT b") == Node("and", (word("a"), Node("not", (word("b"),))))
    assert parse("+a") == word("a")
    assert parse('tags:"original medicare"') == Term("tags", "phrase", "original medicare")
    assert parse("hosp*") == Term(None, "prefix", "hosp")
    assert parse("groups:(a OR b)") == Node("or", (word("a", "groups"), word("b", "groups")))
    assert parse("metadata_modified:[2024-01-01T00:00:00Z TO *]") == Term(
        "metadata_modified", "range", "2024-01-01T00:00:00Z", "*", (True, True)
    )
    assert parse("covid-19") == word("covid-19")


@pytest.mark.parametrize(
    "text",
    [
        "(a OR b",
        "a)",
        "colour:blue",
        "ho*al",
        "title:[a TO b]",
        "a OR",
        "(" * (MAX_DEPTH + 1) + "a" + ")" * (MAX_DEPTH + 1),
        " ".join(["a"] * (MAX_TERMS + 1)),
        "a" * 3000,
    ],
)
def test_what_cannot_be_read_is_refused(text):
    """Unbalanced parentheses, unknown fields, inner wildcards, ranges on text and over-long or over-deep
    queries raise QuerySyntaxError (the API's 409)."""
    with pytest.raises(QuerySyntaxError):
        parse(text)


def test_ranking_uses_positive_text_terms_only():
    """Relevance is computed from the text terms that are not negated; filters on facets do not count."""
    terms = ranking_terms(parse("solar -wind tags:energy title:panel"))
    assert terms == [word("solar"), word("panel", "title")]


@pytest.mark.django_db
def test_full_text_triggers_survive_the_migrations():
    """Migrations that rebuild catalog_dataset on SQLite (0007) must leave the full-text triggers in place."""
    if connection.vendor != "sqlite":
        pytest.skip("triggers keep the SQLite full-text index; PostgreSQL uses an expression index")
    with connection.cursor() as cursor:
        cursor.execute("SELECT name FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'catalog_dataset'")
        names = {row[0] for row in cursor.fetchall()}
    assert {"catalog_dataset_fts_ai", "catalog_dataset_fts_ad", "catalog_dataset_fts_au"} <= names
