"""One query path: the table page, the JSON page and the CSV download answer the same query alike."""

from __future__ import annotations

import csv
import io
import json
import re
from html import unescape

import pytest
from django.test import Client

from .factories import published_table

pytestmark = pytest.mark.django_db

QUERY = "?offense=LARCENY&sort=-occurred&fields=incident,district&limit=2"


def _page_cells(html: str) -> list[list[str]]:
    body = html.split('id="rows-table"', 1)[1].split("<tbody>", 1)[1].split("</tbody>", 1)[0]
    # The data cells only: a row's "report a problem" link cell (added when the community app registers
    # one) is not data.
    return [
        [
            unescape(re.sub(r"<[^>]+>", "", cell)).strip()
            for cell in re.findall(r"<td>(.*?)</td>", row, re.S)
            if "&amp;row=" not in cell
        ]
        for row in re.findall(r"<tr>(.*?)</tr>", body, re.S)
    ]


def _api_link(html: str) -> str:
    return unescape(re.search(r'API address for this view: <a class="usa-link civic-break" href="([^"]+)"', html)[1])


def test_page_json_and_csv_agree_on_a_filtered_sorted_query(client: Client) -> None:
    """For the same filters, sort and limit, the page and the JSON API show the same rows and the same
    matching count, and the CSV download holds every matching row in that order."""
    table = published_table()
    page = client.get(table.get_absolute_url() + QUERY)
    assert page.status_code == 200
    html = page.content.decode()
    assert _page_cells(html) == [["I-1", "South End"], ["I-3", "Roxbury"]]
    assert '<h2 id="results" tabindex="-1">3 rows where' in html

    body = json.loads(client.get(table.api_path + QUERY).content)
    assert [[r["incident"], r["district"]] for r in body["rows"]] == _page_cells(html)
    assert body["matching_count"] == 3
    assert body["row_count"] == 5  # the whole table, unlike the matching count

    # The page's own API link answers the rows the page shows.
    linked = json.loads(client.get(_api_link(html)).content)
    assert linked["rows"] == body["rows"]

    # Following "next" on both sides gives the same last row.
    next_page = client.get(table.get_absolute_url() + unescape(re.search(r'href="(\?[^"]*cursor=[^"]+)"', html)[1]))
    next_json = json.loads(client.get(body["next"]).content)
    assert _page_cells(next_page.content.decode()) == [["I-5", "South End"]]
    assert [[r["incident"], r["district"]] for r in next_json["rows"]] == [["I-5", "South End"]]
    assert next_json["matching_count"] == 3

    download = re.search(r'href="([^"]+\.csv[^"]*)"', html)[1]
    rows = list(csv.reader(io.StringIO(b"".join(client.get(unescape(download)).streaming_content).decode())))
    assert rows[0] == ["incident", "district"]
    assert rows[1:] == [["I-1", "South End"], ["I-3", "Roxbury"], ["I-5", "South End"]]
    assert len(rows) - 1 == body["matching_count"]


def test_grouped_query_counts_groups_alike(client: Client) -> None:
    """An aggregate counts its groups on both sides."""
    table = published_table()
    query = "?group_by=district&count=*&sort=district"
    body = json.loads(client.get(table.api_path + query).content)
    assert body["matching_count"] == 3
    assert [r["district"] for r in body["rows"]] == ["Dorchester", "Roxbury", "South End"]
    html = client.get(table.get_absolute_url() + query).content.decode()
    assert '<h2 id="results" tabindex="-1">3 groups of rows, sorted by' in html
    assert [cells[0] for cells in _page_cells(html)] == ["Dorchester", "Roxbury", "South End"]


@pytest.mark.parametrize("query", ["?shooting=abc", "?nope=1", "?sort=missing", "?cursor=garbage"])
def test_an_invalid_query_gives_the_same_error_on_page_and_api(client: Client, query: str) -> None:
    """A bad filter is a 400 with the same message on the page and in the JSON error envelope."""
    table = published_table()
    api = client.get(table.api_path + query)
    page = client.get(table.get_absolute_url() + query)
    assert api.status_code == page.status_code == 400
    error = json.loads(api.content)["error"]
    assert error["code"] == "bad_parameter"
    assert page.context["error"]["message"] == error["message"]
    assert page.context["error"]["valid_columns"] == error["details"]["valid_columns"]
    assert unescape(page.content.decode()).count(error["message"]) == 1
    assert page.context["matching_count"] is None
