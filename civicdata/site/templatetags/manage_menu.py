"""`{% manage_links as links %}` in the page shell: the person's "Manage" menu (see civicdata/site/manage.py)."""

from __future__ import annotations

from django import template

from civicdata.site.manage import ManageLink, manage_links

register = template.Library()


@register.simple_tag(takes_context=True, name="manage_links")
def manage_links_tag(context: template.Context) -> list[dict]:
    """The menu's links, each marked current when the page is that tool; memoised on the request."""
    request = context.get("request")
    if request is None:
        return []
    links: list[ManageLink] | None = getattr(request, "_manage_links", None)
    if links is None:
        links = manage_links(getattr(request, "user", None))
        request._manage_links = links
    return [{"url": link.url, "label": link.label, "current": link.url == request.path} for link in links]
