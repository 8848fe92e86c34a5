"""The concurrent index operations of liaison/migration_operations.py:
``CREATE``/``DROP INDEX CONCURRENTLY`` on PostgreSQL, the plain statements
elsewhere, the plain operations' model state, refused inside a transaction
on every database; and the two list-index migrations built with them."""

from __future__ import annotations

import pytest
from django.db import NotSupportedError, connection, migrations, models
from django.db.migrations.state import ModelState, ProjectState

from liaison.migration_operations import AddIndexConcurrently, RemoveIndexConcurrently

# CONCURRENTLY cannot run inside the test's transaction.
pytestmark = pytest.mark.django_db(transaction=True)

APP = "migration_operations_probe"
TABLE = f"{APP}_pony"
INDEX = models.Index(fields=["weight", "pink"], name="pony_weight_pink")


def _state_with_pony() -> ProjectState:
    state = ProjectState()
    state.add_model(
        ModelState(
            APP,
            "Pony",
            [
                ("id", models.AutoField(primary_key=True)),
                ("pink", models.IntegerField(default=3)),
                ("weight", models.FloatField()),
            ],
        )
    )
    return state


@pytest.fixture
def pony():
    """A scratch table (and its state) for the operations to index."""
    state = _state_with_pony()
    model = state.apps.get_model(APP, "Pony")
    with connection.schema_editor() as editor:
        editor.create_model(model)
    yield state
    with connection.schema_editor() as editor:
        editor.delete_model(model)


def _indexes() -> dict[str, dict]:
    with connection.cursor() as cursor:
        constraints = connection.introspection.get_constraints(cursor, TABLE)
    return {name: c for name, c in constraints.items() if c["index"] and not c["primary_key"]}


def _valid_on_postgres(name: str) -> bool | None:
    """pg_index's word on the index: a concurrent build that failed leaves
    it invalid. None off PostgreSQL."""
    if connection.vendor != "postgresql":
        return None
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT i.indisvalid AND i.indisready FROM pg_index i "
            "JOIN pg_class c ON c.oid = i.indexrelid WHERE c.relname = %s",
            [name],
        )
        return cursor.fetchone()[0]


def _run(operation, state, *, backwards: bool = False, atomic: bool = False, collect=False):
    new_state = state.clone()
    operation.state_forwards(APP, new_state)
    with connection.schema_editor(atomic=atomic, collect_sql=collect) as editor:
        if backwards:
            operation.database_backwards(APP, editor, new_state, state)
        else:
            operation.database_forwards(APP, editor, state, new_state)
    return new_state, getattr(editor, "collected_sql", [])


def test_the_state_is_the_plain_operations_own():
    add_plain, add = migrations.AddIndex("pony", INDEX), AddIndexConcurrently("pony", INDEX)
    remove_plain = migrations.RemoveIndex("pony", INDEX.name)
    remove = RemoveIndexConcurrently("pony", INDEX.name)
    for plain, ours in ((add_plain, add), (remove_plain, remove)):
        a, b = _state_with_pony(), _state_with_pony()
        if isinstance(plain, migrations.RemoveIndex):
            migrations.AddIndex("pony", INDEX).state_forwards(APP, a)
            migrations.AddIndex("pony", INDEX).state_forwards(APP, b)
        plain.state_forwards(APP, a)
        ours.state_forwards(APP, b)
        assert a.models[APP, "pony"].options == b.models[APP, "pony"].options
        assert ours.deconstruct()[1:] == plain.deconstruct()[1:]
    assert AddIndexConcurrently.atomic is RemoveIndexConcurrently.atomic is False


def test_add_and_remove_forwards_and_backwards(pony):
    add = AddIndexConcurrently("pony", INDEX)
    indexed, _ = _run(add, pony)
    assert _indexes()[INDEX.name]["columns"] == ["weight", "pink"]
    assert _valid_on_postgres(INDEX.name) in (True, None)

    remove = RemoveIndexConcurrently("pony", INDEX.name)
    _run(remove, indexed)
    assert INDEX.name not in _indexes()
    _run(remove, indexed, backwards=True)  # rebuilt
    assert _indexes()[INDEX.name]["columns"] == ["weight", "pink"]
    assert _valid_on_postgres(INDEX.name) in (True, None)

    _run(add, pony, backwards=True)
    assert INDEX.name not in _indexes()


def test_the_sql_is_concurrent_on_postgres_only(pony):
    _, sql = _run(AddIndexConcurrently("pony", INDEX), pony, collect=True)
    (statement,) = sql
    if connection.vendor == "postgresql":
        assert statement.startswith('CREATE INDEX CONCURRENTLY "pony_weight_pink"')
    else:
        assert statement.startswith('CREATE INDEX "pony_weight_pink"')
    assert INDEX.name not in _indexes()  # collected, not run


@pytest.mark.parametrize(
    "operation",
    [AddIndexConcurrently("pony", INDEX), RemoveIndexConcurrently("pony", INDEX.name)],
    ids=["add", "remove"],
)
def test_refused_inside_a_transaction_on_every_database(pony, operation):
    state = pony
    if isinstance(operation, RemoveIndexConcurrently):
        state, _ = _run(AddIndexConcurrently("pony", INDEX), pony)
    with pytest.raises(NotSupportedError, match="set atomic = False"):
        _run(operation, state, atomic=True)


@pytest.mark.parametrize(
    "app_label, name",
    [
        ("ledgers", "0008_list_indexes_no_join_ordering"),
        ("roster", "0012_officer_list_index_no_join_ordering"),
    ],
)
def test_the_list_index_migrations_build_concurrently(app_label, name):
    from django.db.migrations.loader import MigrationLoader

    migration = MigrationLoader(None, ignore_no_migrations=True).get_migration(app_label, name)
    assert migration.atomic is False
    index_ops = [
        op
        for op in migration.operations
        if isinstance(op, (migrations.AddIndex, migrations.RemoveIndex))
    ]
    assert index_ops and all(
        isinstance(op, (AddIndexConcurrently, RemoveIndexConcurrently)) for op in index_ops
    )


def test_the_list_indexes_are_valid():
    """After ``migrate`` (the test database's): every index of the two
    migrations exists, and on PostgreSQL is valid."""
    names = {
        "ledgers_entry": {
            "entry_list_kind_date",
            "entry_list_kind_status_date",
            "entry_review_queue",
        },
        "roster_officer": {"officer_list_order"},
    }
    gone = {
        "ledgers_entry": "entry_tenant_kind_status",
        "roster_officer": "officer_tenant_cat_district",
    }
    with connection.cursor() as cursor:
        for table, wanted in names.items():
            present = set(connection.introspection.get_constraints(cursor, table))
            assert wanted <= present
            assert gone[table] not in present
    for name in set().union(*names.values()):
        assert _valid_on_postgres(name) in (True, None)


# --- the sharding operations that build concurrently (liaison/sharding.py) ---------------

UNIQUE_WEIGHT = models.UniqueConstraint(fields=["weight"], name="pony_weight_uniq")
UNIQUE_BOTH = models.UniqueConstraint(fields=["pink", "weight"], name="pony_pink_weight_uniq")


def _uniques() -> dict[str, list[str]]:
    with connection.cursor() as cursor:
        constraints = connection.introspection.get_constraints(cursor, TABLE)
    return {
        name: c["columns"]
        for name, c in constraints.items()
        if c["unique"] and not c["primary_key"] and name.startswith("pony_")
    }


def _sharding_operations():
    from liaison.sharding import AddCompositeUnique, AddUniqueConstraint, ReplaceUniqueConstraint

    return [
        AddCompositeUnique(TABLE, ("pink", "weight"), name="pony_pink_weight_uniq"),
        AddUniqueConstraint("pony", UNIQUE_WEIGHT),
        ReplaceUniqueConstraint("pony", "pony_weight_uniq", UNIQUE_BOTH),
    ]


@pytest.mark.parametrize("index", [0, 1, 2], ids=["composite", "add", "replace"])
def test_the_sharding_operations_are_refused_inside_a_transaction_on_every_database(pony, index):
    from liaison.sharding import AddUniqueConstraint

    operation = _sharding_operations()[index]
    state = pony
    if index == 2:
        state, _ = _run(AddUniqueConstraint("pony", UNIQUE_WEIGHT), pony)
    with pytest.raises(NotSupportedError, match="set atomic = False"):
        _run(operation, state, atomic=True)


def test_replace_unique_constraint_forwards_and_backwards(pony):
    from liaison.sharding import AddUniqueConstraint, ReplaceUniqueConstraint

    single, _ = _run(AddUniqueConstraint("pony", UNIQUE_WEIGHT), pony)
    assert _uniques() == {"pony_weight_uniq": ["weight"]}
    replace = ReplaceUniqueConstraint("pony", "pony_weight_uniq", UNIQUE_BOTH)
    both, _ = _run(replace, single)
    assert _uniques() == {"pony_pink_weight_uniq": ["pink", "weight"]}
    assert [c.name for c in both.models[APP, "pony"].options["constraints"]] == [
        "pony_pink_weight_uniq"
    ]
    _run(replace, single, backwards=True)
    assert _uniques() == {"pony_weight_uniq": ["weight"]}
