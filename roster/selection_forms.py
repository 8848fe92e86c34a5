"""Forms of the selection pages."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from liaison.forms import BootstrapFormMixin, PickerSelectMultiple

from .choices import NOMINEE_FIELDS, GroupKind
from .models import District, Nomination, Officer, SelectionRound, Unit
from .workflow import contact_is_valid

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
NOMINATION_WIDGETS = {
    "birth_date": DATE,
    "employer_since": DATE,
    "cv": forms.Textarea(attrs={"rows": 4}),
}


class RoundForm(BootstrapFormMixin, forms.ModelForm):
    class Meta:
        model = SelectionRound
        fields = ["title", "year", "category", "seats", "deadline"]
        widgets = {"deadline": DATE}

    def __init__(self, *args, policy, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["category"] = forms.ChoiceField(
            label=_("Category"),
            choices=[(c["code"], c["label"]) for c in policy.rules["categories"]],
            widget=forms.Select(attrs={"class": "form-select"}),
        )


class OfficerChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Officer) -> str:
        return " · ".join(
            part
            for part in (
                obj.full_name,
                obj.district.name if obj.district_id else "",
                f"{obj.term_start:%Y-%m-%d} – {obj.term_end:%Y-%m-%d}",
                str(obj.get_status_display()),
            )
            if part
        )


_AFTER_UNIT = NOMINEE_FIELDS.index("unit") + 1


class NominationForm(BootstrapFormMixin, forms.ModelForm):
    """The nomination form (推荐表); ``officer`` names a past or current
    officer of the programme for a renewal or re-application."""

    officer = OfficerChoiceField(
        queryset=Officer.objects.none(),
        required=False,
        label=_("Renewal or re-application of officer"),
        help_text=_("Leave empty for a new nominee."),
    )

    class Meta:
        model = Nomination
        fields = [
            "round",
            *NOMINEE_FIELDS[:_AFTER_UNIT],
            "district",
            *NOMINEE_FIELDS[_AFTER_UNIT:],
            "officer",
        ]
        widgets = NOMINATION_WIDGETS

    def __init__(self, *args, tenant, units, officers, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["round"].queryset = SelectionRound.objects.for_tenant(tenant)
        self.fields["unit"].queryset = units
        self.fields["district"].queryset = District.objects.for_tenant(tenant)
        self.fields["district"].help_text = _("Leave empty to use the unit's district.")
        self.fields["officer"].queryset = officers

    def validate_unique(self):
        """Nothing unique to check here; the service validates."""


class ApplicationForm(BootstrapFormMixin, forms.ModelForm):
    """The public application form (自荐 / 自行填写): the nominee's fields."""

    class Meta:
        model = Nomination
        fields = list(NOMINEE_FIELDS)
        widgets = NOMINATION_WIDGETS

    def __init__(self, *args, tenant, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = Unit.objects.for_tenant(tenant).order_by("name")

    def validate_unique(self):
        """Nothing unique to check here; the service validates."""


class NoticeForm(BootstrapFormMixin, forms.Form):
    start = forms.DateField(label=_("Notice starts"), required=False, widget=DATE)
    end = forms.DateField(
        label=_("Notice ends"),
        required=False,
        widget=DATE,
        help_text=_("Empty: the policy's number of working days."),
    )


class ObjectionForm(BootstrapFormMixin, forms.Form):
    """The public objection form."""

    nominee = forms.IntegerField(widget=forms.HiddenInput)
    name = forms.CharField(label=_("Your name (optional)"), max_length=100, required=False)
    contact = forms.CharField(label=_("Phone or e-mail"), max_length=100)
    reason = forms.CharField(
        label=_("Reason"), widget=forms.Textarea(attrs={"rows": 3}), max_length=2000
    )

    def clean_contact(self):
        contact = self.cleaned_data["contact"].strip()
        if not contact_is_valid(contact):
            raise forms.ValidationError(
                _(
                    "Leave a phone number (such as 13800000000 or 0354-1234567) or an e-mail "
                    "address, so that the centre can reply."
                )
            )
        return contact


class GroupForm(BootstrapFormMixin, forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=GroupKind.choices)
    name = forms.CharField(label=_("Name"), max_length=100, required=False)
    formed_on = forms.DateField(label=_("Formed on"), widget=DATE)
    members = forms.ModelMultipleChoiceField(
        label=_("Members (pairs: 2 city officers; guidance group: 5)"),
        queryset=Officer.objects.none(),
        required=False,
        widget=PickerSelectMultiple(attrs={"size": 8}),
    )
    leader = forms.ModelChoiceField(
        label=_("Leader (guidance group)"), queryset=Officer.objects.none(), required=False
    )
    host_units = forms.ModelMultipleChoiceField(
        label=_("Host institutions (pairs: 2)"),
        queryset=Unit.objects.none(),
        required=False,
        widget=PickerSelectMultiple(attrs={"size": 5}),
    )
    district = forms.ModelChoiceField(
        label=_("District (working group)"), queryset=District.objects.none(), required=False
    )
    leader_name = forms.CharField(
        label=_("Leader from the district's staff (working group)"), max_length=100, required=False
    )
    deputy = forms.ModelChoiceField(
        label=_("Deputy: a city officer (working group)"),
        queryset=Officer.objects.none(),
        required=False,
    )

    def __init__(self, *args, tenant, **kwargs):
        super().__init__(*args, **kwargs)
        active = (
            Officer.objects.for_tenant(tenant)
            .filter(status="active")
            .select_related("district")
            .order_by("category", "full_name")
        )
        self.fields["members"].queryset = active
        self.fields["leader"].queryset = active
        self.fields["deputy"].queryset = active.filter(category="city")
        self.fields["host_units"].queryset = Unit.objects.for_tenant(tenant)
        self.fields["district"].queryset = District.objects.for_tenant(tenant)
