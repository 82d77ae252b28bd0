"""Release announcement pages: the news list, one announcement, writing and publishing (staff and
publishers' editors), and the Atom feed."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from civicdata.core.errors import InvalidInput, add_to_form

from .. import permissions, services
from ..forms import AnnouncementForm, keys_of
from ..models import Announcement, AnnouncementState
from ._feeds import atom_response

PAGE_SIZE = 20


@require_safe
def news_list(request: HttpRequest) -> HttpResponse:
    page = Paginator(Announcement.objects.published(), PAGE_SIZE).get_page(request.GET.get("page"))
    can_post = permissions.can_post_news(request.user)
    drafts = (
        list(Announcement.objects.filter(state=AnnouncementState.DRAFT).order_by("-created_at")[:50])
        if can_post
        else []
    )
    return render(request, "community/news_list.html", {"page": page, "can_post": can_post, "drafts": drafts})


@require_safe
def news_detail(request: HttpRequest, slug: str) -> HttpResponse:
    announcement = get_object_or_404(Announcement, slug=slug)
    can_post = permissions.can_post_news(request.user)
    if announcement.state != AnnouncementState.PUBLISHED and not can_post:
        raise Http404(_("No announcement found."))
    return render(
        request,
        "community/news_detail.html",
        {
            "announcement": announcement,
            "body": services.render_announcement(announcement.body),
            "datasets": list(announcement.datasets.all()),
            "data_requests": list(announcement.data_requests.all()),
            "can_post": can_post,
        },
    )


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def news_edit(request: HttpRequest, slug: str = "") -> HttpResponse:
    permissions.ensure_can_post_news(request.user)
    announcement = get_object_or_404(Announcement, slug=slug) if slug else None
    if request.method != "POST":
        initial = {}
        if announcement is not None:
            initial = {
                "title": announcement.title,
                "body": announcement.body,
                "datasets": keys_of(announcement.datasets.all()),
            }
        form = AnnouncementForm(initial=initial)
        return render(request, "community/news_form.html", {"form": form, "announcement": announcement})
    form = AnnouncementForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        publish = request.POST.get("action") == "publish"
        try:
            if announcement is None:
                announcement = services.create_announcement(
                    by=request.user, title=data["title"], body=data["body"], datasets=data["datasets"], publish=publish
                )
            else:
                announcement = services.update_announcement(
                    announcement,
                    by=request.user,
                    title=data["title"],
                    body=data["body"],
                    datasets=data["datasets"],
                    data_requests=list(announcement.data_requests.all()),
                    publish=publish,
                )
        except InvalidInput as exc:
            add_to_form(form, exc)
        else:
            messages.success(request, _("Published.") if publish else _("Draft saved."))
            return redirect(announcement)
    return render(request, "community/news_form.html", {"form": form, "announcement": announcement}, status=400)


@require_POST
def news_publish(request: HttpRequest, slug: str) -> HttpResponse:
    announcement = get_object_or_404(Announcement, slug=slug)
    services.publish_announcement(announcement, by=request.user)
    messages.success(request, _("Published."))
    return redirect(announcement)


@require_safe
def news_feed(request: HttpRequest) -> HttpResponse:
    return atom_response(
        request,
        title=_("News: data releases"),
        description=_("Datasets published and updated, and the data requests they answer."),
        link=reverse("community:news"),
        feed_url=reverse("community:news_feed"),
        items=Announcement.objects.published().order_by("-published_at", "-pk")[:50],
        summary=lambda item: item.body,
    )
