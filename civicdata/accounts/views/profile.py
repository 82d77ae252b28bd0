"""A person's own pages: profile and personal API tokens; the header's language switch."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views import i18n
from django.views.decorators.http import require_http_methods, require_POST

from civicdata.accounts import services
from civicdata.accounts.forms import ProfileForm, TokenForm
from civicdata.accounts.models import ApiToken


@require_POST
def switch_language(request: HttpRequest) -> HttpResponse:
    """The header's language switch: Django's `set_language` (the language cookie, back to `next`), and for
    a signed-in person also the language of their e-mails and notifications."""
    response = i18n.set_language(request)
    language = request.POST.get("language", "")
    if request.user.is_authenticated and language in dict(settings.LANGUAGES):
        services.set_language(request.user, language=language)
    return response


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def profile(request: HttpRequest) -> HttpResponse:
    form = ProfileForm(request.POST or None, instance=request.user)
    if request.method == "POST" and form.is_valid():
        services.update_profile(
            request.user,
            display_name=form.cleaned_data["display_name"],
            affiliation=form.cleaned_data["affiliation"],
            show_name_publicly=form.cleaned_data["show_name_publicly"],
            language=form.cleaned_data["language"],
        )
        messages.success(request, _("Your profile was saved."))
        return redirect("accounts:profile")
    memberships = request.user.memberships.select_related("organization")
    return render(request, "accounts/profile.html", {"form": form, "memberships": memberships})


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def tokens(request: HttpRequest) -> HttpResponse:
    form = TokenForm(request.POST or None)
    new_token = None
    if request.method == "POST" and form.is_valid():
        _token, new_token = services.issue_api_token(request.user, name=form.cleaned_data["name"])
        form = TokenForm()
    response = render(
        request,
        "accounts/tokens.html",
        {"form": form, "new_token": new_token, "tokens": request.user.api_tokens.all()},
    )
    # A page showing a secret is neither stored nor compressed (BREACH, see core.middleware).
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
@require_POST
def revoke_token(request: HttpRequest, pk: int) -> HttpResponse:
    token = get_object_or_404(ApiToken, pk=pk, user=request.user)
    services.revoke_api_token(token, by=request.user)
    messages.success(request, _("The token was revoked."))
    return redirect("accounts:tokens")
