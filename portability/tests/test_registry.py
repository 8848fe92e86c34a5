"""Every table of the project is carried by a tenant export or named with
the reason it is not; parents are written before their children."""

from portability.registry import NOT_CARRIED, carried, project_models


def test_every_model_is_carried_or_explained():
    labels = {m._meta.label_lower for m in project_models()}
    assert labels == {spec.label for spec in carried()} | (labels & set(NOT_CARRIED))


def test_parents_come_first_and_the_audit_log_last():
    order = [spec.label for spec in carried()]
    for index, spec in enumerate(carried()):
        for field in spec.model._meta.concrete_fields:
            target = field.related_model._meta.label_lower if field.is_relation else None
            if target in order and target != spec.label:
                assert order.index(target) < index, (spec.label, target)
    assert order[-2:] == ["audit.auditevent", "audit.exportrecord"]
