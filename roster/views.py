"""Roster pages: districts, units, members, officers, the policy."""

from __future__ import annotations

import copy
from fractions import Fraction
from functools import cached_property

from django.db.models import Count, Q
from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.generic import ListView, TemplateView

from accounts.choices import Role
from accounts.selectors import member_list, policy_history, policy_in_force
from ledgers.choices import EntryKind
from liaison.api.permissions import ADMIN, ALL_ROLES, READERS
from liaison.excel import (
    XLSX,
    Provenance,
    SheetWriter,
    describe_filters,
    heading,
    new_workbook,
    text_id,
    workbook_bytes,
)
from liaison.views import FilteredListMixin, TenantFormView, TenantPageMixin

from . import policy_text, services
from .choices import OfficerStatus
from .filtersets import OfficerFilterSet
from .forms import DistrictForm, MemberForm, OfficerForm, UnitForm
from .hosts import headcount, without_host
from .models import Officer
from .selectors import (
    MemberGrants,
    district_choices,
    district_list,
    dormant,
    home_summary,
    officer_list,
    rotation_due,
    terms_ending,
    unit_list,
)


class DistrictListView(TenantPageMixin, ListView):
    roles = ALL_ROLES
    template_name = "roster/district_list.html"
    context_object_name = "districts"
    paginate_by = 50  # issue 14 "Lists": numbered pages when the list grows

    def get_queryset(self):
        districts = district_list(tenant=self.tenant)
        query = self.request.GET.get("q", "").strip()
        if query:
            districts = districts.filter(Q(name__icontains=query) | Q(code__icontains=query))
        return districts.annotate(
            officer_count=Count("officers", filter=Q(officers__status="active")),
            unit_count=Count("units", distinct=True),
        )

    def get_context_data(self, **kwargs):
        return super().get_context_data(q=self.request.GET.get("q", ""), **kwargs)


class DistrictCreateView(TenantFormView):
    form_class = DistrictForm
    list_url_name = "district-list"
    title = _("New district")
    success_message = _("District saved.")

    def extra_form_kwargs(self):
        return {}

    def perform(self, form):
        return services.district_create(tenant=self.tenant, **form.cleaned_data)


class DistrictUpdateView(DistrictCreateView):
    title = _("Edit district")

    @cached_property
    def district(self):
        return get_object_or_404(district_list(tenant=self.tenant), pk=self.kwargs["pk"])

    def get_initial(self):
        district = self.district
        return {"code": district.code, "name": district.name}

    def perform(self, form):
        return services.district_update(
            tenant=self.tenant, district=self.district, **form.cleaned_data
        )


class UnitListView(TenantPageMixin, ListView):
    roles = ALL_ROLES
    template_name = "roster/unit_list.html"
    context_object_name = "units"
    paginate_by = 50

    def get_queryset(self):
        units = unit_list(tenant=self.tenant)
        query = self.request.GET.get("q", "").strip()
        if query:
            units = units.filter(name__icontains=query)
        return units

    def get_context_data(self, **kwargs):
        return super().get_context_data(q=self.request.GET.get("q", ""), **kwargs)


class UnitCreateView(TenantFormView):
    form_class = UnitForm
    list_url_name = "unit-list"
    title = _("New unit")
    success_message = _("Unit saved.")

    def perform(self, form):
        return services.unit_create(tenant=self.tenant, **form.cleaned_data)


class UnitUpdateView(UnitCreateView):
    title = _("Edit unit")

    @cached_property
    def unit(self):
        return get_object_or_404(unit_list(tenant=self.tenant), pk=self.kwargs["pk"])

    def get_initial(self):
        unit = self.unit
        return {"name": unit.name, "kind": unit.kind, "district": unit.district_id}

    def perform(self, form):
        return services.unit_update(tenant=self.tenant, unit=self.unit, **form.cleaned_data)


class MemberListView(TenantPageMixin, ListView):
    roles = ADMIN
    template_name = "roster/member_list.html"
    context_object_name = "members"
    paginate_by = 100

    def get_queryset(self):
        members = member_list(tenant=self.tenant)
        query = self.request.GET.get("q", "").strip()
        if query:  # issue 14 "Lists": search by username or name
            members = members.filter(
                Q(user__username__icontains=query) | Q(user__full_name__icontains=query)
            )
        role = self.request.GET.get("role")
        if role in Role.values:
            members = members.filter(role=role)
        return members

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(roles=Role.choices, filters=self.request.GET)
        grants = MemberGrants(tenant=self.tenant)
        for member in context["members"]:
            member.district_names = grants.district_names(member.user_id)
            member.unit_count = len(grants.units(member.user_id))
        return context


class MemberCreateView(TenantFormView):
    form_class = MemberForm
    list_url_name = "member-list"
    title = _("New member")
    success_message = _("Member created. Give them their username and initial password.")

    def perform(self, form):
        return services.member_create(tenant=self.tenant, **form.cleaned_data)


class OfficerListView(FilteredListMixin, TenantPageMixin, ListView):
    roles = ALL_ROLES
    template_name = "roster/officer_list.html"
    context_object_name = "officers"
    filterset_class = OfficerFilterSet

    FLAGS = {
        "rotation": rotation_due,
        "ending": terms_ending,
        "dormant": dormant,
        "nohost": without_host,  # issue 11: yangquan 第十三条（四）
    }

    def base_queryset(self):
        officers = officer_list(membership=self.membership)
        flag = self.request.GET.get("flag")
        if flag in self.FLAGS:
            rules = policy_in_force(tenant=self.tenant).rules
            today = timezone.localdate()
            kwargs = {
                "rotation": {"rotation_years": rules.get("rotation_years")},
                "dormant": {"days": int(rules.get("dormant_days", 90))},
                "ending": {},
                "nohost": {},
            }[flag]
            officers = self.FLAGS[flag](officers=officers, on=today, **kwargs)
        return officers

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        policy = policy_in_force(tenant=self.tenant)
        labels = policy.category_labels
        today = timezone.localdate()
        hosts_required = bool(policy.rules.get("hosts_required"))
        unhosted = set()
        if hosts_required:
            ids = [o.pk for o in context["officers"]]
            unhosted = set(
                without_host(officers=Officer.objects.filter(pk__in=ids), on=today).values_list(
                    "pk", flat=True
                )
            )
        for officer in context["officers"]:
            officer.category_label = labels.get(officer.category, officer.category)
            officer.needs_host = officer.pk in unhosted
        context.update(
            categories=policy.rules["categories"],
            districts=district_choices(membership=self.membership),
            hosts_required=hosts_required,
            headcount=[r for r in headcount(membership=self.membership, on=today) if r["minimum"]],
        )
        return context


class OfficerExportView(OfficerListView):
    """The roster as Excel: the same filtered rows as the list page, within
    the caller's reach (a district manager exports their districts)."""

    roles = READERS | {Role.DISTRICT_MANAGER}

    def get(self, request, *args, **kwargs):
        officers = self.get_queryset()
        policy = policy_in_force(tenant=self.tenant)
        labels = policy.category_labels
        statuses = dict(OfficerStatus.choices)
        book = new_workbook(
            provenance=Provenance(
                tenant=self.tenant,
                user=request.user,
                kind="roster",
                kind_label=_("Roster"),
                filters=describe_filters(
                    request.GET, getattr(self, "filterset", None) and self.filterset.form
                ),
                policy_version=str(policy.version),
            )
        )
        sheet = SheetWriter(
            book,
            _("Roster"),
            heading=heading(self.tenant.name, _("Roster")),
            columns=[
                (_("Officer ID"), 10),
                (_("Full name"), 12),
                (_("Category"), 12),
                (_("District"), 12),
                (_("Dispatching unit"), 24),
                (_("Term start"), 12),
                (_("Term end"), 12),
                (_("Status"), 10),
                (_("Mobile"), 14),
                (_("Email"), 22),
            ],
        )
        for officer in officers.iterator(chunk_size=2000):
            sheet.row(
                [
                    text_id(officer.pk),
                    officer.full_name,
                    labels.get(officer.category, officer.category),
                    officer.district.name if officer.district_id else "",
                    officer.unit.name if officer.unit_id else "",
                    officer.term_start,
                    officer.term_end,
                    statuses.get(officer.status, officer.status),
                    text_id(officer.mobile),
                    officer.email,
                ]
            )
        sheet.close()
        response = HttpResponse(workbook_bytes(book), content_type=XLSX)
        response["Content-Disposition"] = f'attachment; filename="roster-{self.tenant.slug}.xlsx"'
        return response


class OfficerCreateView(TenantFormView):
    form_class = OfficerForm
    list_url_name = "officer-list"
    title = _("New officer")
    success_message = _("Officer added to the roster.")

    def extra_form_kwargs(self):
        return {"tenant": self.tenant, "policy": policy_in_force(tenant=self.tenant)}

    def perform(self, form):
        data = dict(form.cleaned_data)
        data["username"] = data["username"] or None
        data["password"] = data["password"] or None
        return services.officer_create(tenant=self.tenant, **data)


class PolicyView(TenantPageMixin, TemplateView):
    roles = ALL_ROLES
    template_name = "roster/policy.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        policy = policy_in_force(tenant=self.tenant)
        rules = copy.deepcopy(policy.rules)
        labels = policy.category_labels
        for category in rules["categories"]:
            category["group_label"] = labels.get(
                category["scoring_group"], category["scoring_group"]
            )
        kinds = dict(EntryKind.choices)
        excellence = rules.get("excellence")  # None: nobody is excellent by points
        percent = Fraction(excellence["ratio"]) * 100 if excellence else Fraction(0)
        context.update(
            policy=policy,
            rules=rules,
            category_labels=labels,
            quota_rows=[
                {
                    **q,
                    "category_label": labels.get(q["category"], ""),
                    "kind_label": kinds.get(q["kind"], q["kind"]),
                }
                for q in rules["quotas"]
            ],
            points_rows=[
                (kind, label, rules["points"].get(kind, 0))
                for kind, label in kinds.items()
                if kind in rules["points"]
            ],
            excellence_percent=f"{float(percent):g}",
            has_points=any(rules.get("points", {}).values()),
            versions=policy_history(tenant=self.tenant),  # issue 11 policy: with diffs
            selection_rows=policy_text.selection_rows(policy),
            missing_text=policy_text.missing_text(rules),
        )
        return context


class HomeView(TenantPageMixin, TemplateView):
    """Each role's home: what they do here, with real counts."""

    roles = ALL_ROLES

    def get_template_names(self):
        return [f"home/{self.membership.role}.html"]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["summary"] = home_summary(membership=self.membership)
        from ledgers.selectors import review_queue

        from .workflow import may_take, nomination_list

        if self.membership.role in (Role.ADMIN, Role.DISTRICT_MANAGER):
            context["awaiting_review"] = review_queue(membership=self.membership).count()
        if self.membership.role in (Role.ADMIN, Role.DISTRICT_MANAGER, Role.UNIT_REVIEWER):
            open_ones = nomination_list(membership=self.membership).exclude(
                stage__in=["appointed", "rejected", "withdrawn", "objection_upheld", "draft"]
            )
            context["my_turn"] = sum(1 for n in open_ones if may_take(self.membership, n))
        if self.membership.role == Role.OFFICER:
            from scoring.quota_views import quota_label
            from scoring.quotas import officer_progress
            from scoring.selectors import latest_year_with_data

            today = timezone.localdate()
            month = f"{today.year}-{today.month:02d}"
            progress = []
            for officer in context["summary"].get("my_appointments", []):
                if officer.status == "active":
                    for row in officer_progress(officer=officer, month=month):
                        progress.append(
                            {**row, "label": quota_label(row["quota"]), "note": _prorating(row)}
                        )
            year = latest_year_with_data(tenant=self.tenant, today=today)
            context.update(
                progress=progress,
                progress_month=month,
                progress_year=year,
                standings=_standings(self.tenant, context["summary"], year),
            )
        return context


def _prorating(row: dict) -> str:
    """How a quota's expectation to date was pro-rated, in words: "按在岗月份
    折算：全年 4 项 × 5/12 ≈ 2 项" ("" when nothing was pro-rated)."""
    served, months = row["served"], row["period_months"]
    if served is None or served == months:
        return ""
    values = {
        "count": row["per_period"],
        "served": served,
        "months": months,
        "expected": row["expected"],
        "sign": "=" if row["per_period"] * served % months == 0 else "≈",
    }
    if row["period"] == "quarter":
        return (
            _(
                "Pro-rated by months in post: %(count)d a quarter × %(served)d/%(months)d "
                "%(sign)s %(expected)d"
            )
            % values
        )
    return (
        _(
            "Pro-rated by months in post: %(count)d a year × %(served)d/%(months)d "
            "%(sign)s %(expected)d"
        )
        % values
    )


def _standings(tenant, summary: dict, year: int) -> list[dict]:
    """The officer's own place in the year's ranking (their row and their
    pool's figures only, read by the ranking's selector) and their points
    added up month by month."""
    from scoring.charts import cumulative, line_chart
    from scoring.exports import pool_label
    from scoring.selectors import officer_months, officer_standing, snapshot_get

    out = []
    districts = None
    for officer in summary.get("my_appointments", []):
        standing = officer_standing(tenant=tenant, officer_id=officer.pk, year=year)
        if standing is None:
            continue
        if districts is None:
            districts = dict(district_list(tenant=tenant).values_list("code", "name"))
        months = officer_months(
            tenant=tenant,
            year=year,
            officers=[officer.pk],
            final=snapshot_get(tenant=tenant, year=year),
        )[officer.pk]
        out.append(
            {
                "officer": officer,
                "standing": standing,
                "pool_label": pool_label(standing.pool, districts),
                "chart": line_chart(
                    str(_("My points")), [(str(_("My points")), cumulative(months))], total=1
                ),
            }
        )
    return out
