"""The one helper that turns text written by people into safe HTML. Every template that shows
user-authored text uses it (through the `markdown` filter) or Django's autoescape, nothing else."""

from __future__ import annotations

import functools
import html as html_lib

import nh3
from django.utils.safestring import SafeString, mark_safe
from markdown_it import MarkdownIt

ALLOWED_TAGS = {
    "p", "br", "strong", "em", "code", "pre", "blockquote", "ul", "ol", "li", "a",
    "h2", "h3", "h4", "hr", "table", "thead", "tbody", "tr", "th", "td",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "th": {"scope"}, "td": set()}
ALLOWED_URL_SCHEMES = {"http", "https", "mailto"}


@functools.cache
def _parser() -> MarkdownIt:
    # Raw HTML in the source is not passed through: it is shown as text, then nh3 cleans the result.
    return MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False}).enable("table")


def render_markdown(source: str | None) -> SafeString:
    """Render Markdown written by a person into sanitised HTML; headings are shifted below the page's h1."""
    if not source:
        return mark_safe("")
    html = _parser().render(str(source))
    # A person's "# Heading" must not compete with the page title: shift h1 → h2 and cap at h4.
    for level in (6, 5, 4, 3, 2, 1):
        target = min(level + 1, 4)
        html = html.replace(f"<h{level}>", f"<h{target}>").replace(f"</h{level}>", f"</h{target}>")
    cleaned = nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=ALLOWED_URL_SCHEMES,
        link_rel="nofollow noopener ugc",
    )
    return mark_safe(cleaned)


def plain_text(source: str | None, *, limit: int | None = None) -> str:
    """Text with every tag removed, for summaries, e-mail subjects and feeds; escape it on output."""
    text = html_lib.unescape(nh3.clean(_parser().render(str(source or "")), tags=set())).strip()
    text = " ".join(text.split())
    if limit is not None and len(text) > limit:
        text = text[: max(0, limit - 1)].rstrip() + "…"
    return text
