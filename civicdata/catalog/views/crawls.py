"""Pages of the catalog completeness crawl (publishers' editors and site staff): start a crawl, follow
it, and start a draft dataset from a data file the catalog does not describe yet."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from civicdata.accounts import permissions as base_permissions
from civicdata.catalog import permissions, services
from civicdata.catalog.models import CatalogCrawl, CrawlFinding
from civicdata.core.errors import InvalidInput


class CrawlForm(forms.Form):
    publisher = forms.ModelChoiceField(queryset=None, label=gettext_lazy("Publisher"), empty_label=None)
    start_urls = forms.CharField(
        label=gettext_lazy("Web pages to start from"),
        help_text=gettext_lazy(
            "One address per line, for example your department's “Reports and data” page. The crawl reads "
            "pages on these sites only."
        ),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=5000,
    )

    def __init__(self, *args: object, publishers: list, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.fields["publisher"].queryset = type(publishers[0]).objects.filter(pk__in=[p.pk for p in publishers])


def _publishers(request: HttpRequest) -> list:
    base_permissions.ensure_signed_in(request.user)
    publishers = permissions.editable_publishers(request.user)
    if not publishers:
        raise base_permissions.ActionRefused(
            _("Only editors of a publisher can look for data files the catalog misses."), code="not_editor"
        )
    return publishers


@require_http_methods(["GET", "HEAD", "POST"])
def crawl_list(request: HttpRequest) -> HttpResponse:
    """Start a crawl, and the crawls of the person's publishers."""
    publishers = _publishers(request)
    form = CrawlForm(request.POST or None, publishers=publishers)
    if request.method == "POST" and form.is_valid():
        publisher = form.cleaned_data["publisher"]
        permissions.ensure_can_edit_for(request.user, publisher)
        try:
            run = services.start_crawl(
                publisher=publisher, start_urls=form.cleaned_data["start_urls"].splitlines(), by=request.user
            )
        except InvalidInput as exc:
            form.add_error("start_urls", exc.message)
        else:
            messages.success(request, _("The crawl has started; this page shows what it finds."))
            return redirect("catalog:crawl", pk=run.pk)
    crawls = CatalogCrawl.objects.filter(publisher__in=publishers).select_related("publisher")[:30]
    return render(request, "catalog/crawl_list.html", {"form": form, "crawls": crawls})


def _crawl_for(request: HttpRequest, pk: int) -> CatalogCrawl:
    base_permissions.ensure_signed_in(request.user)
    run = get_object_or_404(CatalogCrawl.objects.select_related("publisher"), pk=pk)
    permissions.ensure_can_see_harvests_of(request.user, run.publisher)
    return run


def crawl_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """What one crawl found: files the catalog misses first, then those it already has."""
    run = _crawl_for(request, pk)
    show_all = request.GET.get("show") == "all"
    findings = run.findings.select_related("dataset")
    missing = findings.filter(in_catalog=False).count()
    if not show_all:
        findings = findings.filter(in_catalog=False)
    context = {
        "crawl": run,
        "findings": findings[:1000],
        "missing_count": missing,
        "total_count": run.findings.count(),
        "show_all": show_all,
        "running": run.status in ("queued", "running"),
    }
    return render(request, "catalog/crawl_detail.html", context)


@require_POST
def crawl_draft(request: HttpRequest, pk: int, finding_pk: int) -> HttpResponse:
    """Start a draft dataset from one finding and open it for editing."""
    run = _crawl_for(request, pk)
    finding = get_object_or_404(CrawlFinding, pk=finding_pk, crawl=run)
    permissions.ensure_can_edit_for(request.user, run.publisher)
    dataset = services.start_draft_from_finding(finding, by=request.user)
    messages.success(request, _("A draft dataset was started from the file. Complete it, then publish it."))
    return redirect("catalog:dataset_edit", name=dataset.name)
