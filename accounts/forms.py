"""Forms of the accounts pages. They validate input; services write."""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.contrib.auth.forms import AuthenticationForm
from django.utils.translation import gettext_lazy as _

from liaison.forms import BootstrapFormMixin

from . import lockout
from .choices import EmailMode, NotificationKind, WebhookFormat


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


# --- notify: preferences and the tenant's webhook (issue 14) ---------------------------


class NotificationPreferenceForm(BootstrapFormMixin, forms.Form):
    email = forms.ChoiceField(
        label=_("E-mail"),
        choices=EmailMode.choices,
        help_text=_("You always see your notifications here in the portal."),
    )
    language = forms.ChoiceField(
        label=_("Language of the notifications"), choices=settings.LANGUAGES
    )


class WebhookForm(BootstrapFormMixin, forms.Form):
    url = forms.CharField(
        label=_("Robot webhook address"),
        max_length=500,
        required=False,
        help_text=_("The group robot's address (http:// or https://); leave empty to turn off."),
    )
    format = forms.ChoiceField(label=_("Format"), choices=WebhookFormat.choices)
    kinds = forms.MultipleChoiceField(
        label=_("Send these kinds"),
        choices=NotificationKind.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("None chosen: every kind is sent."),
    )
    enabled = forms.BooleanField(label=_("On"), required=False, initial=True)
