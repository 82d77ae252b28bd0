"""Public pages of the demand app: the request list, a request, asking for data, voting, following,
commenting, reporting, the priorities page, notifications, the Atom feed and CSV downloads.

Staff pages (triage, moderation, imports, metrics, priorities) are in `staff.py`.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect, StreamingHttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed
from django.utils.html import escape
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from civicdata.accounts.models import Organization
from civicdata.core import spreadsheet
from civicdata.core.errors import Conflict, InvalidInput
from civicdata.core.text import plain_text
from civicdata.demand import permissions, queries, services
from civicdata.demand.forms import CommentForm, PreferenceForm, ReportForm, RequestForm
from civicdata.demand.models import (
    OPEN_STATUSES,
    Comment,
    DataRequest,
    EmailMode,
    Follow,
    Notification,
    NotificationPreference,
    RequestStatus,
    Vote,
)
from civicdata.demand.registry import render_request_panels

PAGE_SIZE = 25


def _page_querystring(request: HttpRequest) -> str:
    params = request.GET.copy()
    params.pop("page", None)
    return params.urlencode()


@require_safe
def request_list(request: HttpRequest) -> HttpResponse:
    """The public list with search, filters and sorts; a bounded number of queries per page."""
    params = {key: request.GET.get(key, "") for key in ("q", "status", "topic", "publisher", "sort")}
    params["sort"] = params["sort"] if params["sort"] in queries.SORTS else "votes"
    listing = queries.filter_requests(queries.public_requests().select_related("publisher"), **params)
    page = Paginator(listing, PAGE_SIZE).get_page(request.GET.get("page"))
    voted: set[int] = set()
    if request.user.is_authenticated:
        voted = set(
            Vote.objects.filter(voter=request.user, request_id__in=[r.pk for r in page]).values_list(
                "request_id", flat=True
            )
        )
    topics = DataRequest.objects.exclude(topic="").values_list("topic", flat=True).distinct().order_by("topic")[:100]
    publishers = Organization.objects.filter(data_requests__isnull=False).distinct().order_by("name")
    return render(
        request,
        "demand/request_list.html",
        {
            "page": page,
            "params": params,
            "voted": voted,
            "topics": list(topics),
            "publishers": list(publishers),
            "statuses": RequestStatus.choices,
            "querystring": _page_querystring(request),
            "sorts": [("votes", _("Most votes")), ("new", _("Newest")), ("updated", _("Recently updated"))],
        },
    )


def _visible_request(request: HttpRequest, pk: int) -> DataRequest:
    data_request = get_object_or_404(
        DataRequest.objects.select_related("publisher", "assigned_publisher", "owner", "requester", "merged_into"),
        pk=pk,
    )
    if not permissions.can_see_request(request.user, data_request):
        raise Http404
    return data_request


# Each form of the request page gets its own ids, so an error summary links to the right field.
FORM_IDS = {
    "comment_form": "id_comment_%s",
    "report_form": "id_report_%s",
    "status_form": "id_status_%s",
    "assign_form": "id_assign_%s",
    "note_form": "id_note_%s",
    "merge_form": "id_merge_%s",
}


@require_safe
def request_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return render_request_detail(request, _visible_request(request, pk))


def render_request_detail(
    request: HttpRequest, data_request: DataRequest, *, status: int = 200, **bound: Any
) -> HttpResponse:
    """The request page. A form posted with errors comes back in `bound` (e.g. `status_form=`) and is shown
    with its error summary and everything the person typed, instead of a fresh one."""
    from civicdata.demand.forms import AssignForm, MergeForm, NoteForm, StatusForm

    user = request.user
    staff = permissions.can_triage(user, data_request)
    comments = data_request.comments.select_related("author")
    if not (staff or permissions.can_moderate(user)):
        comments = comments.filter(is_hidden=False)
    context: dict[str, Any] = {
        "req": data_request,
        "comments": list(comments),
        "history": list(data_request.status_changes.select_related("by")),
        "datasets": list(data_request.fulfilling_datasets.all()),
        "has_voted": user.is_authenticated and Vote.objects.filter(request=data_request, voter=user).exists(),
        "is_following": user.is_authenticated and Follow.objects.filter(request=data_request, user=user).exists(),
        "can_vote": permissions.can_vote(user, data_request),
        "is_staff": staff,
        "comment_form": bound.get("comment_form") or CommentForm(auto_id=FORM_IDS["comment_form"]),
        "report_form": bound.get("report_form") or ReportForm(auto_id=FORM_IDS["report_form"]),
        "similar": queries.similar_open_requests(data_request.title, exclude=data_request.pk, limit=3),
        "request_panels": render_request_panels(request, data_request),
    }
    if staff:
        context.update(
            notes=list(data_request.internal_notes.select_related("author")),
            status_form=bound.get("status_form")
            or StatusForm(
                request_obj=data_request,
                initial={"to_status": data_request.status, "target_date": data_request.target_date},
                auto_id=FORM_IDS["status_form"],
            ),
            assign_form=bound.get("assign_form")
            or AssignForm(
                initial={"assigned_publisher": data_request.assigned_publisher, "owner": data_request.owner},
                auto_id=FORM_IDS["assign_form"],
            ),
            note_form=bound.get("note_form") or NoteForm(auto_id=FORM_IDS["note_form"]),
            merge_form=bound.get("merge_form") or MergeForm(request_obj=data_request, auto_id=FORM_IDS["merge_form"]),
        )
    return render(request, "demand/request_detail.html", context, status=status)


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def request_new(request: HttpRequest) -> HttpResponse:
    """Two steps without JavaScript: check (show similar requests and datasets), then submit."""
    if request.method == "GET":
        form = RequestForm(initial={"requester_type": getattr(request.user, "affiliation", "")})
        return render(request, "demand/request_new.html", {"form": form, "step": 1})
    form = RequestForm(request.POST)
    if form.is_bot:
        # Pretend success so bots learn nothing; nothing is stored.
        messages.success(request, _("Thank you, your request was received."))
        return HttpResponseRedirect(reverse("demand:list"))
    if not form.is_valid():
        return render(request, "demand/request_new.html", {"form": form, "step": 1}, status=400)
    data = form.cleaned_data
    text = f"{data['title']} {data['description']}"
    if request.POST.get("step") != "submit":
        return render(
            request,
            "demand/request_new.html",
            {
                "form": form,
                "step": 2,
                "similar": queries.similar_open_requests(text),
                "datasets": queries.matching_datasets(text),
            },
        )
    try:
        created = services.create_request(
            by=request.user,
            title=data["title"],
            description=data["description"],
            intended_use=data["intended_use"],
            requester_type=data["requester_type"],
            publisher=data["publisher"],
            topic=data["topic"],
        )
    except InvalidInput as exc:
        form.add_error(None, exc.message)
        return render(request, "demand/request_new.html", {"form": form, "step": 1}, status=400)
    messages.success(request, _("Your request is published. You will hear about every change."))
    return HttpResponseRedirect(created.get_absolute_url())


def _back(request: HttpRequest, data_request: DataRequest) -> HttpResponseRedirect:
    """Back to the page the form was on, if it is on this site; otherwise the request page."""
    target = request.POST.get("next", "")
    if target.startswith("/") and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return HttpResponseRedirect(target)
    return HttpResponseRedirect(data_request.get_absolute_url())


@login_required
@require_POST
def request_vote(request: HttpRequest, pk: int) -> HttpResponse:
    data_request = _visible_request(request, pk)
    if request.POST.get("action") == "unvote":
        services.unvote(data_request, by=request.user)
        messages.info(request, _("Your vote was withdrawn."))
    else:
        added = services.vote(data_request, by=request.user)
        messages.success(request, _("Thank you for your vote.") if added else _("You had already voted."))
    return _back(request, data_request)


@login_required
@require_POST
def request_follow(request: HttpRequest, pk: int) -> HttpResponse:
    data_request = _visible_request(request, pk)
    if request.POST.get("action") == "unfollow":
        services.unfollow(data_request, by=request.user)
        messages.info(request, _("You no longer follow this request."))
    else:
        services.follow(data_request, by=request.user)
        messages.success(request, _("You follow this request."))
    return _back(request, data_request)


@login_required
@require_POST
def request_comment(request: HttpRequest, pk: int) -> HttpResponse:
    data_request = _visible_request(request, pk)
    form = CommentForm(request.POST, auto_id=FORM_IDS["comment_form"])
    if form.is_valid():
        try:
            services.add_comment(data_request, by=request.user, body=form.cleaned_data["body"])
        except InvalidInput as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("Your comment was added."))
            return HttpResponseRedirect(data_request.get_absolute_url() + "#comments")
    return render_request_detail(request, data_request, status=400, comment_form=form)


@login_required
@require_POST
def report(request: HttpRequest, pk: int) -> HttpResponse:
    data_request = _visible_request(request, pk)
    form = ReportForm(request.POST, auto_id=FORM_IDS["report_form"])
    comment = None
    if request.POST.get("comment"):
        comment = get_object_or_404(Comment, pk=request.POST["comment"], request=data_request)
    if form.is_valid():
        try:
            services.report_content(
                by=request.user,
                reason=form.cleaned_data["reason"],
                note=form.cleaned_data["note"],
                request=None if comment else data_request,
                comment=comment,
            )
            messages.success(request, _("Thank you. Moderators will look at it."))
        except Conflict as exc:
            messages.info(request, exc.message)
    else:
        messages.error(request, _("Choose what is wrong."))
    return HttpResponseRedirect(data_request.get_absolute_url())


@require_safe
def priorities(request: HttpRequest) -> HttpResponse:
    """Kickstart parity: suggested priorities (open requests, by votes) and existing datasets, together."""
    from civicdata.catalog.models import PUBLIC_LEVELS, Dataset

    q = request.GET.get("q", "")
    open_requests = queries.filter_requests(
        queries.public_requests().filter(status__in=OPEN_STATUSES, merged_into__isnull=True), q=q, sort="votes"
    )[:30]
    open_requests = list(open_requests)
    datasets = Dataset.objects.filter(is_published=True, withdrawn_at__isnull=True, access_level__in=PUBLIC_LEVELS)
    if q.strip():
        for word in q.split()[:6]:
            datasets = datasets.filter(title__icontains=word)
    datasets = list(
        datasets.order_by("-view_count", "title").only("pk", "name", "identifier", "title", "view_count")[:30]
    )
    voted: set[int] = set()
    if request.user.is_authenticated:
        voted = set(
            Vote.objects.filter(voter=request.user, request_id__in=[r.pk for r in open_requests]).values_list(
                "request_id", flat=True
            )
        )
    return render(
        request, "demand/priorities.html", {"requests": open_requests, "datasets": datasets, "voted": voted, "q": q}
    )


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def notifications(request: HttpRequest) -> HttpResponse:
    """A person's notices and their e-mail preference."""
    preference = NotificationPreference.objects.filter(user=request.user).first()
    mode = preference.email_mode if preference else EmailMode.DAILY
    if request.method == "POST":
        if request.POST.get("action") == "read":
            services.mark_notifications_read(user=request.user)
            messages.success(request, _("All notifications are marked as read."))
        else:
            form = PreferenceForm(request.POST)
            if form.is_valid():
                services.set_email_mode(user=request.user, mode=form.cleaned_data["email_mode"])
                messages.success(request, _("Your e-mail preference is saved."))
        return HttpResponseRedirect(reverse("demand:notifications"))
    notices = Notification.objects.filter(recipient=request.user).select_related("request")[:100]
    return render(
        request,
        "demand/notifications.html",
        {"notices": notices, "form": PreferenceForm(initial={"email_mode": mode})},
    )


@require_safe
def feed(request: HttpRequest) -> HttpResponse:
    """Atom feed of status changes on public requests, newest first."""
    from civicdata.demand.models import StatusChange

    site = request.build_absolute_uri("/").rstrip("/")
    atom = Atom1Feed(
        title=_("Data requests"),
        link=site + reverse("demand:list"),
        description=_("New data requests and every change of status."),
        feed_url=site + reverse("demand:feed"),
        language=request.LANGUAGE_CODE,
    )
    changes = (
        StatusChange.objects.filter(request__is_hidden=False)
        .select_related("request")
        .order_by("-created_at", "-pk")[:50]
    )
    for change in changes:
        req = change.request
        atom.add_item(
            title=f"{req.title} — {change.get_to_status_display()}",
            link=site + req.get_absolute_url(),
            # Atom's summary is typed html: escape the plain text so readers show it, never run it.
            description=escape(plain_text(change.message or req.description, limit=500)),
            pubdate=change.created_at,
            updateddate=change.created_at,
            unique_id=f"{site}{req.get_absolute_url()}#status-{change.pk}",
        )
    return HttpResponse(atom.writeString("utf-8"), content_type="application/atom+xml; charset=utf-8")


def csv_response(filename: str, header: list[str], rows: Any) -> StreamingHttpResponse:
    """Stream a CSV download (engagement data is open by default); people's text stays text."""
    chunks = (chunk.encode("utf-8") for chunk in spreadsheet.csv_chunks(header, rows))
    response = StreamingHttpResponse(chunks, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@require_safe
def requests_csv(request: HttpRequest) -> StreamingHttpResponse:
    """Every public request with its counts and status, no personal data."""
    rows = (
        queries.public_requests()
        .order_by("pk")
        .values_list(
            "pk",
            "title",
            "status",
            "requester_type",
            "topic",
            "publisher__name",
            "vote_count",
            "follower_count",
            "comment_count",
            "created_at",
            "first_response_at",
            "closed_at",
            "target_date",
            "decline_reason",
        )
        .iterator(chunk_size=2000)
    )
    header = [
        "id",
        "title",
        "status",
        "requester_type",
        "topic",
        "publisher",
        "votes",
        "followers",
        "comments",
        "created_at",
        "first_response_at",
        "closed_at",
        "target_date",
        "decline_reason",
    ]
    return csv_response("data-requests.csv", header, rows)
