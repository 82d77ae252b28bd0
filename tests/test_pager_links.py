"""Links built with `{% querystring %}` (which already starts with "?") lead where they say: the shared
pager's next/previous links and the events list's Upcoming/Past switch once gave "??page=2" and
"??when=past", which the server read as no page and no filter."""

from __future__ import annotations

import re

import pytest
from django.core.paginator import Paginator
from django.template.loader import render_to_string
from django.test import RequestFactory


def test_the_pager_links_carry_the_page_and_keep_the_filters():
    request = RequestFactory().get("/requests/", {"status": "open", "page": "2"})
    page = Paginator(list(range(60)), 20).page(2)
    html = render_to_string("core/_pager.html", {"page": page, "request": request}, request=request)
    hrefs = re.findall(r'href="([^"]*)"', html)
    assert "?status=open&amp;page=1" in hrefs
    assert "?status=open&amp;page=3" in hrefs
    assert not any(href.startswith("??") for href in hrefs)


@pytest.mark.django_db
def test_the_events_list_switches_to_past_events(client):
    html = client.get("/events/", {"type": "data_jam"}).content.decode()
    assert 'href="?type=data_jam&amp;when=past"' in html
    past = client.get("/events/", {"type": "data_jam", "when": "past"}).content.decode()
    assert '<input type="hidden" name="when" value="past">' in past
