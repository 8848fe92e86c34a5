"""Forms of the accounts pages. They validate input; services write."""

from __future__ import annotations

from decimal import Decimal

from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.utils.translation import gettext_lazy as _

from ledgers.choices import EntryKind
from liaison.forms import BootstrapFormMixin

from . import lockout


class PolicyVersionForm(BootstrapFormMixin, forms.Form):
    """The numbers an admin may change in a new policy version (SPEC.md §2):
    points, the bonus rule, excellence, notice and dormancy days."""

    effective_from = forms.DateField(
        label=_("In force from"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        help_text=_("Each year is scored under the version in force on its last day."),
    )
    no_points = forms.BooleanField(
        label=_("No points system (officers are assessed by grades)"), required=False
    )
    no_bonus = forms.BooleanField(label=_("No bonus"), required=False)
    no_excellence = forms.BooleanField(label=_("No excellence by points"), required=False)
    bonus_threshold = forms.IntegerField(label=_("Bonus: year total above"), min_value=0)
    bonus_amount = forms.IntegerField(label=_("Bonus: points added"), min_value=0, max_value=10000)
    bonus_requires_conversion = forms.BooleanField(
        label=_("Bonus needs at least one successful conversion"), required=False
    )
    excellence_percent = forms.DecimalField(
        label=_("Excellent: share of each pool (%)"),
        min_value=Decimal(0),
        max_value=Decimal(100),
        max_digits=5,
        decimal_places=2,
    )
    rounding = forms.ChoiceField(
        label=_("Number of places"),
        choices=[("floor", _("rounded down")), ("round", _("rounded to the nearest"))],
    )
    tie = forms.ChoiceField(
        label=_("Officers tied for the last place"),
        choices=[("include", _("all rated excellent")), ("exclude", _("none rated excellent"))],
    )
    notice_days = forms.IntegerField(
        label=_("Public notice (working days)"), min_value=1, max_value=60
    )
    dormant_days = forms.IntegerField(
        label=_("Dormant after (days without a submitted entry)"), min_value=7, max_value=730
    )
    note = forms.CharField(label=_("Note"), max_length=200, help_text=_("Why the rules change."))

    def __init__(self, *args, finalised_years: frozenset[int] = frozenset(), **kwargs):
        super().__init__(*args, **kwargs)
        self.finalised_years = finalised_years
        points = {
            f"points_{kind}": forms.IntegerField(
                label=_("Points: %(kind)s") % {"kind": label}, min_value=0, max_value=10000
            )
            for kind, label in EntryKind.choices
        }
        self.fields = {"effective_from": self.fields.pop("effective_from"), **points, **self.fields}
        for name in points:  # the Bootstrap class, as the mixin gives the others
            self.fields[name].widget.attrs.setdefault("class", "form-control")

    def clean_effective_from(self):
        day = self.cleaned_data["effective_from"]
        if any(year >= day.year for year in self.finalised_years):
            raise forms.ValidationError(
                _("The %(year)d ranking is finalised; a new version takes effect after that year.")
                % {"year": max(self.finalised_years)}
            )
        return day

    def changes(self) -> dict:
        """The rules this form sets, in the policy's shape."""
        data = self.cleaned_data
        return {
            "points": {}
            if data.get("no_points")
            else {kind: data[f"points_{kind}"] for kind in EntryKind.values},
            "bonus": None
            if data.get("no_bonus")
            else {
                "threshold": data["bonus_threshold"],
                "amount": data["bonus_amount"],
                "requires_conversion": data["bonus_requires_conversion"],
            },
            "excellence": None
            if data.get("no_excellence")
            else {
                "ratio": str((data["excellence_percent"] / 100).normalize()),
                "rounding": data["rounding"],
                "tie": data["tie"],
            },
            "notice_days": data["notice_days"],
            "dormant_days": data["dormant_days"],
        }

    @staticmethod
    def initial_from(rules: dict) -> dict:
        # ``None`` / ``{}`` (no bonus, excellence or points): the form shows
        # the "none" box ticked and plain numbers to start from.
        excellence = rules.get("excellence") or {
            "ratio": "0.30",
            "rounding": "floor",
            "tie": "include",
        }
        bonus = rules.get("bonus") or {
            "threshold": 1000,
            "amount": 100,
            "requires_conversion": True,
        }
        points = rules.get("points") or {}
        return {
            "no_points": not points,
            "no_bonus": not rules.get("bonus"),
            "no_excellence": not rules.get("excellence"),
            **{f"points_{k}": points.get(k, 0) for k in EntryKind.values},
            "bonus_threshold": bonus["threshold"],
            "bonus_amount": bonus["amount"],
            "bonus_requires_conversion": bonus["requires_conversion"],
            "excellence_percent": _plain(Decimal(str(excellence["ratio"])) * 100),
            "rounding": excellence["rounding"],
            "tie": excellence["tie"],
            "notice_days": rules.get("notice_days", 5),
            "dormant_days": rules.get("dormant_days", 90),
        }


def _plain(value: Decimal) -> Decimal:
    """30.00 → 30 and 12.50 → 12.5, never 3E+1."""
    return value.quantize(Decimal(1)) if value == value.to_integral() else value.normalize()


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
