"""Form helpers shared by the apps' pages."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

#: Django's placeholder of an empty choice, which users read as a glitch.
DASHES = "---------"


class PickerSelectMultiple(forms.SelectMultiple):
    """A multiple select that ``static/js/portal.js`` turns into a list of
    check boxes with a box that filters them as one types (issue 14 "Lists":
    a 64-name list on a phone). The field and what it posts stay the same, so
    the page works without JavaScript."""

    def __init__(self, attrs=None, choices=()):
        picker = {
            "data-picker": "",
            "data-picker-placeholder": _("Type to filter the list"),
            "data-picker-empty": _("Nothing matches."),
            "data-picker-selected": _("{n} selected"),
        }
        super().__init__({**picker, **(attrs or {})}, choices)


def _tidy(field: forms.Field) -> None:
    """Bootstrap's class on the widget, and "请选择" for Django's dashes."""
    widget = field.widget
    if not isinstance(widget, forms.CheckboxInput | forms.CheckboxSelectMultiple):
        css = "form-select" if isinstance(widget, forms.Select) else "form-control"
        widget.attrs.setdefault("class", css)
    if isinstance(field, forms.ModelChoiceField):
        if field.empty_label == DASHES:
            field.empty_label = _("Please choose")
    elif isinstance(field, forms.ChoiceField):
        choices = list(field.choices)
        if any(label == DASHES for _value, label in choices):
            field.choices = [
                (value, _("Please choose") if label == DASHES else label)
                for value, label in choices
            ]


class BootstrapFormMixin:
    """Adds Bootstrap classes to every widget and a readable empty choice, so
    templates stay plain — also on fields a form adds after ``__init__``
    (tidied when the template first reads them)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            _tidy(field)

    def __getitem__(self, name):
        if name in self.fields:
            _tidy(self.fields[name])
        return super().__getitem__(name)


def apply_service_errors(form: forms.Form, exc: ValidationError) -> None:
    """Show a service's ValidationError on the form: field messages on their
    fields (or the form when the field is not on it), others at the top."""
    if hasattr(exc, "error_dict"):
        for field, messages in exc.message_dict.items():
            target = field if field in form.fields else None
            for message in messages:
                form.add_error(target, message)
    else:
        for message in exc.messages:
            form.add_error(None, message)
