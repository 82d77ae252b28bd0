"""Pages of the public catalog tools: the data.json validator and the catalog merger.

Both are read-only (nothing is stored), open to everyone, and POST-only for their work so the
CSRF token protects them like any form.
"""

from __future__ import annotations

import json

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_http_methods

from .forms import MergeForm, ValidateForm
from .merging import MergeError, merge_catalogs
from .validation import CODES, validate_catalog

# A page listing tens of thousands of findings helps nobody; the JSON API has them all.
MAX_DATASETS_ON_PAGE = 200


@require_http_methods(["GET", "HEAD", "POST"])
def validate_tool(request: HttpRequest) -> HttpResponse:
    """GET: the form. POST: read the catalog, validate it and show the report grouped by dataset
    (``action=download`` returns the full report as a JSON file instead)."""
    form = ValidateForm(request.POST, request.FILES) if request.method == "POST" else ValidateForm()
    context: dict = {"form": form}
    if request.method == "POST" and form.is_valid():
        read = form.read()
        context.update(read=read, **_what_was_checked(form.cleaned_data))
        if read.ok:
            report = validate_catalog(
                read.document, profile=form.cleaned_data["profile"] or None, redaction_free=read.redaction_free
            )
            if request.POST.get("action") == "download":
                payload = {"read": read.to_dict(), "report": report.to_dict()}
                body = json.dumps(payload, indent=2, ensure_ascii=False).encode("utf-8", "replace")
                response = HttpResponse(body, content_type="application/json")
                response["Content-Disposition"] = 'attachment; filename="validation-report.json"'
                return response
            groups = report.by_dataset()
            context.update(
                report=report,
                summary=report.summary(),
                groups=groups[:MAX_DATASETS_ON_PAGE],
                hidden_groups=max(0, len(groups) - MAX_DATASETS_ON_PAGE),
                codes=CODES,
            )
    return render(request, "catalog/tools/validate.html", context)


def _what_was_checked(data: dict) -> dict[str, str]:
    """Names the catalog in the result heading; an uploaded file is named again under the form, whose
    file input a browser cannot refill."""
    if data.get("upload"):
        return {"checked": data["upload"].name, "checked_file": data["upload"].name}
    if data.get("url"):
        return {"checked": data["url"]}
    return {}


@require_http_methods(["GET", "HEAD", "POST"])
def merge_tool(request: HttpRequest) -> HttpResponse:
    """GET: the form. POST: merge; ``action=download`` returns the merged data.json as a file."""
    form = MergeForm(request.POST, request.FILES) if request.method == "POST" else MergeForm()
    context: dict = {"form": form}
    if request.method == "POST" and form.is_valid():
        reads = form.read_all()
        unreadable = [(name, read) for name, read in reads if not read.ok]
        if unreadable:
            context["unreadable"] = unreadable
        else:
            try:
                result = merge_catalogs(
                    [(name, read.document) for name, read in reads],
                    rename=form.cleaned_data["rename"],
                    profile=form.cleaned_data["profile"] or None,
                )
            except MergeError as exc:
                context["merge_error"] = str(exc)
            else:
                if request.POST.get("action") == "download":
                    body = json.dumps(result.catalog, indent=2, ensure_ascii=False).encode("utf-8", "replace")
                    response = HttpResponse(body, content_type="application/json")
                    response["Content-Disposition"] = 'attachment; filename="data.json"'
                    return response
                context["result"] = result
                context["summary"] = result.report.summary() if result.report else None
    return render(request, "catalog/tools/merge.html", context)
