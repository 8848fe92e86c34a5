"""Forms of the roster pages. They validate input; services write."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from accounts.choices import Role
from liaison.forms import BootstrapFormMixin, PickerSelectMultiple

from .choices import UnitKind
from .models import District, Unit


class DistrictForm(BootstrapFormMixin, forms.Form):
    code = forms.SlugField(
        label=_("Code"),
        max_length=30,
        allow_unicode=True,
        help_text=_("Short code used in the API and exports, e.g. jiangan."),
    )
    name = forms.CharField(label=_("Name"), max_length=100)


class UnitForm(BootstrapFormMixin, forms.Form):
    name = forms.CharField(label=_("Name"), max_length=200)
    kind = forms.ChoiceField(label=_("Kind"), choices=UnitKind.choices)
    district = forms.ModelChoiceField(
        label=_("District"),
        queryset=District.objects.none(),
        required=False,
        empty_label=_("— none —"),
    )

    def __init__(self, *args, tenant, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["district"].queryset = District.objects.for_tenant(tenant)


class MemberForm(BootstrapFormMixin, forms.Form):
    username = forms.CharField(label=_("Username"), max_length=150)
    full_name = forms.CharField(label=_("Full name"), max_length=100, required=False)
    email = forms.EmailField(label=_("Email"), required=False)
    role = forms.ChoiceField(label=_("Role"), choices=Role.choices)
    password = forms.CharField(
        label=_("Initial password"),
        widget=forms.PasswordInput,
        help_text=_("At least 8 characters, not only digits."),
    )
    districts = forms.ModelMultipleChoiceField(
        label=_("Districts (district managers)"),
        queryset=District.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    units = forms.ModelMultipleChoiceField(
        label=_("Units (unit reviewers)"),
        queryset=Unit.objects.none(),
        required=False,
        widget=PickerSelectMultiple(attrs={"size": 6}),
    )

    def __init__(self, *args, tenant, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["districts"].queryset = District.objects.for_tenant(tenant)
        self.fields["units"].queryset = Unit.objects.for_tenant(tenant)


class OfficerForm(BootstrapFormMixin, forms.Form):
    full_name = forms.CharField(label=_("Full name"), max_length=100)
    category = forms.ChoiceField(label=_("Category"))
    district = forms.ModelChoiceField(
        label=_("District"),
        queryset=District.objects.none(),
        required=False,
        empty_label=_("— none —"),
    )
    unit = forms.ModelChoiceField(
        label=_("Dispatching unit"),
        queryset=Unit.objects.none(),
        required=False,
        empty_label=_("— none —"),
    )
    term_start = forms.DateField(
        label=_("Term start"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    term_end = forms.DateField(
        label=_("Term end"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    mobile = forms.CharField(label=_("Mobile"), max_length=20, required=False)
    email = forms.EmailField(label=_("Email"), required=False)
    username = forms.CharField(label=_("Login username (optional)"), max_length=150, required=False)
    password = forms.CharField(
        label=_("Initial password"), widget=forms.PasswordInput, required=False
    )

    def __init__(self, *args, tenant, policy, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["category"].choices = [
            (c["code"], c["label"]) for c in policy.rules["categories"]
        ]
        self.fields["district"].queryset = District.objects.for_tenant(tenant)
        self.fields["unit"].queryset = Unit.objects.for_tenant(tenant)
