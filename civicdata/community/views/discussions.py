"""Dataset discussion pages: the list with the "ask a question" form, one discussion with its answers,
and the actions on it (answer, resolve, follow, flag, moderate)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from civicdata.community import permissions, services
from civicdata.community.forms import DiscussionForm, ReplyForm
from civicdata.community.models import Discussion, DiscussionFollow, DiscussionPost, DiscussionStatus, FlagOutcome
from civicdata.community.views._common import back, visible_dataset
from civicdata.core.errors import Conflict, InvalidInput, add_to_form

PAGE_SIZE = 25


@require_safe
def discussion_list(request: HttpRequest, name: str) -> HttpResponse:
    dataset = visible_dataset(request, name)
    return render_list(request, dataset)


def render_list(
    request: HttpRequest, dataset: Any, *, form: DiscussionForm | None = None, status: int = 200
) -> HttpResponse:
    discussions = Discussion.objects.filter(dataset=dataset)
    chosen = request.GET.get("status", "")
    if chosen in DiscussionStatus.values:
        discussions = discussions.filter(status=chosen)
    context = {
        "dataset": dataset,
        "page": Paginator(discussions.select_related("dataset"), PAGE_SIZE).get_page(request.GET.get("page")),
        "status": chosen,
        "statuses": DiscussionStatus.choices,
        "form": form or DiscussionForm(),
    }
    return render(request, "community/discussion_list.html", context, status=status)


@login_required
@require_POST
def discussion_new(request: HttpRequest, name: str) -> HttpResponse:
    dataset = visible_dataset(request, name)
    form = DiscussionForm(request.POST)
    if form.is_valid():
        try:
            discussion = services.start_discussion(
                dataset, by=request.user, title=form.cleaned_data["title"], body=form.cleaned_data["body"]
            )
        except InvalidInput as exc:
            add_to_form(form, exc)
        else:
            messages.success(request, _("Your question is posted. You will hear when someone answers."))
            return HttpResponseRedirect(discussion.get_absolute_url())
    return render_list(request, dataset, form=form, status=400)


def _discussion(request: HttpRequest, name: str, pk: int) -> Discussion:
    dataset = visible_dataset(request, name)
    return get_object_or_404(Discussion.objects.select_related("dataset__publisher"), pk=pk, dataset=dataset)


@require_safe
def discussion_detail(request: HttpRequest, name: str, pk: int) -> HttpResponse:
    return render_detail(request, _discussion(request, name, pk))


def render_detail(
    request: HttpRequest, discussion: Discussion, *, form: ReplyForm | None = None, status: int = 200
) -> HttpResponse:
    """A discussion; hidden posts stay visible to moderators only (marked), as in the demand app."""
    user = request.user
    moderator = permissions.can_moderate_posts(user)
    posts = discussion.posts.select_related("author")
    if not moderator:
        posts = posts.filter(is_hidden=False)
    context = {
        "discussion": discussion,
        "dataset": discussion.dataset,
        "posts": list(posts),
        "form": form or ReplyForm(),
        "can_answer_officially": permissions.can_answer_officially(user, discussion.dataset),
        "can_change": permissions.can_change_discussion(user, discussion),
        "is_moderator": moderator,
        "is_following": user.is_authenticated
        and DiscussionFollow.objects.filter(discussion=discussion, user=user).exists(),
    }
    return render(request, "community/discussion_detail.html", context, status=status)


@login_required
@require_POST
def discussion_reply(request: HttpRequest, name: str, pk: int) -> HttpResponse:
    discussion = _discussion(request, name, pk)
    form = ReplyForm(request.POST)
    if form.is_valid():
        try:
            services.reply(
                discussion,
                by=request.user,
                body=form.cleaned_data["body"],
                as_publisher=form.cleaned_data["as_publisher"],
            )
        except InvalidInput as exc:
            add_to_form(form, exc)
        else:
            messages.success(request, _("Your answer is posted."))
            return HttpResponseRedirect(discussion.get_absolute_url() + "#answers")
    return render_detail(request, discussion, form=form, status=400)


@login_required
@require_POST
def discussion_status(request: HttpRequest, name: str, pk: int) -> HttpResponse:
    discussion = _discussion(request, name, pk)
    try:
        services.set_discussion_status(discussion, by=request.user, status=request.POST.get("status", ""))
    except InvalidInput as exc:
        messages.error(request, exc.message)
    else:
        messages.success(
            request, _("The discussion is marked %(status)s.") % {"status": discussion.get_status_display()}
        )
    return HttpResponseRedirect(discussion.get_absolute_url())


@login_required
@require_POST
def discussion_follow(request: HttpRequest, name: str, pk: int) -> HttpResponse:
    discussion = _discussion(request, name, pk)
    if request.POST.get("action") == "unfollow":
        services.unfollow_discussion(discussion, by=request.user)
        messages.info(request, _("You no longer follow this discussion."))
    else:
        services.follow_discussion(discussion, by=request.user)
        messages.success(request, _("You follow this discussion."))
    return back(request, discussion.get_absolute_url())


def _post(request: HttpRequest, name: str, pk: int, post_pk: int) -> DiscussionPost:
    discussion = _discussion(request, name, pk)
    return get_object_or_404(
        DiscussionPost.objects.select_related("discussion__dataset"), pk=post_pk, discussion=discussion
    )


@login_required
@require_POST
def post_flag(request: HttpRequest, name: str, pk: int, post_pk: int) -> HttpResponse:
    post = _post(request, name, pk, post_pk)
    try:
        services.flag_post(post, by=request.user, reason=request.POST.get("reason", ""))
    except Conflict as exc:
        messages.info(request, exc.message)
    else:
        messages.success(request, _("Thank you. A moderator will look at it."))
    return HttpResponseRedirect(post.discussion.get_absolute_url())


@login_required
@require_POST
def post_moderate(request: HttpRequest, name: str, pk: int, post_pk: int) -> HttpResponse:
    post = _post(request, name, pk, post_pk)
    outcome = request.POST.get("outcome", "")
    services.moderate_post(post, by=request.user, outcome=outcome)
    messages.success(
        request, _("The message is hidden.") if outcome == FlagOutcome.REMOVED else _("The message is shown.")
    )
    return HttpResponseRedirect(post.discussion.get_absolute_url())
