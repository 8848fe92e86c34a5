"""Ledger pages: an officer's "my work", the log and edit forms, entry detail
with history and evidence, the review queue and the reference libraries."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import FieldDoesNotExist, PermissionDenied, ValidationError
from django.db.models import Count, Q
from django.http import FileResponse, Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import FormView, ListView, TemplateView

from accounts.choices import Role
from liaison.api.permissions import ALL_ROLES
from liaison.errors import Conflict
from liaison.excel import XLSX, workbook_file
from liaison.forms import apply_service_errors
from liaison.views import FilteredListMixin, TenantPageMixin
from roster.models import Officer
from roster.selectors import districts_in_reach
from scoring.selectors import entry_share_rows

from . import services
from .choices import EntryKind, EntryStatus, Library
from .filtersets import EntryFilterSet, ReferenceFilterSet
from .forms import DeclineForm, EvidenceForm, ReferenceForm, ReturnForm, entry_form_for
from .models import Entry, Evidence
from .selectors import (
    awaiting_confirmation,
    entry_detail_list,
    entry_list,
    may_review,
    reference_list,
    review_queue,
)

LOGGERS = frozenset({Role.ADMIN, Role.DISTRICT_MANAGER, Role.OFFICER})
LEDGER_EXPORTERS = frozenset({Role.ADMIN, Role.AUDITOR, Role.DISTRICT_MANAGER})
REVIEWERS = frozenset({Role.ADMIN, Role.DISTRICT_MANAGER})


def _kinds():
    return EntryKind.choices


class MyWorkView(FilteredListMixin, TenantPageMixin, ListView):
    """Entries in the caller's reach by status, with a quick-log button per kind."""

    roles = ALL_ROLES
    template_name = "ledgers/my_work.html"
    context_object_name = "entries"
    paginate_by = 30
    filterset_class = EntryFilterSet

    def base_queryset(self):
        entries = entry_list(membership=self.membership)
        kind = self.request.GET.get("kind")
        if kind in EntryKind.values:
            entries = entries.filter(kind=kind)
        return entries.order_by("-occurred_on", "-id")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        counts = dict(
            entry_list(membership=self.membership)
            .order_by()
            .values_list("status")
            .annotate(n=Count("id"))
        )
        context.update(
            kinds=_kinds(),
            status_tabs=[(code, label, counts.get(code, 0)) for code, label in EntryStatus.choices],
            total=sum(counts.values()),
            current_status=self.request.GET.get("status", ""),
            current_kind=self.request.GET.get("kind", ""),
            can_log=self.membership.role in LOGGERS,
            awaiting=awaiting_confirmation(membership=self.membership),
            can_export=self.membership.role in LEDGER_EXPORTERS,
            export_query=_without_page(self.request.GET),
        )
        return context


def _without_page(query) -> str:
    query = query.copy()
    query.pop("page", None)
    return query.urlencode()


class LedgerExportView(TenantPageMixin, View):
    """The ledger list page's entries (same kind, filters and reach) as
    Excel: streamed to a temporary file (constant memory), or, above
    ``EXPORT_INLINE_MAX_ROWS`` entries or with ``?background=1``, a
    background job whose page shows the progress and the download link."""

    roles = LEDGER_EXPORTERS

    def get(self, request, *args, **kwargs):
        from .exports import ledger_entries, ledger_export_start, ledger_workbook

        query = request.GET.copy()
        background = query.pop("background", None)
        query.pop("page", None)
        entries, filters = ledger_entries(membership=self.membership, query=query)
        if background or entries.count() > settings.EXPORT_INLINE_MAX_ROWS:
            job = ledger_export_start(membership=self.membership, query=query)
            return redirect("export-page", tenant_slug=self.tenant.slug, pk=job.pk)
        book = ledger_workbook(
            membership=self.membership, entries=entries, user=request.user, filters=filters
        )
        return FileResponse(
            workbook_file(book),
            as_attachment=True,
            filename=f"ledger-{self.tenant.slug}.xlsx",
            content_type=XLSX,
        )


class _EntryFormView(TenantPageMixin, FormView):
    roles = LOGGERS
    template_name = "ledgers/entry_form.html"

    def get_form_class(self):
        return entry_form_for(self.kind)

    def get_form_kwargs(self):
        return {
            **super().get_form_kwargs(),
            "membership": self.membership,
            "instance": getattr(self, "entry", None),
        }

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            kind=self.kind,
            kind_label=EntryKind(self.kind).label,
            entry=getattr(self, "entry", None),
            **kwargs,
        )

    def form_valid(self, form):
        data, officers, reason = form.service_data()
        try:
            entry = self.save(data, officers, reason)
        except ValidationError as exc:
            apply_service_errors(form, exc)
            return self.form_invalid(form)
        except (PermissionDenied, Conflict) as exc:
            form.add_error(None, str(exc))
            return self.form_invalid(form)
        if entry.duplicate_of_id:
            messages.warning(
                self.request,
                _(
                    "Saved. It looks like an entry logged before: "
                    "“%(title)s”. Check it is not the same work."
                )
                % {"title": entry.duplicate_of.title},
            )
        else:
            messages.success(self.request, _("Saved."))
        return HttpResponseRedirect(_detail_url(entry))


class EntryCreateView(_EntryFormView):
    def dispatch(self, request, *args, **kwargs):
        if kwargs["kind"] not in EntryKind.values:
            raise Http404
        self.kind = kwargs["kind"]
        return super().dispatch(request, *args, **kwargs)

    def get_initial(self):
        # issue 15: a page may open the form pre-filled (?title=…&matched=1&matched=2,
        # as "arrange a matchmaking event" on a match); the form still limits
        # ``matched`` to the entries the caller may link (ledgers LINKABLE).
        initial = super().get_initial()
        if self.request.method == "GET":
            if title := self.request.GET.get("title", "").strip()[:200]:
                initial["title"] = title
            matched = [
                v for v in self.request.GET.getlist("matched") if v.isascii() and v.isdigit()
            ]
            if matched:
                initial["matched"] = [int(v) for v in matched[:20]]
            for name in ("achievement", "enterprise"):  # the form scopes both choices
                value = self.request.GET.get(name, "")
                if value.isascii() and value.isdigit():
                    initial[name] = int(value)
        return initial

    def save(self, data, officers, reason):
        return services.entry_create(
            tenant=self.tenant,
            membership=self.membership,
            kind=self.kind,
            data=data,
            officers=officers,
        )


class EntryUpdateView(_EntryFormView):
    def get(self, request, *args, **kwargs):
        self._load()
        return super().get(request, *args, **kwargs)

    def post(self, request, *args, **kwargs):
        self._load()
        return super().post(request, *args, **kwargs)

    def _load(self):
        self.entry = get_object_or_404(entry_list(membership=self.membership), pk=self.kwargs["pk"])
        self.kind = self.entry.kind

    def save(self, data, officers, reason):
        return services.entry_update(
            tenant=self.tenant,
            membership=self.membership,
            entry=self.entry,
            data=data,
            officers=officers,
            reason=reason,
        )


def _detail_url(entry: Entry) -> str:
    return reverse("entry-detail", kwargs={"tenant_slug": entry.tenant.slug, "pk": entry.pk})


class EntryDetailView(TenantPageMixin, TemplateView):
    roles = ALL_ROLES
    template_name = "ledgers/entry_detail.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        entry = get_object_or_404(
            entry_detail_list(membership=self.membership).select_related(
                "expert", "enterprise", "achievement", "conversion", "created_by", "verified_by"
            ),
            pk=self.kwargs["pk"],
        )
        role = self.membership.role
        credited_me = any(o.user_id == self.request.user.id for o in entry.officers.all())
        editable = (role in REVIEWERS) or (credited_me and entry.status in ("draft", "returned"))
        credits = list(entry.credits.select_related("officer", "officer__district"))
        unconfirmed = [c.officer for c in credits if not c.confirmed]
        my_pending = [
            c.officer
            for c in credits
            if not c.confirmed and c.officer.user_id == self.request.user.id
        ]
        if my_pending and role not in REVIEWERS:  # confirm or decline before anything else
            editable = False
        can_withdraw = entry.status == "submitted" and (credited_me or role in REVIEWERS)
        can_review = (
            entry.status == "submitted"
            and role in REVIEWERS
            and may_review(membership=self.membership, entry=entry)
        )
        history = _history_with_change_rows(entry)
        context.update(
            entry=entry,
            kind_label=EntryKind(entry.kind).label,
            fields=_field_rows(entry),
            can_edit=editable,
            can_submit=entry.status in ("draft", "returned")
            and (credited_me or role in REVIEWERS)
            and not unconfirmed,
            can_withdraw=can_withdraw,
            # a manager's or admin's withdraw of someone else's entry is a return
            withdraw_is_return=can_withdraw
            and services.withdraw_is_return(membership=self.membership, entry=entry),
            history=history,
            credits=credits,
            unconfirmed=unconfirmed,
            unconfirmed_names=_(", ").join(o.full_name for o in unconfirmed),
            my_pending=my_pending,
            decline_form=DeclineForm(),
            can_review=can_review,
            # a reviewer who sees no verify button is told why (four eyes, reach)
            review_refusal=services.review_refusal(membership=self.membership, entry=entry)
            if entry.status == "submitted" and role in REVIEWERS and not can_review
            else "",
            can_upload=editable and role in LOGGERS,
            return_form=ReturnForm(),
            evidence_form=EvidenceForm(),
            evidence_max_mb=settings.EVIDENCE_MAX_BYTES // 2**20,
            shares=entry_share_rows(entry=entry) if entry.status == "verified" else [],
            conversion_url=_conversion_url(entry, self.tenant.slug) if role in LOGGERS else "",
        )
        return context


def _conversion_url(entry: Entry, slug: str) -> str:
    """The conversion form pre-filled from a verified matchmaking event that
    links a demand (issue 15: the funnel's last step names its demand), or
    ``""``."""
    if entry.kind != EntryKind.EVENT or entry.status != EntryStatus.VERIFIED:
        return ""
    linked = list(entry.matched.values_list("id", "kind", "title", "enterprise_id"))
    demands = [row for row in linked if row[1] == EntryKind.DEMAND]
    if not demands:
        return ""
    achievements = [row for row in linked if row[1] == EntryKind.ACHIEVEMENT]
    # one achievement: the conversion is that achievement's; else the event's title
    title = (
        _("Conversion: %(achievement)s") % {"achievement": achievements[0][2]}
        if len(achievements) == 1
        else entry.title
    )
    query = [("title", title[:200]), *(("matched", row[0]) for row in demands)]
    if len(achievements) == 1:
        query.append(("achievement", achievements[0][0]))
    enterprises = {row[3] for row in demands}
    if len(enterprises) == 1 and None not in enterprises:  # the demands' one enterprise
        query.append(("enterprise", enterprises.pop()))
    url = reverse("entry-create", kwargs={"tenant_slug": slug, "kind": EntryKind.CONVERSION})
    return f"{url}?{urlencode(query)}"


# History fields whose values are lists of officer ids (credits, confirmations).
_OFFICER_ID_FIELDS = ("officers", "confirmed")


def _history_with_change_rows(entry: Entry) -> list:
    """Label, before and after of each change in the entry's history, with
    officer ids shown as names and linked rows as their titles (a history row
    stores ids; ``[55, 57] → [55]`` means nothing to a reader)."""
    events = list(entry.history.all())
    officer_ids, entry_ids = set(), set()
    for event in events:
        for name, pair in event.changes.items():
            ids = {v for side in pair if isinstance(side, list) for v in side}
            if name in _OFFICER_ID_FIELDS:
                officer_ids |= ids
            elif name == "matched":
                entry_ids |= ids
    names = dict(
        Officer.objects.for_tenant(entry.tenant)
        .filter(pk__in=officer_ids)
        .values_list("pk", "full_name")
    )
    titles = dict(
        Entry.objects.for_tenant(entry.tenant).filter(pk__in=entry_ids).values_list("pk", "title")
    )
    linked: dict = {}  # (field, id) -> text: each linked row is read once per page
    for event in events:
        event.change_rows = [
            (
                _field_label(name),
                _history_value(entry, name, before, names, titles, linked),
                _history_value(entry, name, after, names, titles, linked),
            )
            for name, (before, after) in event.changes.items()
        ]
    return events


def _history_value(entry: Entry, name: str, value, names: dict, titles: dict, linked: dict):
    """A stored history value as a reader sees it."""
    if isinstance(value, list):
        lookup = names if name in _OFFICER_ID_FIELDS else titles if name == "matched" else {}
        return _(", ").join(str(lookup.get(v, f"#{v}")) for v in value)
    try:
        field = Entry._meta.get_field(name)
    except FieldDoesNotExist:
        return value
    if field.many_to_one and isinstance(value, int):  # a linked row, stored as its id
        if (name, value) not in linked:
            related = field.related_model._default_manager.filter(pk=value)
            if any(f.name == "tenant" for f in field.related_model._meta.fields):
                related = related.filter(tenant=entry.tenant)
            linked[name, value] = str(related.first() or f"#{value}")
        return linked[name, value]
    if getattr(field, "choices", None) and value not in (None, ""):
        return dict(field.flatchoices).get(value, value)
    if isinstance(value, bool):
        return _("Yes") if value else _("No")
    return value


def _field_label(name: str) -> str:
    if name == "officers":
        return _("Credited officers")
    if name == "confirmed":
        return _("Confirmed by")
    if name == "evidence":
        return _("Evidence")
    try:
        return str(Entry._meta.get_field(name).verbose_name)
    except FieldDoesNotExist:  # a field since removed: show its name
        return name


def _field_rows(entry: Entry) -> list[tuple[str, object]]:
    """Label and display value of each kind-specific field that has a value."""
    rows = []
    for name in services.KIND_FIELDS[entry.kind]:
        field = Entry._meta.get_field(name)
        if name == "matched":
            value = ", ".join(e.title for e in entry.matched.all())
        elif getattr(field, "choices", None):
            value = getattr(entry, f"get_{name}_display")()
        elif name == "is_valid":
            value = _("Yes") if entry.is_valid else _("No")
        else:
            value = getattr(entry, name)
        if value not in (None, ""):
            # a conversion's links are the demands it meets (its form says so too)
            label = (
                _("Demands met")
                if name == "matched" and entry.kind == EntryKind.CONVERSION
                else field.verbose_name
            )
            rows.append((label, value))
    return rows


class EntryActionView(TenantPageMixin, View):
    """POST submit / withdraw / verify / return from the detail page or the
    review queue, then back to where the user was."""

    roles = LOGGERS
    http_method_names = ["post"]
    ACTIONS = {
        "submit": services.entry_submit,
        "withdraw": services.entry_withdraw,
        "verify": services.entry_verify,
        "return": services.entry_return,
        "confirm": services.entry_confirm,
        "decline": services.entry_decline,
    }
    DONE = {
        "submit": _("Submitted for review."),
        "withdraw": _("Withdrawn to draft."),
        "verify": _("Verified."),
        "return": _("Returned to the officer."),
        "confirm": _("Credit confirmed."),
        "decline": _("Credit declined."),
    }

    def post(self, request, tenant_slug, pk, action):
        entry = get_object_or_404(entry_list(membership=self.membership), pk=pk)
        if action not in self.ACTIONS:
            raise Http404
        kwargs = {}
        if action == "return":
            form = ReturnForm(request.POST)
            if not form.is_valid():
                messages.error(request, _("Say why the entry is returned."))
                return self._back(entry)
            kwargs["reason"] = form.cleaned_data["reason"]
        elif action in ("withdraw", "decline"):
            # the services say whether a reason is needed (a manager's withdraw
            # of someone else's entry is a return; a decline always needs one)
            kwargs["reason"] = request.POST.get("reason", "")[:1000]
        done = self.DONE[action]
        if action == "withdraw" and services.withdraw_is_return(
            membership=self.membership, entry=entry
        ):
            done = self.DONE["return"]  # a manager's withdraw of someone else's entry
        try:
            self.ACTIONS[action](
                tenant=self.tenant, membership=self.membership, entry=entry, **kwargs
            )
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        except (PermissionDenied, Conflict) as exc:
            messages.error(request, str(exc))
        else:
            messages.success(
                request,
                _("%(done)s “%(title)s”") % {"done": done, "title": entry.title},
            )
            if action == "decline":  # the entry may be out of the officer's sight now
                return HttpResponseRedirect(
                    reverse("my-work", kwargs={"tenant_slug": self.tenant.slug})
                )
        return self._back(entry)

    def _back(self, entry):
        target = self.request.POST.get("next", "")
        if not url_has_allowed_host_and_scheme(target, allowed_hosts={self.request.get_host()}):
            target = _detail_url(entry)
        return HttpResponseRedirect(target)


class EvidenceUploadView(TenantPageMixin, View):
    roles = LOGGERS
    http_method_names = ["post"]

    def post(self, request, tenant_slug, pk):
        entry = get_object_or_404(entry_list(membership=self.membership), pk=pk)
        form = EvidenceForm(request.POST, request.FILES)
        if not form.is_valid():
            messages.error(request, _("Choose a file to upload."))
        else:
            try:
                services.evidence_add(
                    tenant=self.tenant,
                    membership=self.membership,
                    entry=entry,
                    upload=form.cleaned_data["file"],
                )
                messages.success(request, _("Evidence attached."))
            except ValidationError as exc:
                messages.error(request, " ".join(exc.messages))
            except (PermissionDenied, Conflict) as exc:
                messages.error(request, str(exc))
        return HttpResponseRedirect(_detail_url(entry))


class EvidenceDownloadView(TenantPageMixin, View):
    """Evidence is never served from a public URL: only through the entry's scope."""

    roles = ALL_ROLES

    def get(self, request, tenant_slug, pk, evidence_pk):
        entry = get_object_or_404(entry_list(membership=self.membership), pk=pk)
        evidence = get_object_or_404(Evidence.objects.filter(entry=entry), pk=evidence_pk)
        response = FileResponse(
            evidence.file.open("rb"),
            as_attachment=True,
            filename=evidence.original_name,
            content_type=evidence.content_type,
        )
        response["X-Content-Type-Options"] = "nosniff"
        return response


class ReviewQueueView(FilteredListMixin, TenantPageMixin, ListView):
    """Submitted entries the caller may verify or return; bulk verify."""

    roles = REVIEWERS
    template_name = "ledgers/review_queue.html"
    context_object_name = "entries"

    def base_queryset(self):
        queue = review_queue(membership=self.membership)
        kind = self.request.GET.get("kind")
        if kind in EntryKind.values:
            queue = queue.filter(kind=kind)
        district = self.request.GET.get("district")
        if district:
            queue = queue.filter(credits__officer__district__code=district).distinct()
        query = self.request.GET.get("q", "").strip()
        if query:
            queue = queue.filter(
                Q(title__icontains=query) | Q(credits__officer__full_name__icontains=query)
            ).distinct()
        return queue.prefetch_related("evidence", "officers__district")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(
            kinds=_kinds(),
            districts=districts_in_reach(membership=self.membership),
            return_form=ReturnForm(),
        )
        return context

    def post(self, request, *args, **kwargs):
        """Bulk verify the ticked entries."""
        ids = [int(i) for i in request.POST.getlist("entries") if i.isdigit()]
        chosen = review_queue(membership=self.membership).filter(pk__in=ids)
        done, refused = services.entry_verify_many(
            tenant=self.tenant, membership=self.membership, entries=chosen
        )
        if done:
            messages.success(request, _("%(n)d entries verified.") % {"n": len(done)})
        for entry, why in refused:
            messages.error(request, f"{entry.title}: {why}")
        if not ids:
            messages.info(request, _("Tick the entries to verify first."))
        return HttpResponseRedirect(request.get_full_path())


class LibraryView(FilteredListMixin, TenantPageMixin, ListView):
    roles = ALL_ROLES
    template_name = "ledgers/library.html"
    context_object_name = "references"
    filterset_class = ReferenceFilterSet

    def base_queryset(self):
        return reference_list(membership=self.membership)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        counts = dict(
            reference_list(membership=self.membership)
            .order_by()
            .values_list("library")
            .annotate(n=Count("id"))
        )
        context.update(
            libraries=[(k, label, counts.get(k, 0)) for k, label in Library.choices],
            current=self.request.GET.get("library", ""),
            q=self.request.GET.get("q", ""),
            can_add=self.membership.role != Role.AUDITOR,
        )
        return context


class ReferenceCreateView(TenantPageMixin, FormView):
    roles = ALL_ROLES - {Role.AUDITOR}
    template_name = "form_page.html"
    form_class = ReferenceForm

    def get_initial(self):
        return {"library": self.request.GET.get("library", Library.ENTERPRISE)}

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "tenant": self.tenant}

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            title=_("Add to a reference library"), cancel_url=self._list_url(), **kwargs
        )

    def _list_url(self):
        return reverse("library", kwargs={"tenant_slug": self.tenant.slug})

    def form_valid(self, form):
        data = dict(form.cleaned_data)
        try:
            ref = services.reference_create(
                tenant=self.tenant,
                membership=self.membership,
                library=data.pop("library"),
                name=data.pop("name"),
                **data,
            )
        except ValidationError as exc:
            apply_service_errors(form, exc)
            return self.form_invalid(form)
        messages.success(self.request, _("Added “%(name)s”.") % {"name": ref.name})
        return HttpResponseRedirect(f"{self._list_url()}?library={ref.library}")
