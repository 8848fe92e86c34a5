"""Two-factor sign-in (TOTP, RFC 6238: 6 digits, 30-second steps) on
django-otp's ``TOTPDevice``: reads and writes of a user's own device.

A user has at most one confirmed device. Enrolment creates an unconfirmed
device (its secret shown once, as text and QR code); a correct code confirms
it, and from then on every login asks for a code. Turning it off needs a
current code too, so a borrowed session cannot switch it off.
"""

from __future__ import annotations

import base64

import segno
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from django_otp.plugins.otp_totp.models import TOTPDevice

from audit.services import audit_two_factor
from liaison.errors import Conflict

from .models import User

DEVICE_NAME = "authenticator"


def mfa_device(*, user: User) -> TOTPDevice | None:
    """The user's confirmed device, or None when two-factor is off."""
    return TOTPDevice.objects.filter(user=user, confirmed=True).order_by("id").first()


def mfa_enabled(*, user: User) -> bool:
    return TOTPDevice.objects.filter(user=user, confirmed=True).exists()


#: What a superuser may still lack (:func:`operator_lacks`).
ENROL, VERIFY = "enrol", "verify"


def operator_lacks(*, user) -> str | None:
    """What a superuser (the platform operator: /platform/ and /admin/, who
    can suspend and delete every tenant) still lacks before using those
    powers: ``"enrol"`` without two-factor sign-in, ``"verify"`` when this
    session signed in without giving its code; None when nothing is missing,
    for anyone else, and for ``MFA_EXEMPT_USERNAMES`` (the demo's).
    ``user`` is the request's (django-otp's middleware says whether it is
    verified)."""
    if not user.is_superuser or user.username in settings.MFA_EXEMPT_USERNAMES:
        return None
    if not mfa_enabled(user=user):
        return ENROL
    verified = getattr(user, "is_verified", None)
    return None if verified is not None and verified() else VERIFY


def mfa_pending(*, user: User) -> TOTPDevice | None:
    """The device of an enrolment started and not yet confirmed."""
    return TOTPDevice.objects.filter(user=user, confirmed=False).order_by("-id").first()


def mfa_secret(device: TOTPDevice) -> str:
    """The device's key in base32, as authenticator apps take it by hand."""
    return base64.b32encode(device.bin_key).decode("ascii").rstrip("=")


def mfa_qr_svg(device: TOTPDevice) -> str:
    """The ``otpauth://`` URL as an inline SVG QR code (no image request,
    nothing leaves the server)."""
    return segno.make(device.config_url, error="m").svg_inline(scale=4, border=2)


@transaction.atomic
def mfa_setup(*, user: User) -> TOTPDevice:
    """Start (or restart) an enrolment: a new unconfirmed device with a fresh
    key replaces any earlier unconfirmed one. Refused while two-factor is on:
    turning it off first needs a current code."""
    if mfa_enabled(user=user):
        raise Conflict(_("Two-factor sign-in is already on. Turn it off first."))
    TOTPDevice.objects.filter(user=user, confirmed=False).delete()
    return TOTPDevice.objects.create(user=user, name=DEVICE_NAME, confirmed=False)


def mfa_confirm(*, user: User, otp: str) -> TOTPDevice:
    """Confirm the pending enrolment with a code from the app: two-factor is
    on. (Not one transaction: a wrong code's throttling must be kept.)"""
    device = mfa_pending(user=user)
    if device is None:
        raise ValidationError({"otp": _("Start the set-up first: there is no key to confirm.")})
    if not device.verify_token(otp or ""):
        raise ValidationError({"otp": _("The code is wrong or has expired.")})
    with transaction.atomic():
        device.confirmed = True
        device.save(update_fields=["confirmed"])
        audit_two_factor(user=user, enabled=True)
    return device


def mfa_verify(*, user: User, otp: str) -> TOTPDevice | None:
    """The confirmed device when ``otp`` is its current code, else None
    (a code is accepted once: django-otp refuses a replay)."""
    device = mfa_device(user=user)
    if device is None or not otp or not device.verify_token(otp):
        return None
    return device


def mfa_disable(*, user: User, otp: str) -> None:
    """Turn two-factor off; needs a current code."""
    if mfa_verify(user=user, otp=otp) is None:
        raise ValidationError({"otp": _("The code is wrong or has expired.")})
    with transaction.atomic():
        TOTPDevice.objects.filter(user=user).delete()
        audit_two_factor(user=user, enabled=False)
