"""Template helpers loaded everywhere: the sanitising `markdown` filter and USWDS widget classes."""

from __future__ import annotations

from typing import Any

from django import forms, template
from django.utils.safestring import SafeString

from civicdata.core.text import plain_text, render_markdown

register = template.Library()

# The first class whose widget type matches wins, so a subclass comes before its base
# (CheckboxSelectMultiple is a RadioSelect).
WIDGET_CLASSES = {
    forms.CheckboxInput: "usa-checkbox__input",
    forms.CheckboxSelectMultiple: "usa-checkbox__input",
    forms.RadioSelect: "usa-radio__input",
    forms.Select: "usa-select",
    forms.SelectMultiple: "usa-select",
    forms.Textarea: "usa-textarea",
    forms.FileInput: "usa-file-input",
    forms.ClearableFileInput: "usa-file-input",
}


@register.filter(name="markdown")
def markdown_filter(source: str | None) -> SafeString:
    """Render user-authored Markdown through the one sanitising helper."""
    return render_markdown(source)


@register.filter(name="plaintext")
def plaintext_filter(source: str | None, limit: int | None = None) -> str:
    return plain_text(source, limit=limit)


def apply_uswds_classes(form: forms.BaseForm) -> None:
    """Give every widget of a form its USWDS class and link hints and errors for screen readers."""
    for name, field in form.fields.items():
        widget = field.widget
        css = next((cls for kind, cls in WIDGET_CLASSES.items() if isinstance(widget, kind)), "usa-input")
        existing = widget.attrs.get("class", "")
        if css not in existing:
            widget.attrs["class"] = f"{existing} {css}".strip()
        bound = form[name]
        described = []
        if field.help_text:
            described.append(f"{bound.auto_id}_helptext")
        if form.is_bound and form.errors.get(name):
            described.append(f"{bound.auto_id}_error")
            widget.attrs["aria-invalid"] = "true"
        # A choice group is described once, on its fieldset (core/_field.html), not on every choice.
        if described and not isinstance(widget, forms.RadioSelect):
            widget.attrs["aria-describedby"] = " ".join(described)


@register.simple_tag
def error_summary(form: forms.BaseForm | None) -> dict[str, Any]:
    """What the error summary lists: each error of a bound form, linked to the control it is about.

    `{% error_summary form as summary %}` gives `summary.id` (unique per form on the page, from its
    `auto_id`) and `summary.items`, each with `href` (empty for an error about the whole form or a hidden
    field), `label` and `text`. A choice group links to its first choice, the first thing Tab reaches.
    """
    items: list[dict[str, str]] = []
    auto_id = getattr(form, "auto_id", "") or "id_%s"
    summary_id = (auto_id % "error_summary") if "%s" in str(auto_id) else f"{auto_id}error_summary"
    if form is None or not form.is_bound:
        return {"id": summary_id, "items": items}
    for error in form.non_field_errors():
        items.append({"href": "", "label": "", "text": str(error)})
    for name, errors in form.errors.items():
        if name not in form.fields:
            continue
        bound = form[name]
        if bound.is_hidden:
            target = ""
        elif isinstance(bound.field.widget, forms.RadioSelect):
            target = f"{bound.auto_id}_0"
        else:
            target = bound.id_for_label
        for error in errors:
            items.append({"href": f"#{target}" if target else "", "label": str(bound.label or ""), "text": str(error)})
    return {"id": summary_id, "items": items}


@register.filter(name="uswds")
def uswds_filter(form: forms.BaseForm) -> forms.BaseForm:
    """`{% include "core/_form.html" with form=form|uswds %}` styles a form without touching its class."""
    apply_uswds_classes(form)
    return form
