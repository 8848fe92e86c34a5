"""Sentences the portal stores as text, shown in the reader's language.

History rows (a nomination's steps, an entry's re-scoring) keep the comment
the service wrote, in the language active when it ran. Rather than migrate
old rows, :func:`stored_text` recognises such a comment, in any language the
portal speaks, as one of :data:`STORED_SENTENCES` with its values, and says
it again in the active language. Text a person typed is left as it is."""

from __future__ import annotations

import re
from functools import cache

from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext, gettext_noop

#: Sentences services store in history rows (their msgids).
STORED_SENTENCES = (
    gettext_noop("Nomination created."),
    gettext_noop("Self-application through the public form."),
    gettext_noop("Appointed."),
    gettext_noop("Renewed."),
    gettext_noop("Policy version %(version)d takes effect on %(date)s."),
    # default titles of a selection round and its public notice
    gettext_noop("%(year)d selection of %(category)s"),
    gettext_noop("Public notice: %(round)s"),
)

_PLACEHOLDER = re.compile(r"%\((\w+)\)([sd])")


def _pattern(text: str) -> re.Pattern:
    """A translated sentence as a regular expression, its placeholders as
    named groups."""
    parts, at = [], 0
    for match in _PLACEHOLDER.finditer(text):
        parts.append(re.escape(text[at : match.start()]))
        name, kind = match.groups()
        parts.append(rf"(?P<{name}>-?\d+)" if kind == "d" else rf"(?P<{name}>.+?)")
        at = match.end()
    parts.append(re.escape(text[at:]))
    return re.compile("".join(parts))


@cache
def _patterns() -> tuple[tuple[str, re.Pattern], ...]:
    found = []
    for code, _name in settings.LANGUAGES:
        with translation.override(code):
            for msgid in STORED_SENTENCES:
                found.append((msgid, _pattern(gettext(msgid))))
    return tuple(found)


def stored_text(value: str) -> str:
    """``value`` in the active language when it is one of the stored
    sentences (in any language); otherwise ``value`` unchanged."""
    if not isinstance(value, str) or not value:
        return value
    for msgid, pattern in _patterns():
        match = pattern.fullmatch(value)
        if match is None:
            continue
        params = {
            k: int(v) if _is_number(msgid, k) else stored_text(v)
            for k, v in match.groupdict().items()
        }
        return gettext(msgid) % params if params else gettext(msgid)
    return value


def _is_number(msgid: str, name: str) -> bool:
    return f"%({name})d" in msgid


class _Punctuation:
    """Punctuation in the reader's language: ``{{ P.colon }}`` is “：” in
    Chinese and “: ” in English (a template context processor)."""

    def __getattr__(self, name):
        try:
            return gettext(_PUNCTUATION[name])
        except KeyError:
            raise AttributeError(name) from None

    def __getitem__(self, name):
        return self.__getattr__(name)


#: Punctuation marks by name (their English form is the msgid).
_PUNCTUATION = {
    "colon": gettext_noop(": "),
    "comma": gettext_noop(", "),
    "open": gettext_noop(" ("),
    "close": gettext_noop(")"),
}


def punctuation(request) -> dict:
    """Template context: ``P`` (see :class:`_Punctuation`)."""
    return {"P": _Punctuation()}
