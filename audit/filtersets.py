"""The audit log's filters, shared by the page, its Excel export and the API."""

from __future__ import annotations

import datetime as dt

import django_filters
from django import forms
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.translation import gettext_lazy as _

from .choices import AuditAction
from .models import AuditEvent


class MomentField(forms.CharField):
    """A date (``2026-03-01``: the whole day in the site's time zone) or a
    datetime (``2026-03-01T08:00:00+08:00``; naive: the site's time zone).
    Cleans to ``(start, end)``: the first and the last instant it covers."""

    def clean(self, value):
        value = super().clean(value)
        if not value:
            return None
        text = value.strip().replace(" ", "T", 1) if "T" not in value else value.strip()
        try:
            moment = parse_datetime(text) if "T" in text else None
            day = None if moment else parse_date(text)
        except ValueError:
            moment = day = None
        if moment is None and day is None:
            raise forms.ValidationError(_("Enter a date or a date and time."), code="invalid")
        try:
            if moment is not None:
                if timezone.is_naive(moment):
                    moment = timezone.make_aware(moment)
                start = end = moment
            else:
                start = timezone.make_aware(dt.datetime.combine(day, dt.time.min))
                end = start + dt.timedelta(days=1) - dt.timedelta(microseconds=1)
            # The database stores UTC: an instant past year 1 or 9999 there
            # overflowed into a 500 (schemathesis: ``at__gte=0001-01-01``).
            start.astimezone(dt.UTC), end.astimezone(dt.UTC)
        except OverflowError:
            raise forms.ValidationError(_("The date is out of range."), code="invalid") from None
        return start, end


class MomentFilter(django_filters.Filter):
    field_class = MomentField

    def filter(self, qs, value):
        if not value:
            return qs
        start, end = value
        if self.lookup_expr == "gte":
            return qs.filter(at__gte=start)
        return qs.filter(at__lte=end)


class AuditEventFilterSet(django_filters.FilterSet):
    object_type = django_filters.CharFilter(method="filter_object_type", label=_("Object type"))
    object_id = django_filters.CharFilter(label=_("Object id"))
    actor = django_filters.CharFilter(field_name="actor_username", label=_("Actor"))
    action = django_filters.ChoiceFilter(choices=AuditAction.choices, label=_("Action"))
    at__gte = MomentFilter(field_name="at", lookup_expr="gte", label=_("From"))
    at__lte = MomentFilter(field_name="at", lookup_expr="lte", label=_("To"))

    class Meta:
        model = AuditEvent
        fields = ["object_type", "object_id", "actor", "action", "at__gte", "at__lte"]

    def filter_object_type(self, queryset, name, value):
        """``entry`` or ``ledgers.entry``: the model name, lower case."""
        return queryset.filter(object_type=value.rpartition(".")[2].strip().lower())
