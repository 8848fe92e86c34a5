"""Sign-in and the user's own security pages (not tenant pages).

- The login: username and password (django-axes locks a username after 5
  failures in a row, the same page for known and unknown usernames), then,
  for a user with two-factor on, a second step asking for the app's code.
- Sign-out ends every session of the user and revokes their API token; so do
  a password change (the current session stays) and an invitation's
  password.
- Two-factor sign-in (enrol with a QR code, confirm, turn off) and the API
  token (age, revoke), both under the user menu.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login as auth_login
from django.contrib.auth import logout as auth_logout
from django.contrib.auth import update_session_auth_hash
from django.contrib.auth import views as auth_views
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import ValidationError
from django.http import HttpResponseRedirect
from django.shortcuts import redirect
from django.urls import reverse, reverse_lazy
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.utils.translation import gettext as _
from django.views.generic import FormView, TemplateView
from django_otp import login as otp_login
from rest_framework.authtoken.models import Token

from liaison.errors import Conflict
from liaison.forms import apply_service_errors
from liaison.middleware import SessionTimeoutMiddleware

from . import lockout
from .api.authentication import token_expired, token_expires_at
from .forms import LoginForm, OtpForm
from .mfa import (
    ENROL,
    mfa_confirm,
    mfa_device,
    mfa_disable,
    mfa_enabled,
    mfa_pending,
    mfa_qr_svg,
    mfa_secret,
    mfa_setup,
    mfa_verify,
    operator_lacks,
)
from .models import User
from .services import api_token_revoke, user_end_sessions

#: Session key of a login waiting for its second factor.
PENDING = "_login_pending_mfa"
#: How long the code step waits after the password step.
PENDING_SECONDS = 300


def _now() -> int:
    return int(timezone.now().timestamp())


def mfa_enrolment_redirect(request):
    """A tenant page whose policy requires two-factor the member lacks: to
    the two-factor page, with a message, and back afterwards."""
    messages.warning(
        request,
        _("This programme requires two-factor sign-in for your role. Turn it on to continue."),
    )
    return redirect(f"{reverse('two-factor')}?{urlencode({'next': request.get_full_path()})}")


def operator_redirect(request):
    """The platform's pages and the admin site for a superuser who lacks
    something (:func:`accounts.mfa.operator_lacks`): to the two-factor page
    to turn it on, or signed out and back to the sign-in, which asks for the
    code; then back. None when nothing is missing."""
    lacks = operator_lacks(user=request.user)
    if lacks is None:
        return None
    query = urlencode({"next": request.get_full_path()})
    if lacks == ENROL:
        messages.warning(request, _("Turn on two-factor sign-in before you manage the platform."))
        return redirect(f"{reverse('two-factor')}?{query}")
    auth_logout(request)
    messages.warning(request, _("Sign in again with your two-factor code to manage the platform."))
    return redirect(f"{reverse('login')}?{query}")


class LoginView(auth_views.LoginView):
    """Step one: username and password."""

    template_name = "accounts/login.html"
    form_class = LoginForm
    redirect_authenticated_user = True

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["demo_mfa_exempt"] = bool(settings.MFA_EXEMPT_USERNAMES)
        return context

    def form_invalid(self, form):
        response = super().form_invalid(form)
        if form.locked:
            response.status_code = 429
        return response

    def form_valid(self, form):
        user = form.get_user()
        if mfa_enabled(user=user):
            self.request.session[PENDING] = {
                "user": user.pk,
                "backend": user.backend,
                "at": _now(),
                "next": self.get_success_url(),
            }
            return redirect("login-code")
        auth_login(self.request, user)
        SessionTimeoutMiddleware.start(self.request.session)
        return HttpResponseRedirect(self.get_success_url())


class LoginCodeView(FormView):
    """Step two, for a user with two-factor on: the app's current code. A
    wrong code counts as a failed login (axes), like a wrong password."""

    template_name = "accounts/login_code.html"
    form_class = OtpForm

    def dispatch(self, request, *args, **kwargs):
        pending = request.session.get(PENDING)
        self.user = None
        if pending and _now() - pending["at"] <= PENDING_SECONDS:
            self.user = User.objects.filter(pk=pending["user"], is_active=True).first()
        if self.user is None:
            request.session.pop(PENDING, None)
            if pending:
                messages.info(request, _("The sign-in took too long. Please start again."))
            return redirect("login")
        self.pending = pending
        return super().dispatch(request, *args, **kwargs)

    def form_valid(self, form):
        request, username = self.request, self.user.username
        lockout.mark_handled(request)
        if lockout.login_locked(request, username):
            lockout.login_failed(request, username, locked=True)
            return self._locked(form)
        device = mfa_verify(user=self.user, otp=form.cleaned_data["otp"])
        if device is None:
            lockout.login_failed(request, username)
            if getattr(request, "axes_locked_out", False):
                return self._locked(form)
            form.add_error("otp", _("The code is wrong or has expired."))
            return self.form_invalid(form)
        request.session.pop(PENDING, None)
        auth_login(request, self.user, backend=self.pending["backend"])
        otp_login(request, device)
        SessionTimeoutMiddleware.start(request.session)
        return HttpResponseRedirect(self.pending["next"])

    def _locked(self, form):
        self.request.session.pop(PENDING, None)
        form.add_error(None, lockout.locked_message())
        response = self.form_invalid(form)
        response.status_code = 429
        return response


class LogoutView(auth_views.LogoutView):
    """Sign-out ends every session of the user (other browsers too) and
    revokes their API token."""

    def post(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            user_end_sessions(user=request.user)
        return super().post(request, *args, **kwargs)


class InvitationView(auth_views.PasswordResetConfirmView):
    """A new officer's invitation: they choose their own password (no
    password is ever sent in a notice or an e-mail). Any session of the
    account ends."""

    template_name = "accounts/invitation.html"
    success_url = reverse_lazy("login")
    post_reset_login = False

    def form_valid(self, form):
        response = super().form_valid(form)
        user_end_sessions(user=form.user)
        messages.success(self.request, _("Your password is set. Sign in with your username."))
        return response

    def get_form(self, form_class=None):
        form = super().get_form(form_class)
        for field in form.fields.values():
            field.widget.attrs["class"] = "form-control"
        return form


class PasswordChangeView(auth_views.PasswordChangeView):
    """The user changes their password: every other session ends and the
    API token is revoked; this session stays."""

    template_name = "accounts/password_change.html"
    success_url = reverse_lazy("choose-tenant")

    def get_form(self, form_class=None):
        form = super().get_form(form_class)
        for field in form.fields.values():
            field.widget.attrs["class"] = "form-control"
        return form

    def form_valid(self, form):
        form.save()
        user_end_sessions(user=form.user)
        update_session_auth_hash(self.request, form.user)
        messages.success(
            self.request,
            _("Your password is changed. Your other sessions and your API token have ended."),
        )
        return HttpResponseRedirect(self.get_success_url())


class TwoFactorView(LoginRequiredMixin, TemplateView):
    """两步验证: status, enrolment (QR code and the key as text, confirmed
    with a code) and turning it off (needs a current code)."""

    template_name = "accounts/two_factor.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        device = mfa_device(user=user)
        pending = None if device else mfa_pending(user=user)
        context.update(
            device=device,
            pending=pending,
            secret=mfa_secret(pending) if pending else "",
            qr_svg=mfa_qr_svg(pending) if pending else "",
            form=kwargs.get("form") or OtpForm(),
            next=self._next(),
        )
        return context

    def _next(self) -> str:
        target = self.request.POST.get("next") or self.request.GET.get("next") or ""
        safe = url_has_allowed_host_and_scheme(
            target, allowed_hosts={self.request.get_host()}, require_https=self.request.is_secure()
        )
        return target if safe else ""

    def _back(self):
        query = urlencode({"next": self._next()}) if self._next() else ""
        return redirect(f"{reverse('two-factor')}{'?' + query if query else ''}")

    def post(self, request, *args, **kwargs):
        action = request.POST.get("action")
        if action == "start":
            try:
                mfa_setup(user=request.user)
            except Conflict as exc:
                messages.error(request, exc.message)
            return self._back()
        if action not in ("confirm", "disable"):
            return self._back()
        form = OtpForm(request.POST)
        if form.is_valid():
            try:
                if action == "confirm":
                    device = mfa_confirm(user=request.user, otp=form.cleaned_data["otp"])
                    otp_login(request, device)  # the code was just given: this session is verified
                else:
                    mfa_disable(user=request.user, otp=form.cleaned_data["otp"])
            except ValidationError as exc:
                apply_service_errors(form, exc)
        if not form.is_valid():
            return self.render_to_response(self.get_context_data(form=form), status=400)
        if action == "confirm":
            messages.success(
                request, _("Two-factor sign-in is on. Each sign-in now asks for a code.")
            )
            if self._next():
                return redirect(self._next())
        else:
            messages.success(request, _("Two-factor sign-in is off."))
        return self._back()


class ApiTokenView(LoginRequiredMixin, TemplateView):
    """The user's API token: whether one exists, its age, when it expires,
    and a button to revoke it."""

    template_name = "accounts/api_token.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        token = Token.objects.filter(user=self.request.user).first()
        context.update(
            token=token,
            expires_at=token_expires_at(token) if token else None,
            expired=token_expired(token) if token else False,
            ttl_days=settings.API_TOKEN_TTL_SECONDS // 86400,
        )
        return context

    def post(self, request, *args, **kwargs):
        if api_token_revoke(user=request.user):
            messages.success(request, _("Your API token is revoked."))
        return redirect("api-token")
