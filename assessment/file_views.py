"""The officer's file (一人一档, issue 13 item 5): the page and the workbook.
Reach as :func:`assessment.officer_file.file_officer` (others: 404)."""

from __future__ import annotations

from fractions import Fraction

from django.http import HttpResponse
from django.views import View
from django.views.generic import TemplateView

from accounts.choices import Role
from liaison.excel import XLSX
from liaison.views import TenantPageMixin
from scoring.engine import two_decimals

from .officer_file import file_officer, file_workbook, file_years, officer_file

#: every role reaches the view; the officer's reach decides (404 otherwise)
ALL_ROLES = frozenset(Role.values)


def _shown(value):
    """Fractions as 2-place decimals; everything else as it is."""
    return two_decimals(value) if isinstance(value, Fraction) else value


def _year(value: str | None) -> int | None:
    return int(value) if value and value.isdigit() and len(value) == 4 else None


class OfficerFileMixin(TenantPageMixin):
    roles = ALL_ROLES

    def get_file(self):
        officer = file_officer(membership=self.membership, pk=self.kwargs["pk"])
        years = file_years(
            officer,
            start=_year(self.request.GET.get("from")),
            end=_year(self.request.GET.get("to")),
        )
        return officer_file(tenant=self.tenant, officer=officer, years=years)


class OfficerFilePageView(OfficerFileMixin, TemplateView):
    template_name = "assessment/officer_file.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        file = self.get_file()
        sections = [
            {
                **s,
                "labels": [label for _key, label, _width in s["columns"]],
                "cells": [
                    [(label, _shown(row[key])) for key, label, _w in s["columns"]]
                    for row in s["rows"]
                ],
            }
            for s in file.sections
        ]
        context.update(officer=file.officer, file=file, sections=sections)
        return context


class OfficerFileExportView(OfficerFileMixin, View):
    def get(self, request, *args, **kwargs):
        file = self.get_file()
        response = HttpResponse(
            file_workbook(tenant=self.tenant, file=file, user=request.user), content_type=XLSX
        )
        first, last = file.years
        response["Content-Disposition"] = (
            f'attachment; filename="officer-file-{file.officer.pk}-{first}-{last}.xlsx"'
        )
        return response
