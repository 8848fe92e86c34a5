"""Forms of the platform admin's pages. They validate input; services write."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from accounts.choices import Preset
from liaison.forms import BootstrapFormMixin


class TenantOpenForm(BootstrapFormMixin, forms.Form):
    """A new tenant: its address, name, programme preset and first admin."""

    slug = forms.SlugField(
        label=_("Short name in the address"),
        max_length=50,
        help_text=_("Letters, digits and hyphens, e.g. wuhan-kx; the pages live under /t/<name>/."),
    )
    name = forms.CharField(label=_("Name of the organisation"), max_length=200)
    preset = forms.ChoiceField(label=_("Programme preset"), choices=Preset.choices)
    admin_username = forms.CharField(label=_("Username of its first admin"), max_length=150)
    admin_password = forms.CharField(
        label=_("Password of its first admin"),
        required=False,
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=_("Leave it empty to get an invitation link: the admin chooses a password."),
    )
