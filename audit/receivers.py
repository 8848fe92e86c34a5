"""Signal receivers of the audit app, connected in ``AuditConfig.ready``."""

from __future__ import annotations

from django.apps import apps
from django.contrib.auth.signals import user_logged_in, user_login_failed
from django.db.backends.signals import connection_created
from django.db.models.signals import post_migrate, pre_migrate

from . import context, db, services, triggers


def _post_migrate(sender, using="default", **kwargs) -> None:
    triggers.install(using)


def _pre_migrate(sender, using="default", **kwargs) -> None:
    triggers.drop_row_triggers(using)


def _login_failed(sender, credentials, request=None, **kwargs) -> None:
    username = str(credentials.get("username") or "")
    services.audit_login_failed(username=username, request=request)


def _logged_in(sender, request, user, **kwargs) -> None:
    services.audit_login(user=user, request=request)


def _locked_out(sender, request=None, username=None, ip_address=None, **kwargs) -> None:
    services.audit_login_locked(username=str(username or ""), request=request)


_task_contexts: dict[str, object] = {}


def _task_prerun(sender=None, task_id=None, task=None, **kwargs) -> None:
    if context.current() is not None:
        return  # an eager task inside a request keeps the request's actor
    manager = context.audit_context(request_id=f"task:{getattr(task, 'name', '')}:{task_id}")
    manager.__enter__()
    _task_contexts[task_id] = manager


def _task_postrun(sender=None, task_id=None, **kwargs) -> None:
    manager = _task_contexts.pop(task_id, None)
    if manager is not None:
        manager.__exit__(None, None, None)


def connect(app_config) -> None:
    connection_created.connect(db.on_connection_created, dispatch_uid="audit_connection")
    pre_migrate.connect(_pre_migrate, sender=app_config, dispatch_uid="audit_pre_migrate")
    post_migrate.connect(_post_migrate, sender=app_config, dispatch_uid="audit_post_migrate")
    user_login_failed.connect(_login_failed, dispatch_uid="audit_login_failed")
    user_logged_in.connect(_logged_in, dispatch_uid="audit_logged_in")
    if apps.is_installed("axes"):
        from axes.signals import user_locked_out

        user_locked_out.connect(_locked_out, dispatch_uid="audit_locked_out")
    from celery.signals import task_postrun, task_prerun

    task_prerun.connect(_task_prerun, dispatch_uid="audit_task_prerun", weak=False)
    task_postrun.connect(_task_postrun, dispatch_uid="audit_task_postrun", weak=False)
