"""Template helpers loaded everywhere: the sanitising `markdown` filter and USWDS widget classes."""

from __future__ import annotations

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


@register.filter(name="uswds")
def uswds_filter(form: forms.BaseForm) -> forms.BaseForm:
    """`{% include "core/_form.html" with form=form|uswds %}` styles a form without touching its class."""
    apply_uswds_classes(form)
    return form
