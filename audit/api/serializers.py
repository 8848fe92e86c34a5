"""The audit log in the API (API.md "Additions — Trust": Audit log)."""

from rest_framework import serializers

from audit.models import AuditEvent


class AuditEventSerializer(serializers.ModelSerializer):
    """``actor`` is the username (null for the system: jobs, commands)."""

    actor = serializers.SerializerMethodField()

    class Meta:
        model = AuditEvent
        fields = [
            "id",
            "at",
            "actor",
            "action",
            "object_type",
            "object_id",
            "changes",
            "request_id",
        ]
        read_only_fields = fields

    def get_actor(self, event: AuditEvent) -> str | None:
        return event.actor_username or None
