"""Serializers of the ledger API: one per kind, sharing the common fields."""

from __future__ import annotations

import functools

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from accounts.choices import Role
from ledgers.choices import EntryKind, Library
from ledgers.models import Credit, Entry, EntryEvent, Evidence, Reference
from ledgers.selectors import creditable_officers, entry_list, linkable_entries
from ledgers.services import COMMON_FIELDS, KIND_FIELDS
from liaison.api.fields import TenantPrimaryKeyRelatedField, TenantSlugRelatedField
from roster.models import District, Officer


class _EntryLink(serializers.Serializer):
    id = serializers.IntegerField()
    title = serializers.CharField()


class EvidenceSerializer(serializers.ModelSerializer):
    class Meta:
        model = Evidence
        fields = ["id", "original_name", "content_type", "size", "uploaded_at"]


class EntryEventSerializer(serializers.ModelSerializer):
    actor = serializers.CharField(source="actor.username", default=None)

    class Meta:
        model = EntryEvent
        fields = ["action", "actor", "at", "from_status", "to_status", "changes", "reason"]


class CreditableOfficerField(TenantPrimaryKeyRelatedField):
    """A credited officer, resolved among the officers the caller may credit
    (:func:`ledgers.selectors.creditable_officers`): one outside the caller's
    reach gets the same answer as an id that does not exist."""

    def get_queryset(self):
        membership = self.context.get("membership")
        if membership is None:
            return Officer.objects.none()
        return creditable_officers(membership=membership)

    def get_choices(self, cutoff=None):
        """What HTML forms (the browsable API) offer: an officer is offered
        only themselves, never the tenant's list; colleagues go in by id."""
        membership = self.context.get("membership")
        if membership is not None and membership.role == Role.OFFICER:
            own = self.get_queryset().filter(user=membership.user)
            return {self.to_representation(o): self.display_value(o) for o in own}
        return super().get_choices(cutoff)


class CreditSerializer(serializers.ModelSerializer):
    class Meta:
        model = Credit
        fields = ["officer", "confirmed"]


class EntrySerializer(serializers.ModelSerializer):
    """Common part; subclasses add their kind's fields (``kind`` attribute)."""

    kind_code: str = ""
    officers = CreditableOfficerField(Officer, many=True)
    credits = CreditSerializer(many=True, read_only=True)
    duplicate_of = serializers.SerializerMethodField()
    reason = serializers.CharField(
        write_only=True,
        required=False,
        allow_blank=True,
        help_text="Why a verified entry is corrected.",
    )

    class Meta:
        model = Entry
        common = [
            "id",
            "kind",
            "title",
            "occurred_on",
            "officers",
            "credits",
            "status",
            "duplicate_of",
            "return_reason",
            "submitted_at",
            "verified_at",
            "created_at",
            "reason",
        ]
        read_only_fields = [
            "id",
            "kind",
            "credits",
            "status",
            "duplicate_of",
            "return_reason",
            "submitted_at",
            "verified_at",
            "created_at",
        ]

    @extend_schema_field(_EntryLink(allow_null=True))
    def get_duplicate_of(self, obj):
        dup = obj.duplicate_of
        return None if dup is None else {"id": dup.id, "title": dup.title}


class DetailMixin(serializers.Serializer):
    history = EntryEventSerializer(many=True, read_only=True)
    evidence = EvidenceSerializer(many=True, read_only=True)


class VisibleEntryField(TenantPrimaryKeyRelatedField):
    """A linked entry (an event's matched achievements and demands, a
    conversion's achievement, a case's conversion), resolved among the entries
    the caller can see, as the page form does: an entry out of reach gets the
    same answer as an id that does not exist."""

    def get_queryset(self):
        membership = self.context.get("membership")
        if membership is None:
            return Entry.objects.none()
        return entry_list(membership=membership)


class LinkableEntryField(VisibleEntryField):
    """A linked entry the caller may name without opening it: an event's or
    a conversion's ``matched``, a conversion's achievement (the other side
    of a suggested pair, as the page form offers)."""

    def get_queryset(self):
        membership = self.context.get("membership")
        if membership is None:
            return Entry.objects.none()
        # an edit keeps what the entry links already (as the page form does)
        instance = getattr(self.root, "instance", None)
        also = []
        if isinstance(instance, Entry):
            also = [*instance.matched.values_list("id", flat=True)]
            if instance.achievement_id:
                also.append(instance.achievement_id)
        return linkable_entries(membership=membership, kinds=EntryKind.values, also=also)


def _entry_field(kind: str, **kwargs):
    return VisibleEntryField(Entry, allow_null=True, required=False, **kwargs)


def _reference_field():
    return TenantPrimaryKeyRelatedField(Reference, allow_null=True, required=False)


@functools.cache
def serializer_for(kind: str, *, detail: bool = False) -> type[EntrySerializer]:
    """The serializer of one kind: common fields plus ``KIND_FIELDS[kind]``."""
    extra: dict = {}
    fields = KIND_FIELDS[kind]
    if "expert" in fields:
        extra["expert"] = _reference_field()
    if "enterprise" in fields:
        extra["enterprise"] = _reference_field()
    if "achievement" in fields:
        extra["achievement"] = LinkableEntryField(Entry, allow_null=True, required=False)
    if "conversion" in fields:
        extra["conversion"] = _entry_field(kind)
    if "matched" in fields:
        extra["matched"] = LinkableEntryField(Entry, many=True, required=False)
    meta_fields = [*EntrySerializer.Meta.common, *fields]
    bases = (DetailMixin, EntrySerializer) if detail else (EntrySerializer,)
    if detail:
        meta_fields += ["history", "evidence"]
    meta = type("Meta", (EntrySerializer.Meta,), {"fields": meta_fields})
    name = f"{EntryKind(kind).name.title()}{'Detail' if detail else ''}Serializer"
    return type(name, bases, {"Meta": meta, "kind_code": kind, **extra})


class TransitionSerializer(serializers.Serializer):
    """Body of submit / verify / withdraw: nothing."""


class ReturnSerializer(serializers.Serializer):
    reason = serializers.CharField()


class WithdrawSerializer(serializers.Serializer):
    """Body of withdraw: a manager's or admin's withdraw of someone else's
    entry is a return and needs ``reason``."""

    reason = serializers.CharField(required=False, allow_blank=True, default="")


class DeclineSerializer(serializers.Serializer):
    reason = serializers.CharField(required=False, allow_blank=True, default="")


class EvidenceUploadSerializer(serializers.Serializer):
    file = serializers.FileField()


class ReferenceSerializer(serializers.ModelSerializer):
    library = serializers.ChoiceField(choices=Library.choices)
    district = TenantSlugRelatedField(District, slug_field="code", allow_null=True, required=False)

    class Meta:
        model = Reference
        fields = ["id", "library", "name", "organisation", "field", "district", "contact", "note"]
        validators = []


__all__ = ["COMMON_FIELDS", "ReferenceSerializer", "serializer_for"]
