"""Live embeds in data stories: a fenced block whose info string is `embed` names a query of the site's
own Data API, and the story page draws it from the current data each time it is shown.

    ```embed
    /api/data/<dataset>/<table>?district=B2&sort=-occurred_on_date&limit=10
    ```

What may be named (a path, or a full address on this site's own `SITE_URL` host):
- a filtered table: `/api/data/<dataset>/<table>?…` or the table page `/data/<dataset>/<table>/?…`, the
  same filters, sort and grouping as the Data API; at most `EMBED_MAX_ROWS` rows are shown;
- a saved chart: `/data/<dataset>/<table>/chart/<id>.svg`;
- a chart by its request: `/data/<dataset>/<table>/chart.svg?chart_type=bar&x=district`.

Anything else (another site, another path, a table that is not public) is drawn as a short notice, never
fetched. The Markdown around the embeds goes through the one sanitiser (`core.text.render_markdown`);
each embed is put in afterwards from our own autoescaped templates, at a placeholder the author cannot
forge (it carries a random token made for each rendering).
"""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass, field
from urllib.parse import parse_qsl, urlencode, urlsplit

from django.conf import settings
from django.http import QueryDict
from django.template.loader import render_to_string
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from civicdata.core.text import render_markdown

EMBED_MAX_ROWS = 25
EMBED_DEFAULT_ROWS = 10
EMBED_MAX_PER_STORY = 10
CHART_DATA_ROWS = 30
_PAGING = ("cursor", "offset", "limit", "format", "_format", "_shape")

_FENCE = re.compile(r"^(?P<fence>`{3,}|~{3,})[ \t]*embed[ \t]*\n(?P<body>.*?)\n(?P=fence)[ \t]*$", re.M | re.S)
_TABLE_PATHS = (
    re.compile(r"^/api/data/(?P<dataset>[-\w]+)/(?P<table>[-\w]+)/?$"),
    re.compile(r"^/data/(?P<dataset>[-\w]+)/(?P<table>[-\w]+)/?$"),
)
_SAVED_CHART = re.compile(r"^/data/(?P<dataset>[-\w]+)/(?P<table>[-\w]+)/chart/(?P<pk>\d{1,12})\.(svg|png)$")
_CHART = re.compile(r"^/data/(?P<dataset>[-\w]+)/(?P<table>[-\w]+)/chart\.(svg|png)$")


class EmbedRefused(ValueError):
    """The block does not name something this site may embed; the message says why, in plain words."""


@dataclass(frozen=True)
class EmbedRef:
    """A parsed embed: what to draw (`table` or `chart`), from which table, with which parameters."""

    kind: str
    dataset: str
    table: str
    params: list[tuple[str, str]] = field(default_factory=list)
    chart_id: int | None = None


def _own_host() -> str:
    return urlsplit(getattr(settings, "SITE_URL", "") or "").netloc.lower()


def parse_reference(text: str) -> EmbedRef:
    """Read one embed block. Raises EmbedRefused for anything but this site's own Data API."""
    lines = [line.strip() for line in text.strip().splitlines() if line.strip()]
    if len(lines) != 1 or len(lines[0]) > 2000:
        raise EmbedRefused(_("An embed holds one Data API address on one line."))
    address = lines[0]
    if "\\" in address or any(ord(ch) < 33 for ch in address):
        raise EmbedRefused(_("This embed address is not valid."))
    parts = urlsplit(address)
    if parts.scheme or parts.netloc:
        own = _own_host()
        if parts.scheme not in ("http", "https") or not own or parts.netloc.lower() != own or parts.username:
            raise EmbedRefused(_("Only this site's own Data API can be embedded; other sites are not fetched."))
    elif not address.startswith("/") or address.startswith("//"):
        raise EmbedRefused(_("Only this site's own Data API can be embedded; other sites are not fetched."))
    params = parse_qsl(parts.query, keep_blank_values=True)
    if match := _SAVED_CHART.match(parts.path):
        return EmbedRef("chart", match["dataset"], match["table"], chart_id=int(match["pk"]))
    if match := _CHART.match(parts.path):
        return EmbedRef("chart", match["dataset"], match["table"], params=params)
    for pattern in _TABLE_PATHS:
        if match := pattern.match(parts.path):
            return EmbedRef("table", match["dataset"], match["table"], params=params)
    raise EmbedRefused(
        _("An embed names a table of the Data API (/api/data/…) or one of its charts (/data/…/chart/…).")
    )


def find_embeds(source: str) -> list[str]:
    """The text of every embed block in a Markdown source, in order."""
    return [match["body"] for match in _FENCE.finditer(source or "")]


def check_embeds(source: str) -> list[str]:
    """Why the embeds of a story cannot be saved as written (empty when they can)."""
    blocks = find_embeds(source)
    problems = []
    if len(blocks) > EMBED_MAX_PER_STORY:
        problems.append(_("A story may hold at most %(count)s embeds.") % {"count": EMBED_MAX_PER_STORY})
    for number, block in enumerate(blocks, start=1):
        try:
            parse_reference(block)
        except EmbedRefused as exc:
            problems.append(_("Embed %(number)s: %(reason)s") % {"number": number, "reason": exc})
    return problems


def _notice(message: str) -> SafeString:
    return format_html(
        '<div class="usa-alert usa-alert--warning usa-alert--slim story-embed">'
        '<div class="usa-alert__body"><p class="usa-alert__text">{}</p></div></div>',
        message,
    )


def _public_table(ref: EmbedRef):
    from civicdata.datastore.models import DataTable
    from civicdata.datastore.permissions import is_public_table

    table = (
        DataTable.objects.select_related("dataset", "dataset__publisher")
        .filter(dataset__name=ref.dataset, name=ref.table)
        .first()
    )
    if table is None or not table.is_loaded or not is_public_table(table):
        return None
    return table


def render_embed(ref: EmbedRef) -> SafeString:
    """Draw one embed from the table's current data (a notice when it cannot be drawn)."""
    table = _public_table(ref)
    if table is None:
        return _notice(_("This embed names a Data API table that is not public or no longer exists."))
    if ref.kind == "chart":
        return _render_chart(table, ref)
    return _render_table(table, ref)


def _render_table(table, ref: EmbedRef) -> SafeString:
    from civicdata.datastore.preview import table_columns
    from civicdata.datastore.sentence import describe_rows
    from civicdata.datastore.table_query import run_table_query

    params = [(k, v) for k, v in ref.params if k not in _PAGING]
    asked = dict(ref.params).get("limit", "")
    rows = min(int(asked), EMBED_MAX_ROWS) if asked.isdigit() and int(asked) > 0 else EMBED_DEFAULT_ROWS
    query = QueryDict(mutable=True)
    for key, value in [*params, ("limit", str(rows))]:
        query.appendlist(key, value)
    result = run_table_query(table, query, default_limit=rows)
    if result.error is not None:
        return _notice(_("This table embed cannot be drawn: %(reason)s") % {"reason": result.error.message})
    columns = table_columns(table)
    titles = {c["name"]: c["title"] for c in columns}
    types = {c["name"]: c["type"] for c in columns}
    sentence = describe_rows(result.matching_count or 0, params, titles=titles, types=types, grouped=result.grouped)
    suffix = "?" + urlencode(params) if params else ""
    return render_to_string(
        "community/story_embed_table.html",
        {
            "table": table,
            "columns": [titles.get(name, name) for name in result.columns],
            "rows": result.rows,
            "sentence": sentence,
            "shown": len(result.rows),
            "page_url": table.get_absolute_url() + suffix,
            "api_url": table.api_path + suffix,
        },
    )


def _render_chart(table, ref: EmbedRef) -> SafeString:
    from civicdata.datastore import charts, runtime
    from civicdata.datastore.guard import Busy, QueryFailed, QueryTimeout
    from civicdata.datastore.models import Chart

    if ref.chart_id is not None:
        saved = Chart.objects.filter(pk=ref.chart_id, table=table).first()
        if saved is None:
            return _notice(_("This embed names a saved chart that no longer exists."))
        request = charts.saved_request(saved)
        image_url = f"{table.get_absolute_url()}chart/{saved.pk}.svg"
    else:
        values = dict(ref.params)
        request = charts.ChartRequest(
            type=values.get("chart_type") or values.get("type") or "bar",
            x=values.get("x", ""),
            y=values.get("y", ""),
            aggregate=values.get("aggregate") or "count",
            title=values.get("title", "")[:200],
        )
        image_url = f"{table.get_absolute_url()}chart.svg?{urlencode(request.as_dict())}"
    try:
        charts.validate(request, table.schema)
        guard = runtime.get_guard()
        cur = runtime.open_cursor(table)
        with guard.slot(), guard.deadline(cur):
            data = charts.chart_data(cur, request, table.schema)
    except charts.ChartError as exc:
        return _notice(_("This chart embed cannot be drawn: %(reason)s") % {"reason": str(exc)})
    except (Busy, QueryTimeout, QueryFailed):
        return _notice(_("This chart could not be drawn just now; reload the page in a moment."))
    headers = list(data[0]) if data else []
    return render_to_string(
        "community/story_embed_chart.html",
        {
            "table": table,
            "title": request.title or table.display_title,
            "is_map": request.type == "map",
            "image_url": image_url,
            "headers": headers,
            "rows": [list(item.values()) for item in data[:CHART_DATA_ROWS]],
            "total": len(data),
            "page_url": table.get_absolute_url(),
        },
    )


def render_story(source: str) -> SafeString:
    """The story's Markdown as sanitised HTML, with each embed drawn from the current data."""
    token = secrets.token_hex(8)
    embeds: list[str] = []

    def hold(match: re.Match) -> str:
        embeds.append(match["body"])
        return f"\n\nEMBED{token}N{len(embeds) - 1}\n\n"

    html = str(render_markdown(_FENCE.sub(hold, source or "")))
    for number, block in enumerate(embeds):
        if number >= EMBED_MAX_PER_STORY:
            drawn = _notice(_("A story may hold at most %(count)s embeds.") % {"count": EMBED_MAX_PER_STORY})
        else:
            try:
                drawn = render_embed(parse_reference(block))
            except EmbedRefused as exc:
                drawn = _notice(str(exc))
        html = html.replace(f"<p>EMBED{token}N{number}</p>", str(drawn), 1)
    return mark_safe(html)
