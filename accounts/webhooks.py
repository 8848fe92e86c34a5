"""The tenant's outbound webhook: the bureau's WeCom or DingTalk group robot.

:func:`payload` shapes a notification as the robot's markdown message;
:func:`post` sends it without following redirects (a redirect could lead
into the server's own network); :func:`webhook_set` is the admin's change."""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from urllib.parse import urlsplit

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from .choices import NotificationKind, Role, WebhookFormat
from .models import Membership, TenantWebhook


def payload(fmt: str, message: dict) -> dict:
    """The robot's markdown message for one notification (``title``, ``body``, ``link``)."""
    title, body, link = message["title"], message.get("body", ""), message.get("link", "")
    more = f"[{_('Open the page')}]({link})" if link else ""
    if fmt == WebhookFormat.DINGTALK:
        text = "\n\n".join(part for part in (f"#### {title}", body, more) if part)
        return {"msgtype": "markdown", "markdown": {"title": title, "text": text}}
    content = "\n".join(part for part in (f"**{title}**", body, more) if part)
    return {"msgtype": "markdown", "markdown": {"content": content}}


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, req, fp, code, msg, headers, newurl):
        return None  # a 3xx answer is returned as an error, not followed


_opener = urllib.request.build_opener(_NoRedirect)


def check_url(url: str) -> None:
    """Only http(s) addresses with a host (ValidationError otherwise)."""
    parts = urlsplit(url or "")
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ValidationError({"url": _("Give the robot's http:// or https:// address.")})


def post(url: str, body: dict) -> int:
    """POST ``body`` as JSON; the HTTP status (a redirect counts as its 3xx
    status, not followed). Network errors raise :class:`OSError`."""
    check_url(url)
    request = urllib.request.Request(  # noqa: S310 - the scheme is checked above
        url,
        data=json.dumps(body, ensure_ascii=False).encode(),
        headers={"Content-Type": "application/json; charset=utf-8"},
        method="POST",
    )
    try:
        with _opener.open(request, timeout=settings.NOTIFICATION_WEBHOOK_TIMEOUT) as answer:
            return answer.status
    except urllib.error.HTTPError as exc:
        return exc.code


@transaction.atomic
def webhook_set(
    *, membership: Membership, url: str, format: str, kinds: list[str], enabled: bool = True
) -> TenantWebhook | None:
    """The admin sets (or, with an empty URL, removes) the tenant's webhook."""
    if membership.role != Role.ADMIN:
        raise PermissionDenied(_("Only the centre sets the webhook."))
    tenant = membership.tenant
    url = (url or "").strip()
    if not url:
        TenantWebhook.objects.for_tenant(tenant).delete()
        return None
    check_url(url)
    errors = {}
    if format not in WebhookFormat.values:
        errors["format"] = _("Choose WeCom or DingTalk.")
    unknown = sorted(set(kinds) - set(NotificationKind.values))
    if unknown:
        errors["kinds"] = _("Unknown kinds: %(kinds)s.") % {"kinds": ", ".join(unknown)}
    if errors:
        raise ValidationError(errors)
    hook, _created = TenantWebhook.objects.for_tenant(tenant).update_or_create(
        tenant=tenant,
        defaults={"url": url, "format": format, "kinds": sorted(set(kinds)), "enabled": enabled},
    )
    return hook


def webhook_test(*, membership: Membership) -> int:
    """The admin's "send a test message": posted at once (not queued), so the
    page can say whether the robot took it; the HTTP status (0: unreachable).
    No webhook set: ValidationError."""
    if membership.role != Role.ADMIN:
        raise PermissionDenied(_("Only the centre sets the webhook."))
    hook = TenantWebhook.objects.for_tenant(membership.tenant).first()
    if hook is None:
        raise ValidationError(_("Set the robot's address first."))
    message = {
        "title": _("Test message from %(tenant)s") % {"tenant": membership.tenant.name},
        "body": _(
            "The portal reaches this group: notifications of the chosen kinds will appear here."
        ),
    }
    try:
        return post(hook.url, payload(hook.format, message))
    except OSError:
        return 0
