"""The request's actor, tenant and id reach the triggers (token requests
too), cost no extra query, and never leak into later writes."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from audit.context import audit_context
from roster.models import District

from .conftest import recording

pytestmark = pytest.mark.django_db


def test_token_request_names_its_actor_and_id(world):
    entry = world.entries["event"]
    with recording(world.tenant) as rows:
        response = world.api("manager").patch(
            world.url(f"events/{entry.pk}/"),
            {"title": "新标题"},
            format="json",
            HTTP_X_REQUEST_ID="req-abc.123",
        )
    assert response.status_code == 200, response.content
    assert response["X-Request-ID"] == "req-abc.123"
    event = rows.one(action="update", object_type="entry")
    assert (event.actor_id, event.actor_username, event.request_id) == (
        world.users["manager"].pk,
        "alpha-manager",
        "req-abc.123",
    )


def test_a_malformed_request_id_is_replaced(world):
    response = world.api("admin").get(world.url("audit/"), HTTP_X_REQUEST_ID="x" * 300)
    assert len(response["X-Request-ID"]) == 32


def test_the_context_never_leaks_into_later_writes(world):
    world.api("admin").post(world.url("districts/"), {"code": "d9", "name": "九区"}, format="json")
    with recording() as rows:
        District.objects.filter(tenant=world.tenant, code="d9").update(name="九区二")
    event = rows.one(object_type="district")
    assert (event.actor_id, event.actor_username, event.request_id) == (None, "", "")


def test_a_context_block_names_a_command_or_task(world):
    with audit_context(request_id="task:demo:1"), recording() as rows:
        District.objects.filter(pk=world.districts["d1"].pk).update(name="一区改")
    assert rows.one(object_type="district").request_id == "task:demo:1"


def test_passing_the_context_costs_no_query(world):
    with audit_context(request_id="r1"), CaptureQueriesContext(connection) as queries:
        District.objects.filter(pk=world.districts["d1"].pk).update(name="一区改")
    assert len(queries) == 1
    if connection.vendor == "postgresql":
        assert queries[0]["sql"].startswith("SELECT set_config('audit.context', ")


@pytest.mark.postgres
@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL trigger context")
def test_postgres_trigger_reads_the_transaction_local_context(world):
    with connection.cursor() as cursor:
        cursor.execute("SELECT current_setting('audit.context', true)")
        before = cursor.fetchone()[0]
    with audit_context(request_id="pg-1") as ctx:
        ctx.actor_id, ctx.actor_username = world.users["auditor"].pk, "alpha-auditor"
        with recording() as rows:
            District.objects.filter(pk=world.districts["d2"].pk).update(name="二区改")
    event = rows.one(object_type="district")
    assert (event.actor_id, event.actor_username, event.request_id) == (
        world.users["auditor"].pk,
        "alpha-auditor",
        "pg-1",
    )
    assert before in (None, "")
