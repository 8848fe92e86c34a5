"""Import pages: upload an Excel file, see every row's problems, or the
number of rows imported; templates to download."""

from __future__ import annotations

from django import forms
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext_lazy
from django.views.generic import FormView

from liaison.api.permissions import ADMIN
from liaison.excel import XLSX
from liaison.views import TenantPageMixin

from . import imports, workflow


class ImportForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("Excel file (.xlsx)"),
        widget=forms.ClearableFileInput(attrs={"class": "form-control", "accept": ".xlsx"}),
    )
    dry_run = forms.BooleanField(label=gettext_lazy("Check only, import nothing"), required=False)


class _ImportView(TenantPageMixin, FormView):
    form_class = ImportForm
    template_name = "roster/import.html"
    title = ""

    def get(self, request, *args, **kwargs):
        if request.GET.get("template"):
            response = HttpResponse(self.template_bytes(), content_type=XLSX)
            response["Content-Disposition"] = 'attachment; filename="template.xlsx"'
            return response
        return super().get(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        return super().get_context_data(title=self.title, **kwargs)

    def form_valid(self, form):
        upload = form.cleaned_data["file"]
        try:
            imports.check_upload(upload)  # size and archive first: nothing read before
            result = self.run(upload.read(), form.cleaned_data["dry_run"])
        except ValidationError as exc:
            form.add_error("file", " ".join(exc.messages))
            return self.form_invalid(form)
        except PermissionDenied as exc:
            form.add_error(None, str(exc))
            return self.form_invalid(form)
        return self.render_to_response(
            self.get_context_data(
                form=self.form_class(), result=result, dry_run=form.cleaned_data["dry_run"]
            )
        )


class RosterImportView(_ImportView):
    roles = ADMIN
    title = gettext_lazy("Import an existing roster")

    def template_bytes(self) -> bytes:
        return imports.roster_template()

    def run(self, data: bytes, dry_run: bool):
        return imports.import_roster(membership=self.membership, data=data, dry_run=dry_run)


class NominationImportView(_ImportView):
    roles = workflow.NOMINATORS
    title = gettext_lazy("Import nominations from the nomination form")

    def get_round(self):
        return get_object_or_404(workflow.round_list(tenant=self.tenant), pk=self.kwargs["pk"])

    def template_bytes(self) -> bytes:
        return imports.nominations_template()

    def run(self, data: bytes, dry_run: bool):
        return imports.import_nominations(
            membership=self.membership, round=self.get_round(), data=data, dry_run=dry_run
        )

    def get_context_data(self, **kwargs):
        return super().get_context_data(round=self.get_round(), **kwargs)
