from django.apps import AppConfig
from django.db.models.signals import post_migrate, pre_migrate
from django.utils.translation import gettext_lazy as _


class ScoringConfig(AppConfig):
    name = "scoring"
    verbose_name = _("Points, rankings and reports")

    def ready(self):
        # SQLite drops a table's triggers when a migration rebuilds it: the
        # tenant triggers come off before ``migrate`` and go back on after it
        # (liaison.tenant_triggers). Sent once per run: this app is the sender.
        pre_migrate.connect(_drop_triggers, sender=self, dispatch_uid="tenant_triggers_drop")
        post_migrate.connect(_install_triggers, sender=self, dispatch_uid="tenant_triggers_install")
        from .export_jobs import ExportKind, register_export_kind
        from .tasks import build_ranking

        register_export_kind("ranking", ExportKind(build=build_ranking))


def _drop_triggers(sender, using="default", **kwargs):
    from liaison.tenant_triggers import drop_all

    drop_all(using)


def _install_triggers(sender, using="default", **kwargs):
    from liaison.tenant_triggers import install_all

    install_all(using)
