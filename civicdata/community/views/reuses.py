"""Reuse showcase pages: the list (featured first; by dataset, organisation, request or kind), one reuse,
submitting and editing with a picture, the moderation queue, featuring, the picture itself and the CSV."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Prefetch
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from civicdata.core.errors import InvalidInput, add_to_form

from .. import permissions, services
from ..forms import DeclineForm, ReuseForm, keys_of
from ..models import ModerationState, Reuse, ReuseImage, ReuseKind
from ..services.reuses import MAX_IMAGE_BYTES
from ._feeds import csv_response
from .stories import _state_message

PAGE_SIZE = 24


def _filtered(request: HttpRequest) -> tuple[Any, dict[str, str]]:
    params = {key: request.GET.get(key, "").strip()[:100] for key in ("dataset", "organization", "request", "kind")}
    reuses = Reuse.objects.published()
    if params["dataset"]:
        reuses = reuses.filter(datasets__name=params["dataset"])
    if params["organization"]:
        reuses = reuses.filter(datasets__publisher__slug=params["organization"]).distinct()
    if params["request"].isdigit():
        reuses = reuses.filter(data_requests__pk=int(params["request"]))
    if params["kind"] in ReuseKind.values:
        reuses = reuses.filter(kind=params["kind"])
    return reuses, params


@require_safe
def reuse_list(request: HttpRequest) -> HttpResponse:
    reuses, params = _filtered(request)
    listing = (
        reuses.order_by("-featured", "-published_at", "-id")
        .only("title", "kind", "url", "description", "featured", "published_at")
        .prefetch_related(
            Prefetch("image", queryset=ReuseImage.objects.only("reuse_id", "width", "height", "alt_text", "updated_at"))
        )
    )
    page = Paginator(listing, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "community/reuse_list.html",
        {
            "page": page,
            "params": params,
            "kinds": ReuseKind.choices,
            "can_moderate": permissions.can_moderate_submissions(request.user),
        },
    )


def _visible(request: HttpRequest, pk: int) -> Reuse:
    reuse = get_object_or_404(Reuse.objects.select_related("submitter"), pk=pk)
    if not permissions.can_view(request.user, reuse):
        raise Http404(_("No reuse found."))
    return reuse


def _detail_context(request: HttpRequest, reuse: Reuse, decline_form: DeclineForm | None = None) -> dict[str, Any]:
    return {
        "reuse": reuse,
        "image": ReuseImage.objects.filter(reuse=reuse).only("width", "height", "alt_text", "updated_at").first(),
        "datasets": list(reuse.datasets.all()),
        "data_requests": list(reuse.data_requests.all()),
        "can_edit": permissions.can_edit(request.user, reuse),
        "can_moderate": permissions.can_moderate_submissions(request.user),
        "decline_form": decline_form or DeclineForm(auto_id="decline_%s"),
    }


@require_safe
def reuse_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return render(request, "community/reuse_detail.html", _detail_context(request, _visible(request, pk)))


@require_safe
def reuse_image(request: HttpRequest, pk: int) -> HttpResponse:
    """The reuse's re-encoded picture, for whoever may see the reuse."""
    reuse = _visible(request, pk)
    image = get_object_or_404(ReuseImage, reuse=reuse)
    response = HttpResponse(bytes(image.data), content_type=image.content_type)
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'"
    response["Cache-Control"] = (
        "public, max-age=3600" if reuse.state == ModerationState.PUBLISHED else "private, no-store"
    )
    return response


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def reuse_edit(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    """Submit a reuse (no pk) or change one. "Save draft" keeps it private; "Send for review" queues it."""
    reuse = _visible(request, pk) if pk else None
    if reuse is not None:
        permissions.ensure_can_edit(request.user, reuse)
    else:
        permissions.ensure_can_submit(request.user)
    if request.method != "POST":
        if reuse is not None:
            image = ReuseImage.objects.filter(reuse=reuse).only("alt_text").first()
            initial = {
                "title": reuse.title,
                "kind": reuse.kind,
                "url": reuse.url,
                "description": reuse.description,
                "datasets": keys_of(reuse.datasets.all()),
                "data_requests": keys_of(reuse.data_requests.all()),
                "image_alt": image.alt_text if image else "",
            }
        else:
            initial = {
                "datasets": request.GET.get("dataset", "")[:100],
                "data_requests": request.GET.get("request", "")[:12],
            }
        return render(request, "community/reuse_form.html", {"form": ReuseForm(initial=initial), "reuse": reuse})
    form = ReuseForm(request.POST, request.FILES)
    if form.is_valid():
        data = form.cleaned_data
        upload = data.get("image")
        if upload is not None and upload.size > MAX_IMAGE_BYTES:
            form.add_error("image", _("The picture is larger than 5 MB."))
        else:
            fields = {
                "title": data["title"],
                "kind": data["kind"],
                "description": data["description"],
                "url": data["url"],
                "datasets": data["datasets"],
                "data_requests": data["data_requests"],
                "image": upload.read() if upload is not None else None,
                "image_alt": data["image_alt"],
                "submit": request.POST.get("action") == "submit",
            }
            try:
                if reuse is None:
                    reuse = services.create_reuse(submitter=request.user, **fields)
                else:
                    reuse = services.update_reuse(reuse, by=request.user, **fields)
            except InvalidInput as exc:
                add_to_form(form, exc)
            else:
                messages.success(request, _state_message(reuse))
                return redirect(reuse)
    return render(request, "community/reuse_form.html", {"form": form, "reuse": reuse}, status=400)


@require_POST
def reuse_moderate(request: HttpRequest, pk: int) -> HttpResponse:
    """Publish, decline (with a reason), feature or stop featuring a reuse (site staff)."""
    reuse = _visible(request, pk)
    permissions.ensure_can_moderate_submissions(request.user)
    action = request.POST.get("action", "")
    if action == "publish":
        services.publish_reuse(reuse, by=request.user)
        messages.success(request, _("The reuse is published; its author and the data's publishers were told."))
        return redirect(reuse)
    if action in ("feature", "unfeature"):
        try:
            services.set_featured(reuse, by=request.user, featured=action == "feature")
        except InvalidInput as exc:
            messages.error(request, exc.message)
        return redirect(reuse)
    form = DeclineForm(request.POST, auto_id="decline_%s")
    if form.is_valid():
        services.decline_reuse(reuse, by=request.user, reason=form.cleaned_data["reason"])
        messages.success(request, _("The reuse was declined and its author received the reason."))
        return redirect(reverse("community:reuse_review"))
    return render(request, "community/reuse_detail.html", _detail_context(request, reuse, form), status=400)


@login_required
@require_safe
def reuse_review(request: HttpRequest) -> HttpResponse:
    """The moderation queue of reuses (site staff)."""
    permissions.ensure_can_moderate_submissions(request.user)
    waiting = (
        Reuse.objects.filter(state=ModerationState.UNDER_REVIEW)
        .select_related("submitter")
        .order_by("submitted_at", "pk")
    )
    return render(request, "community/reuse_review.html", {"reuses": list(waiting[:200])})


@login_required
@require_safe
def my_reuses(request: HttpRequest) -> HttpResponse:
    """A person's own reuses in every state, with the reason of any decline."""
    mine = Reuse.objects.filter(submitter=request.user).order_by("-updated_at", "-pk")
    return render(request, "community/reuse_mine.html", {"reuses": list(mine[:200])})


@require_safe
def reuse_csv(request: HttpRequest) -> HttpResponse:
    """Every published reuse with the datasets it uses and the requests it answers (no personal data)."""
    reuses = Reuse.objects.published().order_by("pk").prefetch_related("datasets", "data_requests")
    site = request.build_absolute_uri("/").rstrip("/")
    rows = (
        (
            r.pk,
            r.title,
            r.kind,
            r.url,
            site + r.get_absolute_url(),
            r.featured,
            r.published_at.isoformat(),
            " ".join(d.name for d in r.datasets.all()),
            " ".join(str(q.pk) for q in r.data_requests.all()),
        )
        for r in reuses.iterator(chunk_size=500)
    )
    header = ["id", "title", "kind", "link", "url", "featured", "published_at", "datasets", "data_requests"]
    return csv_response("reuses.csv", header, rows)
