"""Forms of the ledger pages: one log/edit form per kind, built from the
same field lists the API uses. Related choices come from the tenant only."""

from __future__ import annotations

import re

from django import forms
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.choices import Role
from accounts.models import Membership
from liaison.forms import BootstrapFormMixin, PickerSelectMultiple
from roster.models import Officer

from .choices import EntryKind, Library
from .models import Entry, Reference
from .selectors import creditable_officers, entry_list, linkable_entries
from .services import COMMON_FIELDS, KIND_FIELDS, MATCHABLE_KINDS

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class EntryForm(BootstrapFormMixin, forms.ModelForm):
    """Base; :func:`entry_form_for` makes the form of one kind."""

    #: the kind of entry (set by :func:`entry_form_for`)
    kind: str = ""

    officers = forms.ModelMultipleChoiceField(
        label=_("Credited officers"),
        queryset=Officer.objects.none(),
        widget=PickerSelectMultiple(
            attrs={
                "size": 5,
                "data-picker-help": _("The officers this work credits: type to filter, tick each."),
            }
        ),
        help_text=_("The officers this work credits (hold Ctrl or tap to pick several)."),
    )
    reason = forms.CharField(
        label=_("Reason for the correction"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    class Meta:
        model = Entry
        fields: list[str] = []
        widgets = {
            "occurred_on": DATE,
            "wanted_by": DATE,
            "contract_date": DATE,
            "summary": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, membership: Membership, **kwargs):
        super().__init__(*args, **kwargs)
        tenant = membership.tenant
        self.tenant = tenant
        credited = (
            list(self.instance.credits.values_list("officer_id", flat=True))
            if self.instance.pk
            else []
        )
        # An officer is always credited: the form asks only for co-credited
        # colleagues, typed by name or number (no list of the tenant's officers).
        self.own = (
            list(Officer.objects.for_tenant(tenant).filter(user=membership.user))
            if membership.role == Role.OFFICER
            else []
        )
        if self.own:
            own_ids = [o.id for o in self.own]
            self.fields["officers"] = forms.CharField(
                label=_("Co-credited colleagues (optional)"),
                required=False,
                widget=forms.TextInput(attrs={"class": "form-control", "autocomplete": "off"}),
                help_text=_(
                    "You are credited. Add colleagues who did this work with you: their "
                    "names or numbers (e.g. Li Si or Li Si#12), separated by commas. Each "
                    "colleague confirms before the entry can be submitted."
                ),
            )
            colleagues = (
                Officer.objects.for_tenant(tenant)
                .filter(id__in=credited)
                .exclude(id__in=own_ids)
                .order_by("id")
            )
            self.initial["officers"] = ", ".join(f"{o.full_name}#{o.id}" for o in colleagues)
        else:
            # Only officers the member may credit (creditable_officers): a
            # manager sees their districts' officers, an admin the tenant's.
            officers = creditable_officers(membership=membership).filter(
                Q(status="active") | Q(id__in=credited)
            )
            self.fields["officers"].queryset = officers.order_by(
                "category", "district__code", "full_name"
            )
            city = _("city")
            self.fields["officers"].label_from_instance = lambda o: (
                f"{o.full_name}（{o.district.name if o.district else city}）"
            )
            self.initial["officers"] = credited
        refs = Reference.objects.for_tenant(tenant)
        if "expert" in self.fields:
            self.fields["expert"].queryset = refs.filter(library=Library.EXPERT)
        if "enterprise" in self.fields:
            self.fields["enterprise"].queryset = refs.filter(library=Library.ENTERPRISE)
        visible = entry_list(membership=membership)
        instance = self.instance if self.instance.pk else None
        if "achievement" in self.fields:
            self.fields["achievement"].queryset = linkable_entries(
                membership=membership,
                kinds=[EntryKind.ACHIEVEMENT],
                also=[instance.achievement_id] if instance and instance.achievement_id else (),
            )
        if "conversion" in self.fields:
            self.fields["conversion"].queryset = visible.filter(kind=EntryKind.CONVERSION)
        if "matched" in self.fields:
            # a list that grows with the ledger: filtered as one types (issue 14)
            self.fields["matched"].widget = PickerSelectMultiple(
                attrs={"size": 5, "class": "form-select"}
            )
            self.fields["matched"].queryset = linkable_entries(
                membership=membership,
                kinds=MATCHABLE_KINDS[self.kind],
                also=instance.matched.values_list("id", flat=True) if instance else (),
            )
            self.fields["matched"].widget.attrs["size"] = 5
            if self.kind == EntryKind.CONVERSION:
                self.fields["matched"].label = _("Demands met")
                self.fields["matched"].help_text = _(
                    "The enterprise demands this conversion meets: they count as converted "
                    "in the matching funnel."
                )
        if self.instance.pk is None or self.instance.status != "verified":
            del self.fields["reason"]
        if self.instance.pk is None:
            self.initial.setdefault("occurred_on", timezone.localdate())
        self.fields["occurred_on"].widget.attrs["max"] = timezone.localdate().isoformat()

    def clean_officers(self):
        value = self.cleaned_data["officers"]
        if not self.own:
            return value
        return _resolve_colleagues(tenant=self.tenant, text=value, exclude=self.own)

    def service_data(self) -> tuple[dict, list[Officer], str]:
        """What the services take: field values, credited officers, reason."""
        data = {k: v for k, v in self.cleaned_data.items() if k not in ("officers", "reason")}
        if "matched" in data:
            data["matched"] = list(data["matched"])
        officers = [*self.own, *self.cleaned_data["officers"]]
        return data, officers, self.cleaned_data.get("reason", "")


_SEPARATORS = re.compile(r"[,，、;；\s]+")
_NUMBERED = re.compile(r"^(?P<name>[^#]*)#(?P<id>\d+)$")


def _resolve_colleagues(*, tenant, text: str, exclude: list[Officer]) -> list[Officer]:
    """Colleagues typed by name (``李四``), number (``#12`` or ``12``) or both
    (``李四#12``), resolved in the tenant. An unknown or ambiguous name is an
    error on the field; an officer's own appointments are skipped."""
    officers = Officer.objects.for_tenant(tenant).exclude(id__in=[o.id for o in exclude])
    found: list[Officer] = []
    errors: list[str] = []
    for token in [t for t in _SEPARATORS.split(text or "") if t]:
        numbered = _NUMBERED.match(token)
        if numbered or token.isdigit():
            pk = int(numbered["id"] if numbered else token)
            match = list(officers.filter(pk=pk))
        else:
            match = list(officers.filter(full_name=token)[:2])
        if not match:
            errors.append(_("No colleague “%(name)s”.") % {"name": token})
        elif len(match) > 1:
            errors.append(
                _("Several colleagues are named “%(name)s”: add their number, e.g. %(name)s#12.")
                % {"name": token}
            )
        elif match[0] not in found:
            found.append(match[0])
    if errors:
        raise forms.ValidationError(errors)
    return found


def entry_form_for(kind: str) -> type[EntryForm]:
    meta = type("Meta", (EntryForm.Meta,), {"fields": [*COMMON_FIELDS, *KIND_FIELDS[kind]]})
    return type(f"{kind.title()}EntryForm", (EntryForm,), {"Meta": meta, "kind": kind})


class ReturnForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason for return"),
        max_length=1000,
        widget=forms.TextInput(
            attrs={"class": "form-control form-control-sm", "placeholder": _("Reason for return")}
        ),
    )


class DeclineForm(forms.Form):
    reason = forms.CharField(
        label=_("Why you decline"),
        max_length=1000,
        widget=forms.TextInput(
            attrs={"class": "form-control form-control-sm", "placeholder": _("Why you decline")}
        ),
    )


class EvidenceForm(forms.Form):
    file = forms.FileField(
        label=_("Evidence file"), widget=forms.ClearableFileInput(attrs={"class": "form-control"})
    )


class ReferenceForm(BootstrapFormMixin, forms.ModelForm):
    class Meta:
        model = Reference
        fields = ["library", "name", "organisation", "field", "district", "contact", "note"]
        widgets = {"note": forms.Textarea(attrs={"rows": 2})}

    def __init__(self, *args, tenant, **kwargs):
        super().__init__(*args, **kwargs)
        from roster.models import District

        self.fields["district"].queryset = District.objects.for_tenant(tenant)

    def validate_unique(self):
        """Uniqueness per tenant is the service's to check (the form has no tenant)."""
