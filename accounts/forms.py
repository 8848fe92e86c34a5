"""Forms of the accounts pages. They validate input; services write."""

from __future__ import annotations

from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.utils.translation import gettext_lazy as _

from liaison.forms import BootstrapFormMixin

from . import lockout


class LoginForm(AuthenticationForm):
    """Username and password, with the lockout (django-axes) in mind:
    ``locked`` is set when the username was locked before this attempt; the
    page then shows the lockout message, the same for every username."""

    locked = False

    def __init__(self, request=None, *args, **kwargs):
        super().__init__(request, *args, **kwargs)
        for name, field in self.fields.items():
            field.widget.attrs.update(
                {
                    "class": "form-control form-control-lg",
                    "autocomplete": "username" if name == "username" else "current-password",
                }
            )

    def clean(self):
        username = self.cleaned_data.get("username")
        if username and self.request is not None:
            lockout.mark_handled(self.request)
            self.locked = lockout.login_locked(self.request, username)
        try:
            return super().clean()
        except forms.ValidationError:
            if self.locked:
                raise forms.ValidationError(lockout.locked_message(), code="locked") from None
            raise


class OtpForm(BootstrapFormMixin, forms.Form):
    """The authenticator app's current 6-digit code."""

    otp = forms.RegexField(
        label=_("6-digit code"),
        regex=r"^\s*\d{6}\s*$",
        max_length=12,
        error_messages={"invalid": _("Enter the 6 digits the app shows.")},
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "autofocus": True}
        ),
    )

    def clean_otp(self):
        return self.cleaned_data["otp"].strip()
