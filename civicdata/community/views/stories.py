"""Data story pages: the list, one story with its live embeds, writing and editing, the review queue,
the Atom feed and the CSV download."""

from __future__ import annotations

from typing import Any

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
from ..embeds import render_story
from ..forms import DeclineForm, StoryForm, keys_of
from ..models import ModerationState, Story
from ._feeds import atom_response, csv_response

PAGE_SIZE = 20


def _filtered(request: HttpRequest) -> tuple[Any, dict[str, str]]:
    params = {key: request.GET.get(key, "").strip()[:100] for key in ("dataset", "organization")}
    stories = Story.objects.published()
    if params["dataset"]:
        stories = stories.filter(datasets__name=params["dataset"])
    if params["organization"]:
        stories = stories.filter(datasets__publisher__slug=params["organization"]).distinct()
    return stories, params


@require_safe
def story_list(request: HttpRequest) -> HttpResponse:
    stories, params = _filtered(request)
    page = Paginator(stories.only("title", "slug", "summary", "published_at"), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "community/story_list.html",
        {"page": page, "params": params, "can_moderate": permissions.can_moderate_submissions(request.user)},
    )


def _visible(request: HttpRequest, slug: str) -> Story:
    story = get_object_or_404(Story.objects.select_related("author"), slug=slug)
    if not permissions.can_view(request.user, story):
        raise Http404(_("No story found."))
    return story


@require_safe
def story_detail(request: HttpRequest, slug: str) -> HttpResponse:
    story = _visible(request, slug)
    return render(
        request,
        "community/story_detail.html",
        {
            "story": story,
            "body": render_story(story.body),
            "datasets": list(story.datasets.all()),
            "projects": list(story.projects.all()),
            "can_edit": permissions.can_edit(request.user, story),
            "can_moderate": permissions.can_moderate_submissions(request.user),
            "decline_form": DeclineForm(auto_id="decline_%s"),
        },
    )


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def story_edit(request: HttpRequest, slug: str = "") -> HttpResponse:
    """Write a new story (no slug) or change one. "Save draft" keeps it private; "Send for review" puts
    it in the queue (a moderator's own story is published at once)."""
    story = _visible(request, slug) if slug else None
    if story is not None:
        permissions.ensure_can_edit(request.user, story)
    else:
        permissions.ensure_can_submit(request.user)
    if request.method != "POST":
        if story is not None:
            initial = {
                "title": story.title,
                "summary": story.summary,
                "body": story.body,
                "datasets": keys_of(story.datasets.all()),
                "projects": keys_of(story.projects.all()),
                "event_url": story.event_url,
            }
        else:
            initial = {"datasets": request.GET.get("dataset", "")[:100]}
        return render(request, "community/story_form.html", {"form": StoryForm(initial=initial), "story": story})
    form = StoryForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        fields = {
            "title": data["title"],
            "summary": data["summary"],
            "body": data["body"],
            "datasets": data["datasets"],
            "projects": data["projects"],
            "event_url": data["event_url"],
            "submit": request.POST.get("action") == "submit",
        }
        try:
            if story is None:
                story = services.create_story(author=request.user, **fields)
            else:
                story = services.update_story(story, by=request.user, **fields)
        except InvalidInput as exc:
            add_to_form(form, exc)
        else:
            messages.success(request, _state_message(story))
            return redirect(story)
    return render(request, "community/story_form.html", {"form": form, "story": story}, status=400)


def _state_message(item: Any) -> str:
    if item.state == ModerationState.UNDER_REVIEW:
        return _("Thank you. It is waiting for review; you will hear by e-mail once it is decided.")
    if item.state == ModerationState.PUBLISHED:
        return _("It is published.")
    return _("Draft saved. Only you and the reviewers can see it.")


@require_POST
def story_moderate(request: HttpRequest, slug: str) -> HttpResponse:
    """Publish or decline a story (site staff). A decline without a reason comes back with what was typed."""
    story = _visible(request, slug)
    permissions.ensure_can_moderate_submissions(request.user)
    if request.POST.get("action") == "publish":
        services.publish_story(story, by=request.user)
        messages.success(request, _("The story is published and its author was told."))
        return redirect(story)
    form = DeclineForm(request.POST, auto_id="decline_%s")
    if form.is_valid():
        services.decline_story(story, by=request.user, reason=form.cleaned_data["reason"])
        messages.success(request, _("The story was declined and its author received the reason."))
        return redirect(reverse("community:story_review"))
    return render(
        request,
        "community/story_detail.html",
        {
            "story": story,
            "body": render_story(story.body),
            "datasets": list(story.datasets.all()),
            "projects": list(story.projects.all()),
            "can_edit": True,
            "can_moderate": True,
            "decline_form": form,
        },
        status=400,
    )


@login_required
@require_safe
def story_review(request: HttpRequest) -> HttpResponse:
    """The moderation queue of stories (site staff)."""
    permissions.ensure_can_moderate_submissions(request.user)
    waiting = (
        Story.objects.filter(state=ModerationState.UNDER_REVIEW).select_related("author").order_by("submitted_at", "pk")
    )
    return render(request, "community/story_review.html", {"stories": list(waiting[:200])})


@login_required
@require_safe
def my_stories(request: HttpRequest) -> HttpResponse:
    """A person's own stories in every state, with the reason of any decline."""
    mine = Story.objects.filter(author=request.user).order_by("-updated_at", "-pk")
    return render(request, "community/story_mine.html", {"stories": list(mine[:200])})


@require_safe
def story_feed(request: HttpRequest) -> HttpResponse:
    stories = Story.objects.published().order_by("-published_at", "-pk")[:50]
    return atom_response(
        request,
        title=_("Data stories"),
        description=_("Stories told with the city's open data."),
        link=reverse("community:stories"),
        feed_url=reverse("community:story_feed"),
        items=stories,
        summary=lambda story: story.summary or story.body,
    )


@require_safe
def story_csv(request: HttpRequest) -> HttpResponse:
    """Every published story with its linked datasets (no personal data)."""
    stories = Story.objects.published().order_by("pk").prefetch_related("datasets", "projects")
    site = request.build_absolute_uri("/").rstrip("/")
    rows = (
        (
            s.pk,
            s.title,
            s.summary,
            site + s.get_absolute_url(),
            s.published_at.isoformat(),
            " ".join(d.name for d in s.datasets.all()),
            " ".join(p.slug for p in s.projects.all()),
        )
        for s in stories.iterator(chunk_size=500)
    )
    return csv_response("stories.csv", ["id", "title", "summary", "url", "published_at", "datasets", "projects"], rows)
