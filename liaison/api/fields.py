"""Related fields that resolve ids and codes inside the caller's tenant only,
so an id from another tenant is simply "does not exist"."""

from __future__ import annotations

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers


class _TenantScoped:
    def __init__(self, model, **kwargs):
        self.model = model
        super().__init__(**kwargs)

    def get_queryset(self):
        tenant = self.context.get("tenant")
        if tenant is None:
            return self.model.objects.none()
        return self.model.objects.for_tenant(tenant)


@extend_schema_field(OpenApiTypes.STR)
class TenantSlugRelatedField(_TenantScoped, serializers.SlugRelatedField):
    """A related object named by a code (``district: "d1"``) within the tenant."""


@extend_schema_field(OpenApiTypes.INT)
class TenantPrimaryKeyRelatedField(_TenantScoped, serializers.PrimaryKeyRelatedField):
    """A related object named by id within the tenant."""
