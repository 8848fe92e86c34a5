"""The migration linter (issue 17 item 5): migrations after the baseline
are refused when they lock a large table or break the running release;
main's migrations pass. The risky ones live in a test-only app,
tests/lintfixture, installed only here."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.db.migrations.loader import MigrationLoader
from django.test import modify_settings

from ops.management.commands.lintnewmigrations import BASELINE, read_baseline

# sqlmigrate on SQLite cannot run inside a test's transaction.
pytestmark = pytest.mark.django_db(transaction=True)

FIXTURE = modify_settings(INSTALLED_APPS={"append": "tests.lintfixture"})


def _baseline(tmp_path: Path, *names: str) -> str:
    path = tmp_path / "baseline.txt"
    extra = "".join(f"lintfixture {name}\n" for name in names)
    path.write_text(BASELINE.read_text(encoding="utf-8") + extra, encoding="utf-8")
    return str(path)


def _linted(out: str) -> int:
    """How many migrations the output lists (main's own after the baseline too;
    off PostgreSQL the concurrent index migrations read ``OK (ignored)``)."""
    return len(re.findall(r"^\(\w+, \w+\)\.\.\. (?:OK|OK \(ignored\)|ERR)$", out, re.M))


def test_mains_migrations_pass(capsys):
    call_command("lintnewmigrations")
    out = capsys.readouterr().out
    assert "ERR" not in out
    assert f"{_linted(out)} migration(s) after the baseline linted." in out
    # the list indexes build concurrently: clean on PostgreSQL's SQL; SQLite's
    # cannot say CONCURRENTLY, so there the operations answer for them
    read = "OK" if connection.vendor == "postgresql" else "OK (ignored)"
    assert f"(ledgers, 0008_list_indexes_no_join_ordering)... {read}\n" in out
    assert f"(roster, 0012_officer_list_index_no_join_ordering)... {read}\n" in out
    # the sharding migrations: their unique and NOT NULL checks answered for by
    # liaison.sharding on PostgreSQL; not linted on SQLite (a table rebuild there)
    sharded = "(ledgers, 0011_child_tenant_keys)... OK (ignored)\n"
    assert (sharded in out) is (connection.vendor == "postgresql")


def test_only_a_migration_of_sharding_operations_alone_has_their_checks_ignored():
    from django.db import migrations, models

    from liaison.sharding import AddCompositeUnique, SetNotNull
    from ops.management.commands.lintnewmigrations import sharding_only

    migration = migrations.Migration("0099_probe", "probe")
    assert not sharding_only(migration)  # nothing in it
    migration.operations = [
        AddCompositeUnique("probe_pony"),
        SetNotNull("pony", "tenant", models.IntegerField()),
    ]
    assert sharding_only(migration)
    migration.operations.append(
        migrations.AddConstraint("pony", models.UniqueConstraint(fields=["a"], name="pony_a"))
    )
    assert not sharding_only(migration)


def test_every_baseline_entry_is_a_migration_on_disk():
    on_disk = set(MigrationLoader(connection, load=True).disk_migrations)
    accepted = read_baseline(BASELINE)
    # + accounts 0009 and portability 0002 (reviewed); the list indexes of
    # ledgers 0008 and roster 0012 left it once they built concurrently; the
    # nine tenant_keys, three child_tenant_keys, roster 0017_grant_tenant_keys
    # and the two m2m_tenant_keys (citus-ready)
    assert len(accepted) == 53  # sixteen sharding migrations left (linted); quota rows json
    assert accepted <= on_disk


def test_a_new_not_null_column_and_a_plain_index_are_refused(tmp_path, capsys):
    with FIXTURE, pytest.raises(CommandError, match="2 migration"):
        call_command("lintnewmigrations", baseline=_baseline(tmp_path, "0001_initial"))
    out = capsys.readouterr().out
    assert "(lintfixture, 0002_add_nullable)... OK" in out
    assert "(lintfixture, 0003_add_not_null)... ERR" in out
    assert "(lintfixture, 0004_add_index)... ERR\n\tCREATE INDEX locks table" in out
    assert _linted(out) >= 3
    assert f"{_linted(out)} migration(s) after the baseline linted." in out


def test_a_nullable_column_passes(tmp_path, capsys):
    baseline = _baseline(tmp_path, "0001_initial", "0003_add_not_null", "0004_add_index")
    with FIXTURE:
        call_command("lintnewmigrations", baseline=baseline)
    out = capsys.readouterr().out
    assert "(lintfixture, 0002_add_nullable)... OK" in out
    assert "lintfixture, 0003" not in out and "lintfixture, 0004" not in out
    assert f"{_linted(out)} migration(s) after the baseline linted." in out


def test_the_fixture_app_is_not_installed_outside_these_tests():
    from django.apps import apps

    assert not apps.is_installed("tests.lintfixture")
