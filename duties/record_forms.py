"""Forms of the duties' record pages (agreements, service days, trainings).
They only parse the input; the services decide (and write nothing on error)."""

from __future__ import annotations

import datetime as dt

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from liaison.forms import BootstrapFormMixin
from roster.hosts import current_hosts
from roster.models import Unit
from roster.selectors import officer_list, unit_list

from .choices import TrainingKind

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def _officer_field(membership) -> forms.ModelChoiceField:
    field = forms.ModelChoiceField(queryset=officer_list(membership=membership), label=_("Officer"))
    field.label_from_instance = lambda o: (
        f"{o.full_name}（{o.district.name}）" if o.district_id else o.full_name
    )
    return field


def host_choices(membership) -> tuple[list, dict[int, int]]:
    """Host units grouped: the current hosts of the officers in reach first,
    then the other units; and officer id → their current host's id."""
    officers = officer_list(membership=membership)
    today = timezone.localdate()
    current = {
        a.officer_id: a.unit_id
        for a in current_hosts(officers=officers, on=today).order_by("start", "id")
    }
    units = list(unit_list(tenant=membership.tenant).order_by("name", "id"))
    first = [(u.id, u.name) for u in units if u.id in set(current.values())]
    rest = [(u.id, u.name) for u in units if u.id not in set(current.values())]
    choices: list = [("", "---------")]
    if first:
        choices.append((_("Current hosts"), first))
    if rest:
        choices.append((_("Other units") if first else _("Units"), rest))
    return choices, current


class _HostMixin:
    def _setup_host(self, membership):
        choices, self.current_hosts = host_choices(membership)
        self.fields["host_unit"] = forms.TypedChoiceField(
            choices=choices, coerce=int, label=_("Host")
        )
        self.tenant = membership.tenant

    def clean_host_unit(self):
        pk = self.cleaned_data["host_unit"]
        try:
            return unit_list(tenant=self.tenant).get(pk=pk)
        except Unit.DoesNotExist:
            raise forms.ValidationError(_("Select a valid choice.")) from None


class AgreementForm(_HostMixin, BootstrapFormMixin, forms.Form):
    officer = forms.Field()  # replaced in __init__
    host_unit = forms.Field()
    start = forms.DateField(label=_("Start"), widget=DATE)
    end = forms.DateField(
        label=_("End"),
        widget=DATE,
        required=False,
        help_text=_("Left empty: the start plus the policy's term of an agreement."),
    )
    signed_on = forms.DateField(label=_("Signed on"), widget=DATE, required=False)
    file = forms.FileField(
        label=_("Signed file"),
        required=False,
        help_text=_("PDF, JPG, PNG or Word (.docx). Without it the agreement is not yet filed."),
    )

    def __init__(self, *args, membership, months: int | None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["officer"] = _officer_field(membership)
        self._setup_host(membership)
        self.months = months
        if not months:  # the policy sets no term: the end is asked for
            self.fields["end"].required = True
            self.fields["end"].help_text = ""
        for name in ("officer", "host_unit"):
            self.fields[name].widget.attrs["class"] = "form-select"
        self.fields["file"].widget.attrs["accept"] = ".pdf,.jpg,.jpeg,.png,.docx"

    def clean(self):
        data = super().clean()
        if data.get("start") and not data.get("end"):
            if not self.months:
                self.add_error("end", _("This field is required."))
            else:
                data["end"] = add_months(data["start"], self.months) - dt.timedelta(days=1)
        return data


def add_months(day: dt.date, months: int) -> dt.date:
    """``day`` ``months`` later (the last day of a shorter month)."""
    import calendar

    month0 = day.month - 1 + months
    year, month = day.year + month0 // 12, month0 % 12 + 1
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


class AgreementFileForm(BootstrapFormMixin, forms.Form):
    file = forms.FileField(label=_("Signed file"))


class AgreementRenewForm(BootstrapFormMixin, forms.Form):
    end = forms.DateField(label=_("New end date"), widget=DATE)
    signed_on = forms.DateField(label=_("Signed on"), widget=DATE, required=False)
    file = forms.FileField(label=_("Signed file"), required=False)


class ServiceDayForm(_HostMixin, BootstrapFormMixin, forms.Form):
    officer = forms.Field()
    host_unit = forms.Field()
    start = forms.DateField(label=_("From"), widget=DATE)
    end = forms.DateField(label=_("To"), widget=DATE)
    note = forms.CharField(
        label=_("Note"), required=False, max_length=1000, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args, membership, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["officer"] = _officer_field(membership)
        self._setup_host(membership)
        for name in ("officer", "host_unit"):
            self.fields[name].widget.attrs["class"] = "form-select"


class TrainingForm(BootstrapFormMixin, forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    kind = forms.ChoiceField(label=_("Kind"), choices=TrainingKind.choices)
    held_on = forms.DateField(label=_("Held on"), widget=DATE)
    note = forms.CharField(
        label=_("Note"), required=False, max_length=1000, widget=forms.Textarea(attrs={"rows": 2})
    )


class SigninForm(forms.Form):
    file = forms.FileField(label=_("Sign-in sheet (.xlsx)"))
