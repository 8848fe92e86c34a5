"""The audit page (审计日志) and its Excel export, for admins and auditors."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.http import FileResponse
from django.utils.translation import gettext_lazy as _
from django.views.generic import FormView, ListView

from accounts.selectors import policy_in_force
from liaison.api.permissions import ALL_ROLES, READERS
from liaison.excel import (
    PROVENANCE_KEYS,
    XLSX,
    Provenance,
    SheetWriter,
    describe_filters,
    heading,
    new_workbook,
    provenance_labels,
    workbook_file,
)
from liaison.views import FilteredListMixin, TenantPageMixin

from .choices import OBJECT_TYPE_LABELS, AuditAction
from .display import (
    Names,
    action_label,
    change_lines,
    change_text,
    object_label,
    object_type_label,
)
from .exports import export_verify_upload
from .filtersets import AuditEventFilterSet
from .selectors import audit_event_list


class AuditListView(FilteredListMixin, TenantPageMixin, ListView):
    roles = READERS
    template_name = "audit/event_list.html"
    context_object_name = "events"
    filterset_class = AuditEventFilterSet

    def base_queryset(self):
        return audit_event_list(tenant=self.tenant)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        names = Names(self.tenant)
        names.load(context["events"])
        for event in context["events"]:
            event.action_label = action_label(event.action)
            event.type_label = object_label(event, names)
            event.lines = change_lines(event, names)
        context.update(
            actions=AuditAction.choices,
            object_types=sorted(OBJECT_TYPE_LABELS.items(), key=lambda kv: str(kv[1])),
            filter_errors=getattr(self, "filterset", None) and self.filterset.errors,
        )
        return context


class AuditExportView(AuditListView):
    """The same filtered rows as the page, as an Excel file (streamed to a
    temporary file: constant memory). The export is itself an ``export``
    event (``audit.middleware``)."""

    def get(self, request, *args, **kwargs):
        events = self.get_queryset()
        book = new_workbook(
            provenance=Provenance(
                tenant=self.tenant,
                user=request.user,
                kind="audit",
                kind_label=_("Audit log"),
                filters=describe_filters(request.GET, self.filterset.form),
                policy_version=str(policy_in_force(tenant=self.tenant).version),
            )
        )
        sheet = SheetWriter(
            book,
            _("Audit log"),
            heading=heading(self.tenant.name, _("Audit log")),
            columns=[
                (_("Time"), 18),
                (_("Actor"), 16),
                (_("Action"), 10),
                (_("Object type"), 14),
                (_("Object id"), 10),
                (_("Changes"), 60),
                (_("Request id"), 34),
            ],
        )
        names = Names(self.tenant)
        for chunk in _chunks(events.iterator(chunk_size=2000), 2000):
            names.load(chunk)  # ids to names: one query per table and chunk
            for event in chunk:
                sheet.row(
                    [
                        event.at,
                        event.actor_username or _("System"),
                        action_label(event.action),
                        object_type_label(event.object_type),
                        event.object_id,
                        change_text(event, names),
                        event.request_id,
                    ]
                )
        sheet.close()
        return FileResponse(
            workbook_file(book),
            as_attachment=True,
            filename=f"audit-{self.tenant.slug}.xlsx",
            content_type=XLSX,
        )


def _chunks(items, size: int):
    chunk = []
    for item in items:
        chunk.append(item)
        if len(chunk) == size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


class ExportVerifyForm(forms.Form):
    file = forms.FileField(
        label=_("Excel file (.xlsx) exported from the portal"),
        widget=forms.ClearableFileInput(
            attrs={"class": "form-control form-control-lg py-4", "accept": ".xlsx"}
        ),
    )


class ExportVerifyView(TenantPageMixin, FormView):
    """校验导出文件: an auditor drops a file and learns whether the portal
    produced it unchanged, with its provenance read back. Writes nothing."""

    roles = ALL_ROLES
    form_class = ExportVerifyForm
    template_name = "audit/export_verify.html"

    def form_valid(self, form):
        try:
            result = export_verify_upload(tenant=self.tenant, upload=form.cleaned_data["file"])
        except ValidationError as exc:
            form.add_error("file", " ".join(exc.messages))
            return self.form_invalid(form)
        labels = provenance_labels()
        rows = [(labels[k], result["provenance"].get(k, "")) for k in PROVENANCE_KEYS]
        return self.render_to_response(
            self.get_context_data(
                form=self.form_class(),
                result=result,
                provenance_rows=rows if result["provenance"] else [],
                filename=form.cleaned_data["file"].name,
            )
        )
