"""Project middleware: the language (Chinese first) and session timeouts.

Language selection: Chinese first.

Pages are in Simplified Chinese unless the user picked another language with
the switch (the language cookie); a browser's Accept-Language does not
override that, since officers' phones are often set to English while the
programme's work is in Chinese. API clients may ask for a language with
Accept-Language; without it they get Chinese too.
"""

from __future__ import annotations

from django.conf import settings
from django.middleware.locale import LocaleMiddleware
from django.utils import timezone, translation
from django.utils.translation import gettext as _


class ChineseFirstLocaleMiddleware(LocaleMiddleware):
    def process_request(self, request):
        supported = {code for code, _name in settings.LANGUAGES}
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        if chosen not in supported:
            chosen = None
            if request.path.startswith("/api/") and request.META.get("HTTP_ACCEPT_LANGUAGE"):
                chosen = translation.get_language_from_request(request)
        language = chosen or settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = translation.get_language()


class SessionTimeoutMiddleware:
    """Browser sessions end after ``SESSION_IDLE_TIMEOUT_SECONDS`` without a
    request (30 minutes) and ``SESSION_ABSOLUTE_TIMEOUT_SECONDS`` after the
    login (12 hours), whatever the activity.

    The session keeps the login time and the last activity (epoch seconds);
    the last activity is rewritten at most once a minute, so most requests do
    not write the session. An expired session is logged out: pages redirect
    to the login page with a message, API calls go on anonymous (401/403).
    Token-authenticated API calls carry no session and are not concerned.
    """

    LOGIN_AT = "_auth_login_at"
    SEEN_AT = "_auth_seen_at"
    WRITE_EVERY = 60

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            expired = self._touch(request.session)
            if expired:
                return self._expire(request)
        return self.get_response(request)

    @classmethod
    def start(cls, session) -> None:
        """Stamp a fresh login (the login view calls it)."""
        now = int(timezone.now().timestamp())
        session[cls.LOGIN_AT] = now
        session[cls.SEEN_AT] = now

    def _touch(self, session) -> bool:
        """True when the session has expired; else note the activity."""
        now = int(timezone.now().timestamp())
        login_at, seen_at = session.get(self.LOGIN_AT), session.get(self.SEEN_AT)
        if login_at is None or seen_at is None:  # a session from before the stamps
            self.start(session)
            return False
        if (
            now - seen_at > settings.SESSION_IDLE_TIMEOUT_SECONDS
            or now - login_at > settings.SESSION_ABSOLUTE_TIMEOUT_SECONDS
        ):
            return True
        if now - seen_at >= self.WRITE_EVERY:
            session[self.SEEN_AT] = now
        return False

    def _expire(self, request):
        from django.contrib import messages
        from django.contrib.auth import logout
        from django.contrib.auth.views import redirect_to_login

        logout(request)
        if request.path.startswith("/api/"):
            return self.get_response(request)
        messages.info(request, _("Your session has expired. Please sign in again."))
        return redirect_to_login(request.get_full_path())
