"""Language selection: Chinese first.

Pages are in Simplified Chinese unless the user picked another language with
the switch (the language cookie); a browser's Accept-Language does not
override that, since officers' phones are often set to English while the
programme's work is in Chinese. API clients may ask for a language with
Accept-Language; without it they get Chinese too.
"""

from __future__ import annotations

from django.conf import settings
from django.middleware.locale import LocaleMiddleware
from django.utils import translation


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
