"""Docs cannot drift: every API endpoint, management command and setting is documented in docs/."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.core.management import get_commands
from django.urls import URLPattern, URLResolver, get_resolver

from civicdata.settings.declared import all_declared

DOCS = Path(__file__).resolve().parent.parent / "docs"


def docs_text() -> str:
    return "\n".join(path.read_text(encoding="utf-8") for path in sorted(DOCS.glob("*.md")))


def api_paths() -> list[str]:
    from civicdata.site.api import api

    schema = api.get_openapi_schema()
    return sorted(schema["paths"])


def plain_api_routes() -> list[str]:
    """API routes served by plain Django views outside ninja (e.g. the CKAN-compatible API)."""
    found: list[str] = []

    def walk(patterns, prefix: str) -> None:
        for pattern in patterns:
            route = prefix + str(pattern.pattern)
            if isinstance(pattern, URLResolver):
                if route.startswith("api/") and "ninja" in repr(pattern.urlconf_name):
                    continue
                walk(pattern.url_patterns, route)
            elif isinstance(pattern, URLPattern) and route.startswith("api/"):
                found.append("/" + re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", route))

    walk(get_resolver().url_patterns, "")
    ninja = set(api_paths())
    return sorted(path for path in found if path not in ninja and not path.startswith("/api/docs"))


def civicdata_commands() -> list[str]:
    return sorted(name for name, app in get_commands().items() if app.startswith("civicdata"))


def spelled(command: str) -> list[str]:
    """The ways a command can be written in docs: `civicdata catalog validate` or `civicdata serve`."""
    app, _, verb = command.partition("_")
    spellings = [f"civicdata {command}"]
    if verb and app in {"accounts", "catalog", "datastore", "demand", "projects", "core"}:
        spellings += [f"civicdata {app} {verb}", f"civicdata {app} {verb.replace('_', '-')}"]
    return spellings


@pytest.mark.django_db
def test_every_api_endpoint_is_documented():
    text = docs_text()
    paths = api_paths()
    assert "/api/status" in paths
    missing = [path for path in paths if path not in text]
    assert missing == [], f"API endpoints not documented in docs/*.md: {missing}"


@pytest.mark.django_db
def test_plain_api_routes_are_documented():
    text = docs_text()
    missing = [path for path in plain_api_routes() if path not in text]
    assert missing == [], f"API routes not documented in docs/*.md: {missing}"


@pytest.mark.parametrize("command", civicdata_commands())
def test_every_management_command_is_documented(command):
    text = docs_text()
    assert any(spelling in text for spelling in spelled(command)), (
        f"command {command} is not documented (write it as one of {spelled(command)})"
    )


def test_every_setting_is_documented():
    text = (DOCS / "settings.md").read_text(encoding="utf-8")
    missing = [declared.name for declared in all_declared() if f"`{declared.name}`" not in text]
    assert missing == [], f"settings missing from docs/settings.md: {missing} (run `civicdata settings --markdown`)"
