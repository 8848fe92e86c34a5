"""The policy designer (issue 11): an admin edits every rule of the policy,
previews the change (diff and what-if) and publishes it as a new version.

One page, three steps carried by ``action``: ``edit`` (the editors, or back
to them from the preview), ``preview`` (validated rules: diff against the
version they replace and who would change points, excellence or grade) and
``publish``. The rules travel as JSON text in one field, so the page works
without a script; ``static/js/policy-designer.js`` builds the row editors
from that JSON and writes them back before submitting."""

from __future__ import annotations

import datetime as dt
import json

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.generic import RedirectView, TemplateView

from liaison.api.permissions import ADMIN
from liaison.errors import Conflict
from liaison.views import TenantPageMixin

from ..selectors import policy_diff, policy_in_force, policy_versions
from ..services import finalised_years_from, policy_version_create
from .designer import (
    default_effective_from,
    diff_lines,
    parse_rules,
    path_label,
    script_labels,
    whatif_rows,
    with_review_stages,
)


def _day(text: str | None) -> dt.date | None:
    try:
        return dt.date.fromisoformat(text or "")
    except ValueError:
        return None


def _finalised_message(tenant, day: dt.date) -> str:
    years = finalised_years_from(tenant=tenant, day=day)
    if not years:
        return ""
    return _("The %(year)d ranking is finalised; a new version takes effect after that year.") % {
        "year": years[-1]
    }


class PolicyDesignerView(TenantPageMixin, TemplateView):
    """Edit, preview and publish the programme's rules (admins only)."""

    roles = ADMIN
    template_name = "accounts/policy_designer.html"
    #: the what-if, handed in where the URL is wired
    #: (``assessment/urls_policy.py``): it reads the ranking and the
    #: assessment, which stand above this app
    whatif = None  # (*, tenant, effective_from, changes) -> {"year","changes"}

    def get(self, request, *args, **kwargs):
        day = _day(request.GET.get("from")) or default_effective_from(timezone.localdate())
        base = policy_in_force(tenant=self.tenant, on=day)
        self.state = {"day": day, "rules": base.rules, "base": base}
        return self._render("edit")

    def post(self, request, *args, **kwargs):
        action = request.POST.get("action", "edit")
        text = request.POST.get("rules", "")
        day = _day(request.POST.get("effective_from"))
        rules, json_error = parse_rules(text)
        self.state = {"day": day, "note": request.POST.get("note", "").strip()[:200]}
        if rules is None:
            return self._render("edit", rules=None, text=text, general=[json_error])
        self.state["rules"] = rules = with_review_stages(rules)
        if day is None:
            message = _("Give the date the version takes effect, as 2027-01-01.")
            return self._render("edit", general=[message])
        self.state["base"] = policy_in_force(tenant=self.tenant, on=day)
        if action == "edit":
            return self._render("edit")
        if action == "publish":
            return self._publish()
        return self._preview()

    def _preview(self, general: list[str] | None = None):
        from accounts.policy_schema import rules_errors

        rules, day = self.state["rules"], self.state["day"]
        errors = rules_errors(rules)
        refused = [_finalised_message(self.tenant, day)]
        if policy_versions(tenant=self.tenant).filter(effective_from=day).exists():
            refused.append(_("A policy version already takes effect on that date."))
        refused = [message for message in refused if message]
        if errors or refused:
            return self._render("edit", errors=errors, general=refused)
        whatif = self.whatif(tenant=self.tenant, effective_from=day, changes=rules)
        return self._render(
            "preview",
            diff=diff_lines(policy_diff(self.state["base"].rules, rules), rules),
            whatif=whatif,
            whatif_rows=whatif_rows(whatif, self.state["base"].rules, rules),
            # the columns some change fills (a graded programme has no points)
            whatif_keys={
                k for c in whatif["changes"] for side in ("before", "after") for k in c[side]
            },
            general=general,
        )

    def _publish(self):
        if not self.state["note"]:
            return self._preview(general=[_("Say in the note why the rules change.")])
        try:
            policy_version_create(
                tenant=self.tenant,
                effective_from=self.state["day"],
                changes=self.state["rules"],
                by=self.request.user,
                note=self.state["note"],
            )
        except Conflict as exc:
            general, errors = [exc.message], {}
        except ValidationError as exc:
            general, errors = [], exc.message_dict
        else:
            messages.success(
                self.request,
                _(
                    "The new version is saved. Verified entries of the years it rules are "
                    "re-scored in the background; each changed entry's history says so."
                ),
            )
            return redirect(reverse("policy", kwargs={"tenant_slug": self.tenant.slug}))
        general += errors.pop("effective_from", [])
        return self._render("edit", errors=errors, general=general)

    def _render(self, step: str, **extra):
        """The page at ``step`` with the posted (or loaded) state; ``extra``:
        ``errors`` by JSON path, ``general`` messages, ``diff``, ``whatif`` (and
        its ``whatif_rows`` and ``whatif_keys``),
        ``rules``/``text`` overriding the state's."""
        state = {"note": "", "base": None, **self.state, **extra}
        rules, day, errors = state["rules"], state["day"], state.get("errors") or {}
        text = state.get("text") or json.dumps(rules, ensure_ascii=False, indent=2)
        context = self.get_context_data(
            step=step,
            rules=rules,
            rules_text=text,
            effective_from=day.isoformat() if day else "",
            note=state["note"],
            base=state["base"],
            general_errors=state.get("general") or [],
            errors=errors,
            error_rows=[
                {"path": path, "label": path_label(path, rules), "messages": found}
                for path, found in errors.items()
            ],
            diff=state.get("diff"),
            whatif=state.get("whatif"),
            whatif_rows=state.get("whatif_rows") or [],
            whatif_keys=state.get("whatif_keys") or set(),
            labels=script_labels(),
        )
        return self.render_to_response(context)


class PolicyNewView(TenantPageMixin, RedirectView):
    """The old 'new version' form's address: the designer replaces it."""

    roles = ADMIN
    http_method_names = ["get"]

    def get_redirect_url(self, *args, **kwargs):
        return reverse("policy-designer", kwargs={"tenant_slug": self.tenant.slug})
