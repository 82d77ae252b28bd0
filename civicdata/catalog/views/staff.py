"""Staff pages of the catalog: dataset create/edit, release checklist and publishing, revision history,
usage notes, the publisher dashboard and harvest sources with their runs."""

from __future__ import annotations

import json

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from civicdata.accounts import permissions as base_permissions
from civicdata.accounts.models import Organization
from civicdata.catalog import permissions, records, release, services, tasks
from civicdata.catalog.dashboard import publisher_figures, trend
from civicdata.catalog.forms import (
    MAIN_FIELDS,
    MORE_FIELDS,
    CatalogUploadForm,
    DatasetForm,
    HarvestSourceForm,
    ReleaseChecklistForm,
)
from civicdata.catalog.models import AccessLevel, Dataset, HarvestRun, HarvestSource
from civicdata.catalog.publishing import organization_tree_ids
from civicdata.catalog.registry import render_dashboard_panels
from civicdata.catalog.tools.validation.profiles import PROFILES
from civicdata.core.errors import Conflict, InvalidInput
from civicdata.core.templatetags.civic import uswds_filter

_DIST_FIELDS = ("title", "url", "kind", "media_type", "format")


def _add_inline_checks(form: DatasetForm, *, dataset: Dataset | None) -> None:
    """Make each dataset-level field check itself when the person leaves it: htmx posts the whole form
    to `dataset_field_check` and swaps in the field with its message."""
    check_url = reverse("catalog:dataset_field_check")
    extra = {"_dataset": dataset.name} if dataset is not None else {}
    for name in (*MAIN_FIELDS, *MORE_FIELDS):
        if name in form.fields:
            form.fields[name].widget.attrs.update({
                "hx-post": check_url,
                "hx-trigger": "change" if name == "language" else "blur changed",
                "hx-target": f"#field-{name}",
                "hx-swap": "outerHTML",
                "hx-include": "closest form",
                "hx-vals": json.dumps({"_field": name, **extra}),
            })  # fmt: skip


def _form_sections(form: DatasetForm, rows: range, *, dataset: Dataset | None) -> list[dict]:
    """Bound fields grouped for the template, with USWDS classes and the inline checks applied."""
    uswds_filter(form)
    _add_inline_checks(form, dataset=dataset)

    def present(names: tuple[str, ...]) -> list:
        return [form[name] for name in names if name in form.fields]

    more = present(MORE_FIELDS)
    return [
        {"legend": _("What every dataset needs"), "fields": present(MAIN_FIELDS)},
        {
            "legend": _("Files and services"),
            "fields": [form[f"dist_{i}_{suffix}"] for i in rows for suffix in _DIST_FIELDS],
        },
        {
            "legend": _("More details"),
            "fields": more,
            "collapsible": True,
            "open": form.is_bound and any(field.errors for field in more),
        },
    ]


def _dataset_by_name(name: str) -> Dataset:
    return get_object_or_404(Dataset.objects.select_related("publisher"), name=name)


def _create_profile(publishers: list[Organization]) -> str:
    """The profile the new-dataset form asks for: federal when any of the person's publishers is federal."""
    profiles = [services.profile_for(publisher) for publisher in publishers]
    return next((profile for profile in profiles if PROFILES[profile].federal), profiles[0])


@require_http_methods(["GET", "HEAD", "POST"])
def dataset_create(request: HttpRequest) -> HttpResponse:
    """New dataset form (editors of a publisher, site staff). Saved as a draft."""
    base_permissions.ensure_signed_in(request.user)
    publishers = permissions.editable_publishers(request.user)
    if not publishers:
        raise base_permissions.ActionRefused(_("Only editors of a publisher can add datasets."), code="not_editor")
    form = DatasetForm(
        request.POST or None,
        publishers=publishers,
        profile=_create_profile(publishers),
        initial={"access_level": AccessLevel.PUBLIC, "publisher": publishers[0].pk if len(publishers) == 1 else None},
    )
    problems: list[dict] = []
    if request.method == "POST" and form.is_valid():
        publisher = form.cleaned_data["publisher"]
        permissions.ensure_can_edit_for(request.user, publisher)
        data = form.to_pod(None, publisher)
        data["identifier"] = data.get("identifier") or services.suggested_identifier(data.get("title", ""))
        try:
            dataset = services.create_dataset(publisher=publisher, data=data, by=request.user)
        except (Conflict, InvalidInput) as exc:
            form.add_error("identifier", exc.message)
        else:
            messages.success(request, _("The dataset was saved as a draft."))
            return redirect("catalog:dataset_edit", name=dataset.name)
    rows = range(form.visible_distribution_count()) if form.is_bound else range(3)
    context = {
        "form": form, "dataset": None, "problems": problems, "sections": _form_sections(form, rows, dataset=None),
    }  # fmt: skip
    return render(request, "catalog/dataset_form.html", context)


def _edit_form(request: HttpRequest, dataset: Dataset, existing: dict) -> DatasetForm:
    publishers = permissions.editable_publishers(request.user)
    if dataset.publisher not in publishers:
        publishers.append(dataset.publisher)
    return DatasetForm(
        request.POST or None,
        publishers=publishers,
        profile=services.profile_for(dataset.publisher),
        dataset=dataset,
        initial=DatasetForm.initial_from_pod(existing, dataset.publisher),
    )


@require_http_methods(["GET", "HEAD", "POST"])
def dataset_edit(request: HttpRequest, name: str) -> HttpResponse:
    """Edit a dataset; the metadata is checked against the publisher's profile on every save."""
    dataset = _dataset_by_name(name)
    permissions.ensure_can_edit_dataset(request.user, dataset)
    existing = records.dataset_pod(dataset)
    form = _edit_form(request, dataset, existing)
    problems = services.validate_dataset_pod(existing, publisher=dataset.publisher)
    if request.method == "POST" and form.is_valid():
        publisher = form.cleaned_data["publisher"]
        if publisher != dataset.publisher:
            raise InvalidInput(_("Moving a dataset to another publisher is not supported here."), code="publisher")
        try:
            dataset, problems = services.update_dataset(
                dataset,
                data=form.to_pod(existing, publisher),
                by=request.user,
                expected_hash=request.POST.get("expected_hash") or None,
            )
        except (Conflict, InvalidInput) as exc:
            form.add_error(None, exc.message)
        else:
            if problems:
                messages.warning(request, _("Saved, but the metadata still has problems (listed below)."))
            else:
                messages.success(request, _("Saved. The metadata is valid."))
            return redirect("catalog:dataset_edit", name=dataset.name)
    rows = (
        range(form.visible_distribution_count())
        if form.is_bound
        else range(min(10, len(existing.get("distribution") or []) + 2))
    )
    context = {
        "form": form, "dataset": dataset, "problems": problems,
        "sections": _form_sections(form, rows, dataset=dataset),
    }  # fmt: skip
    return render(request, "catalog/dataset_form.html", context)


@require_POST
def dataset_field_check(request: HttpRequest) -> HttpResponse:
    """One field of the dataset form checked by the form itself, for the inline check when a person
    leaves it (htmx). The whole form is posted, so fields that depend on others are checked alike;
    nothing is saved. Without JavaScript the same checks run when the form is saved."""
    base_permissions.ensure_signed_in(request.user)
    name = request.POST.get("_field", "")
    dataset_name = request.POST.get("_dataset", "")
    if dataset_name:
        dataset = _dataset_by_name(dataset_name)
        permissions.ensure_can_edit_dataset(request.user, dataset)
        form = _edit_form(request, dataset, records.dataset_pod(dataset))
    else:
        publishers = permissions.editable_publishers(request.user)
        if not publishers:
            raise base_permissions.ActionRefused(_("Only editors of a publisher can add datasets."), code="not_editor")
        form = DatasetForm(request.POST, publishers=publishers, profile=_create_profile(publishers))
    if name not in form.fields or name not in (*MAIN_FIELDS, *MORE_FIELDS):
        return HttpResponseBadRequest(_("Unknown field."))
    uswds_filter(form)
    _add_inline_checks(form, dataset=form.dataset)
    return render(request, "catalog/_dataset_field.html", {"field": form[name]})


@require_http_methods(["GET", "HEAD", "POST"])
def dataset_release(request: HttpRequest, name: str) -> HttpResponse:
    """Release checklist (computed items shown as met or not, the rest ticked by hand), publish,
    withdraw (after a confirmation step) and restore."""
    dataset = _dataset_by_name(name)
    permissions.ensure_can_edit_dataset(request.user, dataset)
    form = ReleaseChecklistForm(
        request.POST or None,
        initial={key: getattr(dataset, attr) for key, attr in release.MANUAL_ITEMS.items()},
    )
    if request.method == "POST":
        action = request.POST.get("action")
        try:
            if action == "checklist" and form.is_valid():
                services.set_release_checklist(dataset, by=request.user, **form.cleaned_data)
                messages.success(request, _("Release checklist saved."))
            elif action == "publish":
                services.publish_dataset(dataset, by=request.user)
                messages.success(request, _("The dataset is published."))
            elif action == "withdraw" and request.POST.get("confirm") == "yes":
                services.withdraw_dataset(dataset, by=request.user, reason=request.POST.get("reason", ""))
                messages.success(request, _("The dataset was withdrawn."))
            elif action == "withdraw":
                # The first press asks again on its own page; nothing changes until the person confirms.
                context = {"dataset": dataset, "reason": request.POST.get("reason", "")[:1000]}
                return render(request, "catalog/dataset_withdraw_confirm.html", context)
            elif action == "restore":
                services.restore_dataset(dataset, by=request.user)
                messages.success(request, _("The dataset was restored as a draft."))
        except InvalidInput as exc:
            messages.error(request, exc.message)
            for detail in exc.details or []:
                messages.error(request, detail)
        return redirect("catalog:dataset_release", name=dataset.name)
    items = release.computed_items(dataset)
    context = {
        "dataset": dataset,
        "form": form,
        "computed": items,
        "blockers": services.release_blockers(dataset),
    }
    return render(request, "catalog/dataset_release.html", context)


def dataset_history(request: HttpRequest, name: str) -> HttpResponse:
    """Every revision of a dataset, newest first, with its field-level diff."""
    dataset = _dataset_by_name(name)
    permissions.ensure_can_edit_dataset(request.user, dataset)
    revisions = dataset.revisions.select_related("author").order_by("-number")[:200]
    return render(request, "catalog/dataset_history.html", {"dataset": dataset, "revisions": revisions})


@require_POST
def note_add(request: HttpRequest, name: str) -> HttpResponse:
    dataset = _dataset_by_name(name)
    permissions.ensure_can_edit_dataset(request.user, dataset)
    try:
        services.add_usage_note(
            dataset, by=request.user, title=request.POST.get("title", ""), body=request.POST.get("body", "")
        )
        messages.success(request, _("Usage note added."))
    except InvalidInput as exc:
        messages.error(request, exc.message)
    return redirect(dataset.get_absolute_url())


def needs_fixing(request: HttpRequest, slug: str) -> HttpResponse:
    """Datasets of a publisher held back from every listing because they fail its profile, with the findings."""
    publisher = get_object_or_404(Organization, slug=slug, kind="publisher")
    permissions.ensure_can_see_dashboard(request.user, publisher)
    held = (
        Dataset.objects.filter(
            publisher_id__in=organization_tree_ids(publisher), needs_fixing=True, withdrawn_at__isnull=True
        )
        .only("id", "name", "identifier", "title", "findings", "problem_count", "updated_at")
        .order_by("title", "pk")
    )
    page = Paginator(held, 50).get_page(request.GET.get("page"))
    return render(request, "catalog/needs_fixing.html", {"publisher": publisher, "page": page})


def publisher_dashboard(request: HttpRequest, slug: str) -> HttpResponse:
    """The publisher dashboard (editors of the publisher and site staff)."""
    publisher = get_object_or_404(Organization, slug=slug, kind="publisher")
    permissions.ensure_can_see_dashboard(request.user, publisher)
    figures = publisher_figures(publisher)
    levels = [(label, figures.by_access_level.get(value, 0)) for value, label in AccessLevel.choices]
    context = {
        "publisher": publisher,
        "figures": figures,
        "levels": levels,
        "share_valid": round(figures.share_valid * 100),
        "trend": trend(publisher),
        "runs": HarvestRun.objects.filter(publisher=publisher).select_related("source")[:10],
        # Panels from the apps above the catalog, e.g. the community app's quality scores.
        "dashboard_panels": render_dashboard_panels(request, publisher),
    }
    return render(request, "catalog/dashboard.html", context)


@require_http_methods(["GET", "HEAD", "POST"])
def harvest_sources(request: HttpRequest) -> HttpResponse:
    """List and register harvest sources (editors see their publishers' sources)."""
    base_permissions.ensure_signed_in(request.user)
    publishers = permissions.editable_publishers(request.user)
    if not publishers:
        raise base_permissions.ActionRefused(_("Only editors of a publisher can manage harvests."), code="not_editor")
    form = HarvestSourceForm(request.POST or None, publishers=publishers)
    if request.method == "POST" and form.is_valid():
        try:
            source = services.register_harvest_source(by=request.user, **form.cleaned_data)
        except InvalidInput as exc:
            form.add_error("create_publishers" if exc.code == "invalid_parent" else "url", exc.message)
        except base_permissions.ActionRefused as exc:
            form.add_error("create_publishers", exc.message)
        else:
            messages.success(request, _("Source registered. Preview a dry run, then approve it."))
            return redirect("catalog:harvest_source", slug=source.slug)
    sources = HarvestSource.objects.filter(publisher__in=publishers).select_related("publisher")
    return render(request, "catalog/harvest_sources.html", {"form": form, "sources": sources})


@require_http_methods(["GET", "HEAD", "POST"])
def harvest_import(request: HttpRequest) -> HttpResponse:
    """A one-off import of a data.json uploaded from the person's computer: a dry run first, whose report
    offers to import (editors of a publisher, coordinators, site staff)."""
    base_permissions.ensure_signed_in(request.user)
    publishers = permissions.editable_publishers(request.user)
    if not publishers:
        raise base_permissions.ActionRefused(_("Only editors of a publisher can import catalogs."), code="not_editor")
    form = CatalogUploadForm(request.POST or None, request.FILES or None, publishers=publishers)
    if request.method == "POST" and form.is_valid():
        publisher = form.cleaned_data["publisher"]
        permissions.ensure_can_edit_for(request.user, publisher)
        run = services.preview_uploaded_catalog(publisher=publisher, upload=form.cleaned_data["file"], by=request.user)
        return redirect("catalog:harvest_run", pk=run.pk)
    return render(request, "catalog/harvest_import.html", {"form": form})


@require_POST
def harvest_import_confirm(request: HttpRequest, pk: int) -> HttpResponse:
    """Import the uploaded data.json whose dry run the person has just reviewed."""
    preview = get_object_or_404(HarvestRun.objects.select_related("publisher"), pk=pk)
    permissions.ensure_can_edit_for(request.user, preview.publisher)
    try:
        run = services.import_uploaded_catalog(preview, by=request.user)
    except InvalidInput as exc:
        messages.error(request, exc.message)
        return redirect("catalog:harvest_run", pk=preview.pk)
    if run.status == "succeeded":
        messages.success(request, _("The catalog was imported."))
    return redirect("catalog:harvest_run", pk=run.pk)


@require_http_methods(["GET", "HEAD", "POST"])
def harvest_source(request: HttpRequest, slug: str) -> HttpResponse:
    """One source: its runs, dry run, approval and manual run."""
    base_permissions.ensure_signed_in(request.user)
    source = get_object_or_404(HarvestSource.objects.select_related("publisher"), slug=slug)
    permissions.ensure_can_see_harvests_of(request.user, source.publisher)
    if request.method == "POST":
        action = request.POST.get("action")
        try:
            if action == "dry_run":
                run = services.run_harvest(source, by=request.user, dry_run=True)
                return redirect("catalog:harvest_run", pk=run.pk)
            if action == "approve":
                services.approve_harvest_source(source, by=request.user)
                messages.success(request, _("Approved: the source now runs on its schedule."))
            elif action == "run":
                tasks.enqueue_harvest(source, by=request.user)
                messages.success(request, _("The harvest was started; its report appears below when done."))
        except InvalidInput as exc:
            messages.error(request, exc.message)
        return redirect("catalog:harvest_source", slug=source.slug)
    runs = source.runs.order_by("-created_at")[:30]
    return render(request, "catalog/harvest_source.html", {"source": source, "runs": runs})


RUN_REPORT_PAGE = 100


def harvest_run(request: HttpRequest, pk: int) -> HttpResponse:
    """The report of one run: counts and every dataset's outcome."""
    base_permissions.ensure_signed_in(request.user)
    run = get_object_or_404(HarvestRun.objects.select_related("source", "publisher"), pk=pk)
    permissions.ensure_can_see_harvests_of(request.user, run.publisher)
    # Whoever may see the run (its publisher's editors, site staff) may confirm an uploaded dry run.
    can_import = bool(run.dry_run and run.upload_key and run.status == "succeeded")
    # A first import of a large catalog lists every new dataset: shown 100 to a page.
    page = Paginator(run.report, RUN_REPORT_PAGE).get_page(request.GET.get("page"))
    # Unchanged datasets with nothing to say are counted, not listed (see Plan.report).
    listed_unchanged = sum(1 for item in run.report if item.get("action") == "unchanged")
    context = {"run": run, "can_import": can_import, "page": page, "quiet": run.unchanged_count - listed_unchanged}
    return render(request, "catalog/harvest_run.html", context)
